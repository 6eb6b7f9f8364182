"""The extended tier of distribution facts: ``extended.sqlite``.

``distributions.json`` describes the distributions ML projects declare most, curated by hand
(``seed-distributions.txt``). Projects also declare thousands of others: a fork built for Apple
silicon, a small plugin, a kernel library whose name is not its import name. The extended tier
holds the same facts, read from real wheels by ``scripts/build_knowledge.py``, for the
most-downloaded distributions on the index that the curated seed leaves out
(``extended-seed.txt``).

Loading some 13,000 records on every run would cost a third of a second and tens of
megabytes; a project asks about a few dozen names the curated file lacks. So the records live
in SQLite, one compressed JSON object per distribution (the shape ``distributions.json``
uses), with indexes from module and command back to distribution, and each question is one
indexed query. The file is opened read-only and immutable: it is never written at run time.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

FILE = "extended.sqlite"

# Top-level names that wheels ship by mistake (their tests, their src folder, a helper module
# with a generic name): never the answer to "which distribution provides this import".
NOT_A_PACKAGE = frozenset(
    {"test", "tests", "testing", "src", "doc", "docs", "example", "examples", "scripts"}
    | {"script", "benchmark", "benchmarks", "build", "dist", "lib", "utils", "util", "app"}
    | {"main", "config", "common", "core", "data", "models", "model", "setup", "tools"}
    | {"demo", "demos", "notebooks", "bin", "conftest", "version", "__init__", "api", "cli"}
)

_SCHEMA = """
create table meta (key text primary key, value text not null);
create table dist (name text primary key, record blob not null);
create table module (module text not null, name text not null);
create table script (script text not null, name text not null);
"""
_INDEXES = """
create index module_index on module (module);
create index script_index on script (script);
"""


@cache
def _connection() -> sqlite3.Connection | None:
    path = Path(str(resources.files(__package__).joinpath(FILE)))
    if not path.is_file():
        return None
    try:
        return sqlite3.connect(
            f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
    except sqlite3.Error:
        return None


def record(name: str) -> dict[str, object] | None:
    """The facts of one distribution (canonical name), as ``distributions.json`` holds them."""
    blobs = _column("select record from dist where name = ?", name)
    if not blobs or not isinstance(blobs[0], bytes):
        return None
    document = json.loads(zlib.decompress(blobs[0]))
    return document if isinstance(document, dict) else None


def dists_for_module(module: str) -> tuple[str, ...]:
    names = _column("select name from module where module = ?", module)
    return tuple(sorted(name for name in names if isinstance(name, str)))


def dists_for_command(command: str) -> tuple[str, ...]:
    names = _column("select name from script where script = ?", command)
    return tuple(sorted(name for name in names if isinstance(name, str)))


def _column(sql: str, value: str) -> list[object]:
    connection = _connection()
    if connection is None:
        return []
    try:
        return [row[0] for row in connection.execute(sql, (value,))]
    except sqlite3.Error:
        return []


def write(
    path: Path,
    entries: Mapping[str, Mapping[str, object]],
    notes: Mapping[str, str],
    other_modules: Mapping[str, Iterable[str]] = MappingProxyType({}),
) -> None:
    """Write the tier from records shaped like ``distributions.json``'s (used by the build
    script, so that it writes exactly what this module reads). ``other_modules`` are the
    modules of the distributions the curated file describes, by distribution: with them, a
    namespace root one wheel lists (``google``, while dozens of distributions provide
    ``google.*``) is left out of the module index."""
    shared = _namespace_roots(
        {name: _strings(entry.get("modules")) for name, entry in entries.items()}
        | {name: list(modules) for name, modules in other_modules.items()}
    )
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(_SCHEMA)
        connection.executemany("insert into meta values (?, ?)", sorted(notes.items()))
        for name, entry in sorted(entries.items()):
            blob = zlib.compress(json.dumps(entry, sort_keys=True).encode(), 9)
            connection.execute("insert into dist values (?, ?)", (name, blob))
            modules = _strings(entry.get("modules"))
            connection.executemany(
                "insert into module values (?, ?)",
                [
                    (module, name)
                    for module in modules
                    if module.lower() not in NOT_A_PACKAGE and module not in shared
                ],
            )
            connection.executemany(
                "insert into script values (?, ?)",
                [(script, name) for script in _strings(entry.get("scripts"))],
            )
        connection.executescript(_INDEXES)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("vacuum")


def read_all(path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """Every record of a tier file (for the build script, which keeps what it cannot refresh)."""
    if not path.is_file():
        return
    with closing(sqlite3.connect(path)) as connection:
        for name, blob in connection.execute("select name, record from dist order by name"):
            yield name, json.loads(zlib.decompress(blob))


def _namespace_roots(modules: Mapping[str, Iterable[str]]) -> set[str]:
    """Dotted prefixes under which two or more distributions provide modules."""
    providers: dict[str, set[str]] = {}
    for name, listed in modules.items():
        for module in listed:
            parts = module.split(".")
            for end in range(1, len(parts)):
                providers.setdefault(".".join(parts[:end]), set()).add(name)
    return {prefix for prefix, names in providers.items() if len(names) > 1}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
