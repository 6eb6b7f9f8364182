"""The Python packages an image ends up with, and what the project says about GPUs and windows
(a helper module for the container rules: no ``RULE``).

A package is in the image when a pip or uv command names it in a stage whose install location
reaches the image (see :mod:`bloatlint.rules._image`), or when such a command installs a
requirements file or project (``pip install -r requirements.txt``, ``pip install .``) that
declares it. Each :class:`Install` knows the pip call, so rules can read its options and
environment; for a package named in the Dockerfile the requirement text is known too (a
``+cpu`` pin), while a requirements file's own index options are not visible to rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import CudaBuild, images, split_image
from bloatlint.manifests import relative_path
from bloatlint.manifests.dockerfile import (
    Dockerfile,
    Instruction,
    ShellCommand,
    Stage,
    dockerfile_contents,
)
from bloatlint.model import Declared, Finding, Location, Manager, Reference, Scope, is_dev_path
from bloatlint.rules._image import ImageView, absolute, image_view, runs_after, variables_for
from bloatlint.rules._pip import PipCall, cpu_index, pip_call

# Where pip puts packages when nothing says otherwise (system Python, python images, conda).
_DEFAULT_SITES = ("/usr/local", "/usr/lib/python3", "/opt/conda", "/root/.local")
_CPU_TEXT = re.compile(r"\+cpu\b|https?://\S*/cpu\b")
_ARM = ("arm64", "aarch64")


@dataclass(frozen=True)
class Install:
    """A declared package a pip or uv command puts in the image. ``requirement`` is the word as
    written in the Dockerfile (None for a package of a manifest the command installs, whose
    path is ``manifest``); ``location`` is where the finding belongs (the package's name)."""

    declared: Declared
    stage: Stage
    instruction: Instruction
    command: ShellCommand
    call: PipCall
    variables: Mapping[str, str]
    requirement: str | None = None
    manifest: str | None = None

    @property
    def name(self) -> str:
        return self.declared.name

    @property
    def location(self) -> Location:
        return self.declared.location

    @property
    def source(self) -> Location:
        """Where the install comes from: the package word, or the ``-r FILE`` word."""
        return self.call.word.location if self.manifest is None else self.location

    def shown(self, *notes: str) -> str:
        """The name as the message shows it: ``torch (through x, from requirements.txt)``."""
        notes += (f"from {self.manifest}",) if self.manifest else ()
        return f"{self.declared.raw_name} ({', '.join(notes)})" if notes else self.declared.raw_name


def once_per_location(findings: Iterable[Finding]) -> Iterator[Finding]:
    """A requirements file installed by several Dockerfiles is reported once, for the first."""
    seen: set[Location] = set()
    for finding in findings:
        if finding.location not in seen:
            seen.add(finding.location)
            yield finding


def installs(analysis: Analysis, dockerfile: Dockerfile) -> tuple[Install, ...]:
    """Every pip-installed package that reaches the image of ``dockerfile``."""
    return _installs(analysis, dockerfile, image_view(dockerfile))


def _installs(analysis: Analysis, dockerfile: Dockerfile, view: ImageView) -> tuple[Install, ...]:
    found: list[Install] = []
    stages = {stage.label: stage for stage in view.stages()}
    for item in analysis.project.declared:
        if item.location.path != dockerfile.relative or item.manager is not Manager.PIP:
            continue
        stage = stages.get(item.stage or "")
        if stage is not None:
            found.extend(_direct(item, stage, view))
    for reference in _references(dockerfile, analysis.project.root):
        stage = stages.get(reference.stage or "")
        if stage is not None:
            found.extend(_from_manifest(analysis, reference, stage, view))
    return tuple(found)


@lru_cache(maxsize=64)
def _references(dockerfile: Dockerfile, root: Path) -> tuple[Reference, ...]:
    return dockerfile_contents(dockerfile, root).references


def _located(stage: Stage, location: Location) -> tuple[Instruction, ShellCommand] | None:
    """The RUN instruction and (unwrapped) command with a word at ``location``."""
    for instruction in stage.of("RUN"):
        if not instruction.location.line <= location.line <= instruction.end_line:
            continue
        for command in instruction.commands:
            unwrapped = command.unwrapped()
            if any(_holds(word.location, len(word.raw), location) for word in unwrapped.words):
                return instruction, unwrapped
    return None


def _holds(start: Location, length: int, location: Location) -> bool:
    return start.line == location.line and start.column <= location.column <= start.column + length


def _word_at(command: ShellCommand, location: Location) -> str | None:
    for word in command.words:
        if _holds(word.location, len(word.raw), location):
            return word.text
    return None


def _direct(item: Declared, stage: Stage, view: ImageView) -> Iterator[Install]:
    found = _located(stage, item.location)
    if found is None:
        return
    instruction, command = found
    call = pip_call(command)
    if call is None:
        return
    variables = variables_for(instruction, command)
    if _reaches(view, stage, instruction, call, variables):
        text = _word_at(command, item.location)
        yield Install(item, stage, instruction, command, call, variables, text)


def _from_manifest(
    analysis: Analysis, reference: Reference, stage: Stage, view: ImageView
) -> Iterator[Install]:
    found = _located(stage, reference.location)
    if found is None:
        return
    instruction, command = found
    call = pip_call(command)
    if call is None:
        return
    variables = variables_for(instruction, command)
    if not _reaches(view, stage, instruction, call, variables):
        return
    manifest = relative_path(reference.path, analysis.project.root)
    extras = _extras(_word_at(command, reference.location) or "")
    for item in analysis.project.declared:
        if item.location.path == manifest and _installed_with(item, extras):
            yield Install(item, stage, instruction, command, call, variables, None, manifest)


def _extras(word: str) -> frozenset[str]:
    match = re.search(r"\[([^\]]*)\]$", word)
    if match is None:
        return frozenset()
    return frozenset(canonicalize_name(extra) for extra in match.group(1).split(",") if extra)


def _installed_with(item: Declared, extras: frozenset[str]) -> bool:
    if item.scope is Scope.MAIN:
        return True
    return item.scope is Scope.OPTIONAL and canonicalize_name(item.group) in extras


def _reaches(
    view: ImageView,
    stage: Stage,
    instruction: Instruction,
    call: PipCall,
    variables: Mapping[str, str],
) -> bool:
    if view.whole(stage):
        return True
    return any(view.touches(stage, site) for site in _sites(instruction, call, variables))


def _sites(instruction: Instruction, call: PipCall, variables: Mapping[str, str]) -> Iterator[str]:
    """Where this call may put packages: its target, prefix, root or user site, the virtual
    environment in effect or of the pip executable, else the usual system places."""
    cwd = instruction.workdir
    for value in call.values("-t", "--target", "--prefix", "--root"):
        yield absolute(cwd, value)
    if call.has_flag("--user"):
        yield absolute(cwd, variables.get("HOME", "/root") + "/.local")
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "CONDA_PREFIX"):
        if name in variables:
            yield absolute(cwd, variables[name])
    executable = call.word.text
    if "/bin/" in executable:
        yield absolute(cwd, executable.rsplit("/bin/", 1)[0])
    if call.tool == "uv" and not call.uv_pip:
        yield absolute(cwd, ".venv")
    yield from _DEFAULT_SITES


def uninstalled_after(install: Install) -> bool:
    """Whether ``pip uninstall`` removes the package later in the same RUN (a later RUN would
    leave it in this layer)."""
    for command in runs_after(install.instruction, install.command):
        call = pip_call(command)
        if call is not None and call.action == "uninstall":
            names = {canonicalize_name(_requirement_name(word.text)) for word in call.operands()}
            if install.name in names:
                return True
    return False


def _requirement_name(text: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", text)
    return match.group() if match else text


# --- CUDA builds ---------------------------------------------------------------------------------


def cuda_build(install: Install) -> CudaBuild | None:
    """The framework entry when ``install`` names a CUDA-by-default framework in a way that
    gets its CUDA build (right extras), whatever the index."""
    extras = {canonicalize_name(extra) for extra in install.declared.extras}
    for build in images().cuda_builds:
        if not build.names(install.name):
            continue
        if install.name != build.package or not build.extras or extras & build.extras:
            return build
    return None


def local_cuda(install: Install, build: CudaBuild) -> bool:
    """``jax[cuda12-local]``: the framework uses the image's CUDA, it brings none."""
    extras = {canonicalize_name(extra) for extra in install.declared.extras}
    return bool(extras) and extras <= build.local_extras


def cpu_build(analysis: Analysis, install: Install) -> bool | None:
    """True when the install takes a CPU wheel (``+cpu`` pin, CPU index or find-links in the
    call or its environment, a CPU source in the pyproject it installs, an ARM platform);
    False when it does not; None when the answer is in a requirements file rules cannot see."""
    if install.requirement is not None and _CPU_TEXT.search(install.requirement):
        return True
    if cpu_index(install.call, install.variables):
        return True
    platform = (install.stage.platform or "").lower()
    if any(arch in platform for arch in _ARM):
        return True
    if install.manifest is None:
        return False
    if install.manifest.endswith("pyproject.toml"):
        return any(
            text.path == install.manifest and _CPU_TEXT.search(text.text)
            for text in analysis.project.texts
        )
    return None


def pulled_by(analysis: Analysis, install: Install, wanted: str) -> bool:
    """Whether installing ``install`` also installs ``wanted`` (through its requirements, as
    far as bloatlint's knowledge of distributions goes)."""
    names = analysis.names
    seen: set[str] = set()
    pending = list(names.requires(install.name, install.declared.extras))
    while pending and len(seen) < 5000:
        name = pending.pop()
        if name == wanted:
            return True
        if name not in seen:
            seen.add(name)
            pending.extend(names.requires(name))
    return False


def torch_build() -> CudaBuild:
    return next(build for build in images().cuda_builds if build.package == "torch")


def first_torch_pullers(
    analysis: Analysis, dockerfile: Dockerfile, found: tuple[Install, ...]
) -> tuple[Install, ...]:
    """The installs of the first pip command that brings torch in as a dependency, when nothing
    in the Dockerfile installs torch itself (by pip or conda): later commands find it there."""
    torch = torch_build()
    named = any(torch.names(item.name) for item in found) or any(
        item.location.path == dockerfile.relative and torch.names(item.name)
        for item in analysis.project.declared
    )
    if named:
        return ()
    ordered = sorted(found, key=lambda item: (item.stage.index, item.call.word.location))
    for install in ordered:
        if pulled_by(analysis, install, torch.package):
            command = install.call.word.location
            return tuple(
                item
                for item in ordered
                if item.call.word.location == command and pulled_by(analysis, item, torch.package)
            )
    return ()


def old_torch(install: Install) -> bool:
    """torch before 2.1, or from a CUDA 10/11.0-11.7 index: CUDA inside the torch wheel, whose
    size bloatlint has not measured."""
    text = install.requirement or ""
    match = re.search(r"==\s*(\d+)\.(\d+)", text)
    if match and (int(match.group(1)), int(match.group(2))) < (2, 1):
        return True
    urls = " ".join(
        install.call.values("-i", "--index-url", "--extra-index-url", "-f", "--find-links")
    )
    return re.search(r"/cu(?:10\d|11[0-7])\b", urls) is not None


def other_release(install: Install, measured: str | None) -> bool:
    """Whether the install's version constraint rules out the release bloatlint measured
    (``torch~=1.8``, ``torch==2.1.0``): its figures would describe other wheels."""
    if measured is None or install.requirement is None:
        return False
    try:
        specifier = Requirement(install.requirement).specifier
    except InvalidRequirement:
        return False
    return bool(specifier) and not specifier.contains(measured, prereleases=True)


# --- the base image ------------------------------------------------------------------------------


def base_image(view: ImageView) -> tuple[Stage, str] | None:
    """The stage whose FROM names the image's external base, and that image."""
    final = view.dockerfile.final_stage
    if final is None:
        return None
    root = view.root_stage(final)
    return root, root.base_image


def is_cuda_image(reference: str) -> bool:
    """Any image that holds or names CUDA (an unresolved ``${VAR}`` counts: it may)."""
    if "$" in reference:
        return True
    repository, tag = split_image(reference)
    knowledge = images()
    if any(pattern.matches(repository, tag) for pattern in knowledge.cuda_images):
        return True
    full = f"{repository}:{tag}"
    return any(fnmatchcase(full, hint) for hint in knowledge.cuda_hints)


def has_cuda_libraries(reference: str) -> bool:
    """An image known to hold the CUDA libraries (not the ``base`` flavour of nvidia/cuda)."""
    if "$" in reference:
        return False
    repository, tag = split_image(reference)
    for pattern in images().cuda_images:
        if pattern.matches(repository, tag):
            return pattern.libraries
    return False


def cpu_only_images(analysis: Analysis) -> list[Dockerfile]:
    """The Dockerfiles BLT201 and BLT205 speak about: CPU-only images of a project whose code
    uses no GPU (none at all when it does)."""
    found = [item for item in analysis.project.dockerfiles if builds_cpu_only_image(item)]
    return found if found and gpu_use(analysis) is None else []


def builds_cpu_only_image(dockerfile: Dockerfile) -> bool:
    """Whether the image has a base that is not a CUDA image and nothing says it is meant
    for GPUs (BLT201 and BLT205 only speak about such images)."""
    view = image_view(dockerfile)
    base = base_image(view)
    return base is not None and not is_cuda_image(base[1]) and not gpu_intended(view)


def gpu_intended(view: ImageView) -> bool:
    """A Dockerfile or stage named for a GPU (``Dockerfile.gpu``, ``AS cuda``) says so."""
    final = view.dockerfile.final_stage
    names = [view.dockerfile.relative.lower(), (final.name or "").lower() if final else ""]
    return any(word in name for name in names for word in ("gpu", "cuda"))


# --- what the code does ------------------------------------------------------------------------


def gpu_use(analysis: Analysis) -> Location | None:
    """Where the project's code (or a compose file) uses or reserves a GPU, if anywhere."""
    knowledge = images()
    for imp in analysis.project.imports:
        if is_dev_path(imp.location.path):
            continue
        if any(
            imp.module == name or imp.module.startswith(name + ".")
            for name in knowledge.gpu_imports
        ):
            return imp.location
    return analysis.first_code_match(knowledge.gpu_patterns) or _compose_gpu(analysis)


def _compose_gpu(analysis: Analysis) -> Location | None:
    for source in analysis.project.texts:
        if "compose" not in source.path.rsplit("/", 1)[-1]:
            continue
        for pattern in images().gpu_compose_patterns:
            match = pattern.search(source.text)
            if match:
                return Location(source.path, source.text.count("\n", 0, match.start()) + 1)
    return None


def window_use(analysis: Analysis) -> Location | None:
    """Where the project's code opens an OpenCV window (``cv2.imshow`` ...), if anywhere."""
    return analysis.first_code_match(images().window_patterns)
