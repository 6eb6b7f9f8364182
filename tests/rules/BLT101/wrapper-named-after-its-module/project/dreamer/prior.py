import pynvml
import torch


def free_memory() -> int:
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(0)
    return pynvml.nvmlDeviceGetMemoryInfo(handle).free


def zeros() -> torch.Tensor:
    return torch.zeros(free_memory() // 4)
