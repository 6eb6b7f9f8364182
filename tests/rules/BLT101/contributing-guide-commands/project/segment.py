import numpy as np


def mask(image):
    return np.asarray(image) > 0
