"""``--summary`` text and the ``--html FILE`` page: environment size, bloat size and ratio,
split by manager, and the largest packages, bloat highlighted. Self-contained: inline SVG bars,
no script, no network."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from bloatlint.model import Finding
from bloatlint.sizes import format_size


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def summary_text(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    environment, bloat = _int(summary.get("environment_bytes")), _int(summary.get("bloat_bytes"))
    if environment is None:
        return "bloatlint summary: sizes and trees are unknown (no environment or lockfile)\n"
    lines = [f"bloatlint summary ({summary.get('sizes')}):"]
    ratio = f" ({bloat / environment:.0%})" if bloat is not None and environment else ""
    lines.append(
        f"  environment {format_size(environment)}, bloat {format_size(bloat or 0)}{ratio}"
    )
    managers = summary.get("by_manager")
    if isinstance(managers, dict):
        for manager, entry in sorted(managers.items()):
            lines.append(
                f"  {manager}: {format_size(entry['bytes'])}, "
                f"bloat {format_size(entry['bloat_bytes'])}"
            )
    ranked = sorted(
        (f for f in findings if f.code == "BLT101" and _int(f.extra.get("freed_bytes"))),
        key=lambda f: -(_int(f.extra.get("freed_bytes")) or 0),
    )
    for finding in ranked[:10]:
        freed = _int(finding.extra.get("freed_bytes")) or 0
        lines.append(
            f"  removing {finding.package} frees {format_size(freed)} ({finding.location})"
        )
    return "\n".join(lines) + "\n"


def html_page(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    rows = sorted(
        (
            (str(f.package), _int(f.extra.get("freed_bytes")) or 0)
            for f in findings
            if f.code == "BLT101"
        ),
        key=lambda pair: -pair[1],
    )
    environment = _int(summary.get("environment_bytes")) or 0
    bloat = _int(summary.get("bloat_bytes")) or 0
    kept = max(environment - bloat, 0)
    width = 600
    bars = []
    scale = max([environment, *(size for _, size in rows)]) or 1
    items = [("environment (kept)", kept, "#4a7"), ("bloat (unused)", bloat, "#d43")]
    items += [(name, size, "#e96") for name, size in rows[:20]]
    for index, (label, size, colour) in enumerate(items):
        y = index * 26
        w = max(round(width * size / scale), 1) if size else 0
        bars.append(
            f'<rect x="220" y="{y}" width="{w}" height="20" fill="{colour}"/>'
            f'<text x="0" y="{y + 15}">{html.escape(label)}</text>'
            f'<text x="{226 + w}" y="{y + 15}">{format_size(size) if size else "unknown"}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 320}" height="{len(items) * 26}" '
        f'font-family="sans-serif" font-size="13">{"".join(bars)}</svg>'
    )
    listing = "".join(
        f"<li>{html.escape(str(f.location))} {html.escape(f.code)} {html.escape(f.message)}</li>"
        for f in findings
    )
    sizes = html.escape(str(summary.get("sizes")))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>bloatlint report</title></head>"
        f"<body><h1>Where the bytes go</h1><p>Sizes: {sizes}</p>{svg}"
        f"<h2>Findings</h2><ul>{listing}</ul></body></html>\n"
    )
