"""``Pipfile.lock``: pinned packages of the ``default`` and ``develop`` sections with markers;
the format records no dependency edges, so the graph says so and the caller takes them from
elsewhere (an installed environment, the bundled knowledge)."""

from __future__ import annotations

import json
from pathlib import Path

from bloatlint.model import Location
from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.sources._common import canonical
from bloatlint.resolve.target import Target

NAMES = ("Pipfile.lock",)


def read(path: Path, relative: str, target: Target) -> DependencyGraph:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    graph = DependencyGraph(relative, has_edges=False)
    graph.notes.append(f"{relative} records no dependency edges")
    for section in ("default", "develop"):
        for raw, info in (data.get(section) or {}).items():
            if not target.accepts(info.get("markers")):
                continue
            version = str(info.get("version", "")).lstrip("=") or None
            at = text.find(f'"{raw}":')
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            graph.add(canonical(raw), version=version, location=Location(relative, line))
    return graph
