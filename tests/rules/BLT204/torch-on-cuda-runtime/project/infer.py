import torch
import torchvision
