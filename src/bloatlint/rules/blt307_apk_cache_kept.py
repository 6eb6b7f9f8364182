"""BLT307: ``apk add`` without ``--no-cache``.

Without ``--no-cache``, apk keeps the repository indexes it fetched in ``/var/cache/apk`` (and
the packages too, when a cache folder is configured). Reported at the ``apk`` word of an
``apk add`` in a stage whose ``/var/cache/apk`` reaches the image, unless the same RUN deletes
``/var/cache/apk/*`` afterwards or a cache or tmpfs mount holds it (``/var/cache/apk`` or
``/etc/apk/cache``).

Why it matters: hadolint reports the same pattern (DL3019). The indexes are a few MB per
repository, in every image built this way, and out of date the day after.

Example::

    FROM python:3.12-alpine
    RUN apk add ffmpeg

    Dockerfile:2:5: BLT307 apk add without --no-cache keeps the package indexes in
    /var/cache/apk in this layer: use apk add --no-cache

Fix: ``apk add --no-cache ...`` (it also makes ``apk update`` unnecessary).
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.manifests.dockerfile import Instruction, ShellCommand
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import absolute, commands, image_view, runs_after
from bloatlint.rules._native import deleted_paths, deletes, native_call

CACHE = "/var/cache/apk"
_MOUNTABLE = (CACHE, "/etc/apk/cache")


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        for stage in view.stages():
            if not view.touches(stage, CACHE):
                continue
            for instruction, command in commands(stage):
                call = native_call(command)
                if call is None or call.family != "apk" or not call.installs:
                    continue
                if (
                    call.has_flag("--no-cache")
                    or _mounted(instruction)
                    or _cleared(instruction, command)
                ):
                    continue
                yield Finding("BLT307", call.word.location, _MESSAGE)


def _mounted(instruction: Instruction) -> bool:
    for mount in instruction.mounts:
        if mount.type in ("cache", "tmpfs") and mount.target:
            target = absolute(instruction.workdir, mount.target)
            if any(
                folder.startswith(target.rstrip("/") + "/") or folder == target
                for folder in _MOUNTABLE
            ):
                return True
    return False


def _cleared(instruction: Instruction, command: ShellCommand) -> bool:
    after = runs_after(instruction, command)
    return deletes(deleted_paths(after), CACHE)


_MESSAGE = (
    f"apk add without --no-cache keeps the package indexes in {CACHE} in this layer: "
    "use apk add --no-cache"
)

RULE = Rule(
    "BLT307",
    "apk-cache-kept",
    "apk add without --no-cache",
    check,
    __doc__ or "",
)
