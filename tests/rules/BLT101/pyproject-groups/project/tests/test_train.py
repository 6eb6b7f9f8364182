import pytest

from classifier import train


def test_train_needs_data():
    with pytest.raises(ValueError):
        train([], [])
