"""An installed environment, through pipdeptree's JSON output.

pipdeptree 4.x is a command-line program (the Python API is gone). It is always given the
site-packages folders explicitly (``--path``): it would otherwise read ``$VIRTUAL_ENV``, which
inside a pre-commit hook is the hook's own environment. ``-x active`` adds the edges of extras
that are installed; ``-c size-raw`` is the sum of ``stat()`` over each distribution's RECORD
files, in bytes. When pipdeptree cannot be run, the metadata bloatlint already read gives the
edges and ``RECORD`` the sizes, and a note says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bloatlint.resolve import sizes
from bloatlint.resolve.environment import Environment
from bloatlint.resolve.graph import DependencyGraph, Size
from bloatlint.resolve.sources._common import canonical

_INSTALLER_TOOLS = frozenset({"pip", "setuptools", "wheel", "pipdeptree"})


def pipdeptree_command() -> str | None:
    beside = Path(sys.executable).parent / "pipdeptree"
    return str(beside) if beside.is_file() else shutil.which("pipdeptree")


def read(environment: Environment) -> DependencyGraph:
    graph = DependencyGraph(f"installed environment ({environment.description})")
    command = pipdeptree_command()
    data = _run_pipdeptree(command, environment.site_dirs) if command else None
    if data is None:
        graph.notes.append("pipdeptree could not be run: edges and sizes read from metadata")
        return _from_metadata(environment, graph)
    for entry in data:
        package = entry.get("package", {})
        name = canonical(package.get("key") or package.get("package_name", ""))
        size = package.get("computed", {}).get("size_raw")
        graph.add(
            name,
            version=package.get("installed_version"),
            size=Size(int(size), "installed") if isinstance(size, int) else None,
        )
        for dep in entry.get("dependencies", []):
            if dep.get("installed_version") not in (None, "?"):
                graph.link(name, canonical(dep.get("key") or dep["package_name"]))
    return graph


def _run_pipdeptree(
    command: str | None, site_dirs: tuple[Path, ...]
) -> list[dict[str, Any]] | None:
    if command is None or not site_dirs:
        return None
    argv = [command, "-o", "json", "-x", "active", "-c", "size-raw", "-w", "silence"]
    for site in site_dirs:
        argv += ["--path", str(site)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
        data = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return None
    return data if isinstance(data, list) else None


def _from_metadata(environment: Environment, graph: DependencyGraph) -> DependencyGraph:
    installed = {dist.name for dist in environment.dists}
    for dist in environment.dists:
        size = None
        for site in environment.site_dirs:
            for info in site.glob("*.dist-info"):
                if canonical(info.name.split("-", 1)[0]) == dist.name:
                    size = sizes.record_size(info)
                    break
            if size is not None:
                break
        graph.add(
            dist.name,
            version=dist.version,
            size=Size(size, "installed") if size is not None else None,
        )
        for child in dist.requires:
            if child in installed:
                graph.link(dist.name, child)
    return graph


def is_installer_tool(name: str) -> bool:
    return name in _INSTALLER_TOOLS
