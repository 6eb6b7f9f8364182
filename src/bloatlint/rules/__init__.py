"""The rule registry. Each module here exposes ``RULE = Rule(...)``; its docstring is the
rule's documentation, with the sections "Why it matters", "Example" and "Fix"."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bloatlint.analysis import Analysis
    from bloatlint.model import Finding


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Callable[[Analysis], Iterable[Finding]]
    doc: str
    severity: str = "warning"


class RuleCrashed(Exception):
    """A rule raised: a bug in bloatlint, reported with the rule's code."""


@cache
def all_rules() -> tuple[Rule, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return tuple(sorted(found, key=lambda rule: rule.code))


def run(rule: Rule, analysis: Analysis) -> list[Finding]:
    try:
        return list(rule.check(analysis))
    except Exception as error:
        raise RuleCrashed(f"rule {rule.code} ({rule.name}) crashed: {error!r}") from error
