"""The rule registry: every rule is documented and has fixtures."""

from __future__ import annotations

import re

import pytest

from bloatlint.rules import all_rules

RULES = all_rules()


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"BLT\d{3}", code) for code in codes)


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_docstring_is_documentation(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.doc
    assert doc.startswith(f"{rule.code}: "), "the docstring starts with the code and a summary"
    for section in ("Why it matters:", "Example::", "Fix:"):
        assert section in doc, f"{rule.code} docstring lacks {section!r}"
