"""``images.toml``: what the container rules know about ML images, typed.

GPU builds and their CPU variants, frameworks whose default Linux build is CUDA, wheels that
are CUDA libraries, base images that carry CUDA (and their devel flavours), build toolchains,
signs of GPU or window use in code, and the files that make a build context heavy. Figures keep
the measurement they come from, so a message can say how much and on what basis.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any

from bloatlint.knowledge import KnowledgeError

_SOURCE = "images.toml"


def format_size(mb: float) -> str:
    """``36 MB``, ``0.90 GB``, ``6.2 GB``: two significant figures below 10 GB."""
    if mb < 1000:
        return f"{mb:.0f} MB"
    return f"{mb / 1000:.1f} GB"


def format_bytes(size: int) -> str:
    """A file size as messages show it: ``15 bytes``, ``12 kB``, ``36 MB``, ``1.2 GB``."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return format_size(size / 1_000_000)


@dataclass(frozen=True)
class Figure:
    """A size with the measurement behind it."""

    mb: float
    basis: str
    source: str

    def __str__(self) -> str:
        return self.about()

    def about(self, word: str = "", prefix: str = "about") -> str:
        """``about 600 MB smaller (basis, source)`` for ``word="smaller"``."""
        size = f"{format_size(self.mb)} {word}".rstrip()
        return f"{prefix} {size} ({self.basis}, {self.source})"

    def inline(self) -> str:
        """``about 180 MB in a TensorFlow image (Zhang et al., ...)``: the basis in the text."""
        return f"about {format_size(self.mb)} {self.basis} ({self.source})"


@dataclass(frozen=True)
class CpuVariant:
    gpu: tuple[str, ...]
    cpu: str
    saving: Figure | None

    def matches(self, name: str) -> bool:
        return any(fnmatchcase(name, pattern) for pattern in self.gpu)


@dataclass(frozen=True)
class CudaBuild:
    """A framework whose build from the default index is CUDA (with ``extras``, if any)."""

    package: str
    also: tuple[str, ...]
    extras: frozenset[str]
    local_extras: frozenset[str]
    cpu_fix: str
    cpu_command: str | None
    wheels: Figure | None
    saving: Figure | None
    preinstalled_in: tuple[str, ...]
    measured_release: str | None = None  # the release the figures are of

    def names(self, name: str) -> bool:
        return name == self.package or any(fnmatchcase(name, pattern) for pattern in self.also)


@dataclass(frozen=True)
class ImagePattern:
    image: str
    tag: str
    libraries: bool

    def matches(self, repository: str, tag: str) -> bool:
        return fnmatchcase(repository, self.image) and fnmatchcase(tag, self.tag)


@dataclass(frozen=True)
class DevelImage:
    image: str
    runtime: str


@dataclass(frozen=True)
class Images:
    measured: str
    study: str
    cpu_variants: tuple[CpuVariant, ...]
    cuda_builds: tuple[CudaBuild, ...]
    cuda_wheel_patterns: tuple[str, ...]
    not_cuda_wheels: frozenset[str]
    cuda_wheel_mb: dict[str, float]
    cuda_images: tuple[ImagePattern, ...]
    cuda_hints: tuple[str, ...]
    devel_images: tuple[DevelImage, ...]
    devel_basis: str
    compile_commands: frozenset[str]
    compile_packages: frozenset[str]
    compile_variables: frozenset[str]
    compile_pip_options: tuple[str, ...]
    compile_runtime_imports: tuple[str, ...]
    compile_sources: tuple[str, ...]
    toolchain: tuple[str, ...]
    not_toolchain: frozenset[str]
    runtime_compilers: tuple[str, ...]
    runtime_compiler_imports: tuple[str, ...]
    runtime_compiler_patterns: tuple[re.Pattern[str], ...]
    runtime_compiler_packages: frozenset[str]
    toolchain_study: tuple[str, Figure]
    pip_cache_study: Figure
    wheel_mb: dict[str, float]
    opencv_gui: tuple[str, ...]
    opencv_all: tuple[str, ...]
    opencv_saving: dict[str, Figure]
    window_patterns: tuple[re.Pattern[str], ...]
    gpu_patterns: tuple[re.Pattern[str], ...]
    gpu_imports: tuple[str, ...]
    gpu_compose_patterns: tuple[re.Pattern[str], ...]
    heavy_dirs: tuple[str, ...]
    risky_dirs: tuple[str, ...]
    heavy_suffixes: tuple[str, ...]
    threshold_mb: float

    def is_cuda_wheel(self, name: str) -> bool:
        return name not in self.not_cuda_wheels and any(
            fnmatchcase(name, pattern) for pattern in self.cuda_wheel_patterns
        )

    def is_runtime_compiler(self, package: str) -> bool:
        return any(fnmatchcase(package, pattern) for pattern in self.runtime_compilers)

    def is_toolchain(self, package: str) -> bool:
        return package not in self.not_toolchain and any(
            fnmatchcase(package, pattern) for pattern in self.toolchain
        )


def _fail(where: str, message: str) -> KnowledgeError:
    return KnowledgeError(f"bloatlint.knowledge/{_SOURCE}: {where}: {message}")


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _fail(key, "expected a table")
    return value


def _tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _fail(key, "expected [[tables]]")
    return value


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(f"{where}.{key}", "expected a list of strings")
    return tuple(value)


def _string(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise _fail(f"{where}.{key}", "expected a string")
    return value


def _number(table: dict[str, Any], key: str, where: str) -> float:
    value = table.get(key)
    if not isinstance(value, int | float):
        raise _fail(f"{where}.{key}", "expected a number")
    return float(value)


def _sizes(table: dict[str, Any], where: str) -> dict[str, float]:
    return {name: _number(table, name, where) for name in table}


def _figure(table: dict[str, Any], mb: str, basis: str, where: str, source: str) -> Figure | None:
    if mb not in table:
        return None
    return Figure(_number(table, mb, where), _string(table, basis, where), source)


def _patterns(table: dict[str, Any], key: str, where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in _strings(table, key, where):
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise _fail(f"{where}.{key}", f"bad regex {pattern!r}: {error}") from error
    return tuple(compiled)


def _cpu_variant(table: dict[str, Any], measured: str) -> CpuVariant:
    where = "cpu_variant"
    saving = _figure(table, "saving_mb", "basis", where, measured)
    return CpuVariant(_strings(table, "gpu", where), _string(table, "cpu", where), saving)


def _cuda_build(table: dict[str, Any], measured: str) -> CudaBuild:
    where = f"cuda_build {table.get('package')!r}"
    return CudaBuild(
        package=_string(table, "package", where),
        also=_strings(table, "also", where),
        extras=frozenset(_strings(table, "extras", where)),
        local_extras=frozenset(_strings(table, "local_extras", where)),
        cpu_fix=_string(table, "cpu_fix", where),
        cpu_command=_string(table, "cpu_command", where) if "cpu_command" in table else None,
        wheels=_figure(table, "wheels_mb", "wheels_basis", where, measured),
        saving=_figure(table, "saving_mb", "saving_basis", where, measured),
        preinstalled_in=_strings(table, "preinstalled_in", where),
        measured_release=(
            _string(table, "measured_release", where) if "measured_release" in table else None
        ),
    )


def _cuda_image(table: dict[str, Any]) -> ImagePattern:
    where = "cuda_image"
    libraries = table.get("libraries", True)
    if not isinstance(libraries, bool):
        raise _fail(f"{where}.libraries", "expected true or false")
    return ImagePattern(
        _string(table, "image", where), _string(table, "tag", where, "*"), libraries
    )


def _opencv(data: dict[str, Any], measured: str) -> dict[str, Figure]:
    table = _table(data, "opencv")
    saving, basis = _table(table, "saving_mb"), _table(table, "basis")
    return {
        name: Figure(
            _number(saving, name, "opencv.saving_mb"), _string(basis, name, "opencv"), measured
        )
        for name in saving
    }


def _load(data: dict[str, Any]) -> Images:
    measured = _table(data, "measured")
    wheels, study = _string(measured, "wheels", "measured"), _string(measured, "study", "measured")
    cuda_wheels, compiles = _table(data, "cuda_wheels"), _table(data, "compiles")
    toolchain, pip_cache = _table(data, "toolchain"), _table(data, "pip_cache")
    opencv, gpu_use, context = (
        _table(data, "opencv"),
        _table(data, "gpu_use"),
        _table(data, "context"),
    )
    return Images(
        measured=wheels,
        study=study,
        cpu_variants=tuple(_cpu_variant(t, wheels) for t in _tables(data, "cpu_variant")),
        cuda_builds=tuple(_cuda_build(t, wheels) for t in _tables(data, "cuda_build")),
        cuda_wheel_patterns=_strings(cuda_wheels, "patterns", "cuda_wheels"),
        not_cuda_wheels=frozenset(_strings(cuda_wheels, "not", "cuda_wheels")),
        cuda_wheel_mb=_sizes(_table(cuda_wheels, "mb"), "cuda_wheels.mb"),
        cuda_images=tuple(_cuda_image(t) for t in _tables(data, "cuda_image")),
        cuda_hints=_strings(_table(data, "cuda_hint"), "patterns", "cuda_hint"),
        devel_images=tuple(
            DevelImage(_string(t, "image", "devel_image"), _string(t, "runtime", "devel_image"))
            for t in _tables(data, "devel_image")
        ),
        devel_basis=_string(_table(data, "devel"), "basis", "devel"),
        compile_commands=frozenset(_strings(compiles, "commands", "compiles")),
        compile_packages=frozenset(_strings(compiles, "packages", "compiles")),
        compile_variables=frozenset(_strings(compiles, "variables", "compiles")),
        compile_pip_options=_strings(compiles, "pip_options", "compiles"),
        compile_runtime_imports=_strings(compiles, "runtime_imports", "compiles"),
        compile_sources=_strings(compiles, "sources", "compiles"),
        toolchain=_strings(toolchain, "packages", "toolchain"),
        not_toolchain=frozenset(_strings(toolchain, "not", "toolchain")),
        runtime_compilers=_strings(toolchain, "runtime_compilers", "toolchain"),
        runtime_compiler_imports=_strings(toolchain, "runtime_imports", "toolchain"),
        runtime_compiler_patterns=_patterns(toolchain, "runtime_patterns", "toolchain"),
        runtime_compiler_packages=frozenset(_strings(toolchain, "runtime_packages", "toolchain")),
        toolchain_study=(
            _string(toolchain, "study_package", "toolchain"),
            Figure(
                _number(toolchain, "study_mb", "toolchain"),
                _string(toolchain, "study_basis", "toolchain"),
                study,
            ),
        ),
        pip_cache_study=Figure(
            _number(pip_cache, "study_mb", "pip_cache"),
            _string(pip_cache, "study_basis", "pip_cache"),
            study,
        ),
        wheel_mb=_sizes(_table(pip_cache, "wheel_mb"), "pip_cache.wheel_mb"),
        opencv_gui=_strings(opencv, "gui", "opencv"),
        opencv_all=_strings(opencv, "all", "opencv"),
        opencv_saving=_opencv(data, wheels),
        window_patterns=_patterns(_table(opencv, "window_patterns"), "patterns", "opencv"),
        gpu_patterns=_patterns(gpu_use, "patterns", "gpu_use"),
        gpu_imports=_strings(gpu_use, "imports", "gpu_use"),
        gpu_compose_patterns=_patterns(gpu_use, "compose_patterns", "gpu_use"),
        heavy_dirs=_strings(context, "heavy_dirs", "context"),
        risky_dirs=_strings(context, "risky_dirs", "context"),
        heavy_suffixes=_strings(context, "heavy_suffixes", "context"),
        threshold_mb=_number(context, "threshold_mb", "context"),
    )


@cache
def images() -> Images:
    """The parsed ``images.toml``; a malformed file raises :class:`KnowledgeError`."""
    text = resources.files("bloatlint.knowledge").joinpath(_SOURCE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail("parse", str(error)) from error
    return _load(data)


_DEFAULT_REGISTRY_PREFIXES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


def split_image(reference: str) -> tuple[str, str]:
    """``nvcr.io/nvidia/pytorch:24.01-py3`` → (``nvcr.io/nvidia/pytorch``, ``24.01-py3``);
    Docker Hub's own host and ``library/`` are dropped; no tag is ``latest``; a digest is
    dropped."""
    name = reference.split("@", 1)[0].lower()
    last = name.rsplit("/", 1)[-1]
    tag = "latest"
    if ":" in last:
        name, _, tag = name.rpartition(":")
    for prefix in _DEFAULT_REGISTRY_PREFIXES:
        name = name.removeprefix(prefix)
    return name.removeprefix("library/"), tag
