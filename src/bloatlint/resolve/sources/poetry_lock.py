"""``poetry.lock``: ``[package.dependencies]`` (a version string or a table with ``markers``
and ``optional``); no sizes (the knowledge fills what it can)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical, location
from bloatlint.resolve.target import Target

NAMES = ("poetry.lock",)


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    graph = DependencyGraph(relative)
    for package in tomllib.loads(text).get("package", []):
        name = canonical(package["name"])
        graph.add(
            name, version=package.get("version"), location=location(relative, text, package["name"])
        )
        for dep_name, spec in package.get("dependencies", {}).items():
            specs = spec if isinstance(spec, list) else [spec]
            for one in specs:
                table = one if isinstance(one, dict) else {}
                if table.get("optional") or not target.accepts(table.get("markers")):
                    continue
                graph.link(name, canonical(dep_name))
                break
    return graph
