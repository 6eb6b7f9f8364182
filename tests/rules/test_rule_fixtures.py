"""Every folder ``tests/rules/<CODE>/<case>/project`` is a small project; bloatlint's exact
text output on it must equal ``expected.txt`` beside it (empty for a passing case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

HERE = Path(__file__).parent
CASES = sorted(path.parent for path in HERE.glob("BLT*/*/expected.txt"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_case(case: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    code = case.parent.name
    result = run_cli(case / "project", "--select", code, "--no-cache")
    assert result.stderr == ""
    assert result.stdout == expected
    assert result.status == (1 if expected else 0)


def test_every_rule_has_failing_and_passing_cases() -> None:
    from bloatlint.rules import all_rules

    for rule in all_rules():
        outputs = [
            (case / "expected.txt").read_text() for case in CASES if case.parent.name == rule.code
        ]
        assert any(outputs), f"{rule.code} has no failing case"
        assert any(not output for output in outputs), f"{rule.code} has no passing case"


def test_the_scan_foresees_every_pattern_the_rules_search() -> None:
    """Code is searched as it is scanned, for the patterns ``code_patterns`` foresees; a
    pattern it missed is still searched, by reading every code file again. On every case
    no rule needs that."""
    from bloatlint import config, engine
    from bloatlint.options import Options

    unforeseen = {}
    for case in CASES:
        options = Options(root=case / "project", use_cache=False)
        analysis = engine.run(options, config.load(options.root)).analysis
        if analysis.extra_code_passes:
            unforeseen[case.name] = analysis.extra_code_passes
    assert unforeseen == {}
