import os

import torch
import yaml
from cv2 import imread
from google.cloud import storage
from google.colab import drive

config = yaml.safe_load(open(os.environ["CONFIG"]))
