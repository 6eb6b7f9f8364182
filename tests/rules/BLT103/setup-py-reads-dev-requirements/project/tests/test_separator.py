import separator


def test_import():
    assert separator
