"""BLT302: ``apt-get install`` without ``--no-install-recommends``.

By default apt installs every package the requested ones *recommend*, not only what they
depend on: documentation, optional tools, fonts, whole desktop stacks for some libraries.
Reported at the ``apt-get`` (or ``apt``) word of an install in the stage that becomes the image
or a stage it is built on, unless recommends are off: ``--no-install-recommends`` on the
command, ``-o APT::Install-Recommends=false`` (or ``0``), or ``APT::Install-Recommends "0";``
written to apt's configuration by an earlier instruction. Builder stages whose files are only
partly copied into the image are not checked: what apt puts in ``/usr`` stays there.

Why it matters: hadolint reports the same pattern (DL3015). Recommended packages are often
larger than the requested ones (``python3-pip`` recommends a compiler toolchain, an X11 library
may recommend a desktop's worth of fonts), and every one of them is attack surface.

Example::

    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y ffmpeg && rm -rf /var/lib/apt/lists/*

    Dockerfile:2:23: BLT302 apt-get install without --no-install-recommends also installs
    every package these recommend: add --no-install-recommends

Fix: ``apt-get install -y --no-install-recommends ...``, adding back by name any recommended
package the image really needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.manifests.dockerfile import Instruction, Stage
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import ImageView, commands, image_view
from bloatlint.rules._native import native_call

_RECOMMENDS_OFF = re.compile(r"Install-Recommends[\"'\s=:]*(?:0|false|no|off)\b", re.IGNORECASE)


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        for stage in view.whole_stages():
            for instruction, command in commands(stage):
                call = native_call(command)
                if call is None or call.family != "apt" or not call.installs or not call.packages():
                    continue
                if call.has_flag("--no-install-recommends") or _configured_off(
                    view, stage, instruction
                ):
                    continue
                yield Finding("BLT302", call.word.location, _message(call.tool))


def _configured_off(view: ImageView, stage: Stage, instruction: Instruction) -> bool:
    """This instruction or one that ran before it turns recommends off."""
    return any(_RECOMMENDS_OFF.search(item.raw) for item in view.before(stage, instruction))


def _message(tool: str) -> str:
    return (
        f"{tool} install without --no-install-recommends also installs every package these "
        "recommend: add --no-install-recommends"
    )


RULE = Rule(
    "BLT302",
    "apt-recommends-installed",
    "apt-get install without --no-install-recommends",
    check,
    __doc__ or "",
)
