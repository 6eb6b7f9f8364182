"""Output formats: each a function from the findings and summary to the text printed.

``text`` and ``json`` are here; the CI formats (``sarif``, ``github``, ``gitlab``) have a module
each and expect paths relative to the repository root (the CLI rebases them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from bloatlint.model import Finding
from bloatlint.reporters.github import github
from bloatlint.reporters.gitlab import gitlab
from bloatlint.reporters.sarif import sarif

Reporter = Callable[[Sequence[Finding], Mapping[str, object]], str]


def text(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    """``path:line:col: CODE message``, the format flake8, vim, efm-langserver and VS Code read."""
    return "".join(
        f"{finding.location}: {finding.code} {finding.message}\n" for finding in findings
    )


def json_report(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    """One JSON object: ``{"version": 1, "findings": [...], "summary": {...}}``."""
    document = {
        "version": 1,
        "findings": [
            {
                "code": finding.code,
                "severity": finding.severity,
                "path": finding.location.path,
                "line": finding.location.line,
                "column": finding.location.column,
                "message": finding.message,
                "package": finding.package,
                **finding.extra,
            }
            for finding in findings
        ],
        "summary": dict(summary),
    }
    return json.dumps(document, indent=2) + "\n"


REPORTERS: dict[str, Reporter] = {
    "text": text,
    "json": json_report,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
}
# Formats read by services that resolve paths against the repository root, not the project.
REPOSITORY_RELATIVE = frozenset({"sarif", "github", "gitlab"})
