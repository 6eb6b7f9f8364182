"""The model's own code, which its checkpoint ships for trust_remote_code."""

import pyvips


def crops(path):
    return pyvips.Image.new_from_file(path)
import torch
