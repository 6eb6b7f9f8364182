"""The flake8 plugin (entry point ``BLT``): BLT102 and BLT106 at the import they are about,
so editors that run flake8 show them as the code is written.

flake8 checks one file at a time, but what an import needs is project-wide: what the
manifests declare and which modules are the project's own. That project is parsed once per
process and project root, in ``parse_options`` where possible (it runs once, before
``--jobs`` forks the workers, which inherit the result) and otherwise on first use. Each
file then only has its own imports checked, read from the text flake8 hands over, so with
code on stdin (``flake8 --stdin-display-name path/to/file.py -``, as editors call it) the
unsaved buffer is what counts, and the display name locates the project.

The project root is ``--bloatlint-root``, else the nearest folder above the file holding a
``pyproject.toml``, ``setup.cfg``, ``requirements*.txt`` or ``.git``, else the current
folder. Settings come from that root's ``[tool.bloatlint]``; ``--bloatlint-python`` names
the interpreter whose installed packages map imports to distributions. Both options can be
set in flake8's configuration (``setup.cfg``, ``tox.ini``, ``.flake8``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pathspec

from bloatlint import __version__, config, engine, rules
from bloatlint.analysis import Analysis
from bloatlint.code.imports import scan_python
from bloatlint.model import Finding
from bloatlint.project import Project
from bloatlint.suppression import is_suppressed

IMPORT_CODES = frozenset({"BLT102", "BLT106"})
_MARKERS = ("pyproject.toml", "setup.cfg", ".git")

Result = tuple[int, int, str, type[Any]]


@dataclass(frozen=True)
class Loaded:
    """A parsed project, or why it could not be parsed."""

    project: Project | None
    excluded: pathspec.GitIgnoreSpec | None = None
    error: str | None = None


class BloatlintChecker:
    name = "bloatlint"
    version = __version__

    root_option: ClassVar[Path | None] = None
    python_option: ClassVar[str | None] = None
    disable_noqa: ClassVar[bool] = False
    enabled: ClassVar[bool] = True
    projects: ClassVar[dict[Path, Loaded]] = {}
    roots: ClassVar[dict[Path, Path]] = {}  # folder → its project root, walked once

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        # flake8 picks the plugin kind from these parameter names; the tree goes unused
        # because the scanner also reads strings and guards from the source text.
        self.filename = filename
        self.lines = lines

    @staticmethod
    def add_options(manager: Any) -> None:
        manager.add_option(
            "--bloatlint-root",
            metavar="DIR",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="bloatlint: the project folder (default: the nearest folder above each file "
            "with pyproject.toml, setup.cfg, requirements*.txt or .git)",
        )
        manager.add_option(
            "--bloatlint-python",
            metavar="PATH",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="bloatlint: the interpreter whose installed packages to read",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        root = getattr(options, "bloatlint_root", None)
        cls.root_option = Path(root).resolve() if root else None
        cls.python_option = getattr(options, "bloatlint_python", None)
        cls.disable_noqa = bool(getattr(options, "disable_noqa", False))
        cls.enabled = _selected(options)
        cls.projects = {}
        cls.roots = {}
        if not cls.enabled:
            return  # flake8 still calls run(); parsing the project would be wasted
        for start in _starting_folders(options):
            cls.load(cls.root_of(start))

    @classmethod
    def root_of(cls, folder: Path) -> Path:
        if cls.root_option is not None:
            return cls.root_option
        if folder not in cls.roots:
            cls.roots[folder] = find_root(folder)
        return cls.roots[folder]

    @classmethod
    def load(cls, root: Path) -> Loaded:
        if root not in cls.projects:
            cls.projects[root] = _load(root, cls.python_option)
        return cls.projects[root]

    def run(self) -> Iterator[Result]:
        if not self.enabled:
            return
        path = Path(self.filename).absolute()
        root = self.root_of(path.parent)
        loaded = self.load(root)
        if loaded.project is None:
            yield (1, 0, f"BLT001 {loaded.error}", type(self))
            return
        relative = _relative(path, root)
        if loaded.excluded is not None and loaded.excluded.match_file(relative):
            return
        text = "".join(self.lines)
        for finding in findings_for(loaded.project, relative, text, not self.disable_noqa):
            location = finding.location
            message = f"{finding.code} {finding.message}"
            yield (location.line, location.column - 1, message, type(self))


def findings_for(
    project: Project, relative: str, text: str, inline_suppressions: bool = True
) -> list[Finding]:
    """The import findings for one file of ``project``, given its current text.

    Inline suppressions (``# noqa: BLT102``, ``# bloatlint: ignore[BLT102]``) are applied
    here as in the command line, so the ``bloatlint:`` form works under flake8 too;
    flake8's ``--disable-noqa`` turns both off."""
    imports = scan_python(text, relative).imports
    if not imports:
        return []
    analysis = Analysis(replace(project, imports=imports))
    settings = project.config
    suppressed = {imp.location: imp.suppressed for imp in imports if inline_suppressions}
    found = [
        finding
        for rule in rules.all_rules()
        if rule.code in IMPORT_CODES and settings.reports(rule.code)
        for finding in rules.run(rule, analysis)
        if not settings.ignores_package(finding.code, finding.package)
        and not is_suppressed(finding.code, suppressed.get(finding.location, frozenset()))
    ]
    return sorted(found, key=lambda finding: finding.sort_key)


def find_root(folder: Path) -> Path:
    """The nearest folder at or above ``folder`` that looks like a project root."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _MARKERS):
            return candidate
        if any(candidate.glob("requirements*.txt")):
            return candidate
    return Path.cwd().resolve()


def _load(root: Path, python: str | None) -> Loaded:
    try:
        settings = config.load(root)
        project = engine.build_project(engine.Options(root, (), python), settings)
    except Exception as error:  # an editor must get one line, never a crashed flake8
        return Loaded(None, error=f"bloatlint cannot analyse {root}: {error}")
    return Loaded(project, pathspec.GitIgnoreSpec.from_lines(settings.exclude))


def _selected(options: Any) -> bool:
    """Whether flake8 would report any BLT code: by default it reports every plugin's codes;
    an explicit ``--select`` must name them (or a prefix of them)."""
    select = getattr(options, "select", None)
    if not select:
        return True
    chosen = [*select, *(getattr(options, "extend_select", None) or [])]
    return any("BLT".startswith(code) or code.startswith("BLT") for code in chosen)


def _starting_folders(options: Any) -> Iterable[Path]:
    """Where the files of this flake8 run live, to find their roots before any fork."""
    names = list(getattr(options, "filenames", None) or ["."])
    display = getattr(options, "stdin_display_name", "stdin")
    for name in names:
        if name == "-":
            yield Path(display).absolute().parent if display != "stdin" else Path.cwd()
        elif Path(name).is_dir():
            yield Path(name).absolute()
        else:
            yield Path(name).absolute().parent


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
