"""BLT105: a locked package that nothing declared needs: a leftover in the lockfile.

Every package of a lockfile (uv.lock, pylock.toml, poetry.lock, pdm.lock, conda-lock.yml,
pip-compile output, Pipfile.lock) should be reachable from a declaration of the project or a
package its code imports. One that is not was left behind when a declaration was removed and the
lock was not refreshed (or edited by hand); it is still installed from the lock. Reported at its
entry in the lock, with its size when known. Installer tools (pip, setuptools, wheel) and the
project itself are not reported.

Why it matters: a stale lock keeps installing what the project stopped asking for, and nothing
in the manifests shows it any more.

Example::

    # pyproject.toml: dependencies = ["requests"]     (tensorflow removed last month)
    # uv.lock still has [[package]] name = "tensorflow" ...

    uv.lock:212:1: BLT105 tensorflow 2.21.0 is locked but nothing declared needs it (1.9 GB, lock)

Fix: refresh the lock (``uv lock``, ``poetry lock``, ``pip-compile``), or declare the package if
it is needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.model import Finding
from bloatlint.resolve.graph import resolution_of
from bloatlint.resolve.sources.installed import is_installer_tool
from bloatlint.rules import Rule
from bloatlint.sizes import format_size


def check(analysis: Analysis) -> Iterator[Finding]:
    resolution = resolution_of(analysis)
    if resolution is None:
        return
    roots = {item.name for item in analysis.project.declared if not item.transitive}
    for imp in analysis.third_party_imports:
        roots |= set(analysis.names.dists_for_module(imp.module))
    for lock in resolution.locks:
        needed = lock.reachable(roots)
        for name, node in sorted(lock.nodes.items()):
            skip = name in needed or name in lock.elsewhere or node.is_project
            if skip or node.location is None:
                continue
            if is_installer_tool(name) or (node.manager == "conda" and not lock.edges):
                continue
            size = (
                f"{format_size(node.size.bytes)}, {node.size.source}"
                if node.size
                else "size unknown"
            )
            version = f" {node.version}" if node.version else ""
            text = f"{name}{version} is locked but nothing declared needs it ({size})"
            yield Finding(
                "BLT105",
                node.location,
                text,
                name,
                extra={
                    "size_bytes": node.size.bytes if node.size else None,
                },
            )


RULE = Rule(
    "BLT105",
    "leftover-in-lock",
    "A locked package that nothing declared needs",
    check,
    __doc__ or "",
)
