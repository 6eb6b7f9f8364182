"""The CI formats: SARIF against the official schema, GitHub workflow commands and their
escaping, the job summary, GitLab code quality, and the fingerprints they share."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from bloatlint.fingerprints import fingerprints
from bloatlint.model import Finding, Location
from bloatlint.reporters.github import annotation, escape_data, escape_property, step_summary
from bloatlint.rules import all_rules
from tests.conftest import run_cli, write_tree

# The official schema lives in the team's shared/ folder, which CI places beside the clone.
SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sarif-schema-2.1.0.json"
KERAS_UNUSED = "keras is declared but never imported or run"
PROJECT = {
    "requirements.txt": "numpy==2.0\nkeras==3.3.3\n",
    "train.py": "import numpy\nimport yaml\n",
}


def _sarif(root: Path, *args: str) -> dict[str, object]:
    result = run_cli(root, "--format", "sarif", *args)
    assert result.status == 1
    assert result.stderr == ""
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _schema() -> dict[str, object]:
    if not SCHEMA.is_file():  # outside the development machine: the copy beside the tests
        pytest.skip("the official SARIF schema is not available")
    schema: dict[str, object] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def test_sarif_is_valid_against_the_official_schema(tmp_path: Path) -> None:
    document = _sarif(write_tree(tmp_path, PROJECT))
    jsonschema.validate(document, _schema(), cls=jsonschema.Draft4Validator)


def test_sarif_results_exactly(tmp_path: Path) -> None:
    document = _sarif(write_tree(tmp_path, PROJECT))
    run = document["runs"][0]  # type: ignore[index]
    yaml_message = run["results"][1]["message"]["text"]
    assert run["results"] == [
        {
            "ruleId": "BLT101",
            "ruleIndex": _rule_index("BLT101"),
            "level": "warning",
            "message": {"text": KERAS_UNUSED},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 2, "startColumn": 1},
                    }
                }
            ],
            "partialFingerprints": {
                "bloatlint/v1": _hash("BLT101", "requirements.txt", "keras", KERAS_UNUSED, "0")
            },
            "properties": {"package": "keras"},
        },
        {
            "ruleId": "BLT102",
            "ruleIndex": _rule_index("BLT102"),
            "level": "warning",
            "message": {"text": yaml_message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "train.py", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 2, "startColumn": 1},
                    }
                }
            ],
            "partialFingerprints": {
                "bloatlint/v1": _hash("BLT102", "train.py", "pyyaml", yaml_message, "0")
            },
            "properties": {"package": "pyyaml"},
        },
    ]
    assert yaml_message.startswith("yaml is imported but no manifest declares ")
    assert run["columnKind"] == "unicodeCodePoints"
    assert document["version"] == "2.1.0"


def _hash(*parts: str) -> str:
    """The documented fingerprint: code, path, package, message and occurrence; no line."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _rule_index(code: str) -> int:
    return [rule.code for rule in all_rules()].index(code)


def test_sarif_rules_come_from_the_registry(tmp_path: Path) -> None:
    document = _sarif(write_tree(tmp_path, PROJECT))
    rules = document["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
    assert [rule["id"] for rule in rules] == [rule.code for rule in all_rules()]
    by_id = {rule["id"]: rule for rule in rules}
    blt101 = by_id["BLT101"]
    assert blt101["name"] == "unused-package"
    assert blt101["shortDescription"] == {
        "text": "A declared package that is never imported or run"
    }
    assert blt101["fullDescription"]["text"].startswith(
        "A declared package that nothing imports, runs or otherwise needs.\n\nbloatlint looks"
    )
    assert blt101["help"]["text"].startswith("BLT101: a declared package")
    assert "```\n# requirements.txt" in blt101["help"]["markdown"]
    assert blt101["helpUri"].endswith("/docs/rules.md#blt101")
    assert blt101["defaultConfiguration"] == {"level": "warning"}


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    before = _sarif(write_tree(tmp_path, PROJECT))
    write_tree(
        tmp_path,
        {"requirements.txt": "# pinned for the GPU build\n\n" + PROJECT["requirements.txt"]},
    )
    write_tree(tmp_path, {"train.py": '"""Training."""\n\n' + PROJECT["train.py"]})
    after = _sarif(tmp_path)

    def prints(document: dict[str, object]) -> list[tuple[int, object]]:
        results = document["runs"][0]["results"]  # type: ignore[index]
        return [
            (r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"])
            for r in results
        ]

    (line_a, print_a), (line_b, print_b) = prints(before)
    (moved_a, again_a), (moved_b, again_b) = prints(after)
    assert (moved_a, moved_b) == (line_a + 2, line_b + 2)
    assert (again_a, again_b) == (print_a, print_b)
    assert print_a != print_b


def test_sarif_uris_are_relative_to_the_repository_and_encoded(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    project = write_tree(tmp_path / "services" / "ml api", PROJECT)
    document = _sarif(project)
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]  # type: ignore[index]
    ]
    assert uris == ["services/ml%20api/requirements.txt", "services/ml%20api/train.py"]
    jsonschema.validate(document, _schema(), cls=jsonschema.Draft4Validator)


def test_identical_findings_get_distinct_fingerprints() -> None:
    twice = [
        Finding("BLT101", Location("requirements.txt", 1), "keras is declared", "keras"),
        Finding("BLT101", Location("requirements.txt", 9), "keras is declared", "keras"),
    ]
    first, second = fingerprints(twice)
    assert first != second
    assert fingerprints(twice[1:]) == [first]  # the survivor inherits the first identity


def test_fingerprints_ignore_locations_quoted_in_messages() -> None:
    def finding(at: str) -> Finding:
        return Finding("BLT103", Location("r.txt", 2), f"pytest (runs `pytest` at {at})", "pytest")

    assert fingerprints([finding("ci.yml:9:14")]) == fingerprints([finding("ci.yml:12:3")])


# --- GitHub --------------------------------------------------------------------------------------


def test_github_annotations_exactly(tmp_path: Path) -> None:
    result = run_cli(write_tree(tmp_path, PROJECT), "--format", "github")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::warning file=requirements.txt,line=2,col=1,title=BLT101::"
        "keras is declared but never imported or run"
    )
    assert lines[1].startswith(
        "::warning file=train.py,line=2,col=1,title=BLT102::yaml is imported"
    )
    assert len(lines) == 2
    assert result.status == 1


def test_github_escapes_paths_from_a_real_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a,b:c%d/requirements.txt": "keras\n"})
    result = run_cli(tmp_path, "--format", "github")
    assert result.stdout == (
        "::warning file=a%2Cb%3Ac%25d/requirements.txt,line=1,col=1,title=BLT101::"
        "keras is declared but never imported or run\n"
    )


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\rb", "a%0Db", "a%0Db"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y", "x: y", "x%3A y"),
        ("x, y", "x, y", "x%2C y"),
        ("%0A", "%250A", "%250A"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_github_escaping_rules(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_github_annotation_escapes_every_part() -> None:
    finding = Finding("BLT101", Location("dir,x/a:b%.txt", 3, 7), "50% of\r\nx: y, z", "x")
    assert annotation(finding) == (
        "::warning file=dir%2Cx/a%3Ab%25.txt,line=3,col=7,title=BLT101::50%25 of%0D%0Ax: y, z"
    )


@pytest.mark.parametrize(
    ("severity", "command"), [("error", "error"), ("warning", "warning"), ("note", "notice")]
)
def test_github_severity_chooses_the_command(severity: str, command: str) -> None:
    finding = Finding("BLT001", Location("a.txt", 1), "m", severity=severity)
    assert annotation(finding).startswith(f"::{command} file=a.txt,")


def test_github_step_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    project = write_tree(tmp_path / "project", {"requirements.txt": "keras\nseaborn\n"})
    run_cli(project, "--format", "github")
    assert summary_file.read_text(encoding="utf-8") == (
        "earlier step\n"
        "## bloatlint\n"
        "\n"
        "2 findings: BLT101: 2.\n"
        "\n"
        "| Location | Code | Message |\n"
        "| --- | --- | --- |\n"
        "| requirements.txt:1:1 | BLT101 | keras is declared but never imported or run |\n"
        "| requirements.txt:2:1 | BLT101 | seaborn is declared but never imported or run |\n"
        "\n"
    )


def test_github_step_summary_is_not_written_for_other_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary_file = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    run_cli(write_tree(tmp_path / "project", PROJECT), "--format", "sarif")
    assert not summary_file.exists()


def test_step_summary_escapes_cells_and_says_nothing_of_unknown_sizes() -> None:
    finding = Finding("BLT101", Location("a|b.txt", 1), "x <b>|</b>\nnext", "x")
    text = step_summary([finding], {"sizes": "unknown", "new_since": "origin/main"})
    assert "| a\\|b.txt:1:1 | BLT101 | x &lt;b&gt;\\|&lt;/b&gt; next |" in text
    assert "1 finding new since origin/main: BLT101: 1." in text
    assert "Packages nothing uses" not in text
    assert step_summary([], {}) == "## bloatlint\n\nNo findings.\n\n"
    assert "Packages nothing uses: 2.1 GB." in step_summary([], {"bloat_bytes": 2_100_000_000})


# --- GitLab --------------------------------------------------------------------------------------


def test_gitlab_code_quality_exactly(tmp_path: Path) -> None:
    result = run_cli(write_tree(tmp_path, {"requirements.txt": "keras\n"}), "--format", "gitlab")
    assert json.loads(result.stdout) == [
        {
            "description": "keras is declared but never imported or run",
            "check_name": "BLT101",
            "fingerprint": _hash("BLT101", "requirements.txt", "keras", KERAS_UNUSED, "0"),
            "severity": "minor",
            "location": {"path": "requirements.txt", "lines": {"begin": 1}},
        }
    ]
    assert result.status == 1


def test_gitlab_empty_report_is_an_empty_array(tmp_path: Path) -> None:
    result = run_cli(
        write_tree(tmp_path, {"requirements.txt": "numpy\n", "a.py": "import numpy\n"}),
        "--format",
        "gitlab",
    )
    assert (result.stdout, result.status) == ("[]\n", 0)
