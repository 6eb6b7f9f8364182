import jax
import torch
import transformers
