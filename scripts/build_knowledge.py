#!/usr/bin/env python3
"""Regenerate ``src/bloatlint/knowledge/distributions.json`` from the package index.

For every name in ``seed-distributions.txt`` it asks the index's JSON simple API (PEP 691) for
the files of the newest release, picks one wheel and reads only the bytes it needs with HTTP
Range requests: the zip's end record and central directory, then a handful of ``.dist-info``
members. A multi-gigabyte CUDA wheel costs two or three small requests.

Run it by hand (it needs the network); tests exercise the same zip code on local wheels.

    python scripts/build_knowledge.py [--index-url URL] [--workers 8] [NAME ...]

With names, only those are refreshed and merged into the existing file. An output ending in
``.sqlite`` is written as the extended tier (see ``bloatlint/knowledge/extended.py``):

    python scripts/build_knowledge.py --seed src/bloatlint/knowledge/extended-seed.txt \
        --output src/bloatlint/knowledge/extended.sqlite --workers 24
"""

from __future__ import annotations

import argparse
import datetime
import functools
import importlib
import json
import os
import re
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from typing import Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # writes what this checkout's package reads

from bloatlint.knowledge import extended  # noqa: E402

KNOWLEDGE = ROOT / "src" / "bloatlint" / "knowledge"
SEED = KNOWLEDGE / "seed-distributions.txt"
OUTPUT = KNOWLEDGE / "distributions.json"

USER_AGENT = "bloatlint-build-knowledge/1"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
TAIL_BYTES = 64 * 1024
PREFETCH_LIMIT = 4 * 1024 * 1024
ATTEMPTS = 4

# Markers are evaluated for the platform bloatlint sizes images for: CPython 3.11, Linux x86_64.
TARGET_ENVIRONMENT: dict[str, str] = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.9",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.11.9",
    "python_version": "3.11",
    "sys_platform": "linux",
}

# Top-level names some wheels ship by mistake; recording them would claim a project's own
# ``tests`` or ``docs`` folder for an unrelated distribution.
JUNK_MODULES = frozenset(
    {
        "benchmarks",
        "build",
        "doc",
        "docs",
        "example",
        "examples",
        "scripts",
        "test",
        "tests",
    }
)

# A directory without ``__init__.py`` that holds more public modules than this is a package
# someone forgot to give an ``__init__.py``, not a namespace shared between distributions.
MAX_NAMESPACE_CHILDREN = 50

_EXTENSION_MODULE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_-]+)?\.(?:so|pyd)$")
_NAMESPACE_INIT = re.compile(r"extend_path|declare_namespace")


# ---------------------------------------------------------------------------------------------
# Byte sources: the zip reader needs only "how long" and "give me these bytes".


class ByteSource(Protocol):
    """Random access to a file's bytes, local or remote."""

    @property
    def size(self) -> int: ...

    def read(self, start: int, length: int) -> bytes: ...


@dataclass
class FileSource:
    """A local file; tests read wheels they built through it."""

    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def read(self, start: int, length: int) -> bytes:
        with self.path.open("rb") as handle:
            handle.seek(start)
            return handle.read(length)


@dataclass
class CachingSource:
    """Remembers every span read so the central directory and the small dist-info members,
    which wheels keep at the end, usually cost no request of their own."""

    inner: ByteSource
    spans: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.inner.size

    def read(self, start: int, length: int) -> bytes:
        for span_start, data in self.spans:
            if span_start <= start and start + length <= span_start + len(data):
                return data[start - span_start : start - span_start + length]
        data = self.inner.read(start, length)
        self.spans.append((start, data))
        return data


class NotFoundError(Exception):
    """The index answered 404."""


@dataclass(frozen=True)
class Response:
    """A reply; header names are lower-cased."""

    status: int
    body: bytes
    headers: Mapping[str, str]


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # One context for every request: loading the CA bundle costs 30 ms of CPU each time.
    # Honour the CA bundle pip is told to use, so the script works wherever pip does.
    cafile = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or None
    return ssl.create_default_context(cafile=cafile)


def http_get(url: str, headers: Mapping[str, str], method: str = "GET") -> Response:
    """One request with retries on timeouts, connection errors, 429 and 5xx."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    request.method = method
    context = _ssl_context() if url.startswith("https:") else None
    for attempt in range(ATTEMPTS):
        try:
            with urllib.request.urlopen(request, timeout=60, context=context) as reply:
                headers = {k.lower(): v for k, v in reply.headers.items()}
                return Response(reply.status, reply.read(), headers)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise NotFoundError(url) from error
            if (error.code != 429 and error.code < 500) or attempt == ATTEMPTS - 1:
                raise
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == ATTEMPTS - 1:
                raise
        time.sleep(2**attempt)
    raise AssertionError("unreachable")


@dataclass
class HttpSource:
    """A remote file read with Range requests; a server that ignores Range sends it whole."""

    url: str
    known_size: int | None = None
    _whole: bytes | None = None

    @property
    def size(self) -> int:
        if self.known_size is None:
            reply = http_get(self.url, {}, method="HEAD")
            self.known_size = int(reply.headers.get("content-length", "0"))
        return self.known_size

    def read(self, start: int, length: int) -> bytes:
        if self._whole is not None:
            return self._whole[start : start + length]
        reply = http_get(self.url, {"Range": f"bytes={start}-{start + length - 1}"})
        if reply.status == 206:
            return reply.body
        self._whole = reply.body
        return reply.body[start : start + length]


def open_source(url: str, size: int | None) -> ByteSource:
    if url.startswith("file:"):
        path = urllib.request.url2pathname(urllib.parse.urlparse(url).path)
        return CachingSource(FileSource(Path(path)))
    return CachingSource(HttpSource(url, size))


# ---------------------------------------------------------------------------------------------
# The zip format, only as far as wheels need it (APPNOTE.TXT sections 4.3.12-4.3.16, 4.5.3).


@dataclass(frozen=True)
class ZipMember:
    name: str
    method: int
    compressed_size: int
    size: int
    header_offset: int


@dataclass(frozen=True)
class _Directory:
    offset: int
    size: int
    entries: int


_EOCD = struct.Struct("<4sHHHHIIH")
_EOCD64_LOCATOR = struct.Struct("<4sIQI")
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")


class ZipFormatError(Exception):
    """The bytes are not a zip archive this reader understands."""


def _find_directory(source: ByteSource) -> _Directory:
    tail_start = max(0, source.size - TAIL_BYTES)
    tail = source.read(tail_start, source.size - tail_start)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + _EOCD.size > len(tail):
        raise ZipFormatError("no end of central directory record")
    _, _, _, _, entries, size, offset, _ = _EOCD.unpack_from(tail, position)
    if 0xFFFF not in (entries,) and 0xFFFFFFFF not in (size, offset):
        return _Directory(offset, size, entries)
    locator = position - _EOCD64_LOCATOR.size
    signature, _, record_offset, _ = _EOCD64_LOCATOR.unpack_from(tail, locator)
    if signature != b"PK\x06\x07":
        raise ZipFormatError("zip64 end record locator missing")
    record = source.read(record_offset, _EOCD64.size)
    fields = _EOCD64.unpack(record)
    if fields[0] != b"PK\x06\x06":
        raise ZipFormatError("zip64 end record missing")
    return _Directory(fields[9], fields[8], fields[7])


def _zip64_values(extra: bytes, wanted: int) -> list[int]:
    """The 8-byte values of the zip64 extra field (header id 1), in order."""
    position = 0
    while position + 4 <= len(extra):
        header_id, length = struct.unpack_from("<HH", extra, position)
        if header_id == 1:
            count = min(wanted, length // 8)
            return list(struct.unpack_from(f"<{count}Q", extra, position + 4))
        position += 4 + length
    raise ZipFormatError("zip64 sizes announced but no zip64 extra field")


def _member(directory: bytes, position: int) -> tuple[ZipMember, int]:
    fields = _CENTRAL.unpack_from(directory, position)
    if fields[0] != b"PK\x01\x02":
        raise ZipFormatError(f"bad central directory entry at {position}")
    flags, method, compressed, uncompressed = fields[3], fields[4], fields[8], fields[9]
    name_length, extra_length, comment_length, offset = (
        fields[10],
        fields[11],
        fields[12],
        fields[16],
    )
    start = position + _CENTRAL.size
    raw_name = directory[start : start + name_length]
    name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
    extra = directory[start + name_length : start + name_length + extra_length]
    # Zip64 stores, in this order, only the values whose 32-bit field is saturated.
    saturated = [uncompressed == 0xFFFFFFFF, compressed == 0xFFFFFFFF, offset == 0xFFFFFFFF]
    if any(saturated):
        values = iter(_zip64_values(extra, sum(saturated)))
        uncompressed = next(values) if saturated[0] else uncompressed
        compressed = next(values) if saturated[1] else compressed
        offset = next(values) if saturated[2] else offset
    end = start + name_length + extra_length + comment_length
    return ZipMember(name, method, compressed, uncompressed, offset), end


def read_central_directory(source: ByteSource) -> list[ZipMember]:
    """Every member of the archive, from its central directory (no member data is read)."""
    found = _find_directory(source)
    directory = source.read(found.offset, found.size)
    members: list[ZipMember] = []
    position = 0
    for _ in range(found.entries):
        member, position = _member(directory, position)
        members.append(member)
    return members


def read_member(source: ByteSource, member: ZipMember) -> bytes:
    """The uncompressed bytes of one member (stored or deflated)."""
    header = source.read(member.header_offset, _LOCAL.size)
    fields = _LOCAL.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise ZipFormatError(f"bad local header for {member.name}")
    data_start = member.header_offset + _LOCAL.size + fields[9] + fields[10]
    data = source.read(data_start, member.compressed_size)
    if member.method == 0:
        return data
    if member.method == 8:
        return zlib.decompressobj(-15).decompress(data)
    raise ZipFormatError(f"{member.name}: compression method {member.method} not supported")


def prefetch(source: ByteSource, members: Sequence[ZipMember]) -> None:
    """Read the span holding all ``members`` at once when it is small; wheels keep dist-info
    files together, so this turns several requests into one (or none, when the tail had it)."""
    if not members:
        return
    start = min(m.header_offset for m in members)
    # Local headers repeat the name and may carry extra fields: allow for both.
    end = max(m.header_offset + _LOCAL.size + 1024 + m.compressed_size for m in members)
    end = min(end, source.size)
    if end - start <= PREFETCH_LIMIT:
        source.read(start, end - start)


# ---------------------------------------------------------------------------------------------
# What a wheel says about itself.


@dataclass(frozen=True)
class WheelFacts:
    modules: tuple[str, ...]
    scripts: tuple[str, ...]
    entry_point_groups: tuple[str, ...]
    metadata: str
    source: str


@dataclass(frozen=True)
class _Tree:
    """The installed layout of a wheel: directory → (subdirectories, file names)."""

    subdirs: Mapping[str, frozenset[str]]
    files: Mapping[str, frozenset[str]]
    python_dirs: frozenset[str]


def extension_module_name(filename: str) -> str | None:
    """``_speedups.cpython-311-x86_64-linux-gnu.so`` → ``_speedups``; ``libfoo.so.1`` → None."""
    match = _EXTENSION_MODULE.match(filename)
    return match.group(1) if match else None


def module_name(filename: str) -> str | None:
    """The module a file at some directory level provides, if it is a Python module."""
    if filename.endswith(".py"):
        stem = filename[:-3]
        return stem if stem.isidentifier() and stem.isascii() else None
    return extension_module_name(filename)


_DATA_SITE_PACKAGES = re.compile(r"^lib/python3[^/]*/site-packages/(.+)$")


def _installed_data_path(kind: str, rest: str) -> str | None:
    """Where a ``.data/<kind>/<rest>`` member lands relative to site-packages, if it does:
    purelib and platlib, and data files placed under ``lib/python3.X/site-packages``."""
    if kind in ("purelib", "platlib"):
        return rest or None
    match = _DATA_SITE_PACKAGES.match(rest) if kind == "data" else None
    return match.group(1) if match else None


def installed_paths(names: Iterable[str], data_dir: str) -> tuple[list[str], list[str]]:
    """Paths as installed in site-packages, and the scripts ``.data/scripts/`` installs."""
    paths: list[str] = []
    scripts: list[str] = []
    for name in names:
        if name.endswith("/") or name.split("/", 1)[0].endswith(".dist-info"):
            continue
        if not name.startswith(data_dir + "/"):
            paths.append(name)
            continue
        kind, _, rest = name[len(data_dir) + 1 :].partition("/")
        if kind == "scripts" and rest and "/" not in rest:
            scripts.append(rest)
        elif (path := _installed_data_path(kind, rest)) is not None:
            paths.append(path)
    return paths, scripts


def build_tree(paths: Iterable[str]) -> _Tree:
    subdirs: dict[str, set[str]] = {}
    files: dict[str, set[str]] = {}
    python_dirs: set[str] = set()
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts) - 1):
            parent = "/".join(parts[:depth])
            subdirs.setdefault(parent, set()).add(parts[depth])
        directory = "/".join(parts[:-1])
        files.setdefault(directory, set()).add(parts[-1])
        if module_name(parts[-1]) is not None:
            python_dirs.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
    return _Tree(
        {k: frozenset(v) for k, v in subdirs.items()},
        {k: frozenset(v) for k, v in files.items()},
        frozenset(python_dirs),
    )


def _public(names: set[str]) -> set[str]:
    public = {n for n in names if not n.startswith("_")}
    return public or names


def _is_namespace(tree: _Tree, directory: str, is_declared: Callable[[str], bool]) -> bool:
    files = tree.files.get(directory, frozenset())
    has_init = any(module_name(f) == "__init__" for f in files)
    return not has_init or is_declared(directory)


def _namespace_children(tree: _Tree, directory: str) -> tuple[set[str], set[str]]:
    packages = {
        d
        for d in tree.subdirs.get(directory, frozenset())
        if d.isidentifier() and d.isascii() and f"{directory}/{d}" in tree.python_dirs
    }
    files = tree.files.get(directory, frozenset())
    modules = {m for f in files if (m := module_name(f)) is not None and m != "__init__"}
    return packages, modules


def deepen(tree: _Tree, directory: str, is_declared: Callable[[str], bool]) -> list[str]:
    """The import paths a top-level directory provides: itself for a regular package; for a
    namespace package (``google/``), the packages inside it, recursively (``google.protobuf``).
    Private children (``google/_upb``) are left out unless there is nothing else."""
    dotted = directory.replace("/", ".")
    if not _is_namespace(tree, directory, is_declared):
        return [dotted]
    packages, modules = _namespace_children(tree, directory)
    public = _public(packages | modules)
    if not public or len(public) > MAX_NAMESPACE_CHILDREN:
        return [dotted]
    found: list[str] = []
    for child in sorted(public):
        if child in packages:
            found.extend(deepen(tree, f"{directory}/{child}", is_declared))
        else:
            found.append(f"{dotted}.{child}")
    return found


def top_level_candidates(tree: _Tree) -> list[str]:
    """Top-level modules and packages found in the file listing (the names RECORD lists)."""
    names = {m for f in tree.files.get("", frozenset()) if (m := module_name(f)) is not None}
    names.update(
        d for d in tree.subdirs.get("", frozenset()) if d in tree.python_dirs and d.isidentifier()
    )
    return sorted(names)


def derive_modules(
    tree: _Tree,
    top_level: Sequence[str] | None,
    is_declared: Callable[[str], bool],
    own_module: str = "",
) -> list[str]:
    """Importable paths, each top-level directory deepened through namespace packages.
    ``top_level.txt`` chooses among the listing's top-level names (it can be stale: names it
    gives that install no Python are dropped); without it, or when none of its names is
    installed, the listing's own top level is used."""
    found = top_level_candidates(tree)
    chosen = found
    if top_level is not None:
        given = {n.strip().replace("\\", "/").replace(".", "/").split("/", 1)[0] for n in top_level}
        chosen = [n for n in found if n in given] or found
    modules: set[str] = set()
    for name in chosen:
        if name in JUNK_MODULES and name != own_module:
            continue
        if name in tree.python_dirs:
            modules.update(deepen(tree, name, is_declared))
        else:
            modules.add(name)
    return sorted(modules)


def parse_entry_points(text: str) -> dict[str, list[str]]:
    """``entry_points.txt`` as {group: [entry names]} (an INI dialect; parsed by hand because
    entry names may contain characters configparser treats specially)."""
    groups: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = groups.setdefault(line[1:-1].strip(), [])
        elif current is not None and "=" in line:
            current.append(line.split("=", 1)[0].strip())
    return groups


def _dist_info_dir(members: Sequence[ZipMember], filename: str) -> str:
    candidates = sorted(
        m.name.split("/", 1)[0]
        for m in members
        if m.name.endswith(".dist-info/METADATA") and m.name.count("/") == 1
    )
    if not candidates:
        raise ZipFormatError(f"{filename}: no .dist-info/METADATA")
    prefix = canonicalize_name(filename.split("-", 1)[0])
    matching = [c for c in candidates if canonicalize_name(c.split("-", 1)[0]) == prefix]
    return (matching or candidates)[0]


@dataclass
class _MemberReader:
    source: ByteSource
    by_name: Mapping[str, ZipMember]

    def text(self, name: str) -> str | None:
        member = self.by_name.get(name)
        if member is None:
            return None
        return read_member(self.source, member).decode("utf-8", errors="replace")


def _namespace_check(
    tree: _Tree, reader: _MemberReader, declared: frozenset[str]
) -> Callable[[str], bool]:
    """Whether a directory *with* an ``__init__.py`` is still a namespace: declared in
    ``namespace_packages.txt``, or a directory holding nothing but subpackages and an empty
    (how the ``nvidia-*`` wheels share ``nvidia/``) or pkgutil/pkg_resources-style
    ``__init__.py`` (read only in that case, to spare requests)."""

    def check(directory: str) -> bool:
        if directory.replace("/", ".") in declared:
            return True
        files = tree.files.get(directory, frozenset())
        if files - {"__init__.py"} or not tree.subdirs.get(directory):
            return False
        init = reader.by_name.get(f"{directory}/__init__.py")
        if init is None or init.size > 2048:
            return False
        if init.size == 0:
            return True
        return bool(_NAMESPACE_INIT.search(reader.text(init.name) or ""))

    return check


def read_wheel(source: ByteSource, filename: str) -> WheelFacts:
    """Modules, scripts, entry-point groups and METADATA of a wheel, read through ``source``."""
    members = read_central_directory(source)
    dist_info = _dist_info_dir(members, filename)
    by_name = {m.name: m for m in members}
    wanted = ("METADATA", "entry_points.txt", "top_level.txt", "namespace_packages.txt")
    prefetch(source, [by_name[n] for w in wanted if (n := f"{dist_info}/{w}") in by_name])
    reader = _MemberReader(source, by_name)
    metadata = reader.text(f"{dist_info}/METADATA") or ""
    entry_points = parse_entry_points(reader.text(f"{dist_info}/entry_points.txt") or "")
    top_level_text = reader.text(f"{dist_info}/top_level.txt")
    declared = frozenset((reader.text(f"{dist_info}/namespace_packages.txt") or "").split())
    data_dir = dist_info.removesuffix(".dist-info") + ".data"
    paths, data_scripts = installed_paths((m.name for m in members), data_dir)
    tree = build_tree(paths)
    top_level = top_level_text.split() if top_level_text is not None else None
    own_module = canonicalize_name(filename.split("-", 1)[0]).replace("-", "_")
    modules = derive_modules(tree, top_level, _namespace_check(tree, reader, declared), own_module)
    scripts = entry_points.get("console_scripts", []) + entry_points.get("gui_scripts", [])
    groups = set(entry_points) - {"console_scripts", "gui_scripts"}
    origin = "top_level.txt" if top_level is not None else "RECORD"
    if not modules:
        pth = any(p.endswith(".pth") and "/" not in p for p in paths)
        origin += " (.pth only)" if pth else " (no Python modules)"
    return WheelFacts(
        modules=tuple(modules),
        scripts=tuple(sorted(set(scripts + data_scripts))),
        entry_point_groups=tuple(sorted(groups)),
        metadata=metadata,
        source=f"{filename}: {origin}",
    )


# ---------------------------------------------------------------------------------------------
# Core metadata: requirements and extras.


@dataclass(frozen=True)
class Requirements:
    requires: tuple[str, ...]
    extras: Mapping[str, tuple[str, ...]]
    # extras the always-installed requirements ask for: datasets needs fsspec[http]
    requires_extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _applies(requirement: Requirement, extra: str) -> bool:
    if requirement.marker is None:
        return extra == ""
    environment = {**TARGET_ENVIRONMENT, "extra": extra}
    return requirement.marker.evaluate(environment)


_EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")


def _mentioned_extras(requirements: Iterable[Requirement]) -> set[str]:
    found: set[str] = set()
    for requirement in requirements:
        if requirement.marker is not None:
            found.update(_EXTRA_IN_MARKER.findall(str(requirement.marker)))
    return found


def _requirements(values: Iterable[str]) -> list[Requirement]:
    parsed: list[Requirement] = []
    for value in values:
        try:
            parsed.append(Requirement(value))
        except InvalidRequirement:
            continue  # a broken line in someone's metadata is not worth a failed package
    return parsed


def parse_requirements(metadata: str, own_name: str) -> Requirements:
    """Requires-Dist split into what is always installed (markers evaluated for CPython 3.11 on
    Linux x86_64) and what each extra adds; self-references (``pkg[all]`` in pkg's own extras)
    are replaced by the extras they name."""
    message = HeaderParser().parsestr(metadata)
    parsed = _requirements(message.get_all("Requires-Dist") or [])
    own = str(canonicalize_name(own_name))
    declared = {str(e) for e in message.get_all("Provides-Extra") or []}
    extras_named = {str(canonicalize_name(e)) for e in declared | _mentioned_extras(parsed)}
    base = [r for r in parsed if _applies(r, "")]
    per_extra: dict[str, list[Requirement]] = {
        extra: [r for r in parsed if _applies(r, extra) and r not in base]
        for extra in sorted(extras_named)
    }
    extras: dict[str, tuple[str, ...]] = {
        extra: tuple(sorted(_expand(per_extra, extra, own, set()) - {own})) for extra in per_extra
    }
    requires = {str(canonicalize_name(r.name)) for r in base} - {own}
    asked: dict[str, set[str]] = {}
    for requirement in base:
        name = str(canonicalize_name(requirement.name))
        if requirement.extras and name != own:
            asked.setdefault(name, set()).update(
                str(canonicalize_name(extra)) for extra in requirement.extras
            )
    requires_extras = {name: tuple(sorted(found)) for name, found in sorted(asked.items())}
    return Requirements(tuple(sorted(requires)), extras, requires_extras)


def _expand(
    per_extra: Mapping[str, list[Requirement]], extra: str, own: str, seen: set[str]
) -> set[str]:
    seen.add(extra)
    names: set[str] = set()
    for requirement in per_extra.get(extra, []):
        name = canonicalize_name(requirement.name)
        if name != own:
            names.add(name)
            continue
        for inner in requirement.extras:
            inner_name = canonicalize_name(inner)
            if inner_name not in seen:
                names |= _expand(per_extra, inner_name, own, seen)
    return names


# ---------------------------------------------------------------------------------------------
# The index: which release, which file.

_LINUX_PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(45, 4, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
    "linux_x86_64",
]


def _linux_tags(minor: int) -> frozenset[Tag]:
    version = (3, minor)
    abi = f"cp3{minor}"
    tags = set(cpython_tags(version, abis=[abi], platforms=_LINUX_PLATFORMS))
    tags.update(compatible_tags(version, abi, _LINUX_PLATFORMS))
    return frozenset(tags)


_CP311 = _linux_tags(11)
_CP312 = _linux_tags(12)


def wheel_rank(filename: str) -> int | None:
    """0 pure py3, 1 CPython 3.11 Linux x86_64, 2 CPython 3.12 Linux x86_64, 3 any other
    wheel; None for a file that is not a wheel."""
    try:
        tags = parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return None
    if any(
        t.interpreter.startswith("py3") and t.abi == "none" and t.platform == "any" for t in tags
    ):
        return 0
    if tags & _CP311:
        return 1
    if tags & _CP312:
        return 2
    return 3


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    size: int | None
    has_metadata: bool

    @property
    def version(self) -> Version | None:
        try:
            if self.filename.endswith(".whl"):
                return parse_wheel_filename(self.filename)[1]
            return parse_sdist_filename(self.filename)[1]
        except (InvalidWheelFilename, InvalidSdistFilename):
            return None


def parse_project_page(page: Mapping[str, object], page_url: str) -> list[IndexFile]:
    """The non-yanked files of a PEP 691 project page, with absolute URLs."""
    raw_files = page.get("files")
    if not isinstance(raw_files, list):
        raise ValueError("the index answered without a PEP 691 'files' list")
    files: list[IndexFile] = []
    for raw in raw_files:
        if not isinstance(raw, dict) or raw.get("yanked"):
            continue
        metadata = raw.get("core-metadata", raw.get("data-dist-info-metadata", False))
        size = raw.get("size")
        files.append(
            IndexFile(
                filename=str(raw["filename"]),
                url=urllib.parse.urljoin(page_url, str(raw["url"])),
                size=size if isinstance(size, int) else None,
                has_metadata=bool(metadata),
            )
        )
    return files


def choose_file(files: Sequence[IndexFile]) -> IndexFile | None:
    """The best wheel of the newest release (final releases before pre-releases); its sdist
    when that release has no wheel."""
    releases: dict[Version, list[IndexFile]] = {}
    for file in files:
        version = file.version
        if version is not None:
            releases.setdefault(version, []).append(file)
    if not releases:
        return None
    finals = [v for v in releases if not v.is_prerelease]
    newest = max(finals or releases)
    ranked = [
        (rank, f.filename, f)
        for f in releases[newest]
        if (rank := wheel_rank(f.filename)) is not None
    ]
    if ranked:
        return min(ranked, key=lambda item: (item[0], item[1]))[2]
    return sorted(releases[newest], key=lambda f: f.filename)[0]


# ---------------------------------------------------------------------------------------------
# One distribution, end to end.


@dataclass(frozen=True)
class DistRecord:
    name: str
    version: str
    modules: tuple[str, ...]
    scripts: tuple[str, ...]
    requires: tuple[str, ...]
    extras: Mapping[str, tuple[str, ...]]
    entry_point_groups: tuple[str, ...]
    source: str
    display_name: str = ""
    requires_extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "display_name": self.display_name or self.name,
            "version": self.version,
            "modules": list(self.modules),
            "scripts": list(self.scripts),
            "requires": list(self.requires),
            "extras": {k: list(v) for k, v in sorted(self.extras.items())},
            "entry_point_groups": list(self.entry_point_groups),
            "source": self.source,
        } | (
            {"requires_extras": {k: list(v) for k, v in self.requires_extras.items()}}
            if self.requires_extras
            else {}
        )


def record_from_wheel(name: str, version: str, facts: WheelFacts) -> DistRecord:
    requirements = parse_requirements(facts.metadata, name)
    return DistRecord(
        name=name,
        version=version,
        modules=facts.modules,
        scripts=facts.scripts,
        requires=requirements.requires,
        extras=requirements.extras,
        requires_extras=requirements.requires_extras,
        entry_point_groups=facts.entry_point_groups,
        source=facts.source,
        display_name=metadata_name(facts.metadata, name),
    )


def _record_from_sdist(name: str, version: str, file: IndexFile) -> DistRecord:
    metadata = ""
    if file.has_metadata:
        metadata = http_get(file.url + ".metadata", {}).body.decode("utf-8", errors="replace")
    requirements = parse_requirements(metadata, name)
    note = "metadata-only" if file.has_metadata else "metadata-only (none offered)"
    return DistRecord(
        name,
        version,
        (),
        (),
        requirements.requires,
        requirements.extras,
        (),
        f"{file.filename}: {note}",
        metadata_name(metadata, name),
        requirements.requires_extras,
    )


def metadata_name(metadata: str, fallback: str) -> str:
    """The project's name as its authors spell it (``PyYAML``), for messages."""
    return str(HeaderParser().parsestr(metadata).get("Name") or fallback).strip()


def fetch_record(index_url: str, name: str) -> DistRecord:
    page_url = f"{index_url.rstrip('/')}/{name}/"
    reply = http_get(page_url, {"Accept": SIMPLE_JSON})
    if "json" not in reply.headers.get("content-type", ""):
        raise ValueError("the index did not answer with PEP 691 JSON")
    files = parse_project_page(json.loads(reply.body), page_url)
    chosen = choose_file(files)
    if chosen is None:
        raise ValueError("no wheel or sdist on the index")
    version = str(chosen.version)
    if not chosen.filename.endswith(".whl"):
        return _record_from_sdist(name, version, chosen)
    facts = read_wheel(open_source(chosen.url, chosen.size), chosen.filename)
    return record_from_wheel(name, version, facts)


# ---------------------------------------------------------------------------------------------
# Command line.


def read_seed(path: Path) -> list[str]:
    """Canonical names from the seed file (``#`` starts a comment), sorted and unique."""
    return sorted(read_seed_in_order(path))


def read_seed_in_order(path: Path) -> list[str]:
    """Canonical names from the seed file, unique, in the file's order."""
    names: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            names.setdefault(canonicalize_name(entry), None)
    return list(names)


def _pip_config_index() -> str | None:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def resolve_index(cli_value: str | None) -> tuple[str, str]:
    """(index URL, a note for the data file that never names the host)."""
    if cli_value:
        return cli_value, "custom (--index-url)"
    if env_value := os.environ.get("PIP_INDEX_URL"):
        return env_value, "custom (PIP_INDEX_URL)"
    if configured := _pip_config_index():
        return configured, "custom (pip config global.index-url)"
    # pip's own default, taken from pip so no registry host is written in this repository.
    index_module = importlib.import_module("pip._internal.models.index")
    return str(index_module.PyPI.simple_url), "default"


def _fetch_one(index_url: str, name: str) -> DistRecord | str:
    try:
        return fetch_record(index_url, name)
    except NotFoundError:
        return "not found on the index"
    except Exception as error:  # one bad package must not stop the others
        return f"{type(error).__name__}: {error}"


def fetch_all(index_url: str, names: Sequence[str], workers: int) -> dict[str, DistRecord | str]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda n: _fetch_one(index_url, n), names)
        return dict(zip(names, results, strict=True))


def _previous(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    if path.suffix == ".sqlite":
        return dict(extended.read_all(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data.get("distributions", {})
    return dict(entries) if isinstance(entries, dict) else {}


def write_output(path: Path, index_note: str, entries: Mapping[str, object]) -> None:
    if path.suffix == ".sqlite":  # the extended tier: the same records, one query each
        records = {name: entry for name, entry in entries.items() if isinstance(entry, dict)}
        notes = {"generated": datetime.date.today().isoformat(), "index": index_note}
        curated = {name: info.get("modules", []) for name, info in _previous(OUTPUT).items()}
        extended.write(path, records, notes, curated)  # type: ignore[arg-type]
        return
    document = {
        "generated": datetime.date.today().isoformat(),
        "index": index_note,
        "distributions": dict(sorted(entries.items())),
    }
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="refresh only these (merged into the output)")
    parser.add_argument("--index-url", help="simple index URL (default: pip's)")
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    seed = read_seed(args.seed)
    wanted = sorted({canonicalize_name(n) for n in args.names}) if args.names else seed
    index_url, index_note = resolve_index(args.index_url)
    results = fetch_all(index_url, wanted, args.workers)
    # Keep what an earlier run learned for a name that failed now (a time-out is no news).
    entries = {k: v for k, v in _previous(args.output).items() if k in seed or k in wanted}
    failed = 0
    for name, result in sorted(results.items()):
        if isinstance(result, str):
            failed += 1
            kept = " (previous entry kept)" if name in entries else ""
            print(f"ERROR {name}: {result}{kept}", file=sys.stderr)
        else:
            entries[name] = result.to_json()
    write_output(args.output, index_note, entries)
    print(f"{len(results) - failed} succeeded, {failed} failed; {len(entries)} entries written")
    return 0 if failed < len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
