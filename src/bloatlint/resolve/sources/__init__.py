"""Where the dependency graph comes from, best source first.

1. an installed environment (``--python``, the project's ``.venv``) read with pipdeptree, merged
   with a conda prefix's ``conda-meta`` (``--conda-prefix``; ``$CONDA_PREFIX`` only when the
   project declares conda packages and names no other environment, because the active conda
   environment of the person or hook running bloatlint is often not the project's);
2. the project's lockfiles, in this order: uv.lock, pylock.toml, poetry.lock, pdm.lock,
   conda-lock.yml, pip-compile output, Pipfile.lock. A format without edges (Pipfile.lock,
   pylock.toml as uv and pip write it) takes its edges from the bundled knowledge and says so.

Every lockfile read is kept (BLT105 looks for leftovers in each). Nothing found: no graph, and
the summary says sizes and trees are unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from bloatlint.resolve import sizes
from bloatlint.resolve.environment import Environment
from bloatlint.resolve.graph import DependencyGraph, Resolution
from bloatlint.resolve.sources import (
    conda_lock,
    conda_meta,
    installed,
    pdm_lock,
    pip_compile,
    pipfile_lock,
    poetry_lock,
    pylock,
    uv_lock,
)
from bloatlint.resolve.target import Target

Reader = Callable[[Path, str, Target], DependencyGraph]


def _reader_for(path: Path, name: str) -> tuple[int, Reader] | None:
    if name in uv_lock.NAMES:
        return 0, uv_lock.read
    if pylock.matches(name):
        return 1, pylock.read
    if name in poetry_lock.NAMES:
        return 2, poetry_lock.read
    if name in pdm_lock.NAMES:
        return 3, pdm_lock.read
    if conda_lock.matches(name):
        return 4, conda_lock.read
    if name.endswith(".txt") and ("requirements" in name or "lock" in name):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:600]
        except OSError:
            return None
        if pip_compile.matches_text(head):
            return 5, pip_compile.read
    if name in pipfile_lock.NAMES:
        return 6, pipfile_lock.read
    return None


def read_lockfiles(
    root: Path, files: Iterable[str], target: Target
) -> tuple[list[DependencyGraph], list[str]]:
    found: list[tuple[int, int, str, Reader]] = []
    for relative in files:
        pure = PurePosixPath(relative)
        chosen = _reader_for(root / relative, pure.name)
        if chosen is not None:
            found.append((chosen[0], len(pure.parts), relative, chosen[1]))
    graphs, notes = [], []
    for _, _, relative, reader in sorted(found):
        try:
            graphs.append(reader(root / relative, relative, target))
        except Exception as error:  # a broken lock must not stop the run
            notes.append(f"{relative} could not be read as a lockfile: {error}")
    return graphs, notes


def resolve(
    root: Path,
    files: Iterable[str],
    target: Target,
    requires: Callable[[str], Iterable[str]],
    environment: Environment | None = None,
    conda_prefix: Path | None = None,
    online: Callable[[DependencyGraph], None] | None = None,
) -> Resolution:
    locks, notes = read_lockfiles(root, files, target)
    conda = conda_meta.read(conda_prefix) if conda_prefix is not None else None
    graph: DependencyGraph | None = None
    if environment is not None:
        graph = installed.read(environment)
    if conda is not None:
        graph = conda if graph is None else merge(conda, graph)
    if graph is None and locks:
        with_edges = [lock for lock in locks if lock.has_edges]
        graph = with_edges[0] if with_edges else locks[0]
    for lock in locks:
        if not lock.has_edges:
            _knowledge_edges(lock, requires)
        sizes.fill_from_knowledge(lock)
        if online is not None:
            online(lock)
    if graph is not None:
        notes += graph.notes
    return Resolution(graph, tuple(locks), conda, target.description, tuple(notes))


def merge(first: DependencyGraph, second: DependencyGraph) -> DependencyGraph:
    """``first``'s nodes, then ``second``'s that ``first`` lacks; edges of both."""
    merged = DependencyGraph(f"{first.source} + {second.source}")
    for graph in (first, second):
        for name, node in graph.nodes.items():
            if name not in merged.nodes:
                merged.nodes[name] = node
                merged.edges.setdefault(name, set())
        for parent, children in graph.edges.items():
            for child in children:
                merged.link(parent, child)
        merged.notes += graph.notes
    return merged


def _knowledge_edges(graph: DependencyGraph, requires: Callable[[str], Iterable[str]]) -> None:
    for name in list(graph.nodes):
        for child in requires(name):
            if child in graph.nodes:
                graph.link(name, child)
    graph.notes.append("its edges come from bloatlint's bundled knowledge")


__all__ = ["installed", "read_lockfiles", "resolve"]
