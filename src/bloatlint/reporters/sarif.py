"""SARIF 2.1.0, the format GitHub code scanning (``github/codeql-action/upload-sarif``) reads.

Plain dicts and ``json``: the SARIF object-model packages are stale, and the subset GitHub
uses is small. ``tool.driver.rules`` lists every registered rule, documented from its
docstring; each result names its rule by id and index, points at a path relative to the
repository root (``%SRCROOT%``) and carries a fingerprint that survives lines moving.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from bloatlint import __version__
from bloatlint.fingerprints import fingerprints
from bloatlint.model import Finding
from bloatlint.rules import Rule, all_rules

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# The one place naming where the documentation lives; each rule is a heading there.
HOME_URL = "https://github.com/bloatlint/bloatlint"
RULES_DOC_URL = f"{HOME_URL}/blob/main/docs/rules.md"
FINGERPRINT_KEY = "bloatlint/v1"

_LEVELS = {"error": "error", "warning": "warning"}


def sarif(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    rules = all_rules()
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = [
        _result(finding, index.get(finding.code), fingerprint)
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]
    driver = {
        "name": "bloatlint",
        "version": __version__,
        "informationUri": HOME_URL,
        "rules": [_descriptor(rule) for rule in rules],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def level(severity: str) -> str:
    return _LEVELS.get(severity, "note")


def _descriptor(rule: Rule) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.doc)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _description(doc, rule.code)},
        "help": {"text": doc, "markdown": _markdown(doc)},
        "helpUri": f"{RULES_DOC_URL}#{rule.code.lower()}",
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": ["dependencies", "bloat"]},
    }


def _result(finding: Finding, rule_index: int | None, fingerprint: str) -> dict[str, Any]:
    location = finding.location
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(location.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": location.line, "startColumn": location.column},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if rule_index is not None:  # a finding of a rule outside the registry has no index
        result["ruleIndex"] = rule_index
    if finding.package is not None:
        result["properties"] = {"package": finding.package}
    return result


def _uri(path: str) -> str:
    """A relative URI reference: characters that are not allowed in one are percent-encoded."""
    return re.sub(r"[^A-Za-z0-9\-._~/!$&'()*+,;=:@]", lambda m: _percent(m.group()), path)


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def _description(doc: str, code: str) -> str:
    """The paragraphs before "Why it matters:", on one line each, without the code prefix."""
    intro = doc.split("Why it matters:", 1)[0].strip().removeprefix(f"{code}: ")
    paragraphs = [" ".join(part.split()) for part in intro.split("\n\n") if part.strip()]
    text = "\n\n".join(paragraphs)
    return text[:1].upper() + text[1:]


def _markdown(doc: str) -> str:
    """The reStructuredText docstring as Markdown: ``x`` → `x`, ``::`` blocks → fences."""
    out: list[str] = []
    block: list[str] | None = None
    for line in doc.replace("``", "`").splitlines():
        if block is not None and line.strip() and not line[:1].isspace():
            out += [*_fenced(block), ""]
            block = None
        if block is not None:
            block.append(line)
        elif line.rstrip().endswith("::"):
            out += [line.rstrip()[:-1], ""]
            block = []
        else:
            out.append(line)
    if block is not None:
        out += _fenced(block)
    return "\n".join(out).strip() + "\n"


def _fenced(lines: list[str]) -> list[str]:
    return ["```", *textwrap.dedent("\n".join(lines)).strip("\n").splitlines(), "```"]
