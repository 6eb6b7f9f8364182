"""BLT103: a development tool installed where the product runs.

Test runners, linters, formatters, type checkers, notebook servers and profilers that the
project does run (in CI, a Makefile, tox, nox, pre-commit, or from its tests) but that are
declared in the main dependencies or installed in the image's final stage. A development tool
that nothing runs at all is BLT101 instead; a declaration gets one of the two codes, never both.
One that a used package requires at run time (yapf, which mmengine imports) is not reported:
the product needs it wherever it is declared; nor is a manifest in a folder of tests,
documentation or CI (``integration-tests/pyproject.toml``, ``tests/Dockerfile``), which sets up
development by its place.

Why it matters: a production image needs none of these, and a notebook server or test runner
in it is both weight and attack surface (jupyter alone pulls in about 100 packages).

Example::

    # requirements.txt           # .github/workflows/ci.yml
    fastapi                      - run: pytest -q
    pytest

    requirements.txt:2:1: BLT103 pytest is a development tool (runs `pytest` at
    .github/workflows/ci.yml:1:8) but is declared in the main dependencies

Fix: move it to a development group (``[dependency-groups] dev``, an optional extra, or a
``requirements-dev.txt``) or to a build/test stage of the Dockerfile.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint import knowledge
from bloatlint.analysis import Analysis
from bloatlint.model import Declared, Finding, Scope, in_dev_folder
from bloatlint.rules import Rule


def check(analysis: Analysis) -> Iterator[Finding]:
    for item in analysis.project.declared:
        if not _in_production(item) or not knowledge.is_dev_tool(item.name):
            continue
        if item.transitive or not analysis.is_dev_only(item.name):
            continue
        if analysis.needed_by(item.name, item) is not None:
            continue
        first = analysis.evidence(item.name)[0]
        text = f"{item.raw_name} is a development tool ({first.brief()}) but {_placement(item)}"
        yield Finding("BLT103", item.location, text, item.name)


def _in_production(item: Declared) -> bool:
    if in_dev_folder(item.location.path):
        return False  # integration-tests/pyproject.toml, tests/Dockerfile: a test suite's own
    if item.stage is not None:
        return item.is_final_stage
    return item.scope is Scope.MAIN


def _placement(item: Declared) -> str:
    if item.stage is not None:
        return f'is installed by {item.manager.value} in the final stage "{item.stage}"'
    return "is declared in the main dependencies"


RULE = Rule(
    "BLT103",
    "dev-tool-in-production",
    "A development tool installed in production",
    check,
    __doc__ or "",
)
