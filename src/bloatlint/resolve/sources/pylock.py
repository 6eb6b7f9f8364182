"""``pylock.toml`` (PEP 751), read through ``packaging.pylock``. Dependency edges are optional
in the format and uv's export and ``pip lock`` leave them out: the graph then says it has none
and the caller takes edges from elsewhere. uv fills ``wheels[].size``; pip does not."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

from packaging.pylock import Pylock

from bloatlint.resolve import sizes
from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical, location, wheel_filename
from bloatlint.resolve.target import Target


def matches(name: str) -> bool:
    return name == "pylock.toml" or (name.startswith("pylock.") and name.endswith(".toml"))


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    lock = Pylock.from_dict(tomllib.loads(text))
    graph = DependencyGraph(relative, has_edges=False)
    for package in lock.packages:
        if package.marker is not None and not target.accepts(str(package.marker)):
            continue
        name = canonical(str(package.name))
        wheels = [
            (
                wheel.name or wheel_filename(wheel.url or str(PurePosixPath(wheel.path or ""))),
                wheel.size,
            )
            for wheel in package.wheels or ()
        ]
        wheel_bytes, size = sizes.size_of_wheels(name, wheels, target)
        graph.add(
            name,
            version=str(package.version) if package.version else None,
            location=location(relative, text, str(package.name)),
            wheel_bytes=wheel_bytes,
            size=size,
            is_project=package.directory is not None,
        )
        for dep in package.dependencies or ():
            dep_name = dep.get("name") if isinstance(dep, dict) else None
            if isinstance(dep_name, str):
                graph.has_edges = True
                graph.link(name, canonical(dep_name))
    if not graph.has_edges:
        graph.notes.append(f"{relative} records no dependency edges")
    return graph
