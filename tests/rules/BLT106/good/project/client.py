from typing import TYPE_CHECKING

import numpy
import requests

try:
    from rich import print
except ImportError:
    print = __builtins__["print"]

if TYPE_CHECKING:
    from IPython import InteractiveShell

import tqdm  # noqa: BLT106


def fetch(url: str) -> "numpy.ndarray":
    print(url)
    return numpy.array(requests.get(url, timeout=10).json())


def shell() -> "InteractiveShell | None":
    return None
