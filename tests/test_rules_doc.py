"""docs/rules.md is generated from the rule registry; it must match what the generator writes
now (run ``python scripts/generate_rules_doc.py`` after changing a rule's docstring)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from bloatlint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_rules_doc", ROOT / "scripts" / "generate_rules_doc.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_up_to_date() -> None:
    expected = generator().render()
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run scripts/generate_rules_doc.py"


def test_every_rule_has_a_section_with_its_fix() -> None:
    text = generator().render()
    for rule in all_rules():
        section = text.split(f"## {rule.code}\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{rule.name}`" in section
        assert "**Why it matters:**" in section
        assert "**Example:**" in section
        assert "**Fix:**" in section
