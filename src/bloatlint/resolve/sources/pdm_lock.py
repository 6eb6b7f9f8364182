"""``pdm.lock``: ``dependencies = ["requirement strings"]`` per package; no sizes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical, location
from bloatlint.resolve.target import Target

NAMES = ("pdm.lock",)


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    graph = DependencyGraph(relative)
    for package in tomllib.loads(text).get("package", []):
        name = canonical(package["name"])
        graph.add(
            name, version=package.get("version"), location=location(relative, text, package["name"])
        )
        for line in package.get("dependencies", []):
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if target.accepts(str(req.marker) if req.marker else None):
                graph.link(name, canonical(req.name))
    return graph
