"""What the engine, BLT101 and the reports ask of the graph: resolve once per run, the freed
size of each unused declaration, and the summary's size fields.

The kept roots of the redundancy computation are every declared distribution that is not a
removal candidate (used ones and those that stay declared, dev groups included) plus the
distributions the code uses without declaring them; candidates are the BLT101 packages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from bloatlint.analysis import Analysis
from bloatlint.model import Finding
from bloatlint.resolve import sources, target
from bloatlint.resolve.environment import Environment
from bloatlint.resolve.graph import (
    DependencyGraph,
    Freed,
    Resolution,
    bloat,
    redundancy,
    resolution_of,
)


def resolve_project(
    analysis: Analysis,
    environment: Environment | None,
    conda_prefix: Path | None = None,
    online: bool = False,
    index_url: str | None = None,
) -> Resolution:
    project = analysis.project
    goal = target.from_dockerfiles(project.dockerfiles) or target.running()
    if conda_prefix is None and environment is None and _declares_conda(analysis):
        env_prefix = os.environ.get("CONDA_PREFIX")
        conda_prefix = Path(env_prefix) if env_prefix else None
    lookup = None
    if online:
        from bloatlint.resolve import online as online_sizes

        lookup = online_sizes.filler(index_url, goal)
    return sources.resolve(
        project.root,
        project.files,
        goal,
        lambda name: project.names.requires(name),
        environment,
        conda_prefix,
        lookup,
    )


def _declares_conda(analysis: Analysis) -> bool:
    return any(item.manager.value == "conda" for item in analysis.project.declared)


def kept_roots(analysis: Analysis, candidates: Iterable[str]) -> set[str]:
    removed = set(candidates)
    kept = {item.name for item in analysis.project.declared} - removed
    for imp in analysis.third_party_imports:
        kept |= set(analysis.names.dists_for_module(imp.module)) - removed
    return kept


def freed(analysis: Analysis, candidates: Sequence[str]) -> dict[str, Freed]:
    """Freed packages and bytes per candidate; empty when the run has no graph."""
    resolution = resolution_of(analysis)
    if resolution is None or resolution.graph is None:
        return {}
    return redundancy(resolution.graph, kept_roots(analysis, candidates), candidates)


def summary_fields(analysis: Analysis, findings: Sequence[Finding]) -> dict[str, object]:
    resolution = resolution_of(analysis)
    if resolution is None or resolution.graph is None:
        return {"sizes": "unknown", "environment_bytes": None, "bloat_bytes": None}
    graph = resolution.graph
    candidates = sorted({f.package for f in findings if f.code == "BLT101" and f.package})
    removed = bloat(graph, kept_roots(analysis, candidates), candidates)
    environment = graph.environment_bytes()
    bloat_bytes, unknown = graph.size_of(removed)
    known = environment is not None
    by_manager: dict[str, dict[str, int]] = {}
    for name, node in graph.nodes.items():
        if node.is_project or node.size is None:
            continue
        entry = by_manager.setdefault(node.manager, {"bytes": 0, "bloat_bytes": 0})
        entry["bytes"] += node.size.bytes
        if name in removed:
            entry["bloat_bytes"] += node.size.bytes
    return {
        "sizes": f"{graph.source}; sizes: "
        + ", ".join(f"{key} {count}" for key, count in graph.size_sources().items()),
        "target": resolution.target,
        "environment_bytes": environment,
        "bloat_bytes": bloat_bytes if known else None,
        "bloat_packages": sorted(removed),
        "bloat_unknown_sizes": list(unknown),
        "by_manager": by_manager,
        "largest_packages": _largest(graph, removed),
        "notes": list(resolution.notes),
    }


def _largest(graph: DependencyGraph, removed: set[str], count: int = 15) -> list[dict[str, object]]:
    """The ``count`` largest packages of known size, each marked bloat or not."""
    sized = [
        (node.size.bytes, name)
        for name, node in graph.nodes.items()
        if not node.is_project and node.size is not None
    ]
    sized.sort(key=lambda pair: (-pair[0], pair[1]))
    return [{"name": name, "bytes": size, "bloat": name in removed} for size, name in sized[:count]]
