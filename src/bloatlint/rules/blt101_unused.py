"""BLT101: a declared package that nothing imports, runs or otherwise needs.

bloatlint looks for every way a package can be needed without an import: a command it installs
being run (Dockerfile RUN/CMD/ENTRYPOINT, scripts, Makefile, CI, tox, nox, pre-commit, README),
a backend or plugin another package loads at run time (accelerate for ``device_map``,
openpyxl for ``read_excel``, pytest plugins), its module named in a string, type stubs of an
imported module, and a version pin on a dependency of a used package (kept on purpose). Only a
package with none of these is reported, once per declaration, at the line that declares it.

Why it matters: in the containers studied by Zhang et al. (SIGMETRICS 2024), up to 80% of an
ML image was packages the workload never touched, and they carried most of its CVEs. Every
unused package costs download, build time, disk and attack surface.

Example::

    # requirements.txt            # train.py
    torch==2.3.0                  import torch
    keras==3.3.3                  # (nothing imports keras)

    requirements.txt:2:1: BLT101 keras is declared but never imported or run

Fix: delete the declaration. If the package is needed in a way bloatlint cannot see, say so
with ``# bloatlint: ignore[BLT101]`` on the line, or ``used-packages = ["keras"]`` in
``[tool.bloatlint]``. A package that is re-declared without a version although a used package
already depends on it is reported too: removing the line frees nothing, but the line misleads.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.model import Declared, Finding, Manager
from bloatlint.rules import Rule


def check(analysis: Analysis) -> Iterator[Finding]:
    needed = analysis.needed_by_used
    for item in analysis.project.declared:
        if not analysis.is_unused(item):
            continue
        if item.name in needed and item.pinned:
            continue  # a deliberate pin of a dependency of a used package
        yield Finding("BLT101", item.location, message(item, needed.get(item.name)), item.name)


def message(item: Declared, needed_by: str | None) -> str:
    text = f"{item.raw_name} {_where(item)} but never imported or run"
    if needed_by is not None:
        text += f" (it stays installed as a dependency of {needed_by}: removing it frees nothing)"
    return text


def _where(item: Declared) -> str:
    if item.stage is not None:
        return f'is installed by {item.manager.value} in stage "{item.stage}"'
    if item.manager is Manager.CONDA:
        return "(conda) is declared"
    return "is declared"


RULE = Rule("BLT101", "unused-package", "A declared package that is never imported or run", check, __doc__ or "")
