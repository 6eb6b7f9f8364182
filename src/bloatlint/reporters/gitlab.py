"""GitLab code quality: a JSON array that a CI job publishes with
``artifacts: reports: codequality:``; merge requests then show what a change adds.

GitLab merges issues by ``fingerprint``, so it must be unique and stable across pipelines:
the shared fingerprint (code, path, package, message; never the line) provides both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bloatlint.fingerprints import fingerprints
from bloatlint.model import Finding

# GitLab's scale: info, minor, major, critical, blocker.
_SEVERITIES = {"error": "major", "warning": "minor"}


def gitlab(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    issues = [
        _issue(finding, fingerprint)
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]
    return json.dumps(issues, indent=2) + "\n"


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "description": finding.message,
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITIES.get(finding.severity, "info"),
        "location": {"path": finding.location.path, "lines": {"begin": finding.location.line}},
    }
