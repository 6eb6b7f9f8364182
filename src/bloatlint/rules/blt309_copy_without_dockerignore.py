"""BLT309: ``COPY .`` or ``ADD .`` into an image with no ``.dockerignore``, or with one that
lets repository history, virtual environments, data or checkpoints in.

A COPY of the whole build context (``.``, ``./``, ``*``) takes everything the ``.dockerignore``
does not leave out. Without one, that is the ``.git`` folder, local virtual environments,
datasets, checkpoints, experiment logs (wandb, mlruns, lightning_logs) and caches, as soon as
they exist on the machine that builds. Reported at the source word of each such COPY/ADD whose
destination reaches the image: always when there is no ``.dockerignore`` (the ``.git`` folder
is there in every checkout), and when one exists but lets in ``.git``, a virtual environment
(any folder with ``pyvenv.cfg``), ``.dvc/cache``, ``node_modules``, ``.tox``, or a data,
checkpoint or log folder holding 1 MB or more. The build context is the Dockerfile's folder or
the project root, whichever holds the files the Dockerfile copies; ``<Dockerfile>.dockerignore``
beside the Dockerfile wins over the context's ``.dockerignore``, as in BuildKit.

Why it matters: what is copied is in the image for good, and a ``.git`` folder or a forgotten
``venv/`` routinely weighs hundreds of MB; secrets in ``.env`` files travel the same way.

Example::

    FROM python:3.12-slim
    COPY . /app

    Dockerfile:2:6: BLT309 COPY . copies the whole build context and there is no
    .dockerignore: add one that leaves out .git, virtual environments, data and checkpoints

Fix: a ``.dockerignore`` beside the build context, for instance::

    .git
    .venv
    venv
    data/
    checkpoints/
    **/__pycache__
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.context import BuildContext, Group, copied, group_files
from bloatlint.knowledge.images import format_bytes, images
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._copies import ContextCopy, context_copies, context_of
from bloatlint.rules._image import image_view

_WHOLE = frozenset({".", "./", "*", "./*", "/"})
_ALWAYS = frozenset({".git", ".dvc/cache", "node_modules", ".tox", ".nox", ".venv", "venv"})
_SMALL = 1_000_000


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        copies = list(context_copies(image_view(dockerfile)))
        whole = [copy for copy in copies if any(source in _WHOLE for source, _ in copy.sources)]
        if not whole:
            continue
        context = context_of(analysis, dockerfile, copies)
        for copy in whole:
            finding = _finding(context, copy)
            if finding is not None:
                yield finding


def _finding(context: BuildContext, copy: ContextCopy) -> Finding | None:
    source, location = next(item for item in copy.sources if item[0] in _WHOLE)
    risky = _risky(context, source)
    keyword = copy.instruction.keyword
    where = f" ({context.folder}/)" if context.folder else ""
    if context.ignore_file is None:
        went = f", so {_listed(risky)} go{'es' if len(risky) == 1 else ''} in" if risky else ""
        message = (
            f"{keyword} {source} copies the whole build context{where} and there is no "
            f".dockerignore{went}: add one that leaves out .git, virtual environments, data "
            "and checkpoints"
        )
        return Finding("BLT309", location, message)
    if not risky:
        return None
    message = (
        f"{context.ignore_file} lets {_listed(risky)} into the image through {keyword} "
        f"{source}: leave {'it' if len(risky) == 1 else 'them'} out there"
    )
    return Finding("BLT309", location, message)


def _risky(context: BuildContext, source: str) -> list[Group]:
    """Risky folders the copy takes in: history, environments and tool folders whatever their
    size, data and log folders from 1 MB."""
    files = copied(context, [source]).files
    paths = {item.path for item in files}
    groups = group_files(files, images().risky_dirs, virtualenvs=True)
    return [
        group
        for group in groups
        if group.size >= _SMALL or _always(group.label) or group.label + "pyvenv.cfg" in paths
    ]


def _always(label: str) -> bool:
    folder = label.rstrip("/")
    return any(folder == name or folder.endswith("/" + name) for name in _ALWAYS)


def _listed(groups: list[Group]) -> str:
    shown = [f"{group.label} ({format_bytes(group.size)})" for group in groups[:4]]
    if len(groups) > 4:
        shown.append(f"{len(groups) - 4} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"


RULE = Rule(
    "BLT309",
    "copy-without-dockerignore",
    "COPY . with no .dockerignore, or one that lets .git, venvs or data in",
    check,
    __doc__ or "",
)
