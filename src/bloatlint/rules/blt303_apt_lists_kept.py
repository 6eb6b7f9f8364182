"""BLT303: apt's package lists left in the layer that downloaded them.

``apt-get update`` downloads the package index of every configured repository into
``/var/lib/apt/lists``. Unless the same RUN deletes them (``rm -rf /var/lib/apt/lists/*``, or
``apt-get distclean``), or a cache or tmpfs mount holds that folder, they stay in the layer for
good: deleting them in a later RUN only hides them. Reported at the ``apt-get update`` of each
RUN in a stage whose ``/var/lib/apt/lists`` reaches the image. ``apt-get clean`` is not enough:
it empties ``/var/cache/apt/archives``, not the lists.

Why it matters: hadolint reports the same pattern (DL3009). The lists of a Debian or Ubuntu
release weigh tens of MB, and they are stale the day after the build anyway.

Example::

    FROM python:3.11-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg

    Dockerfile:2:5: BLT303 apt-get update leaves the package lists in /var/lib/apt/lists in
    this layer: end this RUN with && rm -rf /var/lib/apt/lists/*

Fix: ``RUN apt-get update && apt-get install -y --no-install-recommends ... && rm -rf
/var/lib/apt/lists/*`` in one RUN, or ``RUN --mount=type=cache,target=/var/lib/apt/lists``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.manifests.dockerfile import Instruction, ShellCommand, Stage
from bloatlint.model import Finding, Location
from bloatlint.rules import Rule
from bloatlint.rules._image import (
    ImageView,
    absolute,
    commands,
    image_view,
    runs_after,
)
from bloatlint.rules._native import NativeCall, deleted_paths, deletes, native_call

LISTS = "/var/lib/apt/lists"


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        for stage in view.stages():
            if view.touches(stage, LISTS):
                yield from _stage_findings(view, stage)


def _stage_findings(view: ImageView, stage: Stage) -> Iterator[Finding]:
    reported: set[Location] = set()
    for instruction, command in commands(stage):
        call = native_call(command)
        if call is None or call.family != "apt" or call.action != "update":
            continue
        if instruction.location in reported or _mounted(instruction):
            continue
        if _removed(runs_after(instruction, command)):
            continue
        reported.add(instruction.location)
        yield Finding(
            "BLT303", call.word.location, _message(call, _removed_later(view, stage, instruction))
        )


def _removed(after: tuple[ShellCommand, ...]) -> bool:
    for later in after:
        call = native_call(later)
        if call is not None and call.family == "apt" and call.action in ("distclean", "dist-clean"):
            return True
    return deletes(deleted_paths(after), LISTS)


def _mounted(instruction: Instruction) -> bool:
    for mount in instruction.mounts:
        if mount.type in ("cache", "tmpfs") and mount.target:
            target = absolute(instruction.workdir, mount.target)
            if target == LISTS or LISTS.startswith(target.rstrip("/") + "/"):
                return True
    return False


def _removed_later(view: ImageView, stage: Stage, instruction: Instruction) -> Location | None:
    for later in view.later_instructions(stage, instruction):
        if later.keyword != "RUN" or not later.commands:
            continue
        unwrapped = tuple(command.unwrapped() for command in later.commands)
        if _removed(unwrapped):
            return later.location
    return None


def _message(call: NativeCall, later: Location | None) -> str:
    text = f"{call.tool} update leaves the package lists in {LISTS} in this layer"
    if later is not None:
        text += f" (deleting them in a later RUN, line {later.line}, reclaims nothing)"
    return f"{text}: end this RUN with && rm -rf {LISTS}/*"


RULE = Rule(
    "BLT303",
    "apt-lists-kept",
    "apt-get update without removing /var/lib/apt/lists in the same RUN",
    check,
    __doc__ or "",
)
