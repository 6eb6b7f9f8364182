"""Every folder ``cases/<case>/`` holds a Dockerfile (plus the repository files its COPY and
``-r`` refer to) and an ``expected.json``: the exact declarations, commands, references and
problems ``FORMAT.parse`` finds in it. ``"dockerfile"`` names the file when it is not
``Dockerfile``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bloatlint.manifests.dockerfile import FORMAT
from bloatlint.model import ParsedFile

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(path.parent for path in CASES_DIR.glob("*/expected.json"))

Outcome = dict[str, object]


def describe(parsed: ParsedFile, root: Path) -> Outcome:
    """``parsed`` in the shape of expected.json."""
    declared: list[dict[str, object]] = []
    for item in parsed.declared:
        entry: dict[str, object] = {
            "name": item.name,
            "raw_name": item.raw_name,
            "manager": item.manager.value,
            "line": item.location.line,
            "column": item.location.column,
            "stage": item.stage,
            "is_final_stage": item.is_final_stage,
            "pinned": item.pinned,
            "native": item.native,
        }
        if item.version is not None:
            entry["version"] = item.version
        if item.suppressed:
            entry["suppressed"] = sorted(item.suppressed)
        declared.append(entry)
    return {
        "declared": declared,
        "commands": [
            {"name": item.name, "line": item.location.line, "column": item.location.column}
            for item in parsed.commands
        ],
        "references": [
            {
                "path": item.path.relative_to(root).as_posix(),
                "format": item.format,
                "line": item.location.line,
                "stage": item.stage,
            }
            for item in parsed.references
        ],
        "problems": [
            {"line": item.location.line, "column": item.location.column, "message": item.message}
            for item in parsed.problems
        ],
    }


def _dockerfile(case: Path, expected: Outcome) -> Path:
    return case / str(expected.get("dockerfile", "Dockerfile"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_parses_as_expected(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    parsed = FORMAT.parse(_dockerfile(case, expected), case)
    expected.pop("dockerfile", None)
    assert describe(parsed, case) == expected


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_declaration_points_at_its_name(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    path = _dockerfile(case, expected)
    parsed = FORMAT.parse(path, case)
    if not parsed.declared:
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    for item in parsed.declared:
        written = lines[item.location.line - 1][item.location.column - 1 :]
        # a package that came out of a variable (`pip install $PKGS`) points at the variable
        assert written.lower().startswith((item.raw_name.lower(), "$")), item


def test_there_are_cases() -> None:
    assert len(CASES) >= 20
