import jax
import tensorflow
import torch

device = torch.device("cpu")
