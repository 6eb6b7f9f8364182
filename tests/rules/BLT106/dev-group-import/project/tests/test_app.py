import pytest
from rich import print

from service.app import app


def test_app() -> None:
    print(app)
    assert pytest
