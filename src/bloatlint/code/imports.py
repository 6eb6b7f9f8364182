"""Imports, module-name strings and shell commands in Python files and Jupyter notebooks.

One ``ast`` pass per file collects every import (at any depth, guarded or not), the string
constants that look like module paths (``"lxml"``, ``"uvicorn.workers.UvicornWorker"``: backends
chosen by name), and the literal commands given to ``subprocess``/``os.system``. Imports written
inside strings or docstrings never count. A file that does not parse is a problem, not a crash.

The public functions are the contract; the ``ast`` walk behind them may give way to a faster
line-level pre-scan without changing what they return.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shlex
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bloatlint.code import notebook
from bloatlint.model import Import, Location, ParseProblem
from bloatlint.suppression import suppressed_codes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class CodeScan:
    """What one Python file or notebook uses.

    ``shell`` holds command text the code runs, each with the location of its first character:
    feed it to :func:`bloatlint.code.commands.commands_from_shell`. ``text`` is the text evidence
    rules search (a notebook's code cells; ``text_lines`` then gives each line's line in the
    file); a batch scan searches it for the patterns it is given, keeps the ``hits`` (pattern
    index, file line of the first match) and drops the text.
    """

    imports: tuple[Import, ...] = ()
    strings: frozenset[str] = frozenset()
    problems: tuple[ParseProblem, ...] = ()
    shell: tuple[tuple[str, Location], ...] = ()
    text: str = ""
    text_lines: tuple[int, ...] = ()
    hits: tuple[tuple[int, int], ...] = ()


def scan_file(path: Path, root: Path) -> CodeScan:
    """Read and scan a ``.py``/``.pyi`` file or an ``.ipynb`` notebook; bad input is a problem."""
    relative = _relative(path, root)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _failed(Location(relative, 1), f"cannot read file: {error.strerror or error}")
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return _failed(Location(relative, line), "cannot decode file: binary content (NUL byte)")
    try:
        if path.suffix == ".ipynb":
            text = data.decode("utf-8-sig")
            code, file_lines = notebook_code(text)
            return replace(scan_notebook(text, relative), text=code, text_lines=file_lines)
        text = importlib.util.decode_source(data)
        return replace(scan_python(text, relative), text=text)
    except UnicodeDecodeError as error:
        return _failed(
            _byte_location(relative, data, error.start), f"cannot decode file: {error.reason}"
        )
    except SyntaxError as error:
        # The PEP 263 check: an unknown codec, or bytes that are not UTF-8 in the first two lines.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as not_utf8:
            location = _byte_location(relative, data, not_utf8.start)
        else:
            location = Location(relative, error.lineno or 1)
        return _failed(location, f"cannot decode file: {error.msg}")


def notebook_code(text: str) -> tuple[str, tuple[int, ...]]:
    """The code cells of a notebook as one text, for evidence rules (the JSON around them
    escapes quotes, and its outputs can be megabytes that no rule wants), with the notebook
    file's line for each of its lines, so that evidence found in it points into the file."""
    try:
        document = notebook.parse_located(text)
    except (ValueError, RecursionError):
        return "", ()
    positions = notebook.FilePositions(text)
    lines: list[str] = []
    file_lines: list[int] = []
    for cell in notebook.code_cells(text, document):
        offsets = cell.line_offsets
        for index, line in enumerate(cell.lines):
            # a trailing empty line has no offset of its own: it sits on the last one's line
            offset = offsets[min(index, len(offsets) - 1)] if offsets else cell.start
            lines.append(line)
            file_lines.append(positions.line_column(offset)[0])
    return "\n".join(lines), tuple(file_lines)


def evidence_text(path: Path, data: bytes) -> tuple[str, tuple[int, ...]]:
    """The text evidence rules search for a code file's bytes, as ``scan_file`` keeps it, with
    the file line of each of its lines when they differ (a notebook's code cells)."""
    try:
        if path.suffix == ".ipynb":
            return notebook_code(data.decode("utf-8-sig"))
        return importlib.util.decode_source(data), ()
    except (UnicodeDecodeError, SyntaxError):
        return "", ()


def file_line(line: int, text_lines: tuple[int, ...]) -> int:
    """The file's line for a line of an evidence text."""
    return text_lines[line - 1] if 0 < line <= len(text_lines) else line


def scan_python(text: str, path: str) -> CodeScan:
    """Scan Python source; ``path`` is the POSIX path relative to the project root.

    Uses the line-level pre-scan of :mod:`bloatlint.code.fastscan`, which returns exactly what
    :func:`scan_python_ast` returns and falls back to it for files it cannot decide safely.
    """
    return _scan_python(text, path, _scan_source)


def scan_python_ast(text: str, path: str) -> CodeScan:
    """The reference scanner: one full ``ast`` parse and walk of the file."""
    return _scan_python(text, path, _scan_source_ast)


def _scan_python(
    text: str, path: str, scan_source: Callable[[str, list[str]], _Found | _Failure]
) -> CodeScan:
    lines = _physical_lines(text)
    outcome = scan_source(text, lines)
    if isinstance(outcome, _Failure):
        return _failed(Location(path, outcome.line, outcome.column), outcome.message)

    def locate(line: int, column: int) -> Location:
        return Location(path, line, column + 1)

    return CodeScan(
        imports=tuple(_imports(outcome, lines, locate)),
        strings=frozenset(outcome.strings),
        shell=tuple((command, locate(line, col)) for command, line, col in outcome.shell),
    )


def scan_notebook(text: str, path: str) -> CodeScan:
    """Scan the code cells of an nbformat 3 or 4 notebook given as its raw JSON text."""
    try:
        document = notebook.parse_located(text)
    except json.JSONDecodeError as error:
        location = Location(path, error.lineno, error.colno)
        return _failed(location, f"cannot parse notebook JSON: {error.msg}")
    except RecursionError:
        return _failed(Location(path, 1), "cannot parse notebook JSON: nested too deeply")
    if not isinstance(document, dict):
        return _failed(Location(path, 1), "not a notebook: the JSON is not an object")
    if not notebook.is_python_notebook(document):
        return CodeScan()
    positions = notebook.FilePositions(text)
    scans = [
        _scan_cell(cell, _CellLocator(text, path, positions, cell))
        for cell in notebook.code_cells(text, document)
    ]
    return CodeScan(
        imports=tuple(found for scan in scans for found in scan.imports),
        strings=frozenset().union(*(scan.strings for scan in scans)),
        problems=tuple(problem for scan in scans for problem in scan.problems),
        shell=tuple(entry for scan in scans for entry in scan.shell),
    )


# --- the single ast pass -----------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MODULE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_MAX_STRING = 100
_STRING_OPENING = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\"|'|\")")

_OPTIONAL_HINT = re.compile(r"(?i)\boptional")
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Qualified callee → whether the call only probes (its module is optional by nature).
_IMPORT_CALLS = {
    "importlib.import_module": False,
    "__import__": False,
    "builtins.__import__": False,
    "importlib.__import__": False,
    "importlib.util.find_spec": True,
    "pkgutil.find_loader": True,
}
_SHELL_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "os.system",
        "os.popen",
    }
)
_CALLEE_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in {*_IMPORT_CALLS, *_SHELL_CALLS})


@dataclass(frozen=True)
class _Failure:
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class _FoundImport:
    module: str
    line: int
    column: int  # 0-based, in characters
    end_line: int
    optional: bool
    names: tuple[str, ...] = ()


@dataclass
class _Found:
    imports: list[_FoundImport] = field(default_factory=list)
    strings: set[str] = field(default_factory=set)
    shell: list[tuple[str, int, int]] = field(default_factory=list)  # text, line, 0-based column


def _physical_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")


def _scan_source(text: str, lines: list[str]) -> _Found | _Failure:
    from bloatlint.code import fastscan  # imported here: it builds on this module

    found = fastscan.scan_source(text, lines)
    return _scan_source_ast(text, lines) if found is None else found


def _scan_source_ast(text: str, lines: list[str]) -> _Found | _Failure:
    tree = _parse(text)
    if isinstance(tree, _Failure):
        return tree
    collector = _Collector(lines)
    collector.walk(tree)
    return collector.finish()


def _parse(text: str) -> ast.Module | _Failure:
    try:
        with warnings.catch_warnings():
            # Invalid escapes and the like in project code are not ours to report.
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as error:
        return _Failure(error.lineno or 1, error.offset or 1, f"cannot parse Python: {error.msg}")
    except (ValueError, RecursionError, MemoryError) as error:
        return _Failure(1, 1, f"cannot parse Python: {error or type(error).__name__}")


class _Collector:
    """One iterative walk over the tree, carrying whether the code is import-guarded."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._found = _Found()
        self._calls: list[tuple[list[str], ast.Call, bool]] = []
        self._bindings: dict[str, str] = {}  # local name → what it is bound to by an import

    def walk(self, tree: ast.AST) -> None:
        stack: list[tuple[ast.AST, bool]] = [(tree, False)]
        while stack:
            node, optional = stack.pop()
            if type(node) in _LEAVES:
                continue
            if isinstance(node, ast.Constant):
                self._string(node.value)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                self._import(node, optional)
            elif isinstance(node, ast.Expr) and _is_string(node.value):
                continue  # docstrings and other bare strings are documentation
            elif isinstance(node, ast.Try | ast.TryStar):
                guarded = optional or _tolerates_import_error(node.handlers)
                stack.extend((child, guarded) for child in node.body)
                children = [*node.handlers, *node.orelse, *node.finalbody]
                stack.extend((child, optional) for child in children)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                stack.extend((child, True) for child in node.body)
                stack.extend((child, optional) for child in node.orelse)
            else:
                if isinstance(node, ast.Call):
                    self._call(node, optional)
                _push_children(stack, node, optional)

    @property
    def bindings(self) -> dict[str, str]:
        return self._bindings

    def finish(self, bindings: Mapping[str, str] | None = None) -> _Found:
        """Resolve the calls against ``bindings`` (default: this walk's own imports)."""
        if bindings is not None:
            self._bindings = dict(bindings)
        for callee, call, optional in self._calls:
            qualified = ".".join([self._bindings.get(callee[0], callee[0]), *callee[1:]])
            if qualified in _IMPORT_CALLS:
                self._import_call(call, optional or _IMPORT_CALLS[qualified])
            elif qualified in _SHELL_CALLS:
                self._shell_call(call)
        self._found.imports.sort(key=lambda found: (found.line, found.column))
        self._found.shell.sort(key=lambda entry: (entry[1], entry[2]))
        return self._found

    def _import(self, node: ast.Import | ast.ImportFrom, optional: bool) -> None:
        if isinstance(node, ast.ImportFrom):
            self._import_from(node, optional)
            return
        for alias in node.names:
            self._add(alias.name, node, optional)
            if alias.asname:
                self._bindings[alias.asname] = alias.name
            else:
                top = alias.name.split(".", 1)[0]
                self._bindings[top] = top

    def _import_from(self, node: ast.ImportFrom, optional: bool) -> None:
        if node.level or not node.module:
            return  # relative imports are the project's own
        names = tuple(alias.name for alias in node.names if alias.name != "*")
        self._add(node.module, node, optional, names)
        for alias in node.names:
            self._bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _add(
        self, module: str, node: ast.stmt | ast.expr, optional: bool, names: tuple[str, ...] = ()
    ) -> None:
        column = self._column(node.lineno, node.col_offset)
        end_line = node.end_lineno or node.lineno
        found = _FoundImport(module, node.lineno, column, end_line, optional, names)
        self._found.imports.append(found)

    def _string(self, value: object) -> None:
        if (
            isinstance(value, str)
            and len(value) <= _MAX_STRING
            and _MODULE_PATH.fullmatch(value) is not None
        ):
            self._found.strings.add(value)

    def _call(self, node: ast.Call, optional: bool) -> None:
        callee = _dotted_name(node.func)
        if callee and callee[-1] in _CALLEE_NAMES:
            self._calls.append((callee, node, optional))

    def _import_call(self, call: ast.Call, optional: bool) -> None:
        argument = _argument(call, "name")
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            module = argument.value
            if _MODULE_PATH.fullmatch(module):
                self._add(module, call, optional)

    def _shell_call(self, call: ast.Call) -> None:
        argument = _argument(call, "args") or _argument(call, "cmd") or _argument(call, "command")
        if isinstance(argument, ast.List | ast.Tuple):
            self._shell_from_list(argument.elts)
        elif isinstance(argument, ast.Constant | ast.JoinedStr):
            text = _leading_text(argument)
            if text.strip():
                self._found.shell.append((text, *self._string_start(argument)))

    def _shell_from_list(self, elements: list[ast.expr]) -> None:
        words: list[str] = []
        for element in elements:
            if _is_string(element):
                words.append(_leading_text(element))
            elif self._is_sys_executable(element):
                words.append("python")
            else:
                break  # later words are not known until run time
        if words:
            self._found.shell.append((shlex.join(words), *self._string_start(elements[0])))

    def _is_sys_executable(self, node: ast.expr) -> bool:
        name = _dotted_name(node)
        if not name:
            return False
        return ".".join([self._bindings.get(name[0], name[0]), *name[1:]]) == "sys.executable"

    def _string_start(self, node: ast.expr) -> tuple[int, int]:
        """Line and 0-based column of a string literal's first character (after its quote)."""
        column = self._column(node.lineno, node.col_offset)
        if isinstance(node, ast.Constant | ast.JoinedStr):
            opening = _STRING_OPENING.match(self._line(node.lineno), column)
            if opening:
                column = opening.end()
        return node.lineno, column

    def _line(self, number: int) -> str:
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def _column(self, line: int, byte_column: int) -> int:
        """ast counts columns in UTF-8 bytes; locations count characters."""
        text = self._line(line)
        if text.isascii():
            return byte_column
        encoded = text.encode("utf-8", "surrogatepass")
        return len(encoded[:byte_column].decode("utf-8", "replace"))


# Nodes that hold nothing the scan looks for; most of a tree's nodes are these.
_LEAVES = frozenset(
    {
        ast.Name,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.Pass,
        ast.Break,
        ast.Continue,
        *ast.operator.__subclasses__(),
        *ast.unaryop.__subclasses__(),
        *ast.cmpop.__subclasses__(),
        *ast.boolop.__subclasses__(),
    }
)


def _push_children(stack: list[tuple[ast.AST, bool]], node: ast.AST, optional: bool) -> None:
    """``ast.iter_child_nodes`` without the generator, which is the walk's hot loop."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            stack.extend((item, optional) for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            stack.append((value, optional))


def _is_string(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _leading_text(node: ast.expr) -> str:
    """A string constant's value, or the literal text an f-string starts with."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _leading_text(node.values[0])
    return ""


def _argument(call: ast.Call, keyword: str) -> ast.expr | None:
    if call.args:
        first = call.args[0]
        return None if isinstance(first, ast.Starred) else first
    return next((item.value for item in call.keywords if item.arg == keyword), None)


def _dotted_name(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


def _tolerates_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    """Whether some handler catches a failed import and carries on (a handler that re-raises
    makes the module required after all, unless its message calls it optional:
    "weaviate-client is an optional dependency")."""
    return any(
        _catches_import_error(handler.type)
        and all(
            _calls_it_optional(statement)
            for statement in handler.body
            if isinstance(statement, ast.Raise)
        )
        for handler in handlers
    )


def _calls_it_optional(statement: ast.Raise) -> bool:
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _OPTIONAL_HINT.search(node.value) is not None
        for node in ast.walk(statement)
    )


def _catches_import_error(caught: ast.expr | None) -> bool:
    if caught is None:
        return True
    if isinstance(caught, ast.Tuple):
        return any(_catches_import_error(element) for element in caught.elts)
    name = _dotted_name(caught)
    return name is not None and name[-1] in _IMPORT_ERRORS


def _is_type_checking(test: ast.expr) -> bool:
    name = _dotted_name(test)
    return name is not None and name[-1] == "TYPE_CHECKING"


# --- from found items to model records ---------------------------------------------------------


def _imports(
    found: _Found, lines: list[str], locate: Callable[[int, int], Location]
) -> list[Import]:
    return [
        Import(
            item.module,
            locate(item.line, item.column),
            optional=item.optional,
            suppressed=_suppressions(lines, item.line, item.end_line),
            names=item.names,
        )
        for item in found.imports
    ]


def _suppressions(lines: list[str], first: int, last: int) -> frozenset[str]:
    codes: frozenset[str] = frozenset()
    for text in lines[first - 1 : last]:
        if "#" in text:
            codes |= suppressed_codes(text)
    return codes


def _failed(location: Location, message: str) -> CodeScan:
    return CodeScan(problems=(ParseProblem(location, message),))


def _byte_location(path: str, data: bytes, offset: int) -> Location:
    return Location(path, data.count(b"\n", 0, offset) + 1)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# --- notebook cells ----------------------------------------------------------------------------


class _CellLocator:
    """Maps a position in a cell's source (line from 1, column from 0) to the notebook file."""

    def __init__(
        self,
        text: str,
        path: str,
        positions: notebook.FilePositions,
        cell: notebook.Cell,
        shifts: Mapping[int, int] | None = None,
    ) -> None:
        self._text = text
        self._path = path
        self._positions = positions
        self._cell = cell
        self._shifts = shifts or {}

    def with_shifts(self, shifts: Mapping[int, int]) -> _CellLocator:
        """The same mapping for Python whose lines lost ``shifts`` leading columns."""
        return _CellLocator(self._text, self._path, self._positions, self._cell, shifts)

    def __call__(self, line: int, column: int) -> Location:
        offsets = self._cell.line_offsets
        column += self._shifts.get(line - 1, 0)
        if 0 < line <= len(offsets):
            offset = notebook.advance(self._text, offsets[line - 1], column)
        else:
            offset = self._cell.start
        return Location(self._path, *self._positions.line_column(offset))


def _scan_cell(cell: notebook.Cell, locate: _CellLocator) -> CodeScan:
    code = notebook.cell_code(cell.lines)
    shell = tuple(_shell_entry(found, locate) for found in code.shell)
    locate = locate.with_shifts(code.shifts)
    python_lines = _physical_lines(code.python)
    # Cells are small and often unfinished: the full parse reports their syntax errors exactly.
    outcome = _scan_source_ast(code.python, python_lines)
    if isinstance(outcome, _Failure):
        message = outcome.message.replace(
            "cannot parse Python:", f"cannot parse Python in cell {cell.number}:"
        )
        location = locate(outcome.line, max(outcome.column - 1, 0))
        return CodeScan(problems=(ParseProblem(location, message),), shell=shell)
    return CodeScan(
        imports=tuple(_imports(outcome, python_lines, locate)),
        strings=frozenset(outcome.strings),
        shell=shell + tuple((text, locate(line, col)) for text, line, col in outcome.shell),
    )


def _shell_entry(found: notebook.ShellLines, locate: _CellLocator) -> tuple[str, Location]:
    """Shell text and its origin. When its lines sit on consecutive file lines (a pretty-printed
    notebook) each is indented to its column in the file, so every word's position is exact."""
    starts = [locate(found.first_line + index + 1, 0) for index in range(len(found.lines))]
    first = locate(found.first_line + 1, found.column)
    consecutive = all(start.line == first.line + index for index, start in enumerate(starts))
    if len(found.lines) == 1 or not consecutive:
        return "\n".join(found.lines), first
    padded = [
        " " * (start.column - 1) + line for start, line in zip(starts, found.lines, strict=True)
    ]
    return "\n".join(padded), Location(first.path, first.line, 1)
