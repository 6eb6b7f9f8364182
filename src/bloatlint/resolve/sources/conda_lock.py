"""``conda-lock.yml``: one entry per package and platform with ``manager: conda|pip`` and
``dependencies: {name: spec}``. Conda names become the PyPI names they provide (``pytorch`` →
torch) so that they meet the declarations; native packages keep their conda name."""

from __future__ import annotations

from pathlib import Path

import yaml

from bloatlint.manifests.conda import conda_knowledge
from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical, location
from bloatlint.resolve.target import Target

_PLATFORMS = {
    ("linux", "x86_64"): "linux-64",
    ("linux", "aarch64"): "linux-aarch64",
    ("darwin", "x86_64"): "osx-64",
    ("darwin", "aarch64"): "osx-arm64",
    ("win32", "x86_64"): "win-64",
}


def matches(name: str) -> bool:
    return name == "conda-lock.yml" or name.endswith(".conda-lock.yml")


def python_name(conda_name: str, manager: str = "conda") -> str:
    if manager == "pip":
        return canonical(conda_name)
    knowledge = conda_knowledge()
    if knowledge.is_native(conda_name):
        return conda_name.lower()
    return knowledge.distribution(conda_name) or canonical(conda_name)


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    wanted = _PLATFORMS.get((target.system, target.machine), "linux-64")
    entries = [entry for entry in data.get("package", []) if isinstance(entry, dict)]
    platforms = {entry.get("platform") for entry in entries}
    if wanted not in platforms and platforms:
        wanted = sorted(str(platform) for platform in platforms)[0]
    graph = DependencyGraph(relative)
    for entry in entries:
        if entry.get("platform") != wanted:
            continue
        manager = str(entry.get("manager", "conda"))
        name = python_name(str(entry["name"]), manager)
        graph.add(
            name,
            version=str(entry.get("version", "")) or None,
            manager=manager,
            location=location(relative, text, str(entry["name"])),
        )
        for dep in entry.get("dependencies") or {}:
            graph.link(name, python_name(str(dep), manager))
    return graph
