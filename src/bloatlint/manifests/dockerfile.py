"""Dockerfiles and Containerfiles: stages, instructions, shell commands, and what RUN installs.

dockerfile-parse says where instructions start. It gets some real Dockerfiles wrong, so the
lines around each start are re-read here the way BuildKit reads them: heredoc bodies
(``RUN <<EOT`` ... ``EOT``), blank and comment lines inside a ``\\`` continuation, the
``# escape=`` directive, and exec-form JSON. Every shell word keeps the line and column where it
is written (through continuations, heredoc bodies and JSON arrays), so a finding points at the
package itself.

:func:`parse_dockerfile` builds the model the container rules read (:class:`Dockerfile` →
:class:`Stage` → :class:`Instruction` → :class:`ShellCommand`), once per file version.
``FORMAT.parse`` turns it into declarations: ``pip``/``uv pip``/``conda``/``apt-get``
installs, the commands RUN, CMD and ENTRYPOINT run, and the requirements files and projects
that ``pip install -r FILE`` / ``pip install .`` take from the build context through COPY.

ARG and ENV values are substituted as Docker does, except that a variable whose value is not
known here is left as written: a guessed empty string could turn ``torch==${V}`` into a
different requirement.
"""

from __future__ import annotations

import functools
import io
import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from dockerfile_parse import DockerfileParser

from bloatlint.manifests import ManifestFormat, relative_path
from bloatlint.manifests._requirement import parse_requirement
from bloatlint.manifests.conda import conda_declaration
from bloatlint.manifests.requirements import read_manifest_text
from bloatlint.model import (
    CommandUse,
    Declared,
    Location,
    Manager,
    ManifestError,
    ParsedFile,
    ParseProblem,
    Reference,
    Scope,
)
from bloatlint.shell import Word, executable, parse_commands, python_module, unwrap
from bloatlint.suppression import suppressed_codes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """An instruction option: ``--from=builder`` → ``Flag("from", "builder")``; ``--link`` has
    no value. Values are ARG-substituted."""

    name: str
    value: str | None


@dataclass(frozen=True)
class Mount:
    """One ``RUN --mount=...``. ``type`` defaults to ``bind`` as in BuildKit; ``source_from`` is
    the mount's ``from=`` (a stage or an image)."""

    type: str
    target: str | None
    source: str | None = None
    source_from: str | None = None
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CommandWord:
    """One shell word: ``text`` after ARG/ENV substitution, ``raw`` as written (both without
    quotes); ``location`` is the word's first character after any opening quote."""

    text: str
    raw: str
    location: Location


@dataclass(frozen=True)
class ShellCommand:
    """A simple command of a RUN, CMD, ENTRYPOINT or HEALTHCHECK (shell or exec form)."""

    words: tuple[CommandWord, ...]
    assignments: tuple[tuple[str, str], ...] = ()

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.words)

    @property
    def location(self) -> Location:
        return self.words[0].location

    def unwrapped(self) -> ShellCommand:
        """The command without launchers (``sudo``, ``env X=1``, ``uv run`` ...)."""
        kept = len(unwrap(self.argv))
        return ShellCommand(self.words[len(self.words) - kept :], self.assignments)


@dataclass(frozen=True)
class Heredoc:
    """A here-document of a RUN, COPY or ADD. ``is_script`` is true when the shell runs the body
    (``RUN <<EOT`` or ``RUN bash <<EOT``). Lines are 1-based; ``end_line`` is the terminator."""

    name: str
    body: str
    start_line: int
    end_line: int
    strip_tabs: bool = False
    is_script: bool = False


@dataclass(frozen=True)
class Instruction:
    """One instruction. ``location`` is its keyword; ``end_line`` its last line (heredoc
    terminators included). ``value`` is the text after the flags with continuations joined and
    ARG/ENV substituted; ``arguments`` are its words (for COPY/ADD sources then destination).
    ``env`` and ``args`` are the ENV and ARG values in effect when the instruction runs (set by
    earlier instructions), ``workdir`` likewise. ``commands`` are the shell commands of RUN, CMD,
    ENTRYPOINT and HEALTHCHECK, including those of heredoc scripts."""

    keyword: str
    location: Location
    end_line: int
    raw: str
    value: str
    arguments: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    exec_form: tuple[str, ...] | None = None
    commands: tuple[ShellCommand, ...] = ()
    heredocs: tuple[Heredoc, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    args: tuple[tuple[str, str], ...] = ()
    workdir: str = "/"
    suppressed: frozenset[str] = frozenset()

    def flag(self, name: str) -> str | None:
        """The value of the last ``--name=value`` flag (``""`` for a bare ``--name``)."""
        values = self.flag_values(name)
        return values[-1] if values else None

    def flag_values(self, name: str) -> tuple[str, ...]:
        return tuple(flag.value or "" for flag in self.flags if flag.name == name)

    @property
    def mounts(self) -> tuple[Mount, ...]:
        return tuple(_mount(value) for value in self.flag_values("mount"))

    @property
    def cache_mounts(self) -> tuple[Mount, ...]:
        return tuple(mount for mount in self.mounts if mount.type == "cache")

    @property
    def variables(self) -> dict[str, str]:
        """What the RUN's shell sees: ARG values, overridden by ENV of the same name."""
        return {**dict(self.args), **dict(self.env)}

    def variable(self, name: str) -> str | None:
        return self.variables.get(name)

    @property
    def sources(self) -> tuple[str, ...]:
        """COPY/ADD sources (heredoc sources as ``<<NAME``)."""
        return self.arguments[:-1]

    @property
    def destination(self) -> str | None:
        """COPY/ADD destination as written (relative to ``workdir`` unless absolute)."""
        return self.arguments[-1] if len(self.arguments) > 1 else None

    @property
    def argv(self) -> tuple[str, ...]:
        """CMD/ENTRYPOINT argv: the exec form, or the words of the shell form."""
        if self.exec_form is not None:
            return self.exec_form
        return tuple(word for command in self.commands for word in command.argv)


@dataclass(frozen=True)
class Stage:
    """One ``FROM`` and what follows it. ``instructions[0]`` is the FROM itself.
    ``base_image`` is ARG-substituted; ``parent`` is the index of the stage this one is built
    ``FROM``, if any; ``env`` and ``workdir`` are what the stage ends with."""

    index: int
    name: str | None
    base_image: str
    base_image_raw: str
    location: Location
    instructions: tuple[Instruction, ...]
    is_final: bool = False
    parent: int | None = None
    platform: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    workdir: str = "/"

    @property
    def label(self) -> str:
        """The stage's name, or its index for an unnamed stage."""
        return self.name if self.name is not None else str(self.index)

    def of(self, *keywords: str) -> tuple[Instruction, ...]:
        """The stage's instructions with one of ``keywords`` (``stage.of("RUN")``)."""
        return tuple(item for item in self.instructions if item.keyword in keywords)


@dataclass(frozen=True)
class StageLink:
    """Stage ``source`` feeds stage ``target``: it is its base (``from``), or files are copied
    (``copy``, ``COPY --from``) or mounted (``mount``, ``RUN --mount=from=``) out of it."""

    source: int
    target: int
    kind: str
    location: Location


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile. ``path`` is absolute, ``relative`` as findings show it.
    ``global_args`` are the ARGs before the first FROM. ``problems`` are what could not be
    understood; the rest of the file is still modelled."""

    path: Path
    relative: str
    stages: tuple[Stage, ...] = ()
    links: tuple[StageLink, ...] = ()
    global_args: tuple[Instruction, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    escape: str = "\\"
    target: str | None = None

    @property
    def final_stage(self) -> Stage | None:
        return next((stage for stage in self.stages if stage.is_final), None)

    def stage(self, reference: str) -> Stage | None:
        """The stage a ``--from=`` or ``FROM`` names (case-insensitive), or an index."""
        return _stage_by_reference(self.stages, reference)

    def copied_into(self, stage: Stage) -> tuple[Stage, ...]:
        """Stages whose files ``stage`` copies or mounts."""
        return tuple(
            self.stages[link.source]
            for link in self.links
            if link.target == stage.index and link.kind != "from"
        )

    def base_image_of(self, stage: Stage) -> str:
        """The external image under a stage, following ``FROM <stage>`` chains."""
        seen: set[int] = set()
        while stage.parent is not None and stage.index not in seen:
            seen.add(stage.index)
            stage = self.stages[stage.parent]
        return stage.base_image

    def feeding_final(self) -> tuple[Stage, ...]:
        """The final stage and every stage it is built from or takes files from."""
        final = self.final_stage
        if final is None:
            return ()
        needed = {final.index}
        pending = [final.index]
        while pending:
            target = pending.pop()
            for link in self.links:
                if link.target == target and link.source not in needed:
                    needed.add(link.source)
                    pending.append(link.source)
        return tuple(stage for stage in self.stages if stage.index in needed)


def parse_dockerfile(path: Path, root: Path, target: str | None = None) -> Dockerfile:
    """The model of the Dockerfile at ``path``; ``target`` names the stage built (default: the
    last). Never raises for bad content: what cannot be read becomes ``problems``. Cached per
    file version, so the engine and every rule share one parse."""
    try:
        stat = path.stat()
    except OSError as error:
        relative = relative_path(path, root)
        problem = ParseProblem(Location(relative, 1), f"cannot read file: {error.strerror}")
        return Dockerfile(path, relative, problems=(problem,))
    return _parse_cached(path, root, target, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=128)
def _parse_cached(
    path: Path, root: Path, target: str | None, _mtime: int, _size: int
) -> Dockerfile:
    relative = relative_path(path, root)
    try:
        text = read_manifest_text(path, relative)
    except ManifestError as error:
        return Dockerfile(path, relative, problems=(ParseProblem(error.location, error.message),))
    return _Builder(path, relative, text).build(target)


# --- lines: directives, instruction spans, heredocs --------------------------------------------

_KEYWORDS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)  # fmt: skip
_FLAG_KEYWORDS = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_COMMAND_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
_EXEC_KEYWORDS = _COMMAND_KEYWORDS | {"SHELL", "COPY", "ADD", "VOLUME"}
_DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=\s*(.*?)\s*$", re.IGNORECASE)
# `<<EOT`, `<<-EOT`, `<<'EOT'`, `<<"EOT"`; not the here-string `<<<`
_HEREDOC = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_FLAG = re.compile(r"\s*--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?=\s|$)")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class _HeredocSpan:
    name: str
    strip_tabs: bool
    body_start: int  # 0-based line of the body's first line
    terminator: int  # 0-based line of the terminator, or len(lines) when missing


@dataclass(frozen=True)
class _Span:
    """Where one instruction lies: ``kept`` are the lines of its (continued) instruction line,
    blank and comment lines inside the continuation left out, as Docker leaves them out."""

    keyword: str
    kept: tuple[int, ...]
    heredocs: tuple[_HeredocSpan, ...]
    end: int

    @property
    def start(self) -> int:
        return self.kept[0]


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _continues(line: str, escape: str) -> bool:
    return line.rstrip().endswith(escape)


def _escape_directive(lines: list[str]) -> tuple[str, str | None]:
    """The escape character, and an error for a bad ``# escape=``. Directives are only read
    above the first line that is not one."""
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape":
            value = match.group(2)
            if value not in ("\\", "`"):
                return "\\", f"invalid escape directive {value!r}: use \\ or `"
            return value, None
    return "\\", None


def _parser_keywords(text: str) -> dict[int, str]:
    """Instruction starts (0-based line → keyword) as dockerfile-parse sees them."""
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    return {
        item["startline"]: item["instruction"]
        for item in parser.structure
        if item["instruction"] != "COMMENT"
    }


def _spans(lines: list[str], escape: str, parser_keywords: dict[int, str]) -> list[_Span]:
    """Every instruction's span. A line dockerfile-parse saw as a start is dropped when it
    lies inside the previous instruction (a heredoc body, the rest of a continuation after a
    blank line); a keyword-only line it skipped is kept (it is reported later)."""
    spans: list[_Span] = []
    index = 0
    while index < len(lines):
        if _is_blank_or_comment(lines[index]):
            index += 1
            continue
        keyword = parser_keywords.get(index) or lines[index].split(None, 1)[0].upper()
        span = _span(lines, index, keyword, escape)
        spans.append(span)
        index = span.end + 1
    return spans


def _span(lines: list[str], start: int, keyword: str, escape: str) -> _Span:
    kept = [start]
    index = start
    while _continues(lines[index], escape) and index + 1 < len(lines):
        index += 1
        while index < len(lines) - 1 and _is_blank_or_comment(lines[index]):
            index += 1
        if _is_blank_or_comment(lines[index]):
            break
        kept.append(index)
    heredocs = _heredoc_spans(lines, kept, keyword) if keyword in _HEREDOC_KEYWORDS else ()
    end = max([kept[-1], *(heredoc.terminator for heredoc in heredocs)])
    return _Span(keyword, tuple(kept), heredocs, min(end, len(lines) - 1))


def _heredoc_spans(lines: list[str], kept: list[int], keyword: str) -> tuple[_HeredocSpan, ...]:
    found: list[_HeredocSpan] = []
    next_line = kept[-1] + 1
    for index in kept:
        line = lines[index]
        skip = len(keyword) + (len(line) - len(line.lstrip())) if index == kept[0] else 0
        for match in _HEREDOC.finditer(line, skip):
            if not _outside_quotes(line, match.start()):
                continue
            heredoc = _heredoc_body(lines, match, next_line)
            found.append(heredoc)
            next_line = heredoc.terminator + 1
    return tuple(found)


def _heredoc_body(lines: list[str], match: re.Match[str], start: int) -> _HeredocSpan:
    name, strip_tabs = match.group(3), bool(match.group(1))
    for index in range(start, len(lines)):
        line = lines[index].lstrip("\t") if strip_tabs else lines[index]
        if line.rstrip() == name:
            return _HeredocSpan(name, strip_tabs, start, index)
    return _HeredocSpan(name, strip_tabs, start, len(lines))


def _outside_quotes(line: str, position: int) -> bool:
    quote: str | None = None
    escaped = False
    for char in line[:position]:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
    return quote is None


# --- the instruction line joined, with a map back to file positions ----------------------------


@dataclass(frozen=True)
class _Logical:
    """An instruction's continued line joined as Docker joins it (escape + newline removed),
    with where each piece starts in the file (0-based line and column)."""

    text: str
    pieces: tuple[tuple[int, int, int], ...]  # (offset in text, line, column)

    def position(self, offset: int) -> tuple[int, int]:
        line, column, start = self.pieces[0][1], self.pieces[0][2], 0
        for piece_offset, piece_line, piece_column in self.pieces:
            if piece_offset > offset:
                break
            start, line, column = piece_offset, piece_line, piece_column
        return line, column + offset - start


def _logical(lines: list[str], span: _Span, escape: str) -> _Logical:
    first = lines[span.start]
    keyword_end = len(first) - len(first.lstrip()) + len(first.split(None, 1)[0])
    text = ""
    pieces: list[tuple[int, int, int]] = []
    for index in span.kept:
        column = keyword_end if index == span.start else 0
        piece = lines[index][column:]
        if _continues(piece, escape) and index != span.kept[-1]:
            piece = piece.rstrip()[:-1]
        pieces.append((len(text), index, column))
        text += piece
    return _Logical(text, tuple(pieces))


@dataclass(frozen=True)
class _Row:
    """One line of shell text given to tree-sitter, and where it starts in the file."""

    line: int
    column: int
    text: str


def _shell_rows(lines: list[str], logical: _Logical, offset: int, escape: str) -> list[_Row]:
    """The shell text from ``offset`` of the instruction line, one row per kept file line,
    each continued row ending in a backslash as bash expects (columns unchanged)."""
    line, column = logical.position(offset)
    kept = [piece_line for _, piece_line, _ in logical.pieces]
    rows: list[_Row] = []
    for index in kept[kept.index(line) :]:
        start = column if index == line else 0
        text = lines[index][start:].rstrip()
        if index != kept[-1] and text.endswith(escape):
            text = text[:-1] + "\\"
        rows.append(_Row(index, start, text))
    return rows


# --- ARG and ENV substitution ------------------------------------------------------------------

_VARIABLE = re.compile(
    r"(?<!\\)\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:+alt}``,
    ``${VAR+alt}`` replaced as Docker replaces them. A variable with no known value stays as
    written, except that ``:-``/``-`` use their default (Docker would too for an unset one)."""
    return _VARIABLE.sub(lambda match: _expand(match, variables), text)


def _expand(match: re.Match[str], variables: Mapping[str, str]) -> str:
    name = match.group("braced") or match.group("plain")
    value = variables.get(name)
    operator = match.group("op")
    if operator is None:
        return match.group(0) if value is None else value
    word = substitute(match.group("word") or "", variables)
    if operator in (":-", "-"):
        use_default = value is None or (operator == ":-" and value == "")
        return word if use_default else str(value)
    if value is None:
        return match.group(0)
    return word if value or operator == "+" else ""


def _split_words(text: str) -> list[str]:
    """Words of an ENV/ARG/COPY/FROM value, quotes removed (whitespace split if unbalanced)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


# --- building the model ------------------------------------------------------------------------

_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
_DEFAULT_SHELL = ("/bin/sh", "-c")


@dataclass
class _StageDraft:
    """A stage while it is being read (mutable; frozen into :class:`Stage` at the end)."""

    index: int
    name: str | None
    image: str
    image_raw: str
    platform: str | None
    location: Location
    parent: int | None
    args: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    shell: tuple[str, ...] = _DEFAULT_SHELL
    instructions: list[Instruction] = field(default_factory=list)


class _Builder:
    """Reads one Dockerfile's spans in order, keeping ARG/ENV/WORKDIR state per stage."""

    def __init__(self, path: Path, relative: str, text: str) -> None:
        self.path = path
        self.relative = relative
        self.text = text
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.escape = "\\"
        self.global_values: dict[str, str] = {}
        self.global_args: list[Instruction] = []
        self.stages: list[_StageDraft] = []
        self.problems: list[ParseProblem] = []
        self.before_from: list[int] = []

    def build(self, target: str | None) -> Dockerfile:
        self.escape, escape_error = _escape_directive(self.lines)
        if escape_error:
            self.problem(1, escape_error)
        for span in _spans(self.lines, self.escape, _parser_keywords(self.text)):
            self.read(span)
        if not self.stages:
            self.problem(
                1,
                "no FROM instruction"
                if self.before_from or self.global_args
                else "empty Dockerfile",
            )
        for line in self.before_from if self.stages else ():
            self.problem(line, "only ARG may come before the first FROM")
        final = self.final_index(target)
        stages = tuple(self.freeze(draft, draft.index == final) for draft in self.stages)
        return Dockerfile(
            path=self.path,
            relative=self.relative,
            stages=stages,
            links=_links(stages),
            global_args=tuple(self.global_args),
            problems=tuple(self.problems),
            escape=self.escape,
            target=target,
        )

    def problem(self, line: int, message: str, column: int = 1) -> None:
        self.problems.append(ParseProblem(Location(self.relative, line, column), message))

    def final_index(self, target: str | None) -> int | None:
        if not self.stages:
            return None
        if target is None:
            return self.stages[-1].index
        for draft in self.stages:
            if target.lower() in {(draft.name or "").lower(), str(draft.index)}:
                return draft.index
        self.problem(1, f"target stage {target!r} is not in this Dockerfile")
        return self.stages[-1].index

    def freeze(self, draft: _StageDraft, is_final: bool) -> Stage:
        return Stage(
            index=draft.index,
            name=draft.name,
            base_image=draft.image,
            base_image_raw=draft.image_raw,
            location=draft.location,
            instructions=tuple(draft.instructions),
            is_final=is_final,
            parent=draft.parent,
            platform=draft.platform,
            env=tuple(draft.env.items()),
            workdir=draft.workdir,
        )

    # one instruction

    def read(self, span: _Span) -> None:
        line = span.start + 1
        if span.keyword not in _KEYWORDS:
            self.problem(line, f"unknown instruction {span.keyword.split()[0]!r}")
            return
        for heredoc in span.heredocs:
            if heredoc.terminator >= len(self.lines):
                self.problem(line, f"heredoc {heredoc.name!r} has no terminating line")
        logical = _logical(self.lines, span, self.escape)
        if not logical.text.strip():
            self.problem(line, f"{span.keyword} has no arguments")
            return
        if span.keyword == "FROM":
            self.start_stage(span, logical)
        elif not self.stages:
            self.read_global(span, logical)
        else:
            self.read_in_stage(span, logical, self.stages[-1])

    def read_global(self, span: _Span, logical: _Logical) -> None:
        instruction = self.instruction(span, logical, self.global_values, {}, "/", _DEFAULT_SHELL)
        if span.keyword != "ARG":
            self.before_from.append(span.start + 1)
            return
        self.global_args.append(instruction)
        for name, value in _arg_declarations(logical.text, self.global_values):
            if value is not None:
                self.global_values[name] = value

    def start_stage(self, span: _Span, logical: _Logical) -> None:
        instruction = self.instruction(span, logical, self.global_values, {}, "/", _DEFAULT_SHELL)
        words = instruction.arguments
        raw_words = _split_words(logical.text[_flags_end(logical.text) :])
        name = words[2] if len(words) > 2 and words[1].lower() == "as" else None
        if len(words) not in (1, 3) or (len(words) == 3 and name is None):
            self.problem(span.start + 1, "FROM takes an image and an optional 'AS name'")
        parent = _stage_by_reference(self.stages, words[0]) if words else None
        draft = _StageDraft(
            index=len(self.stages),
            name=name,
            image=words[0] if words else "",
            image_raw=raw_words[0] if raw_words else "",
            platform=instruction.flag("platform"),
            location=instruction.location,
            parent=parent.index if parent else None,
        )
        if parent is not None:
            draft.env = dict(parent.env)
            draft.workdir = parent.workdir
            draft.shell = parent.shell
        draft.instructions.append(instruction)
        self.stages.append(draft)

    def read_in_stage(self, span: _Span, logical: _Logical, draft: _StageDraft) -> None:
        values = {**draft.args, **draft.env}
        instruction = self.instruction(
            span, logical, values, draft.env, draft.workdir, draft.shell, draft.args
        )
        draft.instructions.append(instruction)
        if span.keyword in ("COPY", "ADD") and len(instruction.arguments) < 2:
            self.problem(span.start + 1, f"{span.keyword} needs a source and a destination")
        elif span.keyword == "ARG":
            for name, value in _arg_declarations(logical.text, values):
                known = value if value is not None else self.global_values.get(name)
                if known is None:
                    draft.args.pop(name, None)
                else:
                    draft.args[name] = known
        elif span.keyword == "ENV":
            draft.env.update(_env_assignments(logical.text, values))
        elif span.keyword == "WORKDIR" and instruction.arguments:
            draft.workdir = posixpath.normpath(
                posixpath.join(draft.workdir, instruction.arguments[0])
            )
        elif span.keyword == "SHELL" and instruction.exec_form:
            draft.shell = instruction.exec_form

    def instruction(
        self,
        span: _Span,
        logical: _Logical,
        values: dict[str, str],
        env: Mapping[str, str],
        workdir: str,
        shell: tuple[str, ...],
        args: Mapping[str, str] | None = None,
    ) -> Instruction:
        keyword = span.keyword
        first = self.lines[span.start]
        flags_end = _flags_end(logical.text) if keyword in _FLAG_KEYWORDS else 0
        flags = _flags(logical.text[:flags_end], values)
        raw_value = logical.text[flags_end:].strip()
        value_offset = (
            flags_end + len(logical.text[flags_end:]) - len(logical.text[flags_end:].lstrip())
        )
        exec_form = self.exec_form(keyword, logical, value_offset, span)
        # ARG values are environment variables only while the image is built
        reader = _CommandReader(self, values if keyword == "RUN" else dict(env))
        commands, heredocs = reader.read(span, logical, value_offset, exec_form, shell)
        return Instruction(
            keyword=keyword,
            location=Location(self.relative, span.start + 1, len(first) - len(first.lstrip()) + 1),
            end_line=span.end + 1,
            raw="\n".join(self.lines[span.start : span.end + 1]),
            value=substitute(raw_value, values),
            arguments=_arguments(keyword, raw_value, exec_form, values),
            flags=flags,
            exec_form=exec_form[0] if exec_form else None,
            commands=commands,
            heredocs=heredocs,
            env=tuple(env.items()),
            args=tuple((args or {}).items()),
            workdir=workdir,
            suppressed=self.suppressed(span),
        )

    def exec_form(
        self, keyword: str, logical: _Logical, offset: int, span: _Span
    ) -> tuple[tuple[str, ...], tuple[Location, ...]] | None:
        """A JSON array of strings and where each element's text starts; None for shell form.
        Text that starts with ``[`` but is not such an array runs in the shell, as in Docker."""
        if keyword == "HEALTHCHECK":
            match = re.match(r"CMD\s+", logical.text[offset:], re.IGNORECASE)
            offset += match.end() if match else 0
        text = logical.text[offset:].rstrip()
        if not text.startswith("[") or keyword not in _EXEC_KEYWORDS:
            return None
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            if keyword in _COMMAND_KEYWORDS | {"SHELL"}:
                self.problem(
                    span.start + 1,
                    f"{keyword} looks like exec form but is not a JSON array of strings; "
                    "Docker runs it with the shell",
                )
            return None
        starts = [match.start() + 1 for match in _JSON_STRING.finditer(text)]
        locations = tuple(self.location(logical.position(offset + start)) for start in starts)
        return tuple(items), locations

    def location(self, position: tuple[int, int]) -> Location:
        return Location(self.relative, position[0] + 1, position[1] + 1)

    def suppressed(self, span: _Span) -> frozenset[str]:
        """Codes silenced on any line of the instruction or on a comment line right above."""
        first = (
            span.start - 1
            if span.start and self.lines[span.start - 1].lstrip().startswith("#")
            else span.start
        )
        codes: set[str] = set()
        for line in self.lines[first : span.end + 1]:
            codes |= suppressed_codes(line)
        return frozenset(codes)


def _flags_end(text: str) -> int:
    end = 0
    while match := _FLAG.match(text, end):
        end = match.end()
    return end


def _flags(text: str, values: Mapping[str, str]) -> tuple[Flag, ...]:
    return tuple(
        Flag(
            match.group(1).lower(),
            None if match.group(2) is None else substitute(match.group(2), values),
        )
        for match in _FLAG.finditer(text)
    )


def _mount(value: str) -> Mount:
    options: dict[str, str] = {}
    for item in value.split(","):
        key, _, setting = item.partition("=")
        options[key.strip().lower()] = setting.strip()
    return Mount(
        type=options.get("type", "bind"),
        target=options.get("target") or options.get("dst") or options.get("destination"),
        source=options.get("source") or options.get("src"),
        source_from=options.get("from"),
        options=tuple(options.items()),
    )


def _arguments(
    keyword: str,
    raw_value: str,
    exec_form: tuple[tuple[str, ...], tuple[Location, ...]] | None,
    values: Mapping[str, str],
) -> tuple[str, ...]:
    if exec_form is not None:
        return exec_form[0] if keyword not in _COMMAND_KEYWORDS else ()
    if keyword in _COMMAND_KEYWORDS:
        return ()
    return tuple(substitute(word, values) for word in _split_words(raw_value))


def _arg_declarations(value: str, values: Mapping[str, str]) -> Iterator[tuple[str, str | None]]:
    """``ARG NAME`` / ``ARG NAME=default`` (several per line allowed) → (name, default)."""
    for word in _split_words(value):
        name, equals, default = word.partition("=")
        yield name, substitute(default, values) if equals else None


def _env_assignments(value: str, values: Mapping[str, str]) -> dict[str, str]:
    """``ENV A=1 B="x y"`` or the legacy ``ENV NAME value with spaces``; values are
    substituted with what was in effect before the instruction, as in Docker."""
    words = _split_words(value)
    if words and "=" not in words[0]:
        name, _, rest = value.strip().partition(" ")
        return {name: substitute(" ".join(_split_words(rest)), values)}
    assigned: dict[str, str] = {}
    for word in words:
        name, equals, setting = word.partition("=")
        if equals:
            assigned[name] = substitute(setting, values)
    return assigned


_AnyStage = TypeVar("_AnyStage", Stage, _StageDraft)


def _stage_by_reference(stages: Iterable[_AnyStage], reference: str) -> _AnyStage | None:
    wanted = reference.lower()
    for stage in stages:
        if (stage.name or "").lower() == wanted or (
            wanted.isdigit() and stage.index == int(wanted)
        ):
            return stage
    return None


def _links(stages: tuple[Stage, ...]) -> tuple[StageLink, ...]:
    links: list[StageLink] = []
    for stage in stages:
        if stage.parent is not None:
            links.append(StageLink(stage.parent, stage.index, "from", stage.location))
        for instruction in stage.instructions[1:]:
            for kind, reference in _stage_references(instruction):
                source = _stage_by_reference(stages[: stage.index], reference)
                if source is not None:
                    links.append(StageLink(source.index, stage.index, kind, instruction.location))
    return tuple(links)


def _stage_references(instruction: Instruction) -> Iterator[tuple[str, str]]:
    if instruction.keyword in ("COPY", "ADD") and instruction.flag("from"):
        yield "copy", instruction.flag("from") or ""
    for mount in instruction.mounts:
        if mount.source_from:
            yield "mount", mount.source_from


# --- shell commands of RUN, CMD, ENTRYPOINT and HEALTHCHECK ------------------------------------

_ExecForm = tuple[tuple[str, ...], tuple[Location, ...]]


class _CommandReader:
    """Turns one instruction's shell text (or JSON array) into located :class:`ShellCommand`."""

    def __init__(self, builder: _Builder, values: Mapping[str, str]) -> None:
        self.builder = builder
        self.lines = builder.lines
        self.values = values

    def read(
        self,
        span: _Span,
        logical: _Logical,
        offset: int,
        exec_form: _ExecForm | None,
        shell: tuple[str, ...],
    ) -> tuple[tuple[ShellCommand, ...], tuple[Heredoc, ...]]:
        inert = tuple(self.heredoc(heredoc, is_script=False) for heredoc in span.heredocs)
        if span.keyword not in _COMMAND_KEYWORDS:
            return (), inert
        if exec_form is not None:
            return self.exec_command(*exec_form), ()
        if span.keyword == "HEALTHCHECK":
            match = re.match(r"CMD\s+", logical.text[offset:], re.IGNORECASE)
            if match is None:
                return (), ()
            offset += match.end()
        if executable(shell[0]).lower() not in _POSIX_SHELLS:
            return (), inert
        rows = [
            _blank_heredoc_markers(row)
            for row in _shell_rows(self.lines, logical, offset, self.builder.escape)
        ]
        commands = self.parse(rows)
        runs_bodies = not commands or _is_shell_command(commands)
        heredocs = tuple(
            self.heredoc(heredoc, is_script=runs_bodies and self.is_shell_script(heredoc))
            for heredoc in span.heredocs
        )
        for heredoc, spanned in zip(heredocs, span.heredocs, strict=True):
            if heredoc.is_script:
                body = range(spanned.body_start, min(spanned.terminator, len(self.lines)))
                commands += self.parse([_Row(index, 0, self.lines[index]) for index in body])
        return commands, heredocs

    def exec_command(
        self, argv: tuple[str, ...], locations: tuple[Location, ...]
    ) -> tuple[ShellCommand, ...]:
        """An exec-form argv; for ``["sh", "-c", "uvicorn app:app"]`` also the script's commands
        (located on the element's line; columns assume the JSON string has no escapes)."""
        if not argv:
            return ()
        command = ShellCommand(tuple(map(CommandWord, argv, argv, locations)))
        script = _shell_script_index(argv)
        if script is None:
            return (command,)
        start = locations[script]
        rows = [_Row(start.line - 1, start.column - 1, part) for part in argv[script].split("\n")]
        return (command, *self.parse(rows))

    def heredoc(self, heredoc: _HeredocSpan, *, is_script: bool) -> Heredoc:
        end = min(heredoc.terminator, len(self.lines))
        return Heredoc(
            name=heredoc.name,
            body="\n".join(self.lines[heredoc.body_start : end]),
            start_line=heredoc.body_start + 1,
            end_line=end + 1 if end < len(self.lines) else end,
            strip_tabs=heredoc.strip_tabs,
            is_script=is_script,
        )

    def is_shell_script(self, heredoc: _HeredocSpan) -> bool:
        """A body starting with ``#!`` runs with that interpreter (``#!/usr/bin/env python``)."""
        if heredoc.body_start >= len(self.lines):
            return False
        first = self.lines[heredoc.body_start].strip()
        if not first.startswith("#!"):
            return True
        words = first[2:].split()
        if words and executable(words[0]) == "env":
            words = [word for word in words[1:] if not word.startswith("-")]
        return bool(words) and executable(words[0]) in _POSIX_SHELLS

    def parse(self, rows: list[_Row]) -> tuple[ShellCommand, ...]:
        commands: list[ShellCommand] = []
        for simple in parse_commands("\n".join(row.text for row in rows)):
            words = [part for word in simple.words for part in self.word(word, rows[word.row])]
            if words:
                commands.append(ShellCommand(tuple(words), simple.assignments))
            script = _shell_script_index(simple.argv)
            if script is not None:
                commands.extend(self.parse(_script_rows(rows, simple.words[script])))
        return tuple(commands)

    def word(self, word: Word, row: _Row) -> list[CommandWord]:
        quoted = row.text[word.column : word.column + 1] in ("'", '"')
        location = self.builder.location((row.line, row.column + word.column + int(quoted)))
        text = substitute(word.text, self.values)
        if quoted or text == word.text:
            return [CommandWord(text, word.text, location)]
        # an unquoted variable is split into words by the shell (`apt-get install $BUILD_DEPS`)
        return [CommandWord(part, word.text, location) for part in text.split()]


def _shell_script_index(argv: tuple[str, ...]) -> int | None:
    """Where the script of ``bash -c SCRIPT`` (``sh -ec``, ``conda run -n x bash -lc``) is."""
    unwrapped = unwrap(argv)
    if not unwrapped or executable(unwrapped[0]) not in _POSIX_SHELLS:
        return None
    skipped = len(argv) - len(unwrapped)
    for index, arg in enumerate(unwrapped[1:], start=1):
        if not arg.startswith("-") or arg.startswith("--"):
            return None
        if "c" in arg and index + 1 < len(unwrapped):
            return skipped + index + 1
    return None


def _script_rows(rows: list[_Row], word: Word) -> list[_Row]:
    """The rows of a ``-c`` script word: its first row starts after the opening quote, the
    others at the start of the outer rows they continue on."""
    outer = rows[word.row]
    quoted = outer.text[word.column : word.column + 1] in ("'", '"')
    script: list[_Row] = []
    for number, part in enumerate(word.text.split("\n")):
        row = rows[min(word.row + number, len(rows) - 1)]
        column = outer.column + word.column + int(quoted) if number == 0 else row.column
        script.append(_Row(row.line, column, part))
    return script


def _blank_heredoc_markers(row: _Row) -> _Row:
    """Heredoc markers replaced by spaces: tree-sitter-bash cannot parse ``<<EOT cmd`` without
    its body, and the body is read separately (columns are unchanged)."""
    text = row.text
    for match in _HEREDOC.finditer(row.text):
        if _outside_quotes(row.text, match.start()):
            text = text[: match.start()] + " " * len(match.group(0)) + text[match.end() :]
    return _Row(row.line, row.column, text)


def _is_shell_command(commands: tuple[ShellCommand, ...]) -> bool:
    """``RUN bash -ex <<EOT``: one command, a shell reading its script from the heredoc."""
    if len(commands) != 1:
        return False
    argv = commands[0].unwrapped().argv
    return bool(argv) and executable(argv[0]) in _POSIX_SHELLS and "-c" not in argv


# --- what the Dockerfile installs ---------------------------------------------------------------

_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
# uv sync's options naming the project folder; its other options' values are never read
_UV_DIR = frozenset({"--project", "--directory"})
_PIP_VALUED = frozenset(
    {
        "--requirement", "--constraint", "--editable", "--target", "--platform",
        "--python-version", "--implementation", "--abi", "--root", "--prefix", "--src",
        "--upgrade-strategy", "--config-settings", "--config-setting", "--global-option",
        "--install-option", "--no-binary", "--only-binary", "--progress-bar",
        "--root-user-action", "--report", "--index-url", "--extra-index-url", "--find-links",
        "--cache-dir", "--trusted-host", "--proxy", "--retries", "--timeout", "--exists-action",
        "--cert", "--client-cert", "--log", "--log-file", "--python", "--keyring-provider",
        "--use-feature", "--use-deprecated", "--group", "--resume-retries", "--index",
        "--default-index", "--index-strategy", "--resolution", "--prerelease", "--exclude-newer",
        "--link-mode", "--reinstall-package", "--upgrade-package", "--no-build-package",
        "--no-binary-package", "--only-binary-package", "--python-platform", "--extra",
        "--overrides", "--build-constraints", "--torch-backend", "--directory", "--project",
        "--config-file", "--color", "--allow-insecure-host", "--refresh-package", "--optional",
        "--package", "--script", "--tag", "--branch", "--rev", "--marker", "--bounds",
        "--build-constraint", "--override", "--excludes",
    }
)  # fmt: skip
_PIP_SHORT_VALUED = "rceitfCpPb"
_CONDA = frozenset({"conda", "mamba", "micromamba"})
_CONDA_VALUED = frozenset(
    {
        "--name", "--prefix", "--channel", "--file", "--solver", "--experimental-solver",
        "--repodata-fn", "--platform", "--subdir", "--root-prefix", "--rc-file", "--clone",
        "--channel-alias", "--override-channels-file",
    }
)  # fmt: skip
_CONDA_SHORT_VALUED = "npcfr"


@dataclass(frozen=True)
class _NativeTool:
    """A system package manager: the subcommand that installs, and options taking a value."""

    install: str
    long_valued: frozenset[str]
    short_valued: str


_APT = _NativeTool(
    "install",
    frozenset({"--option", "--target-release", "--default-release", "--config-file"}),
    "otca",
)
_RPM = _NativeTool(
    "install",
    frozenset(
        {
            "--setopt", "--enablerepo", "--disablerepo", "--installroot", "--releasever",
            "--config", "--repo", "--repoid", "--exclude", "--forcearch", "--downloaddir",
            "--destdir",
        }
    ),
    "cxRde",
)  # fmt: skip
_APK = _NativeTool(
    "add",
    frozenset(
        {
            "--virtual", "--repository", "--repositories-file", "--root", "--arch",
            "--cache-dir", "--keys-dir", "--cache-max-age",
        }
    ),
    "tXp",
)  # fmt: skip
_NATIVE = {
    "apt-get": _APT, "apt": _APT, "aptitude": _APT, "apk": _APK,
    "yum": _RPM, "dnf": _RPM, "microdnf": _RPM, "tdnf": _RPM,
}  # fmt: skip
_NATIVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9+._-]*")
_NOT_PACKAGES = frozenset(
    {
        ".", ":", "[", "[[", "cd", "echo", "printf", "export", "set", "unset", "source", "exit",
        "true", "false", "test", "rm", "mkdir", "cp", "mv", "ln", "chmod", "chown", "cat",
        "ls", "touch", "sleep", "sed", "grep", "tee", "find", "xargs", "tar",
    }
)  # fmt: skip
_COMMAND_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NAME_BEFORE_VARIABLE_VERSION = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)\s*(?:===|==|~=|!=|>=|<=|<|>)"
)


@dataclass
class _Found:
    declared: list[Declared] = field(default_factory=list)
    commands: list[CommandUse] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def dockerfile_contents(dockerfile: Dockerfile, root: Path) -> ParsedFile:
    """What a parsed Dockerfile declares, runs and installs from the repository."""
    found = _Found(problems=list(dockerfile.problems))
    files = _ImageFiles(dockerfile, root)
    for stage in dockerfile.stages:
        for position, instruction in enumerate(stage.instructions):
            if instruction.keyword in _COMMAND_KEYWORDS:
                found.commands.extend(_command_uses(instruction))
            if instruction.keyword == "RUN":
                site = _stage_site(files, stage, position)
                _Installs(found, site).read(instruction.commands)
    return ParsedFile(
        declared=tuple(found.declared),
        commands=tuple(found.commands),
        problems=tuple(found.problems),
        references=tuple(dict.fromkeys(found.references)),
    )


def _stage_site(files: _ImageFiles, stage: Stage, position: int) -> InstallSite:
    instruction = stage.instructions[position]
    return InstallSite(
        find=lambda path: files.find(path, stage, position),
        workdir=instruction.workdir,
        group=stage.label,
        stage=stage.label,
        is_final_stage=stage.is_final,
        suppressed=instruction.suppressed,
    )


def _command_uses(instruction: Instruction) -> Iterator[CommandUse]:
    for command in instruction.commands:
        unwrapped = command.unwrapped()
        if not unwrapped.words:
            continue
        module = python_module(unwrapped.argv)
        if module is not None and _MODULE_NAME.fullmatch(module):
            yield CommandUse(f"-m {module}", unwrapped.location)
            continue
        name = executable(unwrapped.argv[0])
        if _COMMAND_NAME.fullmatch(name) and name not in _NOT_PACKAGES:
            yield CommandUse(name, unwrapped.location)


def _operands(
    words: tuple[CommandWord, ...], long_valued: frozenset[str], short_valued: str
) -> Iterator[tuple[str | None, CommandWord]]:
    """(option, value word) for options that take a value, (None, word) for operands; flags are
    dropped. ``--opt=value`` and ``-rFILE`` / ``-qr FILE`` are split as optparse splits them."""
    index = 0
    while index < len(words):
        word, text = words[index], words[index].text
        index += 1
        if text == "--":
            yield from ((None, rest) for rest in words[index:])
            return
        if text.startswith("--"):
            name, equals, _ = text.partition("=")
            if equals:
                yield name, _shifted(word, len(name) + 1)
            elif name in long_valued and index < len(words):
                yield name, words[index]
                index += 1
        elif text.startswith("-") and len(text) > 1:
            for position, letter in enumerate(text[1:], start=2):
                if letter in short_valued:
                    if position < len(text):
                        yield f"-{letter}", _shifted(word, position)
                    elif index < len(words):
                        yield f"-{letter}", words[index]
                        index += 1
                    break
        elif text != "-":
            yield None, word


def _shifted(word: CommandWord, skip: int) -> CommandWord:
    """The part of ``word`` after its first ``skip`` characters (an option's glued value)."""
    location = word.location
    moved = Location(location.path, location.line, location.column + skip)
    return CommandWord(word.text[skip:], word.raw, moved if word.raw == word.text else location)


def _subcommand(
    words: tuple[CommandWord, ...], long_valued: frozenset[str], short_valued: str
) -> tuple[str | None, Location | None, tuple[CommandWord, ...]]:
    """The first operand (skipping leading options), where it is, and the words after it."""
    for option, word in _operands(words, long_valued, short_valued):
        if option is None:
            return word.text, word.location, words[words.index(word) + 1 :]
    return None, None, ()


@dataclass(frozen=True)
class InstallSite:
    """Where commands install packages: what each declaration records about it, the working
    directory the commands start in, and the repository file a path they name is (``find``
    takes a normalised path; ``None`` when it is not in the repository)."""

    find: Callable[[str], Path | None]
    workdir: str
    group: str
    scope: Scope = Scope.MAIN
    stage: str | None = None
    is_final_stage: bool = False
    suppressed: frozenset[str] = frozenset()


def read_installs(commands: Iterable[ShellCommand], site: InstallSite) -> ParsedFile:
    """The packages ``pip``/``uv``/``conda``/``apt-get``... install in these commands, and the
    manifests they install (``-r FILE``, ``conda env create -f``, ``pip install .``)."""
    found = _Found()
    _Installs(found, site).read(commands)
    return ParsedFile(
        declared=tuple(found.declared),
        problems=tuple(found.problems),
        references=tuple(dict.fromkeys(found.references)),
    )


class _Installs:
    """Reads the installs of a sequence of commands, in order (``cd`` moves the working dir)."""

    def __init__(self, found: _Found, site: InstallSite) -> None:
        self.found = found
        self.site = site
        self.cwd = site.workdir

    def read(self, commands: Iterable[ShellCommand]) -> None:
        for command in commands:
            words = command.unwrapped().words
            if words:
                self.command(words)

    def command(self, words: tuple[CommandWord, ...]) -> None:
        argv = tuple(word.text for word in words)
        name = executable(argv[0])
        module = python_module(argv)
        if name == "cd" and len(argv) > 1 and "$" not in argv[1] and argv[1] != "-":
            self.cwd = posixpath.normpath(posixpath.join(self.cwd, argv[1]))
        elif _PIP.fullmatch(name) or module == "pip":
            self.pip(_after_launcher(words))
        elif name == "uv" or module == "uv":
            self.uv(_after_launcher(words))
        elif name == "pip-sync":
            self.pip(words[1:], subcommand="sync")
        elif name in ("poetry", "pdm") and argv[1:2] in (("install",), ("sync",)):
            self.project(CommandWord(".", ".", words[0].location))  # the working directory's
        elif name in _CONDA:
            self.conda(words[1:])
        elif name in _NATIVE:
            self.native(_NATIVE[name], words[1:])

    # pip and uv

    def uv(self, words: tuple[CommandWord, ...]) -> None:
        subcommand, _, rest = _subcommand(words, _PIP_VALUED, _PIP_SHORT_VALUED)
        if subcommand == "pip":
            self.pip(rest)
        elif subcommand == "add":
            self.pip(rest, subcommand="install")
        elif subcommand == "sync":
            self.sync(rest, words[0])

    def sync(self, words: tuple[CommandWord, ...], uv: CommandWord) -> None:
        """``uv sync`` installs the project of the working directory (or ``--project``)."""
        folder = next(
            (word for option, word in _operands(words, _UV_DIR, "") if option in _UV_DIR),
            None,
        )
        if folder is None:
            folder = CommandWord(".", ".", uv.location)
        if "$" not in folder.text:
            self.project(folder)

    def pip(self, words: tuple[CommandWord, ...], subcommand: str | None = None) -> None:
        """``pip [options] install|sync ...``; ``subcommand`` when it is already known."""
        if subcommand is None:
            subcommand, _, words = _subcommand(words, _PIP_VALUED, _PIP_SHORT_VALUED)
        if subcommand not in ("install", "sync"):
            return
        for option, word in _operands(words, _PIP_VALUED, _PIP_SHORT_VALUED):
            if option in ("-r", "--requirement") or (option is None and subcommand == "sync"):
                self.requirements_file(word)
            elif option in ("-e", "--editable") and _is_plain_path(word.text):
                self.project(word)  # `pip install -e detectron2_repo`: a folder, not a name
            elif option in (None, "-e", "--editable"):
                self.requirement(word)

    def requirement(self, word: CommandWord) -> None:
        text = word.text
        if "$" in text or "`" in text:
            # `torch==${TORCH_VERSION}` with the version unknown still names torch
            match = _NAME_BEFORE_VARIABLE_VERSION.match(text)
            if match is None or "$" in match.group("name"):
                return
            text = match.group("name") + "==0"
        try:
            spec = parse_requirement(text)
        except ValueError as error:
            self.problem(word.location, str(error).splitlines()[0])
            return
        if spec is None:
            self.project(word)
            return
        location = _name_location(word, spec.raw_name)
        version = spec.version if text == word.text else None  # not the placeholder's "0"
        self.declare(
            spec.name, spec.raw_name, Manager.PIP, location, spec.pinned, spec.extras, version
        )

    def requirements_file(self, word: CommandWord) -> None:
        if "$" in word.text or "://" in word.text:
            return
        found = self.site.find(self.container_path(word.text))
        if found is not None:
            self.reference(found, _reference_format(found), word.location)

    def project(self, word: CommandWord) -> None:
        """``pip install .`` / ``-e .[dev]`` / ``pip install /app``: a project directory."""
        path = re.sub(r"\[[^\]]*\]$", "", word.text)
        if "://" in path or path.endswith((".whl", ".tar.gz", ".zip")):
            return
        pyproject = posixpath.join(self.container_path(path), "pyproject.toml")
        found = self.site.find(pyproject)
        if found is not None:
            self.reference(found, "pyproject", word.location)

    # conda, mamba, micromamba

    def conda(self, words: tuple[CommandWord, ...]) -> None:
        subcommand, _, words = _subcommand(words, _CONDA_VALUED, _CONDA_SHORT_VALUED)
        if subcommand == "env":
            action, location, words = _subcommand(words, _CONDA_VALUED, _CONDA_SHORT_VALUED)
            if action in ("create", "update") and location is not None:
                self.conda_env(words, location)
        elif subcommand in ("install", "create"):
            for option, word in _operands(words, _CONDA_VALUED, _CONDA_SHORT_VALUED):
                if option in ("-f", "--file") and word.text.endswith((".yml", ".yaml")):
                    self.conda_file(word.text, word.location)
                elif option is None:
                    self.conda_spec(word)

    def conda_env(self, words: tuple[CommandWord, ...], location: Location) -> None:
        files = [
            word
            for option, word in _operands(words, _CONDA_VALUED, _CONDA_SHORT_VALUED)
            if option in ("-f", "--file")
        ]
        for word in files:
            self.conda_file(word.text, word.location)
        if not files:  # conda reads environment.yml from the working directory
            self.conda_file("environment.yml", location)

    def conda_file(self, text: str, location: Location) -> None:
        if "$" in text or "://" in text:
            return
        found = self.site.find(self.container_path(text))
        if found is not None:
            self.reference(found, "conda", location)

    def conda_spec(self, word: CommandWord) -> None:
        try:
            declared = conda_declaration(
                word.text,
                word.location,
                group=self.site.group,
                stage=self.site.stage,
                is_final_stage=self.site.is_final_stage,
                suppressed=self.site.suppressed,
            )
        except ValueError as error:
            self.problem(word.location, str(error).splitlines()[0])
            return
        if declared is not None:
            self.found.declared.append(declared)

    # apt-get, apk, yum, dnf

    def native(self, tool: _NativeTool, words: tuple[CommandWord, ...]) -> None:
        subcommand, _, words = _subcommand(words, tool.long_valued, tool.short_valued)
        if subcommand != tool.install:
            return
        for option, word in _operands(words, tool.long_valued, tool.short_valued):
            match = _NATIVE_NAME.match(word.text)
            if option is not None or match is None or "$" in word.text:
                continue
            rest = word.text[match.end() :]
            if rest and rest[0] not in "=<>~@/:":
                continue  # a glob or a file, not a package name
            name = match.group()
            self.declare(name, name, Manager.APT, word.location, rest[:1] in ("=", "<", ">", "~"))

    # results

    def container_path(self, text: str) -> str:
        return posixpath.normpath(posixpath.join(self.cwd, text))

    def declare(
        self,
        name: str,
        raw_name: str,
        manager: Manager,
        location: Location,
        pinned: bool,
        extras: frozenset[str] = frozenset(),
        version: str | None = None,
    ) -> None:
        self.found.declared.append(
            Declared(
                name=name,
                raw_name=raw_name,
                manager=manager,
                location=location,
                group=self.site.group,
                scope=self.site.scope,
                pinned=pinned,
                extras=extras,
                version=version,
                stage=self.site.stage,
                is_final_stage=self.site.is_final_stage,
                native=manager is Manager.APT,
                suppressed=self.site.suppressed,
            )
        )

    def reference(self, path: Path, format_name: str, location: Location) -> None:
        self.found.references.append(
            Reference(path, format_name, location, self.site.stage, self.site.is_final_stage)
        )

    def problem(self, location: Location, message: str) -> None:
        self.found.problems.append(ParseProblem(location, message))


def _is_plain_path(text: str) -> bool:
    """An editable install names a folder unless it is a URL (``git+https://...#egg=x``)."""
    return "://" not in text and not text.startswith(("git+", "hg+", "svn+", "bzr+"))


def _name_location(word: CommandWord, name: str) -> Location:
    """Where ``name`` is written inside ``word`` (``git+https://host/x.git#egg=name``,
    ``./wheels/name-1.0-py3-none-any.whl``); the word's start if it came from a variable."""
    offset = word.text.find(name) if word.text == word.raw else -1
    if offset <= 0:
        return word.location
    where = word.location
    return Location(where.path, where.line, where.column + offset)


def _after_launcher(words: tuple[CommandWord, ...]) -> tuple[CommandWord, ...]:
    """The words after ``pip`` / ``uv``, or after ``python -m pip`` / ``python -m uv``."""
    argv = tuple(word.text for word in words)
    if python_module(argv) is None:
        return words[1:]
    index = next(i for i, arg in enumerate(argv) if arg.startswith("-m"))
    return words[index + (2 if argv[index] == "-m" else 1) :]


def _reference_format(path: Path) -> str:
    if path.name == "pyproject.toml":
        return "pyproject"
    if path.suffix in (".yml", ".yaml"):
        return "conda"
    return "requirements"


# --- which repository file ends up at a path in the image --------------------------------------


class _ImageFiles:
    """Follows a path in an image back through COPY, ADD and bind mounts to a file of the
    build context (the Dockerfile's folder, then the project root)."""

    def __init__(self, dockerfile: Dockerfile, root: Path) -> None:
        self.dockerfile = dockerfile
        self.bases = tuple(dict.fromkeys((dockerfile.path.parent, root)))

    def find(self, path: str, stage: Stage, before: int, depth: int = 0) -> Path | None:
        """The repository file at ``path`` in ``stage`` just before instruction ``before``
        (whose own bind mounts count)."""
        if depth > len(self.dockerfile.stages):
            return None
        if before < len(stage.instructions):
            for mount in stage.instructions[before].mounts:
                found = self.through_mount(path, mount, stage, depth)
                if found is not None:
                    return found
        for instruction in reversed(stage.instructions[:before]):
            if instruction.keyword in ("COPY", "ADD"):
                found = self.through_copy(path, instruction, depth)
                if found is not None:
                    return found
        if stage.parent is not None:
            parent = self.dockerfile.stages[stage.parent]
            return self.find(path, parent, len(parent.instructions), depth + 1)
        return None

    def through_copy(self, path: str, copy: Instruction, depth: int) -> Path | None:
        if copy.destination is None:
            return None
        destination = posixpath.join(copy.workdir, copy.destination)
        for source in copy.sources:
            if source.startswith("<<") or "://" in source or "$" in source:
                continue
            found = self.from_source(source, path, destination, copy.flag("from"), depth)
            if found is not None:
                return found
        return None

    def through_mount(self, path: str, mount: Mount, stage: Stage, depth: int) -> Path | None:
        if mount.type != "bind" or mount.target is None:
            return None
        target = posixpath.join(stage.instructions[0].workdir, mount.target)
        return self.from_source(mount.source or ".", path, target, mount.source_from, depth)

    def from_source(
        self, source: str, path: str, destination: str, origin: str | None, depth: int
    ) -> Path | None:
        for candidate in _copied_from(source, path, destination):
            if origin is None:
                found = self.in_context(candidate)
            else:
                stage = self.dockerfile.stage(origin)
                if stage is None:
                    return None  # copied out of another image
                found = self.find("/" + candidate, stage, len(stage.instructions), depth + 1)
            if found is not None:
                return found
        return None

    def in_context(self, candidate: str) -> Path | None:
        if candidate == ".." or candidate.startswith("../"):
            return None
        for base in self.bases:
            path = base / candidate
            if path.is_file():
                return Path(posixpath.normpath(path.as_posix()))
        return None


def _copied_from(source: str, path: str, destination: str) -> Iterator[str]:
    """Where ``path`` may have come from when ``source`` was copied to ``destination``:
    the source itself (copied to that exact path, or a file copied into that directory), or a
    file inside a source directory or matched by a source glob."""
    source = posixpath.normpath(source.lstrip("/") or ".")
    destination = posixpath.normpath(destination)
    if path == destination:
        yield source
    prefix = destination.rstrip("/") + "/"
    if not path.startswith(prefix):
        return
    rest = path[len(prefix) :]
    folder, pattern = posixpath.split(source)
    if any(char in pattern for char in "*?["):
        first, _, _ = rest.partition("/")
        if fnmatchcase(first, pattern):
            yield posixpath.normpath(posixpath.join(folder, rest))
        return
    if rest == posixpath.basename(source):
        yield source
    yield posixpath.normpath(posixpath.join(source, rest))


# --- the manifest format -----------------------------------------------------------------------


def matches(relative: PurePosixPath) -> bool:
    """``Dockerfile``, ``Containerfile``, ``x.Dockerfile``, ``Dockerfile.gpu``,
    ``Dockerfile-dev``, ``Dockerfile_amd``, ``Containerfile.x``; not
    ``Dockerfile.dockerignore`` nor a template (``Dockerfile-uv.jinja``, ``Dockerfile.tmpl``)."""
    name = relative.name
    if name.endswith((".dockerignore", *_TEMPLATE_SUFFIXES)):
        return False  # a template (Dockerfile-uv.jinja) is not a Dockerfile until rendered
    return (
        name in ("Dockerfile", "Containerfile")
        or name.endswith((".Dockerfile", ".dockerfile"))
        or name.startswith(_NAMED_PREFIXES)
    )


_TEMPLATE_SUFFIXES = (".jinja", ".jinja2", ".j2", ".tmpl", ".tpl", ".template", ".mustache")
_NAMED_PREFIXES = tuple(f"{base}{sep}" for base in ("Dockerfile", "Containerfile") for sep in ".-_")
_FIRST_INSTRUCTION = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:FROM|ARG)[ \t]", re.IGNORECASE)


def looks_like_dockerfile(path: Path) -> bool:
    """Whether a file named on the command line under another name (``cpu.docker``) is a
    Dockerfile: its first instruction, after comments and parser directives, is FROM or ARG."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return _FIRST_INSTRUCTION.match(head) is not None


def parse(path: Path, root: Path) -> ParsedFile:
    return dockerfile_contents(parse_dockerfile(path, root), root)


FORMAT = ManifestFormat("dockerfile", matches, parse)
