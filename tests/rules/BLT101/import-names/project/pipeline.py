import cv2
import fitz
import hydra
import umap
import yaml
from bs4 import BeautifulSoup
from dotenv import load_dotenv
from google.protobuf import json_format
from IPython.display import display
from PIL import Image
from sklearn.decomposition import PCA
