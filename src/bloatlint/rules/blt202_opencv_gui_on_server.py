"""BLT202: an OpenCV build with GUI support in an image whose code never opens a window, or
two cv2 distributions installed together.

opencv-python and opencv-contrib-python bundle Qt and link against X11 and OpenGL so that
``cv2.imshow`` can open windows; a server never opens one, and the ``-headless`` packages are
the same library without the GUI. All four opencv-* distributions install the same ``cv2``
module: with two of them the last one installed overwrites the other's files, which is both
weight and a source of "cv2 has no attribute" breakage. Window use means ``cv2.imshow``,
``namedWindow``, ``waitKey``, ``destroyAllWindows``, ``selectROI`` and the like anywhere in the
project's (non-test) code.

Why it matters: opencv-python 5.0 unpacks to 196 MB against 160 MB for
opencv-python-headless (measured Nov 2026), and the GUI build also needs system libraries
(libGL, libSM, libXext) that images then install with apt.

Example::

    FROM python:3.11-slim
    RUN pip install --no-cache-dir opencv-python==5.0.0.93

    Dockerfile:2:32: BLT202 opencv-python is the GUI build of OpenCV but the code never opens
    a window: install opencv-python-headless instead, about 36 MB smaller (...)

Fix: install ``opencv-python-headless`` (or ``opencv-contrib-python-headless``), once. When a
dependency pulls in the GUI build, uninstall it and install the headless one in the same RUN.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import images
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._packages import (
    Install,
    installs,
    once_per_location,
    uninstalled_after,
    window_use,
)


def check(analysis: Analysis) -> Iterator[Finding]:
    return once_per_location(_check(analysis))


def _check(analysis: Analysis) -> Iterator[Finding]:
    windows = None
    for dockerfile in analysis.project.dockerfiles:
        kept = [item for item in installs(analysis, dockerfile) if _opencv(item)]
        if any(item.name in images().opencv_gui for item in kept) and windows is None:
            windows = window_use(analysis) or False
        yield from _findings(kept, bool(windows))


def _opencv(install: Install) -> bool:
    return install.name in images().opencv_all and not uninstalled_after(install)


def _findings(kept: list[Install], windows: bool) -> Iterator[Finding]:
    first_of: dict[str, Install] = {}
    for install in kept:
        first_of.setdefault(install.name, install)
    for install in kept:
        reasons = []
        if install.name in images().opencv_gui and not windows:
            reasons.append(_gui(install))
        other = next((item for name, item in first_of.items() if name != install.name), None)
        if other is not None and first_of[install.name] is install and _later(install, other):
            reasons.append(_twice(install, other))
        if reasons:
            yield Finding("BLT202", install.location, "; ".join(reasons), install.name)


def _later(install: Install, other: Install) -> bool:
    """The second distribution is reported, once: the one installed after the other."""
    return (install.stage.index, install.call.word.location) > (
        other.stage.index,
        other.call.word.location,
    ) or (
        install.call.word.location == other.call.word.location and install.location > other.location
    )


def _gui(install: Install) -> str:
    headless = f"{install.name}-headless"
    figure = images().opencv_saving.get(install.name)
    smaller = f", {figure.about('smaller')}" if figure else ""
    return (
        f"{install.shown()} is the GUI build of OpenCV but the code never opens a window: "
        f"install {headless} instead{smaller}"
    )


def _twice(install: Install, other: Install) -> str:
    return (
        f"{install.declared.raw_name} and {other.declared.raw_name} ({other.location}) both "
        "install the cv2 module "
        f"and the last one overwrites the other's files: keep one"
    )


RULE = Rule(
    "BLT202",
    "opencv-gui-build-on-server",
    "opencv-python with GUI support where no window opens, or two cv2 packages",
    check,
    __doc__ or "",
)
