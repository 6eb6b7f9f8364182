"""Jupyter notebooks as Python source with positions in the ``.ipynb`` file.

A notebook is JSON; findings must point at the line of the ``.ipynb`` file a reader sees, so the
code cells' ``source`` strings are read with their offsets in the raw text. Only the path to the
sources is parsed here (cells, worksheets, source/input); outputs and metadata go to the C JSON
scanner whole. IPython syntax (magics, ``!shell``, ``x?``) is blanked out line by line so the
remaining Python keeps its line numbers; shell lines are handed back separately.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Keys on the way from the document to a cell's source, in nbformat 3 and 4.
_LOCATED_KEYS = frozenset({"cells", "worksheets", "source", "input"})


class _Object(dict[str, object]):
    """A JSON object that remembers where it and each of its values start in the raw text."""

    def __init__(self, start: int) -> None:
        super().__init__()
        self.start = start
        self.offsets: dict[str, int] = {}


class _Array(list[object]):
    """A JSON array that remembers where each element starts in the raw text."""

    def __init__(self) -> None:
        super().__init__()
        self.offsets: list[int] = []


def parse_located(text: str) -> object:
    """Parse notebook JSON; raises ``json.JSONDecodeError`` (with line and column) if invalid."""
    value, end = _value(text, _skip(text, 0), located=True)
    end = _skip(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _value(text: str, position: int, *, located: bool) -> tuple[object, int]:
    opening = text[position : position + 1]
    if located and opening == "{":
        return _object(text, position)
    if located and opening == "[":
        return _array(text, position)
    return _DECODER.raw_decode(text, position)


def _object(text: str, start: int) -> tuple[_Object, int]:
    result = _Object(start)
    position = _skip(text, start + 1)
    if text.startswith("}", position):
        return result, position + 1
    while True:
        if not text.startswith('"', position):
            message = "Expecting property name enclosed in double quotes"
            raise json.JSONDecodeError(message, text, position)
        key, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if not text.startswith(":", position):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, position)
        position = _skip(text, position + 1)
        result.offsets[key] = position
        result[key], position = _value(text, position, located=key in _LOCATED_KEYS)
        position = _skip(text, position)
        if text.startswith("}", position):
            return result, position + 1
        if not text.startswith(",", position):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip(text, position + 1)


def _array(text: str, start: int) -> tuple[_Array, int]:
    result = _Array()
    position = _skip(text, start + 1)
    if text.startswith("]", position):
        return result, position + 1
    while True:
        result.offsets.append(position)
        element, position = _value(text, position, located=True)
        result.append(element)
        position = _skip(text, position)
        if text.startswith("]", position):
            return result, position + 1
        if not text.startswith(",", position):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip(text, position + 1)


def is_python_notebook(document: object) -> bool:
    """False for notebooks whose kernel declares another language (R, Julia ...)."""
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return True
    for section, key in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(section)
        language = info.get(key) if isinstance(info, dict) else None
        if isinstance(language, str):
            return "python" in language.lower()
    return True


@dataclass(frozen=True)
class Cell:
    """A code cell: ``lines`` of its source and, for each, the raw offset of its first
    character in the notebook text (absent for a trailing empty line)."""

    number: int
    start: int
    lines: tuple[str, ...]
    line_offsets: tuple[int, ...]


def code_cells(text: str, document: object) -> Iterator[Cell]:
    """The code cells of a parsed notebook, numbered from 1 among all its cells."""
    for number, cell in enumerate(_all_cells(document), start=1):
        if isinstance(cell, _Object) and cell.get("cell_type") == "code":
            key = "source" if "source" in cell else "input"
            pieces = list(_source_pieces(cell, key))
            lines, offsets = _lines_with_offsets(text, pieces)
            yield Cell(number, cell.start, lines, offsets)


def _all_cells(document: object) -> list[object]:
    if not isinstance(document, dict):
        return []
    cells = document.get("cells")
    found: list[object] = list(cells) if isinstance(cells, list) else []
    worksheets = document.get("worksheets")
    for sheet in worksheets if isinstance(worksheets, list) else []:
        sheet_cells = sheet.get("cells") if isinstance(sheet, dict) else None
        if isinstance(sheet_cells, list):
            found.extend(sheet_cells)
    return found


def _source_pieces(cell: _Object, key: str) -> Iterator[tuple[str, int]]:
    """Each source string with the raw offset of its first character (after the quote)."""
    source = cell.get(key)
    if isinstance(source, str):
        yield source, cell.offsets[key] + 1
    elif isinstance(source, _Array):
        for element, offset in zip(source, source.offsets, strict=True):
            if isinstance(element, str):
                yield element, offset + 1


def _lines_with_offsets(
    text: str, pieces: list[tuple[str, int]]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    offsets: list[int] = []
    at_line_start = True
    for value, start in pieces:
        parts = value.split("\n")
        position = start
        for index, part in enumerate(parts):
            if index > 0:
                at_line_start = True
                if index == len(parts) - 1 and not part:
                    break
                position = advance(text, position, len(parts[index - 1]) + 1)
            if at_line_start:
                offsets.append(position)
                at_line_start = False
    lines = "".join(value for value, _ in pieces).split("\n")
    return tuple(lines), tuple(offsets)


def advance(text: str, position: int, characters: int) -> int:
    """The raw offset reached after ``characters`` decoded characters of a JSON string."""
    end = len(text)
    while characters > 0 and position < end:
        if text[position] != "\\":
            position += 1
        elif text.startswith("u", position + 1):
            code = _hex(text[position + 2 : position + 6])
            position += 6
            # A surrogate pair is two escapes for one decoded character.
            if 0xD800 <= code <= 0xDBFF and text.startswith("\\u", position):
                position += 6
        else:
            position += 2
        characters -= 1
    return position


def _hex(digits: str) -> int:
    try:
        return int(digits, 16)
    except ValueError:
        return 0


class FilePositions:
    """Raw offsets → 1-based line and column in the notebook file."""

    def __init__(self, text: str) -> None:
        self._newlines = [match.start() for match in re.finditer("\n", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        index = bisect_left(self._newlines, offset)
        line_start = self._newlines[index - 1] + 1 if index else 0
        return index + 1, offset - line_start + 1


# --- IPython syntax ----------------------------------------------------------------------------

# Cell magics whose body is still Python, and those whose body is a shell script.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "shell"})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash"})
_ASSIGNED_ESCAPE = re.compile(r"\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*([!%])")
_TIMED_STATEMENT = re.compile(r"\s*%(?:time|timeit|prun)\s+(?=[^-\s])")
_HELP = re.compile(r"[\w.*\[\]]+\?{1,2}\s*$")
_PYTHON_TOKENS = re.compile(r"'''|\"\"\"|'|\"|#|\\.|[()\[\]{}]")


@dataclass(frozen=True)
class ShellLines:
    """Shell text found in a cell: its source lines from ``first_line`` (0-based) and the column
    of its first character on that line."""

    lines: tuple[str, ...]
    first_line: int
    column: int


@dataclass(frozen=True)
class CellCode:
    """A cell's Python, line for line, and its shell lines. ``shifts`` maps a 0-based line to the
    columns removed from its start (``%time import x`` becomes ``import x``)."""

    python: str
    shell: tuple[ShellLines, ...]
    shifts: dict[int, int] = field(default_factory=dict)


def cell_code(lines: tuple[str, ...]) -> CellCode:
    """The Python of a cell with IPython lines blanked, and the shell lines it runs."""
    first = lines[0] if lines else ""
    if first.startswith("%%"):
        words = first[2:].split()
        magic = words[0] if words else ""
        if magic not in _PYTHON_CELL_MAGICS:
            shell: tuple[ShellLines, ...] = ()
            if _is_shell_cell(magic, words[1:]) and len(lines) > 1:
                shell = (ShellLines(lines[1:], 1, 0),)
            return CellCode("\n" * (len(lines) - 1), shell)
        return _python_lines(("", *lines[1:]))
    return _python_lines(lines)


def _is_shell_cell(magic: str, arguments: list[str]) -> bool:
    if magic in _SHELL_CELL_MAGICS:
        return True
    return magic == "script" and bool(arguments) and arguments[0].rsplit("/", 1)[-1] in _SHELLS


def _python_lines(lines: tuple[str, ...]) -> CellCode:
    kept: list[str] = []
    shell: list[ShellLines] = []
    shifts: dict[int, int] = {}
    state = _LogicalState()
    shell_continues = False
    for index, line in enumerate(lines):
        if shell_continues:
            # `!curl x \` goes on to the next line, which is shell too
            shell[-1] = ShellLines((*shell[-1].lines, line), shell[-1].first_line, shell[-1].column)
            kept.append("")
            shell_continues = line.rstrip().endswith("\\")
            continue
        if state.at_statement_start:
            timed = _TIMED_STATEMENT.match(line)
            if timed:  # the statement after %time runs as if the magic were not there
                indent = len(line) - len(line.lstrip())
                shifts[index] = timed.end() - indent
                line = line[:indent] + line[timed.end() :]
            else:
                shell_count = len(shell)
                replaced = _ipython_line(line, index, shell)
                if replaced is not None:
                    kept.append(replaced)
                    shell_continues = len(shell) > shell_count and line.rstrip().endswith("\\")
                    continue
        state.feed(line)
        kept.append(line)
    return CellCode("\n".join(kept), tuple(shell), shifts)


def _ipython_line(line: str, index: int, shell: list[ShellLines]) -> str | None:
    """What replaces an IPython line (None when the line is plain Python): ``pass`` at its
    indentation, which keeps a block whose only statement was ``!cmd`` valid."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith("#"):
        return None
    placeholder = line[: len(line) - len(stripped)] + "pass"
    escape = _ASSIGNED_ESCAPE.match(line)
    marker = escape.start(1) if escape else len(line) - len(stripped)
    if line[marker] == "!":
        command = len(line) - len(line[marker:].lstrip("!"))
        shell.append(ShellLines((line[command:],), index, command))
        return placeholder
    if line[marker] == "%" or stripped.startswith("?") or _HELP.match(stripped):
        return placeholder
    if _AUTOMAGIC.match(stripped):
        if stripped.split(None, 1)[0] in _AUTOMAGIC_SHELL:
            shell.append(ShellLines((stripped,), index, len(line) - len(stripped)))
        return placeholder
    return None


# IPython's automagic runs these line magics and shell aliases without a ``%`` when the line
# reads as a command, not as Python (``cd data``, ``pip install x``, ``ls -la``).
_AUTOMAGIC_SHELL = frozenset({"pip", "conda", "mamba"})
_AUTOMAGIC = re.compile(
    r"(?:cd|ls|ll|pwd|pip|conda|mamba|mkdir|rmdir|mv|rm|cp|cat|env|load_ext|matplotlib"
    r"|pushd|popd|dhist|bookmark|reset|who|whos|history|run|autoreload)"
    r"(?:\s+(?![=(\[.,:+*/%<>!-]\s|=)\S.*|\s*)$"
)


class _LogicalState:
    """Just enough of Python's tokenizer to know whether a line starts a new statement:
    IPython only treats ``%``/``!``/``?`` specially there, not inside brackets or strings."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        for match in _PYTHON_TOKENS.finditer(line):
            lexeme = match.group()
            if self.quote is not None:
                if lexeme == self.quote:
                    self.quote = None
            elif lexeme == "#":
                break
            elif lexeme in {"'''", '"""', "'", '"'}:
                self.quote = lexeme
            elif lexeme in "([{":
                self.depth += 1
            elif lexeme in ")]}":
                self.depth = max(0, self.depth - 1)
        if self.quote in {"'", '"'}:
            self.quote = None
        self.continued = line.endswith("\\") and self.quote is None
