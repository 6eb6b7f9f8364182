"""Sizes as people write them (``500MB``, ``2 GB``, ``1.5GiB``) and the size budget of
``--fail-on-bloat``.

Units: ``B``, decimal ``KB MB GB TB`` (powers of 1000, as package indexes and ``docker images``
show sizes) and binary ``KiB MiB GiB TiB``; case does not matter; a bare number is bytes.
The budget compares against ``summary["bloat_bytes"]``, the size of the packages nothing
uses, which only runs that know package sizes report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in ``text``; ``ValueError`` naming the accepted units when it is not a size."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (write e.g. 500MB, 2GB, 1.5GiB)")
    return round(float(match.group(1)) * _UNITS[unit])


def format_size(size: int) -> str:
    """``2.1 GB``: decimal units, one decimal below 10, as ``parse_size`` reads them back."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return _number(value, unit)
        value /= 1000
    return _number(value, "TB")


def _number(value: float, unit: str) -> str:
    if unit == "B":
        return f"{int(value)} B"
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def bloat_bytes(summary: Mapping[str, object]) -> int | None:
    """The size of unused packages, when the run knew sizes."""
    value = summary.get("bloat_bytes")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def over_budget(summary: Mapping[str, object], budget: int) -> bool | None:
    """Whether the unused packages exceed ``budget`` bytes; ``None`` when sizes are unknown."""
    size = bloat_bytes(summary)
    return None if size is None else size > budget
