"""BLT104: a package installed twice, by conda and by pip.

The same distribution declared for conda (environment.yml, ``conda install``) and for pip
(the ``pip:`` section, a requirements file, ``pip install``) is installed by both when they end
up in one environment: pip overwrites conda's files or installs beside them, so the image
carries two copies, and conda's solver no longer knows which one is imported. Reported at the
pip declaration, naming the conda one, when both are in one file (an environment.yml and its
``pip:`` section) or one Dockerfile stage. Development-only declarations are left out.

Why it matters: two copies of a large package (numpy, torch, opencv) double its size in the
image, and the mixed installation breaks later ``conda install`` or ``pip check`` runs.

Example::

    # environment.yml
    dependencies:
      - numpy=1.26
      - pip:
        - numpy==1.26.4

    environment.yml:5:7: BLT104 numpy is installed twice: by pip here and by conda
    at environment.yml:3:5

Fix: keep one of the two, preferably the conda one in a conda environment.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.model import Declared, Finding, Manager, Scope
from bloatlint.rules import Rule


def check(analysis: Analysis) -> Iterator[Finding]:
    by_name: dict[str, list[Declared]] = {}
    for item in analysis.project.declared:
        if item.scope in (Scope.DEV, Scope.BUILD) or item.native or item.transitive:
            continue
        by_name.setdefault(item.name, []).append(item)
    for name, items in sorted(by_name.items()):
        conda = [item for item in items if item.manager is Manager.CONDA]
        pip = [item for item in items if item.manager is Manager.PIP]
        if not conda or not pip:
            continue
        for item in pip:
            together = [other for other in conda if _same_environment(other, item)]
            if not together:
                continue
            first = min(together, key=lambda other: other.location)
            text = (
                f"{item.raw_name} is installed twice: by pip here and by conda at {first.location}"
            )
            yield Finding("BLT104", item.location, text, name)


def _same_environment(conda: Declared, pip: Declared) -> bool:
    """Both in one environment file (its ``pip:`` section), or in one Dockerfile stage."""
    if conda.location.path != pip.location.path:
        return False
    return conda.stage == pip.stage


RULE = Rule(
    "BLT104", "installed-twice", "A package installed by both conda and pip", check, __doc__ or ""
)
