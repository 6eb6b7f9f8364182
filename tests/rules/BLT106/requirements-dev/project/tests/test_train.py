import ipdb
import pytest

from train import train


def test_train() -> None:
    assert train and ipdb and pytest
