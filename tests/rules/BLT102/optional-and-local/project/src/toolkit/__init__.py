from typing import TYPE_CHECKING

import numpy

from toolkit import helpers

try:
    import orjson as json
except ImportError:
    import json

if TYPE_CHECKING:
    import pandas

import scipy  # noqa: BLT102
