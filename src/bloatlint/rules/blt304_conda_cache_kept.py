"""BLT304: conda, mamba or micromamba installs without a clean in the same RUN.

conda keeps every package it downloads twice in its ``pkgs`` folder: the archive and the
extracted copy it links into the environment. Reported at the ``conda`` (``mamba``,
``micromamba``) word of an ``install``, ``create``, ``update``, ``env create`` or ``env update``
in a stage whose ``pkgs`` folder reaches the image (a builder stage counts when its conda
folder is copied, e.g. ``COPY --from=build /opt/conda /opt/conda``), unless later in the same
RUN ``conda clean`` removes the packages (``-a``/``--all``, or both ``--tarballs`` and
``--packages``), ``rm -rf`` deletes the ``pkgs`` folder, or a cache or tmpfs mount holds it.

Why it matters: conda's package cache is often as large as the environment itself; cleaning
in a later RUN reclaims nothing, since the earlier layer keeps the files.

Example::

    FROM continuumio/miniconda3:24.7.1-0
    RUN conda install -y -c conda-forge numpy=2.1

    Dockerfile:2:5: BLT304 conda install keeps the downloaded and extracted packages in
    /opt/conda/pkgs in this layer: end this RUN with && conda clean -afy

Fix: ``RUN conda install -y ... && conda clean -afy`` (``micromamba clean --all --yes``), or
``RUN --mount=type=cache,target=/opt/conda/pkgs``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from bloatlint.analysis import Analysis
from bloatlint.manifests.dockerfile import Instruction, ShellCommand
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import (
    absolute,
    commands,
    image_view,
    name_of,
    runs_after,
    variables_for,
)
from bloatlint.rules._native import deleted_paths, deletes

_TOOLS = frozenset({"conda", "mamba", "micromamba"})
_ACTIONS = frozenset({"install", "create", "update", "upgrade"})
_ENV_ACTIONS = frozenset({"create", "update"})
_VALUED = frozenset(
    {
        "-n",
        "--name",
        "-p",
        "--prefix",
        "-c",
        "--channel",
        "-f",
        "--file",
        "-r",
        "--root-prefix",
        "--rc-file",
    }
)
# Where conda keeps packages when nothing in the Dockerfile says (installers' usual prefixes).
_DEFAULT_PKGS = (
    "/opt/conda/pkgs", "/root/.conda/pkgs", "/root/miniconda3/pkgs", "/root/anaconda3/pkgs",
    "/root/mambaforge/pkgs", "/root/miniforge3/pkgs", "/opt/miniconda/pkgs",
    "/opt/miniforge/pkgs", "/usr/local/pkgs", "/root/micromamba/pkgs",
)  # fmt: skip


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        for stage in view.stages():
            for instruction, command in commands(stage):
                action = _action(command)
                if action is None:
                    continue
                variables = variables_for(instruction, command)
                folders = _pkgs_folders(command, variables)
                if not any(view.touches(stage, folder) for folder in folders):
                    continue
                if _mounted(instruction, folders) or _cleaned(
                    instruction, command, folders, variables
                ):
                    continue
                yield Finding(
                    "BLT304", command.words[0].location, _message(command, action, folders)
                )


def _operands(command: ShellCommand) -> list[str]:
    found: list[str] = []
    skip = False
    for word in command.words[1:]:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in _VALUED
        else:
            found.append(word.text)
    return found


def _action(command: ShellCommand) -> str | None:
    if name_of(command) not in _TOOLS:
        return None
    operands = _operands(command)
    if not operands:
        return None
    if operands[0] == "env" and len(operands) > 1 and operands[1] in _ENV_ACTIONS:
        return f"env {operands[1]}"
    return operands[0] if operands[0] in _ACTIONS else None


def _pkgs_folders(command: ShellCommand, variables: Mapping[str, str]) -> tuple[str, ...]:
    if variables.get("CONDA_PKGS_DIRS"):
        return tuple(absolute("/", path) for path in variables["CONDA_PKGS_DIRS"].split(","))
    found: list[str] = []
    program = command.words[0].text
    if "/bin/" in program:
        found.append(absolute("/", program.rsplit("/bin/", 1)[0] + "/pkgs"))
    prefixes = ("MAMBA_ROOT_PREFIX", "CONDA_DIR", "CONDA_ROOT", "CONDA_HOME")
    found.extend(
        absolute("/", variables[name] + "/pkgs") for name in prefixes if variables.get(name)
    )
    return tuple(dict.fromkeys(found)) or _DEFAULT_PKGS


def _mounted(instruction: Instruction, folders: tuple[str, ...]) -> bool:
    for mount in instruction.mounts:
        if mount.type in ("cache", "tmpfs") and mount.target:
            target = absolute(instruction.workdir, mount.target)
            if posixpath.basename(target) == "pkgs" or any(
                folder == target or folder.startswith(target.rstrip("/") + "/")
                for folder in folders
            ):
                return True
    return False


def _cleaned(
    instruction: Instruction,
    command: ShellCommand,
    folders: tuple[str, ...],
    variables: Mapping[str, str],
) -> bool:
    after = runs_after(instruction, command)
    if any(_cleans_packages(later) for later in after):
        return True
    deleted = deleted_paths(after, variables.get("HOME", "/root"))
    return any(deletes(deleted, folder) for folder in folders)


def _cleans_packages(command: ShellCommand) -> bool:
    if name_of(command) not in _TOOLS or "clean" not in command.argv[1:3]:
        return False
    flags = [word for word in command.argv[1:] if word.startswith("-")]
    short = "".join(word[1:] for word in flags if not word.startswith("--"))
    if "--all" in flags or "a" in short:
        return True
    tarballs = "--tarballs" in flags or "t" in short
    packages = "--packages" in flags or "p" in short
    return tarballs and packages


def _message(command: ShellCommand, action: str, folders: tuple[str, ...]) -> str:
    tool = name_of(command)
    clean = "micromamba clean --all --yes" if tool == "micromamba" else f"{tool} clean -afy"
    where = folders[0] if len(folders) == 1 else "its pkgs folder"
    return (
        f"{tool} {action} keeps the downloaded and extracted packages in {where} in this layer: "
        f"end this RUN with && {clean}"
    )


RULE = Rule(
    "BLT304",
    "conda-cache-kept",
    "conda/mamba/micromamba install without conda clean in the same RUN",
    check,
    __doc__ or "",
)
