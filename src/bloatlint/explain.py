"""``bloatlint --explain PACKAGE``: every declaration of one package and why it is needed.

Each declaration is judged as the rules judge it: a manifest inside a folder of code only
counts the uses that folder makes (see ``Analysis.evidence_for``)."""

from __future__ import annotations

from packaging.utils import canonicalize_name

from bloatlint.analysis import Analysis, installs_here
from bloatlint.model import Declared


def explain(analysis: Analysis, dist: str) -> str:
    asked = dist
    dist = _known_as(analysis, dist)
    declarations = [item for item in analysis.project.declared if item.name == dist]
    modules = ", ".join(analysis.names.modules_of(dist)) or "none"
    source = analysis.names.facts(dist).source
    heading = f"{dist} (declared as {asked}):" if dist != asked else f"{dist}:"
    lines = [heading, f"  provides modules: {modules} (from {source})"]
    if not declarations:
        lines.append("  not declared in any manifest bloatlint read")
    for item in declarations:
        where = f' (stage "{item.stage}")' if item.stage else ""
        lines.append(
            f"  declared at {item.location} by {item.manager.value}{where}, group {item.group}"
        )
        lines.extend(f"    {line}" for line in _verdict(analysis, item))
    return "\n".join(lines) + "\n"


def _known_as(analysis: Analysis, dist: str) -> str:
    """The distribution a name stands for as written in a manifest (conda's ``pytorch`` is
    the ``torch`` distribution), when no declaration has that name already."""
    declared = analysis.project.declared
    if any(item.name == dist for item in declared):
        return dist
    for item in declared:
        if canonicalize_name(item.raw_name) == dist:
            return item.name
    return dist


def _verdict(analysis: Analysis, item: Declared) -> list[str]:
    if item.native:
        return ["a native package with no Python module: never reported as unused"]
    if item.transitive:
        return ["recorded by a lock or an environment export: not a declaration"]
    if not installs_here(item):
        return [f"its marker ({item.marker}) excludes the Python bloatlint targets: never reported"]
    evidence = analysis.evidence_for(item)
    if evidence:
        return ["used:", *(f"  - {reason}" for reason in evidence)]
    substitute = analysis.substitute_for(item.name, item)
    if substitute is not None:
        variant, user = substitute
        return [f"used: provides the modules of {variant}, which {user} needs, in its place"]
    needed_by = analysis.needed_by(item.name, item)
    if needed_by is not None:
        pinned = "pinned on purpose" if item.pinned else "unpinned, so reported"
        return [f"not used directly; a dependency of {needed_by} ({pinned})"]
    return ["unused: no import, command, plugin rule or dependency needs it"]
