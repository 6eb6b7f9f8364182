"""BLT301: pip or uv keeps its download cache in the image layer.

pip and uv cache every wheel they download (and every wheel they build) under
``~/.cache/pip`` / ``~/.cache/uv``; in a Docker layer that copy is never used again. Reported at
the ``pip`` (or ``uv``) word of an install in a stage whose cache folder reaches the image (the
final stage and the stages under it; a builder stage only when the cache folder is copied out
of it), unless the cache is off or gone:

- ``--no-cache-dir`` (or its abbreviation ``--no-cache``) for pip, ``--no-cache``/``-n`` (or
  its alias ``--no-cache-dir``) for uv;
- ``PIP_NO_CACHE_DIR`` set to any value for pip (since pip 19, ``0``, ``false`` and ``no``
  disable the cache too, for backward compatibility: pip only checks that the value parses as
  a boolean) or ``pip config set global.no-cache-dir`` earlier; ``UV_NO_CACHE`` set to a true
  value (``1``, ``true``, ``yes``, ``on``) for uv; in ENV, ARG, ``export`` or ``VAR=1 pip``;
- a cache or tmpfs mount on the RUN covering the cache folder (``--cache-dir``,
  ``PIP_CACHE_DIR``/``UV_CACHE_DIR``, ``XDG_CACHE_HOME`` and ``HOME`` are followed);
- ``rm -rf`` of the cache folder, ``pip cache purge`` or ``uv cache clean|prune`` later in the
  same RUN.

Installing only pip, setuptools, wheel or uv themselves is not reported (a few MB).

Why it matters: the study behind bloatlint found 0.18 GB of pip cache in a TensorFlow image;
the cache holds each wheel as downloaded, so installing torch alone leaves 0.90 GB behind.

Example::

    FROM python:3.11-slim
    RUN pip install torch==2.9.1

    Dockerfile:2:5: BLT301 pip keeps the wheels it downloads in its cache in this layer, at
    least 900 MB here (...): add --no-cache-dir, set PIP_NO_CACHE_DIR=1 or mount a cache

Fix: ``pip install --no-cache-dir``, ``ENV PIP_NO_CACHE_DIR=1`` (uv: ``UV_NO_CACHE=1``), or
``RUN --mount=type=cache,target=/root/.cache/pip pip install ...`` which also speeds up
rebuilds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from packaging.utils import canonicalize_name

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import Figure, images
from bloatlint.manifests.dockerfile import Instruction, ShellCommand, Stage
from bloatlint.model import Finding, Location
from bloatlint.rules import Rule
from bloatlint.rules._image import (
    ImageView,
    absolute,
    commands,
    image_view,
    runs_after,
    variables_for,
)
from bloatlint.rules._native import deleted_paths, deletes
from bloatlint.rules._pip import PipCall, cpu_index, installs, pip_call

_UV_TRUE = frozenset({"1", "true", "yes", "y", "on", "t"})
_TOOLS_ONLY = frozenset({"pip", "setuptools", "wheel", "uv", "pip-tools"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        for stage in view.stages():
            for instruction, command in commands(stage):
                call = pip_call(command)
                if call is None or not installs(call):
                    continue
                kept = _kept_cache(view, stage, instruction, command, call)
                if kept is not None:
                    later = _deleted_later(view, stage, instruction, *kept)
                    message = _message(call, instruction, command, later)
                    yield Finding("BLT301", call.word.location, message)


def _kept_cache(
    view: ImageView, stage: Stage, instruction: Instruction, command: ShellCommand, call: PipCall
) -> tuple[tuple[str, ...], str] | None:
    """The cache folders this install leaves in the layer (and the home folder), or None."""
    variables = variables_for(instruction, command)
    if (
        _disabled(call, variables)
        or _configured_off(view, stage, instruction, call)
        or _only_tools(call)
    ):
        return None
    home = _home(variables, _user(view, stage, instruction))
    folders = _cache_folders(call, variables, home, instruction.workdir)
    if not any(view.touches(stage, folder) for folder in folders):
        return None
    if _mounted(instruction, folders) or _cleared(instruction, command, call, folders, home):
        return None
    return folders, home


def _deleted_later(
    view: ImageView, stage: Stage, instruction: Instruction, folders: tuple[str, ...], home: str
) -> Location | None:
    for later in view.later_instructions(stage, instruction):
        if later.keyword != "RUN":
            continue
        deleted = deleted_paths((command.unwrapped() for command in later.commands), home)
        if any(deletes(deleted, folder) for folder in folders):
            return later.location
    return None


def _disabled(call: PipCall, variables: Mapping[str, str]) -> bool:
    if call.tool == "uv":
        return (
            call.has_flag("--no-cache", "--no-cache-dir", "-n")
            or variables.get("UV_NO_CACHE", "").lower() in _UV_TRUE
        )
    # optparse accepts any unambiguous prefix of --no-cache-dir from --no-cache on
    abbreviated = any(
        len(word.text) >= len("--no-cache") and "--no-cache-dir".startswith(word.text)
        for word in call.args
    )
    return abbreviated or bool(variables.get("PIP_NO_CACHE_DIR"))


def _configured_off(view: ImageView, stage: Stage, instruction: Instruction, call: PipCall) -> bool:
    """``pip config set global.no-cache-dir ...`` in an earlier RUN under this one."""
    if call.tool != "pip":
        return False
    for earlier in view.before(stage, instruction):
        for command in earlier.commands if earlier is not instruction else ():
            config = pip_call(command.unwrapped())
            if config is not None and config.action == "config" and _sets_no_cache(config):
                return True
    return False


def _sets_no_cache(call: PipCall) -> bool:
    return any("no-cache-dir" in word.text for word in call.args)


def _only_tools(call: PipCall) -> bool:
    if call.requirement_files() or call.action not in ("install",):
        return False
    names = [_NAME.match(word.text) for word in call.operands()]
    return bool(names) and all(
        match is not None and canonicalize_name(match.group()) in _TOOLS_ONLY for match in names
    )


def _user(view: ImageView, stage: Stage, instruction: Instruction) -> str | None:
    user: str | None = None
    for earlier in view.before(stage, instruction):
        if earlier.keyword == "USER" and earlier.arguments:
            user = earlier.arguments[0].split(":", 1)[0]
    return user


def _home(variables: Mapping[str, str], user: str | None) -> str:
    if variables.get("HOME"):
        return variables["HOME"]
    return "/root" if user in (None, "root", "0") else f"/home/{user}"


def _cache_folders(
    call: PipCall, variables: Mapping[str, str], home: str, workdir: str
) -> tuple[str, ...]:
    tool = "pip" if call.tool == "pip" else "uv"
    explicit = call.values("--cache-dir") or (variables.get(f"{tool.upper()}_CACHE_DIR"),)
    if explicit[0]:
        return (absolute(workdir, explicit[0]),)
    if variables.get("XDG_CACHE_HOME"):
        return (absolute(workdir, f"{variables['XDG_CACHE_HOME']}/{tool}"),)
    return (absolute(workdir, f"{home}/.cache/{tool}"),)


def _mounted(instruction: Instruction, folders: tuple[str, ...]) -> bool:
    for mount in instruction.mounts:
        if mount.type not in ("cache", "tmpfs") or not mount.target:
            continue
        target = absolute(instruction.workdir, mount.target)
        if any(
            folder == target or folder.startswith(target.rstrip("/") + "/") for folder in folders
        ):
            return True
    return False


def _cleared(
    instruction: Instruction,
    command: ShellCommand,
    call: PipCall,
    folders: tuple[str, ...],
    home: str,
) -> bool:
    after = runs_after(instruction, command)
    for later in after:
        cleaner = pip_call(later)
        if cleaner is None or cleaner.tool != call.tool:
            continue
        if (
            cleaner.tool == "pip"
            and cleaner.action == "cache"
            and _sub(cleaner) in ("purge", "remove")
        ):
            return True
        if (
            cleaner.tool == "uv"
            and cleaner.action == "cache"
            and _sub(cleaner) in ("clean", "prune")
        ):
            return True
    if any(f"{call.tool} cache dir" in word.text for later in after for word in later.words):
        return True  # rm -rf "$(pip cache dir)"
    deleted = deleted_paths(after, home)
    return any(deletes(deleted, folder) for folder in folders)


def _sub(call: PipCall) -> str | None:
    operands = call.operands()
    return operands[0].text if operands else None


def _message(
    call: PipCall, instruction: Instruction, command: ShellCommand, later: Location | None
) -> str:
    tool = call.tool
    fix = (
        "add --no-cache-dir, set PIP_NO_CACHE_DIR=1 or mount a cache"
        if tool == "pip"
        else "add --no-cache, set UV_NO_CACHE=1 or mount a cache"
    )
    size = _size(call, instruction, command)
    if later is not None:
        size += f" (deleting it in a later RUN, line {later.line}, reclaims nothing)"
    return f"{tool} keeps the wheels it downloads in its cache in this layer{size}: {fix}"


def _size(call: PipCall, instruction: Instruction, command: ShellCommand) -> str:
    knowledge = images()
    names = [
        canonicalize_name(match.group())
        for word in call.operands()
        if (match := _NAME.match(word.text))
    ]
    cpu = cpu_index(call, variables_for(instruction, command)) or any(
        "+cpu" in word.text for word in call.operands()
    )
    keys = [_wheel_key(name, cpu) for name in dict.fromkeys(names)]
    known = [key for key in keys if key in knowledge.wheel_mb]
    if not known:
        return f", {knowledge.pip_cache_study.inline()}" if call.tool == "pip" else ""
    total = sum(knowledge.wheel_mb[name] for name in known)
    listed = known[0] if len(known) == 1 else ", ".join(known[:-1]) + f" and {known[-1]}"
    figure = Figure(
        total,
        f"the {listed} wheel{'s' if len(known) > 1 else ''} as downloaded",
        knowledge.measured,
    )
    return f", {figure.about('here', prefix='at least')}"


def _wheel_key(name: str, cpu: bool) -> str:
    """torch from a CPU index is a much smaller wheel, measured as ``torch+cpu``."""
    return f"{name}+cpu" if name == "torch" and cpu else name


RULE = Rule(
    "BLT301",
    "pip-cache-kept",
    "pip or uv keeps its download cache in the image",
    check,
    __doc__ or "",
)
