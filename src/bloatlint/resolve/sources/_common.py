"""Helpers the lockfile readers share."""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name

from bloatlint.model import Location


def line_of(text: str, name: str, key: str = "name") -> int:
    """The 1-based line where ``key = "name"`` (TOML) or ``key: name`` (YAML) first appears."""
    pattern = re.compile(
        rf"^\s*-?\s*{key}\s*[=:]\s*[\"']?{re.escape(name)}[\"']?\s*$", re.IGNORECASE | re.MULTILINE
    )
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def location(relative: str, text: str, name: str, key: str = "name") -> Location:
    return Location(relative, line_of(text, name, key))


def canonical(name: str) -> str:
    return canonicalize_name(name)


def wheel_filename(url_or_name: str) -> str:
    return url_or_name.rsplit("/", 1)[-1].split("#", 1)[0]
