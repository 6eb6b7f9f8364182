import pytest
from fastapi.testclient import TestClient

from app.main import app


@pytest.fixture
def client():
    return TestClient(app)


def test_score_rejects_missing_text(client):
    assert client.post("/score").status_code == 422
