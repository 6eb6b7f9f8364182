"""``--online``: wheel sizes from the package index's JSON simple API (PEP 691, ``files[].size``
from PEP 700), for nodes no other source sized. The index is ``--index-url``, else
``PIP_INDEX_URL``, else pip's configuration (``global.index-url`` in pip.conf / pip.ini); no
index host is written here, and nothing is looked up without an index. Answers are cached under
``$XDG_CACHE_HOME/bloatlint/simple`` (default ``~/.cache``). Off by default; never in tests.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bloatlint.resolve import sizes
from bloatlint.resolve.graph import DependencyGraph
from bloatlint.resolve.target import Target

_ACCEPT = "application/vnd.pypi.simple.v1+json"


def index_url(explicit: str | None = None) -> str | None:
    if explicit:
        return explicit
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    home = Path.home()
    candidates = [
        Path(os.environ["PIP_CONFIG_FILE"]) if os.environ.get("PIP_CONFIG_FILE") else None,
        home / ".config" / "pip" / "pip.conf",
        home / ".pip" / "pip.conf",
        Path("/etc/pip.conf"),
    ]
    for path in candidates:
        if path is None or not path.is_file():
            continue
        parser = configparser.ConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error:
            continue
        if parser.has_option("global", "index-url"):
            return parser.get("global", "index-url")
    return None


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bloatlint" / "simple"


def project_files(index: str, name: str) -> list[dict[str, Any]]:
    url = f"{index.rstrip('/')}/{name}/"
    cache = _cache_dir() / (hashlib.sha256(url.encode()).hexdigest() + ".json")
    if cache.is_file():
        data = json.loads(cache.read_text(encoding="utf-8"))
    else:
        request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            data = json.loads(response.read())
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(data), encoding="utf-8")
    files = data.get("files", []) if isinstance(data, dict) else []
    return [entry for entry in files if isinstance(entry, dict)]


def filler(explicit_index: str | None, target: Target) -> Callable[[DependencyGraph], None] | None:
    index = index_url(explicit_index)
    if index is None:
        return None

    def fill(graph: DependencyGraph) -> None:
        for node in graph.nodes.values():
            if node.size is not None or node.is_project:
                continue
            try:
                files = project_files(index, node.name)
            except (OSError, ValueError):
                continue
            version = node.version or ""
            wheels = [
                (str(entry.get("filename", "")), entry.get("size"))
                for entry in files
                if str(entry.get("filename", "")).endswith(".whl")
                and (not version or f"-{version}-" in str(entry.get("filename", "")))
            ]
            _, size = sizes.size_of_wheels(node.name, wheels, target, "online")
            if size is not None:
                node.size = size

    return fill
