#!/usr/bin/env python3
"""Regenerate ``src/bloatlint/knowledge/requires-history.json``: what older releases required.

``distributions.json`` records each distribution's requirements at its newest release. A
project that pins an older one (``tensorboard==2.15.1`` in a ``pip freeze`` file) installs
what that release required (google-auth, six, ...), and a pin of those is deliberate. For every
distribution of the curated tier this script reads the core metadata of the newest final
release of each ``major.minor`` series uploaded since ``--since``, and records what the
series required beyond the newest release: names, with the extras asked of them
(``uvicorn[standard]``). A series that required nothing more is left out.

Metadata comes from the index's PEP 658 ``.metadata`` file when it has one, otherwise from
the wheel itself with HTTP Range requests (the zip's central directory and one member).
Markers are evaluated for Linux x86_64 and CPython 3.8 to 3.13: a requirement counts when it
applies on any of them.

Run it by hand (it needs the network):

    python scripts/build_requires_history.py [--since 2021-01-01] [--workers 64] [NAME ...]

Names are read in the seed file's order, a batch at a time, and the output is written after
each batch, so an interrupted run keeps what it read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_knowledge as bk

OUTPUT = bk.KNOWLEDGE / "requires-history.json"

_Release = tuple[Version, str, str, int | None, bool]  # version, filename, url, size, has .metadata


def releases(name: str, index_url: str, since: str) -> list[_Release]:
    """The best wheel of every final release uploaded on or after ``since``."""
    page_url = f"{index_url.rstrip('/')}/{name}/"
    reply = bk.http_get(page_url, {"Accept": bk.SIMPLE_JSON})
    page = json.loads(reply.body)
    best: dict[Version, tuple[int, str, _Release]] = {}
    for raw in page.get("files", []):
        if not isinstance(raw, dict) or raw.get("yanked"):
            continue
        filename = str(raw.get("filename", ""))
        rank = bk.wheel_rank(filename)
        if rank is None or str(raw.get("upload-time", "")) < since:
            continue
        try:
            version = parse_wheel_filename(filename)[1]
        except InvalidWheelFilename:
            continue
        if version.is_prerelease or version.is_devrelease:
            continue
        metadata = bool(raw.get("core-metadata", raw.get("data-dist-info-metadata", False)))
        url = urllib.parse.urljoin(page_url, str(raw["url"]))
        size = raw.get("size") if isinstance(raw.get("size"), int) else None
        release: _Release = (version, filename, url, size, metadata)
        if version not in best or (rank, filename) < best[version][:2]:
            best[version] = (rank, filename, release)
    return [entry[2] for _, entry in sorted(best.items())]


def newest_of_each_series(found: Sequence[_Release]) -> dict[str, _Release]:
    """The newest release of each ``major.minor`` series (``found`` is oldest first):
    requirements rarely change in a patch release, and reading one wheel a series halves
    a run that is already hours long."""
    return {series_key(release[0]): release for release in found}


def series_key(version: Version) -> str:
    major, minor = (*version.release, 0)[:2]
    return f"{major}.{minor}"


def metadata_of(release: _Release) -> str:
    _, filename, url, size, has_metadata = release
    if has_metadata:
        return bk.http_get(url + ".metadata", {}).body.decode("utf-8", errors="replace")
    source = bk.open_source(url, size)
    members = bk.read_central_directory(source)
    dist_info = bk._dist_info_dir(members, filename)
    by_name = {member.name: member for member in members}
    data = bk.read_member(source, by_name[f"{dist_info}/METADATA"])
    return data.decode("utf-8", errors="replace")


# A pinned release is often pinned for an older Python (a ``pip freeze`` on 3.10 lists the
# exceptiongroup that anyio installs only there): requirements count on any of these.
PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")


def _applies_on_some_python(requirement: Requirement) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate(
            {**bk.TARGET_ENVIRONMENT, "python_version": v, "python_full_version": f"{v}.0"}
            | {"extra": ""}
        )
        for v in PYTHONS
    )


def requirement_strings(metadata: str, name: str) -> set[str]:
    """What a release always installs on Linux x86_64 under some CPython of ``PYTHONS``:
    ``name`` or ``name[extra,...]``."""
    own = canonicalize_name(name)
    found: set[str] = set()
    for requirement in bk._requirements(
        HeaderParser().parsestr(metadata).get_all("Requires-Dist") or []
    ):
        required = canonicalize_name(requirement.name)
        if required == own or not _applies_on_some_python(requirement):
            continue
        found.add(_spelled(required, sorted(map(canonicalize_name, requirement.extras))))
    return found


def _spelled(name: str, extras: Sequence[str]) -> str:
    """``name`` or ``name[extra,...]``, as requires-history.json records a requirement."""
    return f"{name}[{','.join(extras)}]" if extras else name


def newest_requirements(entry: Mapping[str, object]) -> set[str]:
    found = {str(name) for name in entry.get("requires", []) or []}  # type: ignore[union-attr]
    asked = entry.get("requires_extras", {}) or {}
    for required, extras in asked.items():  # type: ignore[union-attr]
        found.add(_spelled(required, extras))
    return found


def _pages(
    names: Sequence[str], index_url: str, since: str, workers: int
) -> dict[str, list[_Release] | str]:
    def one(name: str) -> list[_Release] | str:
        try:
            return releases(name, index_url, since)
        except Exception as error:  # one bad package must not stop the others
            return f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(one, names), strict=True))


def _metadata(jobs: Sequence[_Release], workers: int) -> list[str | Exception]:
    def one(release: _Release) -> str | Exception:
        try:
            return metadata_of(release)
        except Exception as error:  # reported with its package
            return error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, jobs))


def build(
    names: Iterable[str],
    curated: Mapping[str, Mapping[str, object]],
    index_url: str,
    since: str,
    workers: int,
) -> dict[str, dict[str, list[str]] | str]:
    """Per distribution, per series, what the series required beyond the newest release
    (``curated``'s entry; a series adding nothing is left out); or why the distribution
    could not be read."""
    wanted = [name for name in names if name in curated]
    pages = _pages(wanted, index_url, since, workers)
    jobs: list[tuple[str, str, _Release]] = []
    results: dict[str, dict[str, list[str]] | str] = {}
    for name, page in pages.items():
        if isinstance(page, str):
            results[name] = page
            continue
        results[name] = {}
        jobs.extend((name, key, release) for key, release in newest_of_each_series(page).items())
    print(f"{len(pages)} pages, {len(jobs)} releases to read", file=sys.stderr, flush=True)
    texts = _metadata([release for _, _, release in jobs], workers)
    for (name, key, release), text in zip(jobs, texts, strict=True):
        entry = results[name]
        if isinstance(text, Exception):
            results[name] = f"{release[1]}: {type(text).__name__}: {text}"
        elif isinstance(entry, dict):
            extra = sorted(requirement_strings(text, name) - newest_requirements(curated[name]))
            if extra:
                entry[key] = extra
    return results


def write(
    path: Path, index_note: str, since: str, read: Iterable[str], entries: Mapping[str, object]
) -> None:
    header = {
        "generated": datetime.date.today().isoformat(),
        "index": index_note,
        "since": since,
        "read": sorted(read),  # what a resumed run skips; names absent here are still to read
    }
    lines = sorted(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in entries.items())
    head = json.dumps(header, sort_keys=True)[:-1]
    body = ",\n".join(lines)
    text = f'{head}, "distributions": {{\n{body}\n}}}}\n'  # one line a distribution
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="refresh only these (merged into the output)")
    parser.add_argument("--index-url", help="simple index URL (default: pip's)")
    parser.add_argument("--since", default="2021-01-01", help="oldest upload date considered")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--batch", type=int, default=100, help="names written out at a time")
    parser.add_argument(
        "--restart", action="store_true", help="read every name again, not only those not yet read"
    )
    args = parser.parse_args(argv)
    # the seed's first sections are the ML ecosystem, whose pins matter most: an interrupted
    # run has done those
    names = [str(canonicalize_name(n)) for n in args.names] or bk.read_seed_in_order(bk.SEED)
    index_url, index_note = bk.resolve_index(args.index_url)
    entries: dict[str, object] = {}
    read: set[str] = set()
    if args.output.exists():
        previous = json.loads(args.output.read_text(encoding="utf-8"))
        entries = previous.get("distributions", {})
        read = set(previous.get("read", ()))
    if not args.names and not args.restart:
        names = [name for name in names if name not in read]  # an interrupted run goes on
    curated = json.loads(bk.OUTPUT.read_text(encoding="utf-8"))["distributions"]
    failed = done = 0
    for start in range(0, len(names), args.batch):
        batch = names[start : start + args.batch]
        for name, result in build(batch, curated, index_url, args.since, args.workers).items():
            done += 1
            if isinstance(result, str):  # what an earlier run read is kept
                failed += 1
                print(f"ERROR {name}: {result}", file=sys.stderr)
                continue
            read.add(name)
            entries.pop(name, None)
            if result:
                entries[name] = result
        write(args.output, index_note, args.since, read, entries)  # a checkpoint per batch
        print(f"{start + len(batch)}/{len(names)} names", file=sys.stderr, flush=True)
    print(f"{done - failed} read, {failed} failed; {len(entries)} with older requirements")
    return 0 if failed < max(done, 1) else 1


if __name__ == "__main__":
    raise SystemExit(main())
