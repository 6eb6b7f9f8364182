"""A conda prefix's ``conda-meta/*.json``: one record per installed conda package, with
``depends`` (conda match specs) and ``paths_data.paths[].size_in_bytes`` (else the files are
stat'ed). Names become the PyPI names they provide, as in conda-lock."""

from __future__ import annotations

import json
from pathlib import Path

from bloatlint.resolve.graph import DependencyGraph, Size
from bloatlint.resolve.sources.conda_lock import python_name


def read(prefix: Path) -> DependencyGraph:
    graph = DependencyGraph(f"conda prefix {prefix}")
    for record_path in sorted((prefix / "conda-meta").glob("*.json")):
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or "name" not in record:
            continue
        name = python_name(str(record["name"]))
        size = _size(prefix, record)
        graph.add(
            name,
            version=str(record.get("version", "")) or None,
            manager="conda",
            size=Size(size, "installed", "conda-meta") if size is not None else None,
        )
        for spec in record.get("depends", []):
            dep = str(spec).split()[0] if str(spec).strip() else ""
            if dep and not dep.startswith("__"):  # __glibc, __cuda: virtual, not installed
                graph.link(name, python_name(dep))
    for node in graph.nodes.values():  # a dependency read before its own record
        node.manager = "conda"
    return graph


def _size(prefix: Path, record: dict[str, object]) -> int | None:
    paths_data = record.get("paths_data")
    entries = paths_data.get("paths") if isinstance(paths_data, dict) else None
    if isinstance(entries, list) and entries:
        known = [entry.get("size_in_bytes") for entry in entries if isinstance(entry, dict)]
        if all(isinstance(size, int) for size in known):
            return sum(int(size) for size in known if isinstance(size, int))
    files = record.get("files")
    if not isinstance(files, list):
        return None
    total = 0
    for relative in files:
        try:
            total += (prefix / str(relative)).lstat().st_size
        except OSError:
            continue
    return total
