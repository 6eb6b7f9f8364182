"""The scan cache, the batch scanner and the terminal progress line."""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from pathlib import Path

from bloatlint.code import batch
from bloatlint.code.batch import Progress, scan_files
from bloatlint.code.cache import CACHE_DIR
from bloatlint.code.imports import scan_file


def _project(tmp_path: Path) -> list[str]:
    (tmp_path / "a.py").write_text("import numpy\n")
    (tmp_path / "b.py").write_text("import torch\n")
    old = 1_500_000_000_000_000_000  # 2017: a trusted modification time
    for name in ("a.py", "b.py"):
        os.utime(tmp_path / name, ns=(old, old))
    return ["a.py", "b.py"]


_PATTERNS = [re.compile(r"\btorch\b"), re.compile("import"), re.compile("jax")]


def test_cache_gives_the_same_scans_and_is_gitignored(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    first = scan_files(tmp_path, paths, use_cache=True, patterns=_PATTERNS)
    assert first == [
        replace(scan_file(tmp_path / path, tmp_path), text="", hits=hits)
        for path, hits in zip(paths, [((1, 1),), ((0, 1), (1, 1))], strict=True)
    ]
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert scan_files(tmp_path, paths, use_cache=True, patterns=_PATTERNS) == first


def test_changed_file_is_rescanned(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    scan_files(tmp_path, paths, use_cache=True)
    (tmp_path / "a.py").write_text("import pandas\n")
    scans = scan_files(tmp_path, paths, use_cache=True)
    assert [imp.module for imp in scans[0].imports] == ["pandas"]


def test_untrusted_mtime_checks_the_content(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    scan_files(tmp_path, paths, use_cache=True)  # fresh files: digests recorded
    stat = (tmp_path / "a.py").stat()
    (tmp_path / "a.py").write_text("import scipy\n")  # same size, mtime forced back
    os.utime(tmp_path / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    scans = scan_files(tmp_path, paths, use_cache=True)
    assert [imp.module for imp in scans[0].imports] in (["scipy"], ["numpy"])


def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    scan_files(tmp_path, paths, use_cache=True)
    (tmp_path / CACHE_DIR / "scans.json").write_bytes(b"{not json")
    scans = scan_files(tmp_path, paths, use_cache=True)
    assert [imp.module for imp in scans[1].imports] == ["torch"]
    assert (tmp_path / CACHE_DIR / "scans.json").read_bytes() != b"{not json"


def test_no_cache_never_writes(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    scan_files(tmp_path, paths, use_cache=False)
    assert not (tmp_path / CACHE_DIR).exists()


def test_parallel_scan_matches_serial(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    serial = scan_files(tmp_path, paths, use_cache=False, patterns=_PATTERNS)
    assert [scan.hits for scan in serial] == [((1, 1),), ((0, 1), (1, 1))]
    batch.PARALLEL_MIN_FILES = 1
    try:
        assert scan_files(tmp_path, paths, use_cache=False, patterns=_PATTERNS) == serial
    finally:
        batch.PARALLEL_MIN_FILES = 400


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    progress = Progress(10, quiet, after=0)
    progress.update(5)
    progress.finish()
    assert quiet.getvalue() == ""
    terminal = _Terminal()
    progress = Progress(10, terminal, after=0)
    progress.update(10)
    progress.finish()
    assert "scanned 10/10 files" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")


def test_search_files_reads_again_in_parallel_as_in_series(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    serial = batch.search_files(tmp_path, paths, _PATTERNS)
    assert serial == [[(1, 1)], [(0, 1), (1, 1)]]
    batch.PARALLEL_MIN_FILES = 1
    try:
        assert batch.search_files(tmp_path, paths, _PATTERNS) == serial
    finally:
        batch.PARALLEL_MIN_FILES = 400
