import rich
import tqdm
from IPython import InteractiveShell

from client import fetch


def test_fetch() -> None:
    assert fetch and rich and tqdm and InteractiveShell
