"""GitHub Actions workflow commands: one ``::warning file=...::message`` line per finding,
shown as an annotation on the pull request's diff.

GitHub shows at most 10 annotations of each kind per step, so the same findings also go to
the job's summary page as a Markdown table (:func:`append_step_summary`), appended to the
file ``$GITHUB_STEP_SUMMARY`` names. That file is GitHub's documented contract for a step
summary, and the only file bloatlint writes without being asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from bloatlint.model import Finding
from bloatlint.sizes import format_size

MAX_SUMMARY_ROWS = 1000  # GitHub caps a step summary at 1 MiB

_COMMANDS = {"error": "error", "warning": "warning"}


def github(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    return "".join(annotation(finding) + "\n" for finding in findings)


def annotation(finding: Finding) -> str:
    command = _COMMANDS.get(finding.severity, "notice")
    location = finding.location
    properties = {
        "file": location.path,
        "line": str(location.line),
        "col": str(location.column),
        "title": finding.code,
    }
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command} {listed}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF would end or corrupt the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ``:`` (ends the properties) and ``,`` (separates them)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def append_step_summary(
    findings: Sequence[Finding], summary: Mapping[str, object], environ: Mapping[str, str]
) -> None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY``, when running on GitHub."""
    path = environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with Path(path).open("a", encoding="utf-8") as file:
            file.write(step_summary(findings, summary))


def step_summary(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    lines = ["## bloatlint", "", _headline(findings, summary)]
    bloat = summary.get("bloat_bytes")
    if isinstance(bloat, int) and not isinstance(bloat, bool):
        lines.append(f"Packages nothing uses: {format_size(bloat)}.")
    if findings:
        lines += ["", "| Location | Code | Message |", "| --- | --- | --- |"]
        lines += [_row(finding) for finding in findings[:MAX_SUMMARY_ROWS]]
        hidden = len(findings) - MAX_SUMMARY_ROWS
        if hidden > 0:
            lines += ["", f"... and {hidden} more."]
    return "\n".join(lines) + "\n\n"


def _headline(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    base = summary.get("new_since")
    since = f" new since {_cell(str(base))}" if base else ""
    if not findings:
        return f"No findings{since}."
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    listed = ", ".join(f"{code}: {count}" for code, count in sorted(counts.items()))
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun}{since}: {listed}."


def _row(finding: Finding) -> str:
    return f"| {_cell(str(finding.location))} | {finding.code} | {_cell(finding.message)} |"


def _cell(text: str) -> str:
    """Table cell text: no HTML, no column breaks, one line."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("|", "\\|").replace("`", "\\`")
    return " ".join(escaped.split())
