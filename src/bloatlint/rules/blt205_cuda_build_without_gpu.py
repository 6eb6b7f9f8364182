"""BLT205: a CUDA build of torch, jax or tensorflow in an image that will never use a GPU.

torch's default Linux build pulls about fifteen ``nvidia-*`` CUDA wheels and triton;
``tensorflow[and-cuda]`` and ``jax[cuda12]`` pull theirs. Reported when the image has no CUDA
base image, the Dockerfile is not named for a GPU, nothing chooses CPU wheels (a ``+cpu`` pin,
``--index-url``/``--extra-index-url``/``--find-links`` pointing at a CPU index in that pip
command or in ``PIP_INDEX_URL``/``PIP_EXTRA_INDEX_URL``/``UV_INDEX_URL``/``UV_DEFAULT_INDEX``,
uv's ``--torch-backend cpu``, a CPU source in the pyproject.toml installed), and the project's
code shows no GPU use (``.cuda()``, ``device="cuda"``, ``torch.cuda``, ``jax.devices("gpu")``,
``device_map="auto"``, a GPU reservation in a compose file, ...). A package that requires
torch counts when nothing else installs torch. torch named in a requirements file is skipped:
that file's own ``--index-url`` lines and ``+cpu`` pins are not visible to the rule.

Why it matters: torch 2.9.1's CUDA build with its nvidia wheels and triton unpacks to 6.9 GB;
the CPU build of torch 2.13 to 0.70 GB (measured Nov 2026). Without a GPU the difference is
pure weight, downloaded on every build and pull.

Example::

    FROM python:3.11-slim
    RUN pip install --no-cache-dir torch==2.9.1

    Dockerfile:2:32: BLT205 torch installs its CUDA build in an image with no CUDA base
    (python:3.11-slim) and no GPU use in the code: the CUDA wheels are pure weight, about 6.2 GB
    (...): install it from the CPU index: pip install torch --index-url
    https://download.pytorch.org/whl/cpu

Fix: torch from the CPU index (``--index-url https://download.pytorch.org/whl/cpu``, or a
``+cpu`` pin with that index), ``jax[cpu]`` or plain jax, ``tensorflow-cpu``. If the image is
for a GPU, say so: a CUDA base image, or a Dockerfile named for it (``Dockerfile.gpu``).
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import CudaBuild
from bloatlint.manifests.dockerfile import Dockerfile
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import image_view
from bloatlint.rules._packages import (
    Install,
    base_image,
    cpu_build,
    cpu_only_images,
    cuda_build,
    first_torch_pullers,
    installs,
    old_torch,
    once_per_location,
    torch_build,
)


def check(analysis: Analysis) -> Iterator[Finding]:
    return once_per_location(_check(analysis))


def _check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in cpu_only_images(analysis):
        base = base_image(image_view(dockerfile))
        if base is not None:
            yield from _findings(analysis, dockerfile, base[1])


def _findings(analysis: Analysis, dockerfile: Dockerfile, base: str) -> Iterator[Finding]:
    found = installs(analysis, dockerfile)
    reported: set[tuple[object, str]] = set()
    for install, build, through in _cuda_installs(analysis, dockerfile, found):
        key = (install.call.word.location, build.package)
        if key in reported:
            continue  # torch, torchvision and torchaudio in one command: one finding
        reported.add(key)
        message = _message(install, build, base, through)
        yield Finding("BLT205", install.location, message, install.name)


def _cuda_installs(
    analysis: Analysis, dockerfile: Dockerfile, found: tuple[Install, ...]
) -> Iterator[tuple[Install, CudaBuild, bool]]:
    for install in found:
        build = cuda_build(install)
        if build is not None and cpu_build(analysis, install) is False:
            yield install, build, False
    torch = torch_build()
    if any(torch.names(item.name) for item in analysis.project.declared):
        return  # torch is declared somewhere: how it gets installed may be out of sight
    for install in first_torch_pullers(analysis, dockerfile, found):
        if cpu_build(analysis, install) is False:
            yield install, torch, True


def _message(install: Install, build: CudaBuild, base: str, through: bool) -> str:
    unmeasured = build.package == "torch" and old_torch(install)
    saving = f", {build.saving}" if build.saving and not unmeasured else ""
    where = f" (installed by {install.call.word.location})" if install.manifest else ""
    context = f"in an image with no CUDA base ({base}) and no GPU use in the code"
    if through:
        fix = f"install torch from the CPU index before it: {build.cpu_command}"
        return (
            f"{install.shown()}{where} pulls torch, whose default Linux build is CUDA, {context}: "
            f"the CUDA wheels are pure weight{saving}: {fix}"
        )
    return (
        f"{install.shown()}{where} installs its CUDA build {context}: the CUDA wheels are pure "
        f"weight{saving}: {build.cpu_fix}"
    )


RULE = Rule(
    "BLT205",
    "cuda-build-without-gpu",
    "A CUDA build of torch, jax or tensorflow where no GPU is used",
    check,
    __doc__ or "",
)
