"""Inline suppressions: ``# bloatlint: ignore[BLT101,BLT103]``, ``# noqa: BLT101`` or bare
``# noqa`` / ``# bloatlint: ignore`` (all codes) in a comment on the declaring line."""

from __future__ import annotations

import re

ALL = "*"

_MARKER = re.compile(
    r"#\s*(?:bloatlint:\s*ignore|noqa)(?:\s*\[\s*(?P<bracket>[^\]]*)\]|\s*:\s*(?P<colon>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


def suppressed_codes(text: str) -> frozenset[str]:
    """The codes a line's comment suppresses; ``{"*"}`` for all, empty for none."""
    codes: set[str] = set()
    for match in _MARKER.finditer(text):
        listed = match.group("bracket") or match.group("colon")
        if listed is None:
            return frozenset({ALL})
        codes.update(code.upper() for code in re.split(r"[\s,]+", listed) if code)
    return frozenset(codes)


def is_suppressed(code: str, codes: frozenset[str]) -> bool:
    return ALL in codes or code in codes
