"""BLT305: a build toolchain left in the image.

Compilers, build tools and headers (``build-essential``, ``gcc``, ``g++``, ``make``, ``cmake``,
``*-dev``/``*-devel`` packages, ``build-base``, ``musl-dev``, ``linux-headers``, the CUDA
toolkit ...) installed by apt-get, apk, dnf or yum in the stage that becomes the image, or a
stage it is built on, and not removed in the same RUN. Removing them in a later RUN does not
help: the layer that installed them keeps every byte. One finding per install command, at its
first toolchain package, naming all of them; removal counts when a later command of the same
RUN purges the package (``apt-get purge``/``remove``, ``apk del`` of it or of its ``--virtual``
group, ``dnf remove``), or marks everything automatic and auto-removes (``apt-mark auto`` then
``apt-get purge --auto-remove``). A C compiler and the Python headers (build-essential, gcc,
g++, clang, python3-dev) are not reported when the program compiles while it runs: the code
imports triton, ``torch._inductor`` or ``torch.utils.cpp_extension`` or calls
``torch.compile``, or the image installs triton or vllm.

Why it matters: in the TensorFlow image studied by Zhang et al. (SIGMETRICS 2024) gcc alone
was 0.09 GB of files the workload never touched; build-essential brings gcc, g++, make, the C
library headers and more, and every compiler in an image is attack surface.

Example::

    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
        && pip install --no-cache-dir -r requirements.txt && rm -rf /var/lib/apt/lists/*

    Dockerfile:2:66: BLT305 build-essential (build tools and headers) is installed in the final
    image and never removed ...: build in an earlier stage and copy the result

Fix: compile in a builder stage (``FROM python:3.12 AS build`` ... ``pip wheel`` or a virtual
environment) and ``COPY --from=build`` only the result; or install and purge the toolchain in
the same RUN that uses it.
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import images
from bloatlint.manifests.dockerfile import (
    CommandWord,
    Dockerfile,
    Instruction,
    ShellCommand,
    Stage,
)
from bloatlint.model import Finding, Location
from bloatlint.rules import Rule
from bloatlint.rules._image import (
    ImageView,
    commands,
    image_view,
    is_development_image,
    runs_after,
)
from bloatlint.rules._native import NativeCall, native_call, removal
from bloatlint.rules._packages import installs


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        if is_development_image(dockerfile):
            continue  # compilers are what a development container is for
        view = image_view(dockerfile)
        compiles_at_run_time = _compiles_at_run_time(analysis, dockerfile)
        for stage in view.whole_stages():
            for instruction, command in commands(stage):
                call = native_call(command)
                if call is not None and call.installs:
                    yield from _finding(
                        view, stage, instruction, command, call, compiles_at_run_time
                    )


def _compiles_at_run_time(analysis: Analysis, dockerfile: Dockerfile) -> bool:
    """triton, torch.compile or cpp_extension in the code, or triton/vllm in the image."""
    knowledge = images()
    if any(
        item.name in knowledge.runtime_compiler_packages for item in installs(analysis, dockerfile)
    ):
        return True
    for imp in analysis.project.imports:
        module = imp.module
        if any(
            module == name or module.startswith(name + ".")
            for name in knowledge.runtime_compiler_imports
        ):
            return True
    return analysis.first_code_match(knowledge.runtime_compiler_patterns, dev=True) is not None


def _finding(
    view: ImageView,
    stage: Stage,
    instruction: Instruction,
    command: ShellCommand,
    call: NativeCall,
    compiles_at_run_time: bool,
) -> Iterator[Finding]:
    knowledge = images()
    virtual = call.values("--virtual", "-t") if call.family == "apk" else ()
    gone = removal(runs_after(instruction, command))
    kept = [
        (name, word)
        for name, word in call.packages()
        if knowledge.is_toolchain(name)
        and not gone.removes(name, virtual)
        and not (compiles_at_run_time and knowledge.is_runtime_compiler(name))
    ]
    if kept:
        later = _removed_later(view, stage, instruction, [name for name, _ in kept], virtual)
        yield Finding("BLT305", kept[0][1].location, _message(kept, later), kept[0][0])


def _removed_later(
    view: ImageView,
    stage: Stage,
    instruction: Instruction,
    names: list[str],
    virtual: tuple[str, ...],
) -> Location | None:
    for later in view.later_instructions(stage, instruction):
        if later.keyword != "RUN":
            continue
        gone = removal(command.unwrapped() for command in later.commands)
        if any(gone.removes(name, virtual) for name in names):
            return later.location
    return None


def _message(kept: list[tuple[str, CommandWord]], later: Location | None) -> str:
    names = list(dict.fromkeys(name for name, _ in kept))
    shown = names[:4] + ([f"{len(names) - 4} more"] if len(names) > 4 else [])
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"
    verb = "is" if len(names) == 1 else "are"
    if later is not None:
        where = f"removed only in a later RUN (line {later.line}), which reclaims nothing"
    else:
        where = "never removed"
    package, figure = images().toolchain_study
    alone = figure.about(f"for {package} alone")
    study = f"; {alone}" if package in names or "build-essential" in names else ""
    return (
        f"{listed} (build tools and headers) {verb} installed in the final image and {where}"
        f"{study}: build in an earlier stage and copy the result, or purge them in this same RUN"
    )


RULE = Rule(
    "BLT305",
    "toolchain-in-image",
    "A compiler toolchain or -dev packages left in the final image",
    check,
    __doc__ or "",
)
