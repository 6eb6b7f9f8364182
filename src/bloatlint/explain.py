"""``bloatlint --explain PACKAGE``: every declaration of one package and why it is needed."""

from __future__ import annotations

from bloatlint.analysis import Analysis


def explain(analysis: Analysis, dist: str) -> str:
    declarations = [item for item in analysis.project.declared if item.name == dist]
    lines = [f"{dist}:"]
    if not declarations:
        lines.append("  not declared in any manifest bloatlint read")
    for item in declarations:
        where = f' (stage "{item.stage}")' if item.stage else ""
        lines.append(
            f"  declared at {item.location} by {item.manager.value}{where}, group {item.group}"
        )
    modules = ", ".join(analysis.names.modules_of(dist)) or "none"
    source = analysis.names.facts(dist).source
    lines.append(f"  provides modules: {modules} (from {source})")
    evidence = analysis.evidence(dist)
    if any(item.native for item in declarations):
        lines.append("  a native package with no Python module: never reported as unused")
    elif evidence:
        lines.append("  used:")
        lines.extend(f"    - {item}" for item in evidence)
    elif (needed_by := analysis.needed_by(dist)) is not None:
        lines.append(f"  not used directly; a dependency of {needed_by}")
    else:
        lines.append("  unused: no import, command, plugin rule or dependency needs it")
    return "\n".join(lines) + "\n"
