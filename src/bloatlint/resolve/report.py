"""``--summary`` text and the ``--html FILE`` page: environment size, bloat size and ratio,
split by manager, and the largest packages, bloat highlighted. Self-contained: inline SVG bars,
no script, no network."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from bloatlint.model import Finding
from bloatlint.sizes import format_size

_KEPT, _BLOAT = "#4a7", "#d43"


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
    for finding in _by_freed(findings)[:10]:
        freed = _int(finding.extra.get("freed_bytes")) or 0
        lines.append(
            f"  removing {finding.package} frees {format_size(freed)} ({finding.location})"
        )
    return "\n".join(lines) + "\n"


def _by_freed(findings: Sequence[Finding]) -> list[Finding]:
    """BLT101 findings with a known freed size, largest first, one per package (a package
    declared on two lines, e.g. under different markers, frees the same bytes once)."""
    ranked = sorted(
        (f for f in findings if f.code == "BLT101" and _int(f.extra.get("freed_bytes"))),
        key=lambda f: -(_int(f.extra.get("freed_bytes")) or 0),
    )
    seen: set[str | None] = set()
    unique = []
    for finding in ranked:
        if finding.package not in seen:
            seen.add(finding.package)
            unique.append(finding)
    return unique


def _largest(summary: Mapping[str, object]) -> list[tuple[str, int, bool]]:
    entries = summary.get("largest_packages")
    found = []
    for entry in entries if isinstance(entries, list) else []:
        size = _int(entry.get("bytes")) if isinstance(entry, dict) else None
        if isinstance(entry, dict) and size is not None:
            found.append((str(entry.get("name")), size, bool(entry.get("bloat"))))
    return found


def html_page(findings: Sequence[Finding], summary: Mapping[str, object]) -> str:
    environment = _int(summary.get("environment_bytes")) or 0
    bloat = _int(summary.get("bloat_bytes")) or 0
    kept = max(environment - bloat, 0)
    width = 600
    freed = [
        (f"removing {f.package}", _int(f.extra.get("freed_bytes")) or 0, _BLOAT)
        for f in _by_freed(findings)
    ]
    largest = [
        (f"{name} (bloat)" if is_bloat else name, size, _BLOAT if is_bloat else _KEPT)
        for name, size, is_bloat in _largest(summary)
    ]
    items = [("environment (kept)", kept, _KEPT), ("bloat (unused)", bloat, _BLOAT)]
    items += largest + freed[:10]
    scale = max([environment, *(size for _, size, _ in items)]) or 1
    bars = []
    for index, (label, size, colour) in enumerate(items):
        y = index * 26
        w = max(round(width * size / scale), 1) if size else 0
        bars.append(
            f'<rect x="220" y="{y}" width="{w}" height="20" fill="{colour}"/>'
            f'<text x="0" y="{y + 15}">{html.escape(label)}</text>'
            f'<text x="{226 + w}" y="{y + 15}">{format_size(size) if size else "unknown"}</text>'
        )
    svg = (
        f'<svg width="{width + 320}" height="{len(items) * 26}" role="img" '
        f'font-family="sans-serif" font-size="13">{"".join(bars)}</svg>'
    )
    listing = "".join(
        f"<li>{html.escape(str(f.location))} {html.escape(f.code)} {html.escape(f.message)}</li>"
        for f in findings
    )
    sizes = html.escape(str(summary.get("sizes")))
    legend = (
        f'<p><span style="color:{_KEPT}">&#9632;</span> kept '
        f'<span style="color:{_BLOAT}">&#9632;</span> bloat (unused, removable)</p>'
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>bloatlint report</title></head>"
        f"<body><h1>Where the bytes go</h1><p>Sizes: {sizes}</p>{legend}{svg}"
        f"<h2>Findings</h2><ul>{listing}</ul></body></html>\n"
    )
