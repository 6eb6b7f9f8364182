"""The data that flows through bloatlint: where things are, what is declared, what the code uses.

Every parser produces these frozen records; every rule reads them. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A place in a project file: ``path`` is POSIX and relative to the project root; 1-based."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Manager(StrEnum):
    """Who installs a declared package."""

    PIP = "pip"
    CONDA = "conda"
    APT = "apt"


class Scope(StrEnum):
    """Whether a declaration ends up where the product runs or only where it is developed."""

    MAIN = "main"
    OPTIONAL = "optional"
    DEV = "dev"
    BUILD = "build"


@dataclass(frozen=True, slots=True)
class Declared:
    """One package named in one manifest, at one place.

    ``name`` is the canonical Python distribution name (``packaging.utils.canonicalize_name``);
    for conda packages it is the PyPI distribution that conda package provides, and ``raw_name``
    keeps what was written. ``group`` is the group, extra or file role it belongs to (``main``,
    an extra's name, ``dev``, ``test``, a Dockerfile stage ...); ``scope`` is its coarse meaning.
    ``pinned`` is true when a version constraint is attached; ``version`` is the release an
    exact pin names (``==2.15.1``, conda's ``=2.15``), if any. ``transitive`` marks entries a lock
    or pip-compile output records only because something else needs them. ``from_source``
    marks a requirement installed from a repository or an sdist URL, which pip builds.
    """

    name: str
    raw_name: str
    manager: Manager
    location: Location
    group: str = "main"
    scope: Scope = Scope.MAIN
    pinned: bool = False
    transitive: bool = False
    extras: frozenset[str] = frozenset()
    stage: str | None = None
    is_final_stage: bool = False
    native: bool = False
    suppressed: frozenset[str] = frozenset()
    marker: str | None = None
    from_source: bool = False
    version: str | None = None

    @property
    def source(self) -> str:
        """How the message names the manifest kind, e.g. ``pip`` or ``conda``."""
        return self.manager.value


@dataclass(frozen=True, slots=True)
class Import:
    """A ``import x.y`` / ``from x import y`` / ``importlib.import_module("x")`` in project code.

    ``optional`` marks imports guarded by ``try/except ImportError`` or ``if TYPE_CHECKING``:
    they prove a use but their absence from the manifests does not break the code.
    ``names`` are what a ``from module import a, b`` takes from it: ``from google.cloud import
    storage`` uses the ``google.cloud.storage`` package, which a namespace alone does not tell.
    """

    module: str
    location: Location
    optional: bool = False
    suppressed: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    @property
    def top_level(self) -> str:
        return self.module.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class CommandUse:
    """A command the project runs: ``name`` is the executable (``uvicorn``) or, for
    ``python -m pkg.mod``, the module prefixed with ``-m `` (``-m pkg.mod``)."""

    name: str
    location: Location
    dev: bool = False

    @property
    def module(self) -> str | None:
        return self.name[3:] if self.name.startswith("-m ") else None


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A file bloatlint could not read or understand; reported as BLT001."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class SourceText:
    """Text of a project file kept for evidence rules (keyword arguments, parser names)."""

    path: str
    text: str
    dev: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``extra`` holds format-specific facts that JSON output adds to
    the finding's object (e.g. ``freed_bytes`` on BLT101 once sizes are known)."""

    code: str
    location: Location
    message: str
    package: str | None = None
    severity: str = "warning"
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (
            self.location.path,
            self.location.line,
            self.location.column,
            self.code,
            self.message,
        )


class EnvironmentError_(Exception):
    """The interpreter named with ``--python`` cannot be used."""


class ManifestError(Exception):
    """Raised by a parser for input it cannot understand; becomes a BLT001 finding."""

    def __init__(self, path: str, line: int, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.location = Location(path, line, column)
        self.message = message


@dataclass(frozen=True, slots=True)
class Reference:
    """A manifest that another one installs (``-r file``, ``pip install -r`` in a Dockerfile
    resolved through COPY, ``conda env create -f``). The engine parses it with ``format`` even
    when discovery would not have found it; a missing file is a problem at ``location``.
    ``stage`` names the Dockerfile stage that installs it, if any.
    """

    path: Path
    format: str
    location: Location
    stage: str | None = None
    is_final_stage: bool = False


@dataclass(frozen=True, slots=True)
class FileRole:
    """What another manifest installs a requirements file as: setup.py reading
    ``requirements.txt`` into ``extras_require["dev"]`` makes its packages development ones,
    whatever the file's name says. ``path`` is relative to the project root."""

    path: str
    group: str
    scope: Scope


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one manifest parser found in one file."""

    declared: tuple[Declared, ...] = ()
    commands: tuple[CommandUse, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    references: tuple[Reference, ...] = ()
    roles: tuple[FileRole, ...] = ()
    built_modules: tuple[str, ...] = ()  # extension modules a setup.py compiles


# Where a file says it is for development: read by manifest parsers and by the analysis.
_DEV_DIRS = frozenset(
    {"test", "tests", "testing", "docs", "doc", "benchmarks", "benchmark", ".github"}
)
_DEV_FILES = frozenset(
    {"conftest.py", "noxfile.py", "setup.py", "fabfile.py", "tasks.py"}
    # configuration of tools that only run while developing
    | {".pre-commit-config.yaml", "tox.ini", "pytest.ini", "mypy.ini", ".flake8", ".pylintrc"}
    | {".coveragerc", ".isort.cfg", "ruff.toml", ".ruff.toml", ".readthedocs.yaml"}
)


# integration-tests/, e2e_tests/: a test suite kept as a project of its own
_TEST_SUITE_DIRS = ("-tests", "_tests")


def in_dev_folder(path: str) -> bool:
    """Whether a file sits in a folder of tests, documentation, benchmarks or CI."""
    return any(
        part in _DEV_DIRS or part.endswith(_TEST_SUITE_DIRS) for part in path.split("/")[:-1]
    )


def is_dev_path(path: str) -> bool:
    """Files that exist for developing the project, not for running it."""
    name = path.rsplit("/", 1)[-1]
    return (
        in_dev_folder(path)
        or name in _DEV_FILES
        or name.startswith("test_")
        or name.endswith("_test.py")
    )
