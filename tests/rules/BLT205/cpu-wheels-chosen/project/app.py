import jax
import tensorflow
import torch
import torchaudio
import torchvision
