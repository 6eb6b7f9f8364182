#!/usr/bin/env python3
"""Measure wheels' unpacked sizes into ``src/bloatlint/knowledge/sizes.csv``.

For each requirement (``name`` or ``name==version``) it asks the package index's JSON simple
API (PEP 691) for the wheel that CPython 3.11 on Linux x86_64 installs, and reads the wheel's
zip central directory (HTTP Range requests, as ``build_knowledge.py`` does): the sum of the
members' uncompressed sizes is the unpacked size (what pip writes, before byte code), the
file's size is the download. The row gives bloatlint both the measured installed size (for
locks without sizes) and the package's own unpacked/wheel ratio (for locks with sizes). A row
for the same name and version is replaced; the newest row per name is the one bloatlint uses.

    python scripts/measure_sizes.py [--index-url URL] [--file REQS] [NAME[==VERSION] ...]

The index is ``--index-url``, else ``$PIP_INDEX_URL``, else pip's configured one, else pip's
default; no index host is written in this repository.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.util
import io
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SIZES = ROOT / "src" / "bloatlint" / "knowledge" / "sizes.csv"
FIELDS = ["name", "version", "installed_bytes", "wheel_bytes", "wheel", "measured", "source"]
SOURCE = "scripts/measure_sizes.py"


def _build_knowledge() -> ModuleType:
    path = Path(__file__).resolve().parent / "build_knowledge.py"
    spec = importlib.util.spec_from_file_location("build_knowledge", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_knowledge"] = module
    spec.loader.exec_module(module)
    return module


bk = _build_knowledge()


def measure(index_url: str, requirement: str) -> dict[str, str]:
    name, _, version = requirement.partition("==")
    name = canonicalize_name(name.strip())
    page_url = f"{index_url.rstrip('/')}/{name}/"
    reply = bk.http_get(page_url, {"Accept": bk.SIMPLE_JSON})
    files = bk.parse_project_page(json.loads(reply.body), page_url)
    if version:
        files = [f for f in files if f.version is not None and str(f.version) == version.strip()]
    chosen = bk.choose_file([f for f in files if f.filename.endswith(".whl")])
    if chosen is None or not chosen.filename.endswith(".whl"):
        raise ValueError(f"no wheel for {requirement} fits CPython 3.11 on Linux x86_64")
    source = bk.open_source(chosen.url, chosen.size)
    members = bk.read_central_directory(source)
    unpacked = sum(member.size for member in members if not member.name.endswith("/"))
    return {
        "name": name,
        "version": str(chosen.version),
        "installed_bytes": str(unpacked),
        "wheel_bytes": str(source.size),
        "wheel": chosen.filename,
        "measured": datetime.date.today().strftime("%Y-%m"),
        "source": SOURCE,
    }


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if line and not line.startswith("#")]
    return header, list(csv.DictReader(io.StringIO("\n".join(body))))


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\n".join(header) + "\n" + out.getvalue(), encoding="utf-8")


def merge(rows: list[dict[str, str]], new: dict[str, str]) -> list[dict[str, str]]:
    """``rows`` without the same name and version, then ``new`` last (the newest wins)."""
    key = (new["name"], new["version"])
    kept = [row for row in rows if (canonicalize_name(row["name"]), row["version"]) != key]
    return [*kept, new]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="*", help="NAME or NAME==VERSION")
    parser.add_argument("--file", type=Path, help="a requirements file of NAME==VERSION lines")
    parser.add_argument("--index-url", help="package index (default: pip's configuration)")
    parser.add_argument("--min-bytes", type=int, default=100_000, help="skip smaller wheels")
    parser.add_argument("--output", type=Path, default=SIZES)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    wanted = list(args.requirements)
    if args.file:
        for line in args.file.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].split(";", 1)[0].strip()
            if entry and not entry.startswith("-"):
                wanted.append(entry)
    if not wanted:
        parser.error("name at least one requirement")
    index_url, note = bk.resolve_index(args.index_url)
    print(f"index: {note}", file=sys.stderr)

    def one(requirement: str) -> dict[str, str] | str:
        try:
            return measure(index_url, requirement)
        except Exception as error:  # one bad package must not stop the others
            return f"{requirement}: {type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(one, wanted))
    header, rows = read_rows(args.output)
    added = 0
    for result in results:
        if isinstance(result, str):
            print(f"skipped {result}", file=sys.stderr)
            continue
        if int(result["wheel_bytes"]) < args.min_bytes:
            continue
        rows = merge(rows, result)
        added += 1
        ratio = int(result["installed_bytes"]) / int(result["wheel_bytes"])
        print(f"{result['name']} {result['version']}: x{ratio:.2f}", file=sys.stderr)
    write_rows(args.output, header, rows)
    print(f"{added} rows written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
