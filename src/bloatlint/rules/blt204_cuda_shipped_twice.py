"""BLT204: CUDA shipped twice: a CUDA base image and CUDA wheels installed by pip.

The base image (nvidia/cuda runtime or devel, pytorch/pytorch, nvcr.io/nvidia/*,
tensorflow/tensorflow:*-gpu) already holds the CUDA libraries, and pip installs them again as
wheels: explicitly (``nvidia-*``, ``*-cu12``, ``*-cu13``, ``cuda-*``) or as the dependencies of
torch's default Linux build, ``tensorflow[and-cuda]`` or ``jax[cuda12]``, directly or through a
package that requires torch. Neither copy can replace the other once both are in, so the image
carries two CUDA stacks. The nvidia/cuda ``base`` flavour (libcudart only) is not a CUDA base
here; ``jax[cuda12-local]`` uses the image's CUDA and brings none; torch already present in a
pytorch/pytorch base is not reinstalled unless another version is pinned. One finding per pip
command or installed manifest, at its first CUDA package.

Why it matters: the 15 nvidia-*-cu12 wheels torch 2.9.1 pulls unpack to 4.6 GB (measured
Nov 2026), on top of a CUDA runtime image that holds the same libraries; the study behind
bloatlint found CUDA and cuDNN libraries to be the largest part of ML images' bloat. The size
is given only where the measured release can be the one installed: a constraint that rules it
out (``torch~=1.8``, whose wheels hold CUDA themselves; ``torch==2.2.1``) gets the finding
without a figure.

Example::

    FROM nvidia/cuda:12.8.0-runtime-ubuntu24.04
    RUN pip install --no-cache-dir torch==2.9.1

    Dockerfile:2:32: BLT204 CUDA shipped twice: nvidia/cuda:12.8.0-runtime-ubuntu24.04 already
    holds the CUDA libraries and torch brings its own as wheels, about 4.6 GB (...): ...

Fix: base the image on one without CUDA libraries (``python:3.12-slim``, or the nvidia/cuda
``base`` flavour) and let the wheels bring CUDA; or keep the CUDA image and install builds that
use its libraries (``jax[cuda12-local]``, a framework already in the base image).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import CudaBuild, Figure, images, split_image
from bloatlint.manifests.dockerfile import Dockerfile
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import image_view
from bloatlint.rules._packages import (
    Install,
    base_image,
    cpu_build,
    cuda_build,
    first_torch_pullers,
    has_cuda_libraries,
    installs,
    local_cuda,
    old_torch,
    once_per_location,
    other_release,
    torch_build,
)


@dataclass(frozen=True)
class _Offence:
    """How one install brings CUDA wheels: its name as shown, their size, and whether it is a
    framework pulling a whole CUDA stack (whose figure already covers single wheels)."""

    install: Install
    shown: str
    figure: Figure | None
    framework: bool
    unmeasured: bool = False  # a release other than the measured one: no figure fits


def check(analysis: Analysis) -> Iterator[Finding]:
    return once_per_location(_check(analysis))


def _check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        base = base_image(image_view(dockerfile))
        if base is None or not has_cuda_libraries(base[1]):
            continue
        yield from _findings(analysis, dockerfile, base[1])


def _findings(analysis: Analysis, dockerfile: Dockerfile, base: str) -> Iterator[Finding]:
    found = installs(analysis, dockerfile)
    offences = [offence for install in found if (offence := _offence(analysis, install, base))]
    offences += _through_torch(analysis, dockerfile, found, base)
    groups: dict[object, list[_Offence]] = {}
    for offence in offences:
        install = offence.install
        key = (install.instruction.location, install.call.word.location, install.manifest)
        groups.setdefault(key, []).append(offence)
    for group in groups.values():
        first = group[0].install
        yield Finding("BLT204", first.location, _message(group, base), first.name)


def _offence(analysis: Analysis, install: Install, base: str) -> _Offence | None:
    knowledge = images()
    if knowledge.is_cuda_wheel(install.name):
        mb = knowledge.cuda_wheel_mb.get(install.name)
        figure = Figure(mb, f"{install.name} unpacked", knowledge.measured) if mb else None
        return _Offence(install, install.shown(), figure, framework=False)
    build = cuda_build(install)
    if build is None or local_cuda(install, build) or cpu_build(analysis, install):
        return None
    if _in_base(install, build, base):
        return None
    unmeasured = build.package == "torch" and (
        old_torch(install) or other_release(install, build.measured_release)
    )
    figure = None if unmeasured else build.wheels
    return _Offence(install, install.shown(), figure, framework=True, unmeasured=unmeasured)


def _through_torch(
    analysis: Analysis, dockerfile: Dockerfile, found: tuple[Install, ...], base: str
) -> list[_Offence]:
    torch = torch_build()
    if _preinstalled(torch, base):
        return []
    return [
        _Offence(install, install.shown("through torch"), torch.wheels, framework=True)
        for install in first_torch_pullers(analysis, dockerfile, found)
        if not cpu_build(analysis, install)
    ]


def _preinstalled(build: CudaBuild, base: str) -> bool:
    repository, _ = split_image(base)
    return any(repository == image for image in build.preinstalled_in)


def _in_base(install: Install, build: CudaBuild, base: str) -> bool:
    """The framework is already in the base image and pip leaves it there: no other version
    is pinned (pytorch/pytorch tags start with the torch version they hold)."""
    if not _preinstalled(build, base):
        return False
    text = install.requirement
    if text is None or "==" not in text:
        return True  # unpinned is already satisfied; a manifest's pin is not visible here
    version = text.split("==", 1)[1].split(";", 1)[0].strip()
    _, tag = split_image(base)
    return tag.startswith(version)


def _message(group: list[_Offence], base: str) -> str:
    names = [offence.shown for offence in group]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    verb = "brings" if len(names) == 1 else "bring"
    return (
        f"CUDA shipped twice: {base} already holds the CUDA libraries and {listed} {verb} "
        f"CUDA again as wheels{_size(group)}: base the image on one without CUDA libraries "
        f"(python:3.x-slim, or the nvidia/cuda base flavour) and let the wheels bring CUDA"
    )


def _size(group: list[_Offence]) -> str:
    if any(offence.unmeasured for offence in group):
        return ""  # torchvision beside torch~=1.8 is an old build too
    frameworks = [o.figure for o in group if o.framework and o.figure is not None]
    if frameworks:
        return f", {max(frameworks, key=lambda figure: figure.mb)}"
    wheels = [o.figure for o in group if o.figure is not None]
    if not wheels:
        return ""
    if len(wheels) == 1:
        return f", {wheels[0]}"
    total = sum(figure.mb for figure in wheels)
    return f", {Figure(total, 'the nvidia wheels named, unpacked', wheels[0].source)}"


RULE = Rule(
    "BLT204",
    "cuda-shipped-twice",
    "A CUDA base image plus CUDA wheels installed by pip",
    check,
    __doc__ or "",
)
