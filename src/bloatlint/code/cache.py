"""The per-file scan cache under ``<root>/.bloatlint_cache/``: the one file bloatlint writes
without being asked (``--no-cache`` neither reads nor writes it).

An entry is keyed by the file's path relative to the root, its size and its modification time
(``st_mtime_ns``), inside a cache stamped with bloatlint's version and the scanner's version.
A modification time is not trusted when it lies in the future or within two seconds of the
moment the cache was written (a file saved twice within the filesystem's time resolution):
then the entry also records a SHA-256 of the content, which must match.

All entries live in one JSON file, so a warm run reads one file instead of parsing every
source; the sources are still read for their text, which the evidence rules search and which
would double the cache's size. JSON rather than pickle because the folder sits in the project:
a pickle planted in a cloned repository would run code when loaded. Writers
never clash: each writes a temporary file in the cache folder and renames it over the old one
(``os.replace`` is atomic), so a reader sees one whole version; the last writer wins. An
unreadable or corrupt cache is ignored and rebuilt. The folder holds a ``.gitignore`` with
``*``, so it is never committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bloatlint import __version__
from bloatlint.code.fastscan import SCANNER_VERSION
from bloatlint.code.imports import CodeScan, evidence_text
from bloatlint.model import Import, Location, ParseProblem
from bloatlint.runcache import CACHE_DIR

_FILE = "scans.json"
_STAMP = [__version__, SCANNER_VERSION, 2]
_UNTRUSTED_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True)
class _Entry:
    size: int
    mtime_ns: int
    digest: str | None  # set when the modification time was not trusted
    scan: CodeScan


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ScanCache:
    """Load once, look up and store per file, save once at the end of a run."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self._entries: dict[str, _Entry] = {}
        self._written_ns = 0
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            document = json.loads((self.folder / _FILE).read_text(encoding="utf-8"))
            if document["stamp"] != _STAMP:
                return
            entries = {key: _entry_from_json(value) for key, value in document["entries"].items()}
            written_ns = int(document["written_ns"])
        except Exception:  # a missing, partial, corrupt or foreign file: start afresh
            return
        self._entries = entries
        self._written_ns = written_ns

    def lookup(self, relative: str, stat: os.stat_result, path: Path) -> CodeScan | None:
        entry = self._entries.get(relative)
        if entry is None or entry.size != stat.st_size or entry.mtime_ns != stat.st_mtime_ns:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if entry.digest is not None and content_digest(data) != entry.digest:
            return None
        text, text_lines = evidence_text(path, data)
        return replace(entry.scan, text=text, text_lines=text_lines)

    def needs_digest(self, stat: os.stat_result) -> bool:
        """Whether this modification time cannot vouch for the content."""
        now = time.time_ns()
        return stat.st_mtime_ns > now or abs(now - stat.st_mtime_ns) <= _UNTRUSTED_WINDOW_NS

    def store(
        self, relative: str, stat: os.stat_result, scan: CodeScan, digest: str | None
    ) -> None:
        self._entries[relative] = _Entry(stat.st_size, stat.st_mtime_ns, digest, scan)
        self._dirty = True

    def forget_missing(self, present: set[str]) -> None:
        for relative in set(self._entries) - present:
            del self._entries[relative]
            self._dirty = True

    def save(self) -> None:
        """Write the cache if anything changed; failure to write is never an error."""
        if not self._dirty:
            return
        try:
            self.folder.mkdir(exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by bloatlint: never commit this folder\n*\n")
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".scans-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    entries = {key: _entry_to_json(entry) for key, entry in self._entries.items()}
                    record = {"stamp": _STAMP, "written_ns": time.time_ns(), "entries": entries}
                    json.dump(record, stream, separators=(",", ":"))
                Path(temporary).replace(self.folder / _FILE)
            except BaseException:
                Path(temporary).unlink()
                raise
        except OSError:
            return
        self._dirty = False


def scan_digest(scan: CodeScan) -> str:
    """A digest of what a scan found (not of the text): equal digests, equal uses."""
    found = _entry_to_json(_Entry(0, 0, None, scan))[3:]
    return hashlib.sha256(json.dumps(found, separators=(",", ":")).encode()).hexdigest()


def _entry_to_json(entry: _Entry) -> list[Any]:
    scan = entry.scan
    return [
        entry.size,
        entry.mtime_ns,
        entry.digest,
        [
            [i.module, *_location(i.location), i.optional, sorted(i.suppressed), list(i.names)]
            for i in scan.imports
        ],
        sorted(scan.strings),
        [[*_location(p.location), p.message] for p in scan.problems],
        [[text, *_location(where)] for text, where in scan.shell],
    ]


def _entry_from_json(value: list[Any]) -> _Entry:
    size, mtime_ns, digest, imports, strings, problems, shell = value
    scan = CodeScan(
        imports=tuple(
            Import(module, Location(path, line, column), optional, frozenset(codes), tuple(names))
            for module, path, line, column, optional, codes, names in imports
        ),
        strings=frozenset(strings),
        problems=tuple(
            ParseProblem(Location(path, line, column), message)
            for path, line, column, message in problems
        ),
        shell=tuple((text, Location(path, line, column)) for text, path, line, column in shell),
    )
    return _Entry(int(size), int(mtime_ns), digest, scan)


def _location(location: Location) -> list[Any]:
    return [location.path, location.line, location.column]
