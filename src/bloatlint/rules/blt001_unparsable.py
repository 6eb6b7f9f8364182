"""BLT001: a file bloatlint cannot read or parse.

A manifest that does not parse may hide declarations, and a Python file that does not parse
hides its imports: either way the other findings are incomplete for that file, so it is
reported like any other finding and the run goes on.

Why it matters: pip, conda and Docker would fail on the same file, or a Python file that
does not compile (Python 2 syntax, a merge conflict) is dead weight in the image.

Example::

    numpy>=1.26,<<2        # requirements.txt:1:1: BLT001 cannot parse requirement ...

Fix: correct the file, or exclude it with ``exclude = ["legacy/"]`` in ``[tool.bloatlint]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.model import Finding
from bloatlint.rules import Rule


def check(analysis: Analysis) -> Iterator[Finding]:
    for problem in analysis.project.problems:
        yield Finding("BLT001", problem.location, problem.message, severity="error")


RULE = Rule(
    "BLT001",
    "unparsable-file",
    "A file that cannot be read or parsed",
    check,
    __doc__ or "",
    "error",
)
