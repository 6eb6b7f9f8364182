"""Every folder ``tests/manifests/fixtures/<format>/<case>/`` holds manifests written by real
tools (or by hand for the edge cases) and an ``expected.json``: for each manifest of the folder
that the format claims, the exact declarations, problems and references, or the error it
raises."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from bloatlint.manifests import ManifestFormat, formats
from bloatlint.manifests.requirements import read_manifest_text
from bloatlint.model import ManifestError, ParsedFile

HERE = Path(__file__).parent / "fixtures"
CASES = sorted(
    case
    for folder in HERE.iterdir()
    if folder.is_dir() and folder.name in formats()
    for case in folder.iterdir()
    if case.is_dir()
)

Outcome = dict[str, object]


def outcome(fmt: ManifestFormat, path: Path, root: Path) -> Outcome:
    """What parsing ``path`` gives, in the shape of expected.json."""
    try:
        parsed = fmt.parse(path, root)
    except ManifestError as error:
        where = error.location
        return {"error": {"line": where.line, "column": where.column, "message": error.message}}
    return describe(parsed, root)


def describe(parsed: ParsedFile, root: Path) -> Outcome:
    return {
        "declared": [
            {
                "name": item.name,
                "raw_name": item.raw_name,
                "manager": item.manager.value,
                "line": item.location.line,
                "column": item.location.column,
                "group": item.group,
                "scope": item.scope.value,
                "pinned": item.pinned,
                "version": item.version,
                "transitive": item.transitive,
                "native": item.native,
                "extras": sorted(item.extras),
                "suppressed": sorted(item.suppressed),
            }
            for item in parsed.declared
        ],
        "problems": [
            {"line": item.location.line, "column": item.location.column, "message": item.message}
            for item in parsed.problems
        ],
        "references": [
            {
                "path": item.path.relative_to(root).as_posix(),
                "format": item.format,
                "line": item.location.line,
                "column": item.location.column,
            }
            for item in parsed.references
        ],
    }


def claimed_files(fmt: ManifestFormat, case: Path) -> list[str]:
    """The files of ``case`` discovery would hand to ``fmt`` (run from the case folder)."""
    relative = (path.relative_to(case).as_posix() for path in case.rglob("*") if path.is_file())
    return sorted(name for name in relative if fmt.matches(PurePosixPath(name)))


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_fixture_parses_as_expected(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)  # discovery runs from the project root (pip-compile .in siblings)
    fmt = formats()[case.parent.name]
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert claimed_files(fmt, case) == sorted(expected)
    actual = {name: outcome(fmt, case / name, case) for name in expected}
    assert actual == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_every_declaration_points_at_its_name(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    fmt = formats()[case.parent.name]
    for name in claimed_files(fmt, case):
        try:
            parsed = fmt.parse(case / name, case)
        except ManifestError:
            continue
        lines = read_manifest_text(case / name, name).splitlines()
        for item in parsed.declared:
            written = lines[item.location.line - 1][item.location.column - 1 :]
            assert written.lower().startswith(item.raw_name.lower()), (name, item)
