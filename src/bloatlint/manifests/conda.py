"""Conda environment files (``environment.yml``) and conda package specs.

An environment file is a YAML mapping whose ``dependencies`` list holds conda specs and at most
one ``pip:`` list. Conda specs (MatchSpecs) come in several spellings, all understood here::

    numpy   numpy=1.26   numpy==1.26.4   numpy>=1.26,<2   numpy 1.26.*
    faiss-gpu=1.7.4=py311*_cuda   faiss-gpu 1.7.4 py311*_cuda        (version and build string)
    pytorch::pytorch   conda-forge/label/x::numpy                    (channel prefix)
    numpy[version='>=1.26',build=py311*]                               (bracket form)

Conda names are not always PyPI names (``pytorch`` provides ``torch``) and many conda packages
hold no Python module at all (``cudatoolkit``, ``ffmpeg``); both facts come from
``knowledge/conda.toml``. The ``pip:`` list is what conda writes to a temporary requirements file
in the environment file's folder and installs with ``pip install -r``, so it is read as one.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

import yaml
from packaging.utils import canonicalize_name

from bloatlint import yamlsafe
from bloatlint.manifests import ManifestFormat, relative_path
from bloatlint.manifests.requirements import (
    RequirementLines,
    group_and_scope,
    is_dev_group,
    parse_requirement_lines,
    read_manifest_text,
    role_from_filename,
)
from bloatlint.model import (
    Declared,
    Location,
    Manager,
    ManifestError,
    ParsedFile,
    ParseProblem,
    Reference,
    Scope,
)
from bloatlint.suppression import suppressed_codes

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_OPERATOR = r"(?:==|!=|>=|<=|~=|=|>|<)"
# `$`, `{` and `}` let an unexpanded Dockerfile ARG (`numpy=${NUMPY}`) count as a version
_VERSION_ATOM = rf"\(?{_OPERATOR}?[A-Za-z0-9_.*+!${{}}]+\)?"
_VERSION = re.compile(rf"{_VERSION_ATOM}(?:[,|]{_VERSION_ATOM})*")
_BUILD = re.compile(r"[A-Za-z0-9_.*+!${}]+")
_EXACT_RELEASE = re.compile(r"={0,2}(\d+(?:\.\d+)*)(?:\.\*|\*)?")
_VERSION_AND_BUILD = re.compile(
    rf"(?P<version>{_VERSION.pattern})(?:=(?P<build>{_BUILD.pattern}))?"
)
_SPACE_AFTER_OPERATOR = re.compile(rf"({_OPERATOR})\s+")
_SPACE_AROUND_JOINER = re.compile(r"\s*([,|])\s*")
_BRACKET_ITEM = re.compile(
    r"\s*(?P<key>[A-Za-z_]+)\s*=\s*(?P<value>'[^']*'|\"[^\"]*\"|[^,'\"\]]*?)\s*(?:,|$)"
)
_PACKAGE_FILE = re.compile(r"([^/\\]+)\.(?:conda|tar\.bz2)$")


@dataclass(frozen=True)
class CondaSpec:
    """One parsed conda spec. ``name_offset`` is where the name starts in the spec as written."""

    name: str
    name_offset: int
    version: str | None = None
    build: str | None = None
    channel: str | None = None

    @property
    def pinned(self) -> bool:
        return self.version is not None and self.version.strip("=") not in ("", "*")

    @property
    def release(self) -> str | None:
        """The release an exact version names (``=2.1.0``, ``2.1.*``, ``==2.1.0``), if any."""
        found = _EXACT_RELEASE.fullmatch(self.version or "")
        return found.group(1) if found else None


@dataclass(frozen=True)
class CondaKnowledge:
    """``knowledge/conda.toml``: conda names that differ from PyPI, and native packages."""

    names: dict[str, str]
    native: dict[str, str]

    def distribution(self, conda_name: str) -> str | None:
        key = conda_name.lower()
        found = self.names.get(key) or self.names.get(canonicalize_name(key))
        return canonicalize_name(found) if found else None

    def is_native(self, conda_name: str) -> bool:
        key = conda_name.lower()
        if self.distribution(key) is not None:
            return False
        return key.startswith("lib") or any(fnmatchcase(key, pattern) for pattern in self.native)


@cache
def conda_knowledge() -> CondaKnowledge:
    data = tomllib.loads(
        resources.files("bloatlint").joinpath("knowledge", "conda.toml").read_text("utf-8")
    )
    return CondaKnowledge(names=dict(data["names"]), native=dict(data["native"]))


def conda_declaration(
    spec: str,
    location: Location,
    *,
    group: str = "main",
    stage: str | None = None,
    is_final_stage: bool = False,
    suppressed: frozenset[str] = frozenset(),
) -> Declared | None:
    """The package a conda spec (a ``conda install`` argument or an environment.yml entry)
    declares. ``location`` is where the spec starts; the result points at the name inside it
    (after any ``channel::``). None when the spec names no package (a local path, a variable);
    raises ``ValueError`` when it cannot be parsed."""
    parsed = parse_conda_spec(spec)
    if parsed is None:
        return None
    knowledge = conda_knowledge()
    native = knowledge.is_native(parsed.name)
    return Declared(
        name=_python_name(parsed.name, native),
        raw_name=parsed.name,
        manager=Manager.CONDA,
        location=Location(location.path, location.line, location.column + parsed.name_offset),
        group=group,
        scope=Scope.DEV if is_dev_group(group) else Scope.MAIN,
        pinned=parsed.pinned,
        version=parsed.release,
        stage=stage,
        is_final_stage=is_final_stage,
        native=native,
        suppressed=suppressed,
    )


def _python_name(conda_name: str, native: bool) -> str:
    """The PyPI distribution a conda package provides; a native package keeps its conda name
    (canonicalising would turn ``_libgcc_mutex`` into ``-libgcc-mutex``)."""
    if native:
        return conda_name.lower()
    return conda_knowledge().distribution(conda_name) or canonicalize_name(conda_name)


def parse_conda_spec(spec: str) -> CondaSpec | None:
    """Parse one conda MatchSpec; None for text that names no package, ``ValueError`` for text
    that is not a spec."""
    text = spec.strip()
    offset = len(spec) - len(spec.lstrip())
    if not text or text.startswith(("$", "-")):
        return None
    if _is_path_or_url(text):
        return _package_file_spec(text, offset)
    channel: str | None = None
    if "::" in text:
        channel, _, rest = text.rpartition("::")
        offset += len(text) - len(rest)
        text = rest
    text, bracket = _split_bracket(text, spec)
    name_match = _NAME.match(text)
    if name_match is None:
        raise ValueError(f"invalid conda spec {spec.strip()!r}: no package name")
    version, build = _version_and_build(text[name_match.end() :], spec)
    version = bracket.get("version", version)
    build = bracket.get("build", build)
    return CondaSpec(
        name=name_match.group(),
        name_offset=offset,
        version=version,
        build=build,
        channel=bracket.get("channel", channel),
    )


def _is_path_or_url(text: str) -> bool:
    before_bracket = text.split("[", 1)[0]
    if "::" in before_bracket:
        return False
    return "/" in before_bracket or "\\" in before_bracket or bool(_PACKAGE_FILE.search(text))


def _split_bracket(text: str, spec: str) -> tuple[str, dict[str, str]]:
    """Split ``name[key=value,...]`` into the part before the bracket and its keys."""
    if not text.endswith("]"):
        return text, {}
    head, opening, inner = text.partition("[")
    if not opening:
        raise ValueError(f"invalid conda spec {spec.strip()!r}: unbalanced ']'")
    inner = inner[:-1]
    values: dict[str, str] = {}
    position = 0
    while position < len(inner):
        item = _BRACKET_ITEM.match(inner, position)
        if item is None or item.end() == position:
            raise ValueError(f"invalid conda spec {spec.strip()!r}: cannot read [{inner}]")
        values[item.group("key").lower()] = item.group("value").strip("'\"").strip()
        position = item.end()
    if "version" in values:
        values["version"] = _normalise_spaces(values["version"])
        if not _VERSION.fullmatch(values["version"]):
            raise ValueError(f"invalid conda spec {spec.strip()!r}: bad version")
    return head, values


def _version_and_build(rest: str, spec: str) -> tuple[str | None, str | None]:
    """Read what follows the name: ``=1.2=build``, ``>=1,<2``, `` 1.4.* build``."""
    rest = _normalise_spaces(rest.strip())
    if not rest:
        return None, None
    tokens = rest.split()
    if len(tokens) == 1:
        whole = _VERSION_AND_BUILD.fullmatch(tokens[0])
        if whole:
            return whole.group("version"), whole.group("build")
    elif len(tokens) == 2 and _VERSION.fullmatch(tokens[0]) and _BUILD.fullmatch(tokens[1]):
        return tokens[0], tokens[1]
    raise ValueError(f"invalid conda spec {spec.strip()!r}: cannot read version {rest!r}")


def _normalise_spaces(text: str) -> str:
    return _SPACE_AROUND_JOINER.sub(r"\1", _SPACE_AFTER_OPERATOR.sub(r"\1", text))


def _package_file_spec(text: str, offset: int) -> CondaSpec | None:
    """A package file or URL (``.../numpy-1.26.4-py311h64a7726_0.conda``): its name, version
    and build come from the file name. Other paths name no package."""
    found = _PACKAGE_FILE.search(text)
    if found is None:
        return None
    parts = found.group(1).rsplit("-", 2)
    if len(parts) != 3 or not _NAME.fullmatch(parts[0]):
        raise ValueError(f"invalid conda package file name {found.group(1)!r}")
    return CondaSpec(
        name=parts[0], name_offset=offset + found.start(1), version=parts[1], build=parts[2]
    )


# --- environment files -----------------------------------------------------------------------

_ENV_FILE_STEM = re.compile(
    r"environment(?:[-_.].*)?|.*[-_.]environment|env|conda(?:[-_.].*)?|.*\.conda"
)
_ENV_FOLDERS = frozenset({"envs", "environments", "conda"})
_GENERIC_WORDS = frozenset({"environment", "environments", "env", "envs", "conda"})
_STRING_TAG = "tag:yaml.org,2002:str"


def matches(relative: PurePosixPath) -> bool:
    name = relative.name.lower()
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix not in ("yml", "yaml") or "conda-lock" in stem:
        return False  # conda-lock files list resolved packages, not an environment
    return relative.parent.name.lower() in _ENV_FOLDERS or bool(_ENV_FILE_STEM.fullmatch(stem))


def parse(path: Path, root: Path) -> ParsedFile:
    relative = relative_path(path, root)
    text = read_manifest_text(path, relative)
    dependencies = _dependencies_node(yaml_document(text, relative))
    if dependencies is None:
        return ParsedFile()  # a YAML file that is not a conda environment (a CI workflow ...)
    role = role_from_filename(path.stem, _GENERIC_WORDS)
    group, scope = group_and_scope(role, other=Scope.MAIN)
    reader = _EnvironmentReader(relative, path.parent, tuple(text.splitlines()), group, scope)
    for item in dependencies.value:
        reader.read_item(item)
    parsed = reader.result()
    if not _is_export(yaml_document(text, relative), dependencies):
        return parsed
    # `conda env export` lists the whole solved environment, dependencies included: like a
    # lock, its entries are not declarations of what the project chose to need.
    locked = tuple(dataclasses.replace(item, transitive=True) for item in parsed.declared)
    return dataclasses.replace(parsed, declared=locked)


def _is_export(document: yaml.Node | None, dependencies: yaml.SequenceNode) -> bool:
    if isinstance(document, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value == "prefix" for key, _ in document.value
    ):
        return True
    specs = [item.value for item in dependencies.value if isinstance(item, yaml.ScalarNode)]
    with_build = [spec for spec in specs if str(spec).count("=") == 2 and "==" not in str(spec)]
    # Without a prefix, build strings alone are not enough: people paste a few pinned builds
    # into a hand-written file (IDM-VTON). An export also lists what only the solver adds.
    solver_only = any(str(spec).split("=", 1)[0].split("::")[-1] in _SOLVER_ONLY for spec in specs)
    return len(specs) >= 5 and len(with_build) >= 0.8 * len(specs) and solver_only


# Packages a solver pulls in that nobody writes by hand: every `conda env export` on Linux,
# macOS or Windows lists some of them.
_SOLVER_ONLY = frozenset(
    {
        "_libgcc_mutex",
        "_openmp_mutex",
        "ld_impl_linux-64",
        "libgcc-ng",
        "libstdcxx-ng",
        "libgomp",
        "libffi",
        "ca-certificates",
        "openssl",
        "ncurses",
        "readline",
        "tk",
        "xz",
        "zlib",
        "libzlib",
        "bzip2",
        "libcxx",
        "vc",
        "vs2015_runtime",
        "ucrt",
    }
)


FORMAT = ManifestFormat("conda", matches, parse)


def yaml_document(text: str, relative: str) -> yaml.Node | None:
    try:
        documents = yamlsafe.compose_all(text)
    except yaml.YAMLError as error:
        raise _yaml_error(relative, error) from None
    return documents[0] if len(documents) == 1 else None


def read_pip_list(
    node: yaml.Node, relative: str, folder: Path, lines: tuple[str, ...], group: str, scope: Scope
) -> ParsedFile:
    """A YAML list of pip requirements (a ``pip:`` list, Cog's ``python_packages``), read as
    the requirements file it stands for, each item at its place in the YAML file."""
    reader = _EnvironmentReader(relative, folder, lines, group, scope)
    reader.read_pip_list(node)
    return reader.result()


def _yaml_error(relative: str, error: yaml.YAMLError) -> ManifestError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return ManifestError(relative, 1, f"invalid YAML: {problem}")
    return ManifestError(relative, mark.line + 1, f"invalid YAML: {problem}", mark.column + 1)


def _dependencies_node(document: yaml.Node | None) -> yaml.SequenceNode | None:
    if not isinstance(document, yaml.MappingNode):
        return None
    for key, value in document.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "dependencies":
            return value if isinstance(value, yaml.SequenceNode) else None
    return None


def scalar_start(node: yaml.Node) -> tuple[int, int]:
    """Line and column (1-based) of the first character of a scalar's value."""
    quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
    return node.start_mark.line + 1, node.start_mark.column + 1 + quoted


@dataclass
class _EnvironmentReader:
    relative: str
    folder: Path
    lines: tuple[str, ...]
    group: str
    scope: Scope
    declared: list[Declared] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def read_item(self, item: yaml.Node) -> None:
        if isinstance(item, yaml.ScalarNode) and item.tag == _STRING_TAG:
            self.read_conda_spec(item)
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "pip":
                    self.read_pip_list(value)
        else:
            self.problem(item, "dependency item is neither a package spec nor a pip: list")

    def read_conda_spec(self, item: yaml.ScalarNode) -> None:
        line, column = scalar_start(item)
        try:
            found = conda_declaration(
                item.value,
                Location(self.relative, line, column),
                group=self.group,
                suppressed=suppressed_codes(self.lines[line - 1]),
            )
        except ValueError as error:
            self.problem(item, str(error))
            return
        if found is not None:
            self.declared.append(found)

    def read_pip_list(self, node: yaml.Node) -> None:
        """The ``pip:`` items, read as the requirements file conda writes them to."""
        if not isinstance(node, yaml.SequenceNode):
            if not (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
                self.problem(node, "pip: must be a list of requirements")
            return
        texts: list[str] = []
        starts: list[tuple[int, int]] = []
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and item.tag == _STRING_TAG:
                texts.append(item.value.replace("\n", " "))
            else:
                texts.append("")
                self.problem(item, "pip: item is not a requirement string")
            starts.append(scalar_start(item))
        if not texts:
            return
        lines = self.lines
        source = RequirementLines(
            lines=tuple(texts),
            base_dir=self.folder,
            origin=lambda index, column: Location(
                self.relative, starts[index - 1][0], starts[index - 1][1] + column - 1
            ),
            comment=lambda index: lines[starts[index - 1][0] - 1],
        )
        parsed = parse_requirement_lines(source, group=self.group, scope=self.scope)
        self.declared.extend(parsed.declared)
        self.problems.extend(parsed.problems)
        self.references.extend(parsed.references)

    def problem(self, node: yaml.Node, message: str) -> None:
        line, column = scalar_start(node)
        self.problems.append(ParseProblem(Location(self.relative, line, column), message))

    def result(self) -> ParsedFile:
        return ParsedFile(
            declared=tuple(sorted(self.declared, key=lambda item: item.location)),
            problems=tuple(sorted(self.problems, key=lambda item: item.location)),
            references=tuple(self.references),
        )
