import einops
import torch

print(torch.ones(2), einops)
