import quant_cuda
import torch
import triton
from fastquant_cpu._ops import pack


def quantize(weight: torch.Tensor) -> torch.Tensor:
    return quant_cuda.quantize(pack(weight), triton.cdiv(weight.numel(), 128))
