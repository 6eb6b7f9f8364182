import sys
from pathlib import Path

import requests

# the scripts folder goes on sys.path at run time
sys.path.append(str(Path(__file__).parent.parent / "scripts"))
import prepare_data


def test_prepare():
    assert len(prepare_data.prepare(3)) == 3
    assert requests.codes.ok == 200
