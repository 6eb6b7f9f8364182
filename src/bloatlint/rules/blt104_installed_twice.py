"""BLT104: a package installed twice, by conda and by pip, or twice into one image.

The same distribution declared for conda (environment.yml, ``conda install``) and for pip
(the ``pip:`` section, a requirements file, ``pip install``) is installed by both when they end
up in one environment: pip overwrites conda's files or installs beside them, so the image
carries two copies, and conda's solver no longer knows which one is imported. Reported at the
pip declaration, naming the conda one, when both are in one file (an environment.yml and its
``pip:`` section) or one Dockerfile stage. Within one Dockerfile stage, a package that a second
install replaces (a ``pip install -r requirements.txt`` pinning numpy==1.26.4 and a later
``pip install numpy==2.0.0``, or two files pinning different releases) is reported too: each
RUN is a layer, so the image keeps both copies. A later install that the first one already
satisfies (an unpinned or ranged requirement, the same release) changes nothing and is not
reported. Development-only declarations are left out.

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
from bloatlint.model import Declared, Finding, Location, Manager, Scope
from bloatlint.rules import Rule


def check(analysis: Analysis) -> Iterator[Finding]:
    by_name: dict[str, list[Declared]] = {}
    for item in analysis.project.declared:
        if item.scope in (Scope.DEV, Scope.BUILD) or item.native or item.transitive:
            continue
        by_name.setdefault(item.name, []).append(item)
    reported: set[Location] = set()
    for finding in _pip_and_conda(by_name):
        reported.add(finding.location)
        yield finding
    for finding in _twice_in_one_stage(analysis, by_name):
        if finding.location not in reported:
            yield finding


def _twice_in_one_stage(
    analysis: Analysis, by_name: dict[str, list[Declared]]
) -> Iterator[Finding]:
    installed_by = analysis.project.installed_by_stages
    for name, items in sorted(by_name.items()):
        stages: dict[tuple[str, str], list[Declared]] = {}
        for item in items:
            keys = [(item.location.path, item.stage)] if item.stage else []
            keys = keys or list(installed_by.get(item.location.path, ()))
            for key in keys:
                stages.setdefault(key, []).append(item)
        for (dockerfile, stage), together in sorted(stages.items()):
            # a file the stage installs with -r, then what the Dockerfile itself names
            first, *others = sorted(
                together, key=lambda item: (item.stage is not None, item.location)
            )
            for item in others:
                if item.stage is None and item.location.path == first.location.path:
                    continue  # two lines of one file are one install (markers, extras)
                if not _replaces(first, item):
                    continue
                text = (
                    f'{item.raw_name} is installed twice into stage "{stage}" of {dockerfile}:'
                    f" also at {first.location}; each install is a layer the image keeps"
                )
                yield Finding("BLT104", item.location, text, name)


def _replaces(first: Declared, later: Declared) -> bool:
    """Whether pip replaces what the first install put in the stage: only an exact release the
    first one does not pin (numpy==2.0.0 after numpy==1.26.4, or after an unpinned numpy,
    when the order is known); a later install the first one satisfies changes nothing."""
    if later.version is None or later.version == first.version:
        return False
    if first.version is not None:
        return True
    return later.stage is not None  # named by the Dockerfile: after the files it installs


def _pip_and_conda(by_name: dict[str, list[Declared]]) -> Iterator[Finding]:
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
