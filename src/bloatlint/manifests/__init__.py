"""Manifest formats: one module each, registered here by name.

A format module exposes ``FORMAT = ManifestFormat(name, matches, parse)``. ``matches`` decides
from a path relative to the project root whether discovery should hand the file to ``parse``;
``parse(path, root)`` returns a :class:`~bloatlint.model.ParsedFile` or raises
:class:`~bloatlint.model.ManifestError`. Parsers never execute project code.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from bloatlint.model import ParsedFile


@dataclass(frozen=True)
class ManifestFormat:
    name: str
    matches: Callable[[PurePosixPath], bool]
    parse: Callable[[Path, Path], ParsedFile]


@cache
def formats() -> dict[str, ManifestFormat]:
    """Every format module in this package, by name."""
    found: dict[str, ManifestFormat] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, ManifestFormat):
            found[fmt.name] = fmt
    return found


def format_for(relative: PurePosixPath) -> ManifestFormat | None:
    """The format a discovered file belongs to, if any."""
    for fmt in formats().values():
        if fmt.matches(relative):
            return fmt
    return None


def relative_path(path: Path, root: Path) -> str:
    """The POSIX path of ``path`` relative to ``root`` as findings show it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
