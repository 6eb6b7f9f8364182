"""Stable identities for findings, shared by SARIF, GitLab, ``--baseline`` and ``--diff``.

A fingerprint hashes what a finding is about (code, file, package, message) and never its
line, so it survives edits that move the finding. Locations quoted inside a message
(``runs `pytest` at ci.yml:9:14``) lose their numbers for the same reason. Two findings with
the same identity in one file (a package declared twice) are told apart by their order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence

from bloatlint.model import Finding

_LINE_AND_COLUMN = re.compile(r":\d+:\d+\b")


def identity(finding: Finding) -> tuple[str, str, str, str]:
    """What the finding is about: (code, path, package, message without line numbers)."""
    message = _LINE_AND_COLUMN.sub("", finding.message)
    return (finding.code, finding.location.path, finding.package or "", message)


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in the same order (findings sorted as the engine sorts)."""
    return list(_numbered(identity(finding) for finding in findings))


def _numbered(identities: Iterable[tuple[str, ...]]) -> Iterator[str]:
    seen: dict[tuple[str, ...], int] = {}
    for key in identities:
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\0".join((*key, str(occurrence)))
        yield hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
