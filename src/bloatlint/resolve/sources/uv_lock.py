"""``uv.lock``: packages with ``dependencies = [{name, marker?, extra?}]``, the project's own
optional and dev groups, and ``wheels[].size``. Forked resolutions (one name, several versions
with ``resolution-markers``) keep the version whose markers hold for the target."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from bloatlint.resolve import sizes
from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical, location, wheel_filename
from bloatlint.resolve.target import Target

NAMES = ("uv.lock",)


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    graph = DependencyGraph(relative)
    chosen: dict[str, dict[str, Any]] = {}
    for package in data.get("package", []):
        markers = package.get("resolution-markers")
        if markers and not any(target.accepts(marker) for marker in markers):
            continue
        chosen.setdefault(canonical(package["name"]), package)
    pending_extras: list[tuple[str, str]] = []
    for name, package in chosen.items():
        source = package.get("source", {})
        is_project = any(key in source for key in ("virtual", "editable", "directory"))
        wheels = [
            (
                wheel_filename(wheel.get("filename") or wheel.get("url") or wheel.get("path", "")),
                wheel.get("size"),
            )
            for wheel in package.get("wheels", [])
        ]
        wheel_bytes, size = sizes.size_of_wheels(name, wheels, target)
        graph.add(
            name,
            version=package.get("version"),
            is_project=is_project,
            location=location(relative, text, package["name"]),
            wheel_bytes=wheel_bytes,
            size=size,
        )
        groups = [package.get("dependencies", [])]
        if is_project:
            groups += list(package.get("optional-dependencies", {}).values())
            groups += list(package.get("dev-dependencies", {}).values())
        for group in groups:
            for dep in group:
                if not target.accepts(dep.get("marker")):
                    graph.elsewhere.add(canonical(dep["name"]))
                    continue
                child = canonical(dep["name"])
                graph.link(name, child)
                pending_extras += [(child, extra) for extra in dep.get("extra", [])]
    for child, extra in pending_extras:
        package = chosen.get(child)
        for dep in (package or {}).get("optional-dependencies", {}).get(extra, []):
            if target.accepts(dep.get("marker")):
                graph.link(child, canonical(dep["name"]))
    return graph
