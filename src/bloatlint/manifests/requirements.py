"""pip requirements files: ``requirements*.txt``, ``requirements/*.txt`` and pip-compile inputs.

pip reads one requirement per logical line (``\\`` continues a line; ``#`` starts a comment)
plus options: ``-r file`` installs another file, ``-c file`` only constrains versions (it installs
nothing, so its entries are not declarations), ``-e`` marks an editable install.
pip-requirements-parser (pip's own parsing code) does the reading; this module adds what it
does not know: exact positions, the file's role (``requirements-dev.txt`` is a dev group), and
pip-compile's ``# via`` annotations, which tell a direct requirement from a transitive one.

pip-compile (and ``uv pip compile``) writes a lock-like ``.txt`` from a ``.in`` file. When both
sit side by side the ``.in`` is the declaration and every entry of the ``.txt`` is transitive.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from pip_requirements_parser import RequirementsFile

from bloatlint.manifests import ManifestFormat, relative_path
from bloatlint.manifests._requirement import (
    RequirementSpec,
    exact_version,
    parse_requirement,
    pip_declaration,
)
from bloatlint.model import (
    Declared,
    Location,
    ManifestError,
    ParsedFile,
    ParseProblem,
    Reference,
    Scope,
)
from bloatlint.suppression import suppressed_codes

_ROLE_SEPARATORS = re.compile(r"[-_.\s]+")
_MAIN_WORDS = frozenset({"base", "prod", "production", "common", "runtime", "main", "default"})
_DEV_WORDS = frozenset(
    {
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "linting",
        "docs",
        "doc",
        "ci",
        "style",
        "typing",
        "bench",
        "benchmark",
        "benchmarks",
        "tools",
        "check",
        "checks",
    }
)


def is_dev_group(name: str) -> bool:
    """Whether a group, extra or file role names development-only tooling (``dev``, ``test``,
    ``docs-build``, ``lint_ci``): any of its words is a development word."""
    return any(word in _DEV_WORDS for word in _words(name))


def group_and_scope(role: str, *, other: Scope = Scope.OPTIONAL) -> tuple[str, Scope]:
    """The group and scope a file role or group name stands for: ``""``/``base``/``prod`` are
    ``("main", MAIN)``; development words give ``(role, DEV)``; anything else (``gpu``,
    ``notebook``) gives ``(role, other)``, or ``("main", MAIN)`` when ``other`` is MAIN."""
    words = _words(role)
    if all(word in _MAIN_WORDS for word in words):
        return "main", Scope.MAIN
    if is_dev_group(role):
        return "-".join(words), Scope.DEV
    if other is Scope.MAIN:
        return "main", Scope.MAIN
    return "-".join(words), other


def role_from_filename(stem: str, generic: frozenset[str]) -> str:
    """What a manifest's file name says about it once the generic words are removed:
    ``requirements-dev`` → ``dev``, ``test_requirements`` → ``test``, ``requirements`` → ``""``."""
    return "-".join(word for word in _words(stem) if word not in generic)


def _words(name: str) -> list[str]:
    return [word for word in _ROLE_SEPARATORS.split(name.lower()) if word]


# --- reading any manifest's text -------------------------------------------------------------

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_manifest_text(path: Path, relative: str) -> str:
    """The text of a manifest, or ``ManifestError`` for a file that is unreadable, binary or
    not UTF-8. A byte-order mark is honoured: PowerShell's ``pip freeze >`` writes UTF-16."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ManifestError(relative, 1, f"cannot read file: {error.strerror or error}") from None
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, relative)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position_of_byte(data, nul)
        raise ManifestError(relative, line, "binary file: contains NUL bytes", column)
    return _decode(data, "utf-8-sig", relative)


def _decode(data: bytes, encoding: str, relative: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(data, error.start)
        message = f"not {encoding.removesuffix('-sig').upper()} text: cannot decode byte "
        raise ManifestError(
            relative, line, message + f"0x{data[error.start]:02x}", column
        ) from None


def _position_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


# --- which files are requirements files ------------------------------------------------------

_FOLDERS = frozenset({"requirements", "reqs"})


def matches(relative: PurePosixPath) -> bool:
    name = relative.name.lower()
    if " " in name:
        return False  # "RFC 2119 - Requirement Levels.txt" is prose, not a manifest
    in_folder = any(part.lower() in _FOLDERS for part in relative.parts[:-1])
    words = set(re.split(r"[-_.]+", name.rsplit(".", 1)[0]))
    named = bool(words & _REQUIREMENT_WORDS) or name.startswith(("requirements", "requirments"))
    if name.endswith(".txt"):
        return named or in_folder
    if name.endswith(".in") and name != "manifest.in":
        return named or in_folder or _has_compiled_sibling(relative)
    return False


# Whole words of a file name that mark a requirements file: requirements-dev.txt,
# dev_requirements.txt, reqs.txt, requirements.gpu.in; never "frequency.in". "requirments" is a
# misspelling that real repositories ship (RVC's requirments_dml.txt).
_REQUIREMENT_WORDS = frozenset({"requirements", "requirement", "reqs", "req", "requirments"})


def _has_compiled_sibling(relative: PurePosixPath) -> bool:
    # pip-compile pairs (dev.in → dev.txt). Discovery passes root-relative paths and runs from
    # the project root; elsewhere this finds nothing and only the name rules apply.
    return Path(relative).with_suffix(".txt").is_file()


def _role(relative: str, stem: str) -> str:
    """The file name's role, else that of a development folder it sits in: a plain
    ``docs/requirements.txt`` installs the documentation build, not the product."""
    role = role_from_filename(stem, _REQUIREMENT_WORDS)
    if role:
        return role
    folders = PurePosixPath(relative).parts[:-1]
    return next((folder for folder in reversed(folders) if folder.lower() in _DEV_FOLDERS), "")


# Folder names that hold only development files; a whole word, not a part of one: the
# clip_benchmark/ folder of InternVL is a package its setup.py installs.
_DEV_FOLDERS = frozenset({"docs", "doc", "documentation", "tests", "test", "testing", "ci", ".ci"})


def parse(path: Path, root: Path) -> ParsedFile:
    relative = relative_path(path, root)
    lines = tuple(read_manifest_text(path, relative).splitlines())
    group, scope = group_and_scope(_role(relative, path.stem))
    source = RequirementLines(
        lines=lines,
        base_dir=path.parent,
        origin=lambda line, column: Location(relative, line, column),
        comment=lambda line: lines[line - 1],
    )
    all_transitive = path.suffix == ".txt" and path.with_suffix(".in").is_file()
    return parse_requirement_lines(
        source, group=group, scope=scope, all_transitive=all_transitive and _is_compiled(lines)
    )


FORMAT = ManifestFormat("requirements", matches, parse)


# --- requirement lines, wherever they are written --------------------------------------------


@dataclass(frozen=True)
class RequirementLines:
    """Requirements-file text and where it sits in the manifest holding it.

    ``origin(line, column)`` maps a 1-based position in ``lines`` to the manifest (a
    requirements file maps to itself; environment.yml's ``pip:`` items map to their YAML
    scalars). ``comment(line)`` is the manifest text whose comment may suppress findings for
    that line. ``-r``/``-c`` paths are resolved against ``base_dir``.
    """

    lines: tuple[str, ...]
    base_dir: Path
    origin: Callable[[int, int], Location]
    comment: Callable[[int], str]


@dataclass(frozen=True)
class _Entry:
    """One requirement found in the text: its logical line span and what it names."""

    start: int
    end: int
    spec: RequirementSpec


def parse_requirement_lines(
    source: RequirementLines,
    *,
    group: str = "main",
    scope: Scope = Scope.MAIN,
    all_transitive: bool = False,
) -> ParsedFile:
    """Everything ``source`` declares, references and gets wrong, as pip would read it."""
    spans = _logical_spans(source.lines)
    parsed = _run_pip_parser(source)
    entries: list[_Entry] = []
    problems: list[ParseProblem] = []
    for requirement in parsed.requirements:
        entry = _entry_from_pip(requirement, spans)
        if entry is not None:
            entries.append(entry)
    for invalid in parsed.invalid_lines:
        _recover_invalid_line(source, invalid, spans, entries, problems)
    references = list(_option_references(source, parsed.options, problems))
    via = _via_annotations(source.lines, spans, {entry.start for entry in entries})
    declared = [
        _declared(source, entry, group, scope, all_transitive or _is_transitive(via, entry))
        for entry in entries
    ]
    return ParsedFile(
        declared=tuple(sorted(declared, key=lambda item: item.location)),
        problems=tuple(sorted(problems, key=lambda item: item.location)),
        references=tuple(references),
    )


def _run_pip_parser(source: RequirementLines) -> RequirementsFile:
    # from_string() is broken upstream, so the text goes through a private file; the BOM makes
    # the library decode it as UTF-8 whatever the locale says.
    with tempfile.TemporaryDirectory(prefix="bloatlint-") as folder:
        copy = Path(folder) / "requirements.txt"
        copy.write_text("\ufeff" + "\n".join(source.lines) + "\n", encoding="utf-8")
        try:
            return RequirementsFile.from_file(str(copy), include_nested=False)
        except Exception as error:  # a third-party parser fed arbitrary input: never crash
            where = source.origin(1, 1)
            raise ManifestError(where.path, where.line, f"cannot parse: {error}") from None


def _logical_spans(lines: tuple[str, ...]) -> dict[int, int]:
    """First line → last line of every logical line (a trailing ``\\`` continues a line)."""
    spans: dict[int, int] = {}
    number = 1
    while number <= len(lines):
        start = number
        while (
            number < len(lines)
            and lines[number - 1].endswith("\\")
            and not lines[number - 1].lstrip().startswith("#")
        ):
            number += 1
        spans[start] = number
        number += 1
    return spans


class _PipRequirement(Protocol):
    """What this module reads of pip-requirements-parser's InstallRequirement."""

    name: str | None
    line_number: int | None
    link: object | None
    specifier: SpecifierSet | None
    extras: Collection[str]
    marker: object | None


class _PipLine(Protocol):
    """An OptionLine or InvalidRequirementLine of pip-requirements-parser."""

    line_number: int | None
    line: str | None


class _PipOption(_PipLine, Protocol):
    options: dict[str, object]


class _PipInvalid(_PipLine, Protocol):
    error_message: str


def _entry_from_pip(requirement: _PipRequirement, spans: dict[int, int]) -> _Entry | None:
    start = requirement.line_number
    if start is None:
        return None
    if not requirement.name:
        # `-e .` or a local path names nothing; a repository URL names its project
        from_url = parse_requirement(str(requirement.link)) if requirement.link else None
        return _Entry(start, spans.get(start, start), from_url) if from_url else None
    spec = RequirementSpec(
        name=canonicalize_name(requirement.name),
        raw_name=requirement.name,
        pinned=bool(requirement.specifier) or requirement.link is not None,
        extras=frozenset(requirement.extras or ()),
        marker=str(requirement.marker) if requirement.marker else None,
        url=str(requirement.link) if requirement.link is not None else None,
        version=exact_version(requirement.specifier or SpecifierSet()),
    )
    return _Entry(start, spans.get(start, start), spec)


_TRAILING_OPTIONS = re.compile(r"\s+--?[A-Za-z]")
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_ENVIRONMENT_VARIABLE = re.compile(r"\$\{[A-Za-z0-9_]+\}")  # pip expands ${NAME} at install time


def _recover_invalid_line(
    source: RequirementLines,
    invalid: _PipInvalid,
    spans: dict[int, int],
    entries: list[_Entry],
    problems: list[ParseProblem],
) -> None:
    """pip 22's parser rejects options it does not know (``--config-settings``): an option line
    is left alone and a requirement followed by such an option is still declared. Anything
    else is a problem at its line."""
    start = invalid.line_number or 1
    text = _COMMENT.sub("", invalid.line or source.lines[start - 1]).strip()
    if text.startswith(("-", "${")):
        return  # an option pip 22 does not know, or a name pip fills in from the environment
    head = _ENVIRONMENT_VARIABLE.sub("0", _TRAILING_OPTIONS.split(text, maxsplit=1)[0])
    try:
        spec = parse_requirement(head)
    except ValueError as error:
        message = str(error).splitlines()[0]
        problems.append(ParseProblem(_line_start(source, start), message))
        return
    if spec is not None:
        entries.append(_Entry(start, spans.get(start, start), spec))


def _option_references(
    source: RequirementLines, options: list[_PipOption], problems: list[ParseProblem]
) -> Iterator[Reference]:
    """``-r`` files become references; ``-r`` and ``-c`` files that do not exist, problems."""
    for option in options:
        where = _line_start(source, option.line_number or 1)
        for flag, key in (("-r", "requirements"), ("-c", "constraints")):
            for target in _strings(option.options.get(key)):
                path = _local_target(source.base_dir, target)
                if path is None:
                    continue
                if not target.strip():
                    problems.append(ParseProblem(where, f"{flag}: no file name"))
                elif not path.is_file():
                    problems.append(ParseProblem(where, f"{flag} {target}: file not found"))
                elif flag == "-r":
                    yield Reference(path, FORMAT.name, where)


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _local_target(base_dir: Path, target: str) -> Path | None:
    """Where a ``-r``/``-c`` file is; None for a URL or a path built from variables."""
    if "://" in target or "$" in target:
        return None
    return Path(os.path.normpath(base_dir / Path(target).expanduser()))


# --- pip-compile annotations -----------------------------------------------------------------

_VIA_INLINE = re.compile(r"\s#\s*via\s+(?P<items>\S.*)$")
_VIA_HEAD = re.compile(r"^\s*#\s*via\b\s*(?P<items>.*)$")
_VIA_ITEM = re.compile(r"^\s*#\s{2,}(?P<item>\S.*)$")
_PROJECT_SOURCE = re.compile(r"\([^()]+\)\s*$")  # `demo-ml (pyproject.toml)`
_COMPILED_HEADER = re.compile(r"autogenerated by (?:pip-compile|uv)", re.IGNORECASE)


def _is_compiled(lines: tuple[str, ...]) -> bool:
    """Whether the text was written by pip-compile or ``uv pip compile``."""
    return any(_COMPILED_HEADER.search(line) or _VIA_HEAD.match(line) for line in lines)


def _via_annotations(
    lines: tuple[str, ...], spans: dict[int, int], requirement_starts: set[int]
) -> dict[int, list[str]]:
    """The ``# via`` items of each requirement, by the requirement's first line. pip-compile
    writes them as comment lines under the entry (``# via x`` or ``# via`` then ``#   x``
    lines); ``--annotation-style=line`` puts ``# via x, y`` at the end of the entry."""
    via: dict[int, list[str]] = {}
    owner: int | None = None
    in_block = False
    for start, end in spans.items():
        text = lines[start - 1]
        if start in requirement_starts:
            owner, in_block = start, False
            inline = _VIA_INLINE.search(" " + " ".join(lines[start - 1 : end]))
            if inline:
                via[start] = [item.strip() for item in inline.group("items").split(",")]
        elif (head := _VIA_HEAD.match(text)) and owner is not None:
            via.setdefault(owner, []).extend(filter(None, [head.group("items").strip()]))
            in_block = True
        elif in_block and owner is not None and (item := _VIA_ITEM.match(text)):
            via[owner].append(item.group("item").strip())
        else:
            in_block = False
            if not text.lstrip().startswith("#"):
                owner = None
    return via


def _is_transitive(via: dict[int, list[str]], entry: _Entry) -> bool:
    """Recorded only because other packages need it: its ``# via`` names no requirements
    file (``-r x.in``) and no project (``name (pyproject.toml)``)."""
    items = via.get(entry.start)
    if not items:
        return False
    return not any(
        item.startswith(("-r ", "--requirement")) or _PROJECT_SOURCE.search(item) for item in items
    )


# --- positions -------------------------------------------------------------------------------

_EDITABLE = re.compile(r"^\s*(?:-e|--editable)(?:\s+|=)")


def _declared(
    source: RequirementLines, entry: _Entry, group: str, scope: Scope, transitive: bool
) -> Declared:
    suppressed: frozenset[str] = frozenset().union(
        *(suppressed_codes(source.comment(line)) for line in range(entry.start, entry.end + 1))
    )
    location = _name_location(source, entry)
    return pip_declaration(
        entry.spec, location, group=group, scope=scope, suppressed=suppressed, transitive=transitive
    )


def _name_location(source: RequirementLines, entry: _Entry) -> Location:
    """Where the distribution's name is written: at the start of ``name>=1``, after
    ``#egg=`` in a URL, at the file name of a wheel path."""
    name = re.escape(entry.spec.raw_name)
    egg = re.compile(rf"[#&]egg=({name})", re.IGNORECASE)
    plain = re.compile(rf"(?<![\w.\-])({name})(?!\w)", re.IGNORECASE)
    for pattern in (egg, plain):
        for line in range(entry.start, entry.end + 1):
            text = source.lines[line - 1]
            skip = _EDITABLE.match(text) if line == entry.start else None
            found = pattern.search(text, skip.end() if skip else 0)
            if found:
                return source.origin(line, found.start(1) + 1)
    return _line_start(source, entry.start)


def _line_start(source: RequirementLines, line: int) -> Location:
    text = source.lines[line - 1] if line <= len(source.lines) else ""
    return source.origin(line, len(text) - len(text.lstrip()) + 1)
