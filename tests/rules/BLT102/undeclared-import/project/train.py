import os

import torch
import yaml
from cv2 import imread

config = yaml.safe_load(open(os.environ["CONFIG"]))
