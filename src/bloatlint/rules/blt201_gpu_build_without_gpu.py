"""BLT201: a GPU build of a package that has a CPU variant, in an image with no CUDA base.

tensorflow, xgboost, onnxruntime-gpu, faiss-gpu, paddlepaddle-gpu and mxnet-cu* ship CUDA
kernels (and sometimes CUDA wheels) that only a GPU can use. In an image whose base holds no
CUDA, built from a Dockerfile not named for a GPU, for a project whose code never asks for a
GPU (``device="cuda"``, ``tree_method="gpu_hist"``, ``CUDAExecutionProvider``, ...), that part
is dead weight and the CPU variant does the same work. Packages installed by pip in the stage
that becomes the image, or in a stage whose installs are copied into it, are checked; so are
those of a requirements file or project the Dockerfile installs.

Why it matters: tensorflow 2.21 unpacks to 1.87 GB against 1.27 GB for tensorflow-cpu;
xgboost 3.2 with its nvidia-nccl wheel to 670 MB against 18 MB for xgboost-cpu;
onnxruntime-gpu to 350 MB against 65 MB for onnxruntime (measured Nov 2026).

Example::

    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow==2.21.0

    Dockerfile:2:32: BLT201 tensorflow is a GPU build, but the image has no CUDA base
    (python:3.11-slim) and the code never uses a GPU: install tensorflow-cpu instead, about
    600 MB smaller (tensorflow 2.21.0 1.87 GB vs tensorflow-cpu 1.27 GB unpacked, measured Nov 2026)

Fix: install the CPU variant the message names. If the image is meant for a GPU, base it on a
CUDA image or name the Dockerfile for it (``Dockerfile.gpu``).
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import CpuVariant, images
from bloatlint.model import Finding
from bloatlint.rules import Rule
from bloatlint.rules._image import image_view
from bloatlint.rules._packages import (
    Install,
    base_image,
    cpu_only_images,
    cuda_build,
    installs,
    once_per_location,
)


def check(analysis: Analysis) -> Iterator[Finding]:
    return once_per_location(_check(analysis))


def _check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in cpu_only_images(analysis):
        base = base_image(image_view(dockerfile))
        for install in installs(analysis, dockerfile):
            variant = _variant(install)
            if variant is not None and base is not None:
                yield Finding(
                    "BLT201", install.location, _message(install, variant, base[1]), install.name
                )


def _variant(install: Install) -> CpuVariant | None:
    if cuda_build(install) is not None:
        return None  # tensorflow[and-cuda] and the like are BLT205's
    return next((item for item in images().cpu_variants if item.matches(install.name)), None)


def _message(install: Install, variant: CpuVariant, base: str) -> str:
    where = f" (installed by {install.call.word.location})" if install.manifest else ""
    smaller = f", {variant.saving.about('smaller')}" if variant.saving else ""
    return (
        f"{install.declared.raw_name} is a GPU build{where}, but the image has no CUDA base "
        f"({base}) and the code never uses a GPU: install {variant.cpu} instead{smaller}"
    )


RULE = Rule(
    "BLT201",
    "gpu-build-without-cuda-base",
    "A GPU build with a CPU variant in an image with no CUDA base and no GPU use",
    check,
    __doc__ or "",
)
