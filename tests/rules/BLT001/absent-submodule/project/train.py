import sys

import torch

sys.path.insert(0, "vendor/sd-scripts")
