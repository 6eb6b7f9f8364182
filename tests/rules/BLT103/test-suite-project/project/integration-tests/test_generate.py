import pytest


@pytest.mark.asyncio
async def test_generate(client, snapshot):
    assert {"text": "hi"} == snapshot
