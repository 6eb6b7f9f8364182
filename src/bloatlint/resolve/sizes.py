"""Installed sizes of distributions, each with its source; unknown stays unknown (None).

Sources, best first:

``installed``
    the bytes on disk of the files a distribution's ``RECORD`` lists (pipdeptree's
    ``size-raw``), or of a conda package's ``paths_data``.
``lock``
    the size of the wheel that fits the target (uv.lock and pylock.toml record it) times an
    unpacked/wheel factor. The factor is the package's own measured ratio when
    ``knowledge/sizes.csv`` has it (``scripts/measure_sizes.py`` records it from the wheel's
    zip directory); else :data:`NVIDIA_FACTOR` for ``nvidia-*``/``cuda-*`` wheels (mostly
    already-compressed shared libraries); else :data:`PURE_FACTOR` for pure-Python wheels
    (``*-none-any.whl``: text compresses well); else :data:`DEFAULT_FACTOR`.
    Fitted on ``measured-wheel-sizes.csv`` (72 wheels >= 0.1 MB, Linux x86_64, CPython 3.11):
    the median ratio is 2.60 (quartiles 1.62 and 3.44, range 1.11-5.0); nvidia wheels' median
    1.67, other binary wheels' 2.71, pure-Python wheels' 3.91 (quartiles 2.75 and 4.44), the
    last confirmed by the 18 pure-Python wheels >= 0.1 MB installed by ``benchmarks/sizes.py``
    (median 3.87, quartiles 3.47 and 4.16; smaller ones run lower, 3.45). A single estimate
    is therefore within ±35% for half of the packages; per-package factors remove most of
    that for the heavy packages that dominate a total.
``knowledge``
    a measured installed size from ``knowledge/sizes.csv`` (name, version, date), used when a
    lock has no wheel sizes (poetry.lock, pdm.lock, pip-compile output, conda-lock).
``online``
    ``--online`` only: the wheel size from the index's PEP 691 JSON simple API, times the
    factor above, cached on disk (see :mod:`bloatlint.resolve.online`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from packaging.utils import canonicalize_name

from bloatlint.resolve.graph import DependencyGraph, Size
from bloatlint.resolve.target import Target

DEFAULT_FACTOR = 2.6
NVIDIA_FACTOR = 1.6
PURE_FACTOR = 3.9


@dataclass(frozen=True)
class KnownSize:
    name: str
    version: str
    installed_bytes: int
    wheel_bytes: int | None
    measured: str


@cache
def knowledge_sizes() -> dict[str, KnownSize]:
    """The newest measured size per distribution, from ``knowledge/sizes.csv``."""
    text = resources.files("bloatlint").joinpath("knowledge", "sizes.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    found: dict[str, KnownSize] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        name = canonicalize_name(row["name"])
        wheel = row.get("wheel_bytes") or ""
        found[name] = KnownSize(
            name,
            row["version"],
            int(row["installed_bytes"]),
            int(wheel) if wheel else None,
            row.get("measured", ""),
        )  # later rows (newer measurements) win
    return found


def factor_for(name: str, filename: str = "") -> float:
    """The unpacked/wheel ratio for ``name``'s wheel ``filename`` (when known)."""
    known = knowledge_sizes().get(name)
    if known is not None and known.wheel_bytes and known.wheel_bytes >= 100_000:
        return known.installed_bytes / known.wheel_bytes
    if name.startswith(("nvidia-", "cuda-")):
        return NVIDIA_FACTOR
    if filename.endswith("-none-any.whl"):
        return PURE_FACTOR
    return DEFAULT_FACTOR


def from_wheel(name: str, wheel_bytes: int, source: str = "lock", filename: str = "") -> Size:
    factor = factor_for(name, filename)
    return Size(round(wheel_bytes * factor), source, f"wheel {wheel_bytes} B x {factor:.2f}")


def from_knowledge(name: str) -> Size | None:
    known = knowledge_sizes().get(name)
    if known is None:
        return None
    return Size(known.installed_bytes, "knowledge", f"{name} {known.version}, {known.measured}")


def best_wheel_file(
    wheels: Iterable[tuple[str, int | None]], target: Target
) -> tuple[str, int] | None:
    """The filename and size of the wheel ``target`` would install, from ``(filename,
    size)`` pairs."""
    ranked = [
        (rank, filename, size)
        for filename, size in wheels
        if size is not None and (rank := target.wheel_rank(filename)) is not None
    ]
    if not ranked:
        return None
    _, filename, size = max(ranked)
    return filename, size


def best_wheel(wheels: Iterable[tuple[str, int | None]], target: Target) -> int | None:
    """The size of the wheel ``target`` would install."""
    best = best_wheel_file(wheels, target)
    return best[1] if best is not None else None


def size_of_wheels(
    name: str, wheels: Iterable[tuple[str, int | None]], target: Target, source: str = "lock"
) -> tuple[int | None, Size | None]:
    """The wheel bytes that fit ``target`` and the installed size estimated from them."""
    best = best_wheel_file(wheels, target)
    if best is None:
        return None, None
    filename, wheel_bytes = best
    return wheel_bytes, from_wheel(name, wheel_bytes, source, filename)


def fill_from_knowledge(graph: DependencyGraph) -> None:
    """Give every node without a size the measured one, where the knowledge has it."""
    for node in graph.nodes.values():
        if node.size is None and not node.is_project:
            node.size = from_knowledge(node.name)


def record_size(dist_info: Path) -> int | None:
    """Bytes on disk of the files a ``.dist-info/RECORD`` lists (stat, not the size column,
    which is empty for byte code); None when there is no RECORD."""
    record = dist_info / "RECORD"
    try:
        text = record.read_text(encoding="utf-8")
    except OSError:
        return None
    base = dist_info.parent
    total = 0
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        try:
            total += (base / row[0]).stat().st_size
        except OSError:
            continue
    return total
