"""One run: discover → parse manifests and code → build the project → run rules → filter.

Bad input never stops a run: a parser's ManifestError, an unreadable file or a parser bug
becomes a BLT001 finding for that file and the other files are still analysed.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from bloatlint import rules
from bloatlint.analysis import Analysis
from bloatlint.code.batch import scan_files
from bloatlint.code.cache import scan_digest
from bloatlint.code.commands import commands_from_shell, scan_commands
from bloatlint.code.first_party import FirstParty
from bloatlint.code.imports import CodeScan
from bloatlint.config import Config
from bloatlint.discover import Tree, walk
from bloatlint.manifests import ManifestFormat, format_for, formats, relative_path
from bloatlint.manifests.dockerfile import FORMAT as dockerfile_format
from bloatlint.manifests.dockerfile import (
    dockerfile_contents,
    looks_like_dockerfile,
    parse_dockerfile,
)
from bloatlint.manifests.setup_py import project_name
from bloatlint.model import (
    CommandUse,
    Declared,
    FileRole,
    Finding,
    Import,
    Location,
    ManifestError,
    ParsedFile,
    ParseProblem,
    Scope,
    SourceText,
    is_dev_path,
)
from bloatlint.options import Options
from bloatlint.project import Project
from bloatlint.resolve import costs, graph
from bloatlint.resolve.environment import find_environment
from bloatlint.resolve.names import build_index
from bloatlint.suppression import is_suppressed


@dataclass(frozen=True)
class Result:
    findings: tuple[Finding, ...]
    analysis: Analysis
    summary: dict[str, object] = field(default_factory=dict)


def run(options: Options, config: Config, tree: Tree | None = None) -> Result:
    project = build_project(options, config, tree)
    analysis = Analysis(project)
    environment = find_environment(options.root, options.python) if project.environment else None
    graph.attach(
        analysis,
        costs.resolve_project(
            analysis, environment, options.conda_prefix, options.online, options.index_url
        ),
    )
    findings = [
        finding
        for rule in rules.all_rules()
        if config.reports(rule.code)
        for finding in rules.run(rule, analysis)
        if not config.ignores_package(finding.code, finding.package)
    ]
    findings = _unsuppressed(findings, project)
    findings.sort(key=lambda finding: finding.sort_key)
    summary = {**_summary(project, findings), **costs.summary_fields(analysis, findings)}
    return Result(tuple(findings), analysis, summary)


def build_project(options: Options, config: Config, tree: Tree | None = None) -> Project:
    root = options.root
    tree = tree or walk(root, config.exclude)
    manifests = _parse_manifests(root, tree.files, options.extra_files, config.target)
    declared = _unique(_in_roles(manifests))
    environment = find_environment(root, options.python)
    names = build_index(environment, config, _pinned_versions(declared))
    code_files = [path for path in tree.files if path.endswith((".py", ".ipynb"))]
    code = scan_files(root, code_files, use_cache=options.use_cache)
    command_scan = scan_commands(root, tree.files)
    notebook_commands = [
        use
        for scan in code
        for text, origin in scan.shell
        for use in commands_from_shell(text, origin, dev=False)
    ]
    config_texts = _config_texts(root, tree.files, {text.path for text in command_scan.texts})
    python_files = tuple(path for path in tree.files if path.endswith(".py"))
    pyproject = _root_pyproject(root)
    absent = tuple(_absent_submodules(root, tree.files))
    return Project(
        root=root,
        files=tree.files,
        declared=declared,
        imports=(
            *(imp for scan in code for imp in scan.imports),
            *_config_targets([*command_scan.texts, *config_texts]),
        ),
        commands=(
            *(use for parsed in manifests for use in parsed.commands),
            *command_scan.commands,
            *notebook_commands,
        ),
        strings=frozenset(
            text
            for path, scan in zip(code_files, code, strict=True)
            if not path.endswith("setup.py")  # its strings are requirement lists, not uses
            for text in scan.strings
        ),
        texts=(*command_scan.texts, *config_texts),
        problems=(
            *(problem for parsed in manifests for problem in parsed.problems),
            *(problem for scan in code for problem in scan.problems),
            *command_scan.problems,
            *(_absent_submodule_problem(folder, where) for folder, where in absent),
        ),
        first_party=FirstParty(
            root,
            python_files,
            (*config.source_roots, *_subproject_roots(tree.files)),
            _imported_modules(code),
        ),
        names=names,
        config=config,
        installed_by_stages=_installed_by_stages(root, manifests),
        dockerfiles=tuple(
            parse_dockerfile(path, root, config.target)
            for path in _dockerfile_paths(root, tree.files, options.extra_files)
        ),
        environment=environment.description if environment else None,
        own_names=_own_names(root, pyproject),
        build_tools=_own_build_tools(pyproject),
        built_modules=frozenset(name for parsed in manifests for name in parsed.built_modules),
        code_files=tuple(code_files),
        code_digests=(
            {path: scan_digest(scan) for path, scan in zip(code_files, code, strict=True)}
            if options.use_cache
            else {}
        ),
        absent_submodules=absent,
    )


def _parse_manifests(
    root: Path, files: Iterable[str], extra_files: Iterable[Path], target: str | None
) -> list[ParsedFile]:
    queue: deque[tuple[Path, ManifestFormat, Location | None]] = deque()
    for relative in files:
        fmt = format_for(PurePosixPath(relative))
        if fmt is not None:
            queue.append((root / relative, fmt, None))
    for path in extra_files:
        queue.append((path, _format_by_name(path), None))
    parsed: list[ParsedFile] = []
    seen: set[tuple[Path, str]] = set()
    while queue:
        path, fmt, referenced_at = queue.popleft()
        key = (_identity(path), fmt.name)
        if key in seen:
            continue
        seen.add(key)
        result = _parse_one(path, root, _with_target(fmt, target), referenced_at)
        parsed.append(result)
        queue.extend(
            (ref.path, formats()[ref.format], ref.location)
            for ref in result.references
            if ref.format in formats()
        )
    return parsed


# Configuration that selects backends by name (accelerate's `distributed_type: DEEPSPEED`,
# Hydra's `_target_`, DeepSpeed JSON): read for evidence, but never a data file's worth.
_CONFIG_SUFFIXES = {
    ".yaml": 256_000,
    ".yml": 256_000,
    ".toml": 256_000,
    ".cfg": 256_000,
    ".ini": 256_000,
    ".json": 64_000,
}


_MAX_CONFIG_FILES = 2000
_CONFIG_JSON = re.compile(r"config|conf|settings|ds_|zero|deepspeed|accelerate", re.IGNORECASE)


def _config_texts(root: Path, files: Iterable[str], already: set[str]) -> list[SourceText]:
    texts: list[SourceText] = []
    for relative in files:
        path_name = PurePosixPath(relative)
        limit = _CONFIG_SUFFIXES.get(path_name.suffix)
        if limit is None or relative in already or len(texts) >= _MAX_CONFIG_FILES:
            continue
        if path_name.suffix == ".json" and not _CONFIG_JSON.search(path_name.name):
            continue  # JSON is mostly data (annotations, vocabularies); configs say so by name
        try:
            path = root / relative
            if path.stat().st_size > limit:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # evidence only: a file that cannot be read proves nothing
        texts.append(SourceText(relative, text, is_dev_path(relative)))
    return texts


# Hydra's ``_target_: fvcore.common.param_scheduler.CosineParamScheduler`` and LightningCLI's
# ``class_path: torch.optim.AdamW`` name a class the framework imports.
_TARGET = re.compile(
    r"""["']?\b(?:_target_|class_path)["']?\s*[:=]\s*["']?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)"""
)


def _config_targets(texts: Iterable[SourceText]) -> Iterable[Import]:
    """Classes configuration files name for a framework to import: a use of their package
    (optional: a missing one is the framework's error, so never BLT102)."""
    for text in texts:
        if not text.path.endswith((".yaml", ".yml", ".json")):
            continue
        for match in _TARGET.finditer(text.text):
            module = match.group(1).rsplit(".", 1)[0]
            line = text.text.count("\n", 0, match.start(1)) + 1
            yield Import(module, Location(text.path, line), optional=True)


def _root_pyproject(root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the manifest parser reports it


# hatchling's editable wheels import editables (its get_requires_for_build_editable adds it)
_BACKEND_EXTRAS = {"hatchling": ("editables",)}


def _own_build_tools(document: Mapping[str, Any]) -> frozenset[str]:
    """What the project's ``[build-system]`` requires: a Dockerfile stage that builds the project
    without build isolation (``pip install --no-build-isolation -e .``) takes it from the image."""
    table = document.get("build-system")
    requires = table.get("requires") if isinstance(table, dict) else None
    names: set[str] = set()
    for text in requires if isinstance(requires, list) else ():
        try:
            name = canonicalize_name(Requirement(str(text)).name)
        except InvalidRequirement:
            continue
        names.update((name, *_BACKEND_EXTRAS.get(name, ())))
    return frozenset(names)


def _own_names(root: Path, document: Mapping[str, Any]) -> frozenset[str]:
    """The project's own distribution name, from pyproject.toml, setup.cfg or the literal
    ``name=`` of setup.py (never run), so that installing the project itself is not taken for
    a dependency."""
    names: set[str] = set()
    for table in (document.get("project"), document.get("tool", {}).get("poetry")):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            names.add(canonicalize_name(table["name"]))
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "setup.cfg", encoding="utf-8")
        if parser.has_option("metadata", "name"):
            names.add(canonicalize_name(parser.get("metadata", "name")))
    except (configparser.Error, UnicodeDecodeError):
        pass
    try:
        setup_name = project_name((root / "setup.py").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        setup_name = None
    if setup_name:
        names.add(canonicalize_name(setup_name))
    return frozenset(names)


def _installed_by_stages(
    root: Path, manifests: list[ParsedFile]
) -> dict[str, tuple[tuple[str, str], ...]]:
    stages: dict[str, set[tuple[str, str]]] = {}
    for parsed in manifests:
        for ref in parsed.references:
            if ref.stage is not None:
                key = relative_path(ref.path, root)
                stages.setdefault(key, set()).add((ref.location.path, ref.stage))
    return {path: tuple(sorted(found)) for path, found in stages.items()}


def _imported_modules(code: list[CodeScan]) -> Iterable[str]:
    for scan in code:
        for imp in scan.imports:
            yield imp.module
            yield from (f"{imp.module}.{name}" for name in imp.names)


def _identity(path: Path) -> Path:
    """The file a path names, so two routes to one file parse it once; a looping symlink
    is its own identity and fails later, when read, as a finding."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _with_target(fmt: ManifestFormat, target: str | None) -> ManifestFormat:
    """The Dockerfile format building ``target`` instead of the last stage."""
    if fmt.name != "dockerfile" or target is None:
        return fmt

    def parse(path: Path, root: Path) -> ParsedFile:
        return dockerfile_contents(parse_dockerfile(path, root, target), root)

    return replace(fmt, parse=parse)


_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(\S.*?)\s*$")


def _absent_submodules(root: Path, files: tuple[str, ...]) -> Iterator[tuple[str, Location]]:
    """(folder, its ``path =`` line) of each submodule of ``.gitmodules`` that a manifest
    installs and whose folder holds no file of the tree."""
    if ".gitmodules" not in files:
        return
    try:
        lines = (root / ".gitmodules").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    folders = {path.rsplit("/", 1)[0] for path in files if "/" in path}
    absent = [
        (folder, Location(".gitmodules", number, match.start(1) + 1))
        for number, line in enumerate(lines, start=1)
        if (match := _SUBMODULE_PATH.match(line)) is not None
        and not _holds_a_file(folder := match.group(1).strip("/"), folders)
    ]
    if absent:
        manifests = _manifest_texts(root, files)
        yield from ((f, where) for f, where in absent if any(f in text for text in manifests))


def _holds_a_file(folder: str, folders: set[str]) -> bool:
    return any(known == folder or known.startswith(f"{folder}/") for known in folders)


def _manifest_texts(root: Path, files: tuple[str, ...]) -> list[str]:
    """The text of every manifest: one naming a submodule's folder (``-e ./sd-scripts``,
    ``{ path = "sd-scripts" }``, ``COPY sd-scripts``) installs it, where a submodule no
    manifest names is merely vendored (a C++ profiler under ``ggml/tracy``)."""
    texts = []
    for relative in files:
        if format_for(PurePosixPath(relative)) is None:
            continue
        try:
            texts.append((root / relative).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def _absent_submodule_problem(folder: str, where: Location) -> ParseProblem:
    message = (
        f"submodule {folder} is not checked out (git submodule update --init): its code "
        "cannot be read, so packages it may use are not reported as unused"
    )
    return ParseProblem(where, message)


def _dockerfile_paths(root: Path, files: Iterable[str], extra_files: Iterable[Path]) -> list[Path]:
    """The project's Dockerfiles and those named on the command line, each once."""
    found = [root / path for path in files if dockerfile_format.matches(PurePosixPath(path))]
    found += [path for path in extra_files if _format_by_name(path) is dockerfile_format]
    return list({_identity(path): path for path in found}.values())


def _format_by_name(path: Path) -> ManifestFormat:
    fmt = format_for(PurePosixPath(path.name))
    if fmt is not None:
        return fmt
    if looks_like_dockerfile(path):
        return formats()["dockerfile"]
    if path.suffix in {".yml", ".yaml"}:
        return formats()["conda"]
    if path.suffix == ".toml":
        return formats()["pyproject"]
    return formats()["requirements"]


def _parse_one(
    path: Path, root: Path, fmt: ManifestFormat, referenced_at: Location | None
) -> ParsedFile:
    relative = relative_path(path, root)
    if referenced_at is not None and not path.exists():
        message = f"{relative} is referenced here but does not exist"
        return ParsedFile(problems=(ParseProblem(referenced_at, message),))
    try:
        return fmt.parse(path, root)
    except ManifestError as error:
        return ParsedFile(problems=(ParseProblem(error.location, error.message),))
    except (OSError, UnicodeDecodeError) as error:
        return ParsedFile(problems=(ParseProblem(Location(relative, 1), f"cannot read: {error}"),))
    except Exception as error:  # a parser bug must not hide the other files' findings
        message = f"bloatlint could not parse this {fmt.name} file (internal error: {error!r})"
        return ParsedFile(problems=(ParseProblem(Location(relative, 1), message),))


def _subproject_roots(files: Iterable[str]) -> list[str]:
    """Folders that hold a project of their own (a setup.py or pyproject.toml below the root,
    like stable_diffusion/ holding ldm): their packages, and those of their src/, are the
    project's own wherever they are imported from."""
    roots = []
    for path in files:
        folder, _, name = path.rpartition("/")
        if folder and name in ("setup.py", "pyproject.toml") and not is_dev_path(f"{folder}/"):
            roots += [folder, f"{folder}/src"]
    return roots


def _in_roles(manifests: Sequence[ParsedFile]) -> Iterator[Declared]:
    """The declarations, those of a requirements file another manifest installs given that
    role: setup.py's ``extras_require={"dev": load("requirements.txt")}`` makes them
    development ones, ``install_requires=load("requirements_minimal.txt")`` main ones. A file
    installed in several roles takes the main one if any; a file whose own name says it is for
    development keeps that."""
    roles: dict[str, list[FileRole]] = {}
    for parsed in manifests:
        for role in parsed.roles:
            roles.setdefault(role.path, []).append(role)
    for parsed in manifests:
        for item in parsed.declared:
            given = roles.get(item.location.path)
            if not given or item.scope is Scope.DEV:
                yield item
                continue
            role = next((r for r in given if r.scope is Scope.MAIN), given[0])
            yield replace(item, group=role.group, scope=role.scope)


def _pinned_versions(declared: Iterable[Declared]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for item in declared:
        if item.version is not None:
            found.setdefault(item.name, set()).add(item.version)
    return found


def _unique(items: Iterable[Declared]) -> tuple[Declared, ...]:
    seen: dict[tuple[Location, str], Declared] = {}
    for item in items:
        seen.setdefault((item.location, item.name), item)
    return tuple(seen.values())


def _unsuppressed(findings: list[Finding], project: Project) -> list[Finding]:
    at_location: dict[Location, frozenset[str]] = {}
    placed: list[Declared | Import] = [*project.declared, *project.imports]
    for item in placed:
        at_location[item.location] = at_location.get(item.location, frozenset()) | item.suppressed
    spans = _instruction_spans(project)
    return [
        finding
        for finding in findings
        if not is_suppressed(finding.code, at_location.get(finding.location, frozenset()))
        and not any(
            is_suppressed(finding.code, codes)
            for first, last, codes in spans.get(finding.location.path, ())
            if first <= finding.location.line <= last
        )
    ]


def _instruction_spans(project: Project) -> dict[str, list[tuple[int, int, frozenset[str]]]]:
    """Dockerfile instructions carrying a suppression comment, as line ranges per file."""
    spans: dict[str, list[tuple[int, int, frozenset[str]]]] = {}
    for dockerfile in project.dockerfiles:
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                if instruction.suppressed:
                    span = (instruction.location.line, instruction.end_line, instruction.suppressed)
                    spans.setdefault(dockerfile.relative, []).append(span)
    return spans


def _summary(project: Project, findings: list[Finding]) -> dict[str, object]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    return {
        "files": len(project.files),
        "declared": len(project.declared),
        "imports": len(project.imports),
        "environment": project.environment,
        "findings": dict(sorted(counts.items())),
        "sizes": "unknown",
    }


__all__ = ["CommandUse", "Options", "Result", "SourceText", "run"]
