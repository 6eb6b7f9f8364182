"""``--write-baseline FILE`` records today's findings; ``--baseline FILE`` hides them later,
so a project can adopt bloatlint and still fail on anything new.

The file is JSON meant to be committed and reviewed: one entry per finding with its
fingerprint (see :mod:`bloatlint.fingerprints`) and, for the reader, its code, path, package
and message. Entries are sorted and carry no line numbers, so rewriting the baseline after
unrelated edits changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bloatlint.fingerprints import fingerprints, identity
from bloatlint.model import Finding

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one bloatlint wrote."""


def render(findings: Sequence[Finding]) -> str:
    entries = [
        {
            "fingerprint": fingerprint,
            "code": code,
            "path": path,
            "package": package or None,
            "message": message,
        }
        for (code, path, package, message), fingerprint in zip(
            map(identity, findings), fingerprints(findings), strict=True
        )
    ]
    entries.sort(
        key=lambda entry: (entry["path"], entry["code"], entry["message"], entry["fingerprint"])
    )
    document = {"tool": "bloatlint", "version": VERSION, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Sequence[Finding]) -> None:
    try:
        path.write_text(render(findings), encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"cannot write baseline {path}: {error.strerror or error}") from error


def load(path: Path) -> frozenset[str]:
    """The fingerprints recorded in ``path``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"baseline {path} is not JSON: {error}") from error
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(_valid(entry) for entry in entries):
        raise BaselineError(f"baseline {path} was not written by bloatlint --write-baseline")
    return frozenset(entry["fingerprint"] for entry in entries)


def unrecorded(findings: Sequence[Finding], recorded: frozenset[str]) -> tuple[Finding, ...]:
    return tuple(
        finding
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
        if fingerprint not in recorded
    )


def _valid(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
