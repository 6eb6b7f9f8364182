"""The whole run's findings, kept for the next run when nothing it reads has changed.

A pre-commit hook runs bloatlint on every commit, and most commits touch no manifest and add
no import; yet a run reads every manifest, script and CI file and searches them all. So the
findings and summary of a run are stored under ``.bloatlint_cache/`` with a key made of:
bloatlint's own files (its version, code and knowledge), the configuration and options, and
the path, size and modification time of every file the run discovered (plus the project
``.venv``'s site-packages folders, whose modification time changes when a package is added
or removed). A warm run walks the tree, stats the files, and prints the stored findings.

When only code files changed, most edits still change nothing the analysis reads: a run also
records, per code file, a digest of its scan (imports, module-like strings, commands, parse
problems) and the first line each pattern the analysis searched matches. The next run rescans
just the changed files and, if digests and matches are all as
recorded, prints the stored findings: the analysis, given the same inputs, would decide the
same. Adding an import, or a ``load_in_8bit=True`` a backend rule looks for, runs it again.

Not cached: runs that ask an interpreter (``--python``), a conda prefix or the network, whose
answers can change without any file here changing. Modification times within two seconds of
the run (or in the future) are not trusted, as in the scan cache: such a run is not stored.
Writes are atomic (a temporary file renamed over the old one), a corrupt entry is a miss, and
only the newest few entries are kept (two hooks with different ``--select`` alternate).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bloatlint
from bloatlint.discover import walk
from bloatlint.model import Finding, Location
from bloatlint.options import Options

if TYPE_CHECKING:
    from bloatlint.analysis import Analysis
    from bloatlint.config import Config

CACHE_DIR = ".bloatlint_cache"
_PREFIX = "run-"
_KEEP = 8
# Beyond this many changed code files, checking them costs about what analysing does.
_MAX_RECHECKED = 200
_UNTRUSTED_WINDOW_NS = 2_000_000_000


def findings_and_summary(
    options: Options, config: Config
) -> tuple[tuple[Finding, ...], dict[str, Any]]:
    """What a run reports, from the cache when nothing the run reads has changed, or when
    only code files changed and what they use did not (see ``_reusable``); the analysis (and
    its imports) only otherwise."""
    root = options.root
    tree = walk(root, config.exclude)
    cacheable = options.use_cache and not (options.python or options.conda_prefix or options.online)
    files = [*tree.files, *(str(path) for path in options.extra_files)]
    stats: dict[str, tuple[int, int]] = {}
    run_key, layout = keys(root, files, config, options, stats) if cacheable else (None, None)
    if run_key is not None:
        cached = load(root, run_key)
        if cached is not None:
            return cached
    if layout is not None:
        reused = _reusable(root, layout, stats)
        if reused is not None:
            findings, summary, record = reused
            if run_key is not None:
                _write(root, run_key, {**record, "key": run_key})
            return findings, summary
    from bloatlint import engine  # the whole analysis: imported only when it runs

    result = engine.run(options, config, tree)
    if run_key is not None:
        store(root, run_key, result.findings, result.summary, layout, result.analysis)
    return result.findings, dict(result.summary)


def _is_code(path: str) -> bool:
    return path.endswith((".py", ".ipynb"))


def _reusable(
    root: Path, layout: str, stats: Mapping[str, tuple[int, int]]
) -> tuple[tuple[Finding, ...], dict[str, Any], dict[str, Any]] | None:
    """The last run with this layout, if every code file changed since then still has the
    same scan (imports, module-like strings, commands, problems) and the same first match of
    every pattern the run searched: then the analysis would decide everything as before.
    ``stats`` are the (size, mtime) ``keys`` read of each file."""
    try:
        pointer = root / CACHE_DIR / f"layout-{layout[:32]}.json"
        record = json.loads((root / CACHE_DIR / pointer.read_text().strip()).read_text())
        if record["layout"] != layout:
            return None
        findings = tuple(_finding(raw) for raw in record["findings"])
        summary = dict(record["summary"])
        code: dict[str, list[Any]] = record["code"]
        patterns = [re.compile(source, re.MULTILINE) for source in record["searched"]]
    except Exception:  # missing, partial, corrupt or from another version
        return None
    untrusted = time.time_ns() - _UNTRUSTED_WINDOW_NS
    changed = [
        path
        for path, facts in code.items()
        if (known := stats.get(path)) is None or known[1] > untrusted or list(known) != facts[:2]
    ]
    if len(changed) > _MAX_RECHECKED:
        return None
    from bloatlint.code.batch import scan_files
    from bloatlint.code.cache import scan_digest

    # the changed files would miss the scan cache: loading it for them costs more than they do
    scans = scan_files(root, changed, use_cache=False, patterns=patterns)
    for path, scan in zip(changed, scans, strict=True):
        hits = [[patterns[index].pattern, line] for index, line in scan.hits]
        if scan_digest(scan) != code[path][2] or hits != code[path][3]:
            return None
        stat = (root / path).stat()
        code[path] = [stat.st_size, stat.st_mtime_ns, code[path][2], hits]
    return findings, summary, record


def keys(
    root: Path,
    files: Sequence[str],
    settings: object,
    options: object,
    stats: dict[str, tuple[int, int]] | None = None,
) -> tuple[str | None, str | None]:
    """The run's key and its layout key, from one stat of each file. The run key covers
    every file's path, size and modification time; the layout key counts code files by path
    only, so that a run whose other files are all as they were may be answered by checking
    the code files that changed (``_reusable``). Either is ``None`` when a file it covers
    cannot be stat'ed or changed too recently for its modification time to vouch for it.
    ``stats``, when given, receives each project file's (size, mtime)."""
    common = hashlib.sha256()
    common.update(_canonical_json(settings).encode())
    common.update(_canonical_json(options).encode())
    package = Path(bloatlint.__file__).parent
    own_lines = _stat_lines(package, _own_files(str(package)))
    venv_lines = [
        (f"{site}\0{site.stat().st_mtime_ns}\n", site.stat().st_mtime_ns)
        for venv in (".venv", "venv")
        for site in sorted((root / venv).glob("lib/python*/site-packages"))
    ]
    tree_lines = _stat_lines(root, files, stats)
    if own_lines is None or tree_lines is None:
        return None, None
    untrusted = time.time_ns() - _UNTRUSTED_WINDOW_NS
    for line, _ in [*own_lines, *venv_lines]:
        common.update(line.encode())
    run = common.copy()
    layout = common.copy()
    newest_other = max((mtime for _, mtime in [*own_lines, *venv_lines]), default=0)
    newest = newest_other
    for (line, mtime), name in zip(tree_lines, files, strict=True):
        run.update(line.encode())
        newest = max(newest, mtime)
        if _is_code(name):
            layout.update(f"{name}\n".encode())
        else:
            layout.update(line.encode())
            newest_other = max(newest_other, mtime)
    return (
        run.hexdigest() if newest <= untrusted else None,
        layout.hexdigest() if newest_other <= untrusted else None,
    )


def _own_files(package: str) -> list[str]:
    """bloatlint's own files (its code and knowledge), relative to its package folder."""
    found: list[str] = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = os.path.relpath(folder, package)
        prefix = "" if relative == "." else f"{relative}/"
        found.extend(f"{prefix}{name}" for name in names if "." in name)
    return sorted(found)


def _stat_lines(
    base: Path, names: Iterable[str], stats: dict[str, tuple[int, int]] | None = None
) -> list[tuple[str, int]] | None:
    """``name, size, mtime`` of each file, with its mtime; ``None`` if one cannot be read."""
    lines: list[tuple[str, int]] = []
    folder = str(base)  # pathlib's joins cost more than the stats on a large tree
    for name in names:
        try:
            found = os.stat(os.path.join(folder, name))  # noqa: PTH116, PTH118
        except OSError:
            return None
        lines.append((f"{name}\0{found.st_size}\0{found.st_mtime_ns}\n", found.st_mtime_ns))
        if stats is not None:
            stats[name] = (found.st_size, found.st_mtime_ns)
    return lines


def load(root: Path, run_key: str) -> tuple[tuple[Finding, ...], dict[str, Any]] | None:
    try:
        document = json.loads((root / CACHE_DIR / f"{_PREFIX}{run_key[:32]}.json").read_text())
        if document["key"] != run_key:
            return None
        findings = tuple(_finding(raw) for raw in document["findings"])
        summary = dict(document["summary"])
    except Exception:  # missing, partial, corrupt or from another version: run afresh
        return None
    return findings, summary


def store(
    root: Path,
    run_key: str,
    findings: Iterable[Finding],
    summary: Mapping[str, object],
    layout: str | None = None,
    analysis: Analysis | None = None,
) -> None:
    """Keep this run's output; failing to write is never an error."""
    record: dict[str, Any] = {
        "key": run_key,
        "findings": [_finding_json(finding) for finding in findings],
        "summary": summary,
    }
    if layout is not None and analysis is not None:
        record |= {"layout": layout, **_code_facts(root, analysis)}
    _write(root, run_key, record)


def _code_facts(root: Path, analysis: Analysis) -> dict[str, Any]:
    """Per code file: its size, modification time, scan digest and the first line each
    searched pattern matches; and the patterns the analysis searched."""
    project = analysis.project
    searched = sorted(analysis.searched_patterns(), key=lambda pattern: pattern.pattern)
    code: dict[str, list[Any]] = {}
    lines = [analysis.code_lines(pattern) for pattern in searched]
    for path in project.code_files:
        digest = project.code_digests.get(path)
        if digest is None:
            continue  # a run without the scan digests is never reused
        try:
            stat = (root / path).stat()
        except OSError:
            continue
        hits = [
            [pattern.pattern, found[path]]
            for pattern, found in zip(searched, lines, strict=True)
            if path in found
        ]
        code[path] = [stat.st_size, stat.st_mtime_ns, digest, hits]
    return {"code": code, "searched": [pattern.pattern for pattern in searched]}


def _write(root: Path, run_key: str, record: Mapping[str, Any]) -> None:
    folder = root / CACHE_DIR
    try:
        text = json.dumps(record, separators=(",", ":"))
    except (TypeError, ValueError):
        return  # a summary value JSON cannot hold: do not cache this run
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by bloatlint: never commit this folder\n*\n")
        name = f"{_PREFIX}{run_key[:32]}.json"
        _replace(folder, name, text)
        if "layout" in record:
            _replace(folder, f"layout-{str(record['layout'])[:32]}.json", name)
        _prune(folder)
    except OSError:
        return


def _replace(folder: Path, name: str, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".run-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    Path(temporary).replace(folder / name)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob(f"{_PREFIX}*.json"), key=lambda path: path.stat().st_mtime_ns)
    for old in entries[:-_KEEP]:
        old.unlink(missing_ok=True)


def _finding_json(finding: Finding) -> dict[str, Any]:
    where = finding.location
    return {
        "code": finding.code,
        "location": [where.path, where.line, where.column],
        "message": finding.message,
        "package": finding.package,
        "severity": finding.severity,
        "extra": dict(finding.extra),
    }


def _finding(raw: dict[str, Any]) -> Finding:
    path, line, column = raw["location"]
    return Finding(
        code=raw["code"],
        location=Location(path, line, column),
        message=raw["message"],
        package=raw["package"],
        severity=raw["severity"],
        extra=raw["extra"],
    )


def _canonical_json(value: object) -> str:
    return json.dumps(_plain(value), sort_keys=True)


def _plain(value: object) -> object:
    """A JSON-ready value whose text does not depend on set order or hash seeds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(name): _plain(item) for name, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
