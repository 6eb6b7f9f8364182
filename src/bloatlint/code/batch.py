"""Scan many code files: the cache first, then the misses, in parallel when that pays.

Each file's text is dropped once scanned, after a search for any patterns the caller gives
(the run cache rechecks changed files that way): the sources of a large project (50 MB) need
not stay in memory, nor travel back from the workers. ``search_files`` reads them again when
the analysis asks for its evidence patterns, in one pass for all of them.

A process pool costs about 0.1 s to start and pickling each result back; it pays only when
there are enough files to scan (``PARALLEL_MIN_FILES``, measured on huggingface/diffusers with
``benchmarks/bench.py``). A warm run finds everything in the cache and starts no pool.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from bloatlint import prefilter
from bloatlint.code.cache import ScanCache, content_digest
from bloatlint.code.imports import CodeScan, evidence_text, file_line, scan_file

if TYPE_CHECKING:
    import re
    from collections.abc import Sequence
    from pathlib import Path

PARALLEL_MIN_FILES = 400
_CHUNK = 32


class Progress:
    """A one-line ``scanned N/M files`` counter on stderr, shown only on a terminal and only
    once a run has lasted ``after`` seconds; it erases itself at the end."""

    def __init__(self, total: int, stream: TextIO | None = None, after: float = 1.0) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.total = total
        self.enabled = total > 0 and self.stream.isatty()
        self._start = time.monotonic()
        self._after = after
        self._shown = False
        self._last = 0.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._start < self._after or (now - self._last < 0.1 and done < self.total):
            return
        self._last = now
        self._shown = True
        self.stream.write(f"\rbloatlint: scanned {done}/{self.total} files")
        self.stream.flush()

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def scan_files(
    root: Path,
    paths: Sequence[str],
    use_cache: bool,
    progress: Progress | None = None,
    patterns: Sequence[re.Pattern[str]] = (),
) -> list[CodeScan]:
    """The scans of ``paths`` (POSIX, relative to ``root``), in the same order, each with the
    first line every pattern matches (``hits``) and without its text."""
    results: list[CodeScan | None] = [None] * len(paths)
    search = prefilter.MultiSearch(patterns)
    cache = ScanCache(root) if use_cache else None
    missing: list[int] = []
    stats: list[os.stat_result | None] = [None] * len(paths)
    for index, relative in enumerate(paths):
        if cache is None:
            missing.append(index)
            continue
        try:
            stat = (root / relative).stat()
        except OSError:
            missing.append(index)  # scan_file reports it
            continue
        stats[index] = stat
        found = cache.lookup(relative, stat, root / relative)
        if found is None:
            missing.append(index)
        else:
            results[index] = searched(found, search)
    progress = progress or Progress(len(missing))
    scanned = _scan(root, [paths[index] for index in missing], progress, search)
    for index, scan in zip(missing, scanned, strict=True):
        results[index] = scan
        known = stats[index]
        if cache is not None and known is not None:
            digest = None
            if cache.needs_digest(known):
                try:
                    digest = content_digest((root / paths[index]).read_bytes())
                except OSError:
                    continue
            cache.store(paths[index], known, scan, digest)
    progress.finish()
    if cache is not None:
        cache.forget_missing(set(paths))
        cache.save()
    return [scan if scan is not None else CodeScan() for scan in results]


def searched(scan: CodeScan, search: prefilter.MultiSearch) -> CodeScan:
    """The scan with the first line each pattern matches in its text, and without the text."""
    hits = tuple(_hits(search, scan.text, scan.text_lines))
    return replace(scan, text="", text_lines=(), hits=hits)


def _hits(
    search: prefilter.MultiSearch, text: str, text_lines: tuple[int, ...]
) -> list[tuple[int, int]]:
    """(pattern index, file line of its first match) for each pattern that matches."""
    return [(index, file_line(line, text_lines)) for index, line in search.first_lines(text)]


def _scan(
    root: Path, paths: list[str], progress: Progress, search: prefilter.MultiSearch
) -> list[CodeScan]:
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        found: list[CodeScan] = []
        for relative in paths:
            found.append(searched(scan_file(root / relative, root), search))
            progress.update(len(found))
        return found
    # imported here: a run that rechecks a few changed files never starts a pool
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(root, relative) for relative in paths]
    initargs = (search.patterns,)
    with ProcessPoolExecutor(workers, initializer=_set_patterns, initargs=initargs) as pool:
        found = []
        for scan in pool.map(_scan_one, jobs, chunksize=_CHUNK):
            found.append(scan)
            progress.update(len(found))
        return found


_worker_search = prefilter.MultiSearch(())


def _set_patterns(patterns: Sequence[re.Pattern[str]]) -> None:
    global _worker_search  # a worker's patterns, sent once rather than with every file
    _worker_search = prefilter.MultiSearch(patterns)


def _scan_one(job: tuple[Path, str]) -> CodeScan:
    root, relative = job
    return searched(scan_file(root / relative, root), _worker_search)


def search_files(
    root: Path, paths: Sequence[str], patterns: Sequence[re.Pattern[str]]
) -> list[list[tuple[int, int]]]:
    """Per file, (pattern index, file line of its first match) for each pattern that matches:
    the files are read again (they are not kept), in parallel when there are many."""
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        search = prefilter.MultiSearch(patterns)
        return [_search_file(root / relative, search) for relative in paths]
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(root, relative) for relative in paths]
    with ProcessPoolExecutor(workers, initializer=_set_patterns, initargs=(patterns,)) as pool:
        return list(pool.map(_search_one, jobs, chunksize=_CHUNK))


def _search_one(job: tuple[Path, str]) -> list[tuple[int, int]]:
    root, relative = job
    return _search_file(root / relative, _worker_search)


def _search_file(path: Path, search: prefilter.MultiSearch) -> list[tuple[int, int]]:
    try:
        text, text_lines = evidence_text(path, path.read_bytes())
    except OSError:
        return []
    return _hits(search, text, text_lines)
