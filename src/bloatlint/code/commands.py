"""Commands a project runs: packages it uses without importing them.

``uvicorn app:app`` in a Procfile, ``python -m pytest`` in CI, ``black`` as a pre-commit hook,
``jupyter lab`` in a README: each is a :class:`~bloatlint.model.CommandUse` at the exact line and
column of its command word. Every file read is also kept as a :class:`~bloatlint.model.SourceText`
for the evidence rules (pytest flags in ``setup.cfg``, Sphinx extensions in ``conf.py`` ...).

``dev`` marks where a command runs: False for what ships or serves (shell scripts, Procfile,
compose files, and the ``pyproject.toml``/``setup.cfg`` texts, which name entry points and build
backends), True for development only (Makefile, CI, tox, nox, pre-commit, READMEs and
CONTRIBUTING guides, and the other tool configuration texts).
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import yaml

from bloatlint import shell, yamlsafe
from bloatlint.model import CommandUse, Location, ManifestError, ParseProblem, SourceText

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from pathlib import Path


@dataclass(frozen=True)
class CommandScan:
    commands: tuple[CommandUse, ...] = ()
    texts: tuple[SourceText, ...] = ()
    problems: tuple[ParseProblem, ...] = ()


def scan_commands(root: Path, files: Iterable[str]) -> CommandScan:
    """Commands in every file of ``files`` (POSIX paths relative to ``root``) this module reads."""
    commands: list[CommandUse] = []
    texts: list[SourceText] = []
    problems: list[ParseProblem] = []
    for relative in files:
        source = _source_for(PurePosixPath(relative))
        if source is None or (source.sniff and not source.sniff(root / relative)):
            continue
        try:
            text = _read_text(root / relative, relative)
            texts.append(SourceText(relative, text, source.dev))
            commands.extend(source.read(text, relative, source.dev))
        except ManifestError as error:
            if not source.prose:
                problems.append(ParseProblem(error.location, error.message))
    return CommandScan(tuple(dict.fromkeys(commands)), tuple(texts), tuple(problems))


def commands_from_shell(text: str, origin: Location, dev: bool) -> list[CommandUse]:
    """Commands in shell ``text`` whose first character is at ``origin``.

    A word on the first row is at ``origin.column`` plus its column; later rows keep their own
    columns, so multi-line text must be laid out as in the file.
    """
    return [
        CommandUse(name, _shifted(origin, row, column), dev)
        for name, row, column in _shell_uses(text)
    ]


# --- from shell words to command names ---------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
# Shell builtins are never a package's command; leaving them out keeps the output readable.
_BUILTINS = frozenset(
    {
        *(".", ":", "[", "[[", "alias", "builtin", "cd", "declare", "echo", "eval", "exit"),
        *("export", "false", "hash", "let", "local", "popd", "printf", "pushd", "read"),
        *("readonly", "return", "set", "shift", "shopt", "source", "test", "trap", "true"),
        *("type", "ulimit", "umask", "unset", "wait"),
    }
)
_MODULE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _shifted(origin: Location, row: int, column: int) -> Location:
    if row == 0:
        return Location(origin.path, origin.line, origin.column + column)
    return Location(origin.path, origin.line + row, column + 1)


def _shell_uses(
    text: str, substitutions: Mapping[str, str] | None = None
) -> Iterator[tuple[str, int, int]]:
    """(name, row, column) of each command in ``text``; rows and columns 0-based."""
    for command in shell.parse_commands(text):
        argv = command.argv
        if substitutions:
            argv = tuple(substitutions.get(word, word) for word in argv)
        argv = tuple(_interpreter_variable(word) for word in argv)
        start = len(argv) - len(shell.unwrap(argv))
        if start >= len(argv):
            continue
        word = command.words[start]
        for name in command_names(argv[start:]):
            yield name, word.row, word.column
        script = _inline_script(argv[start:])
        if script is not None:
            yield from _inline_uses(text, command.words[start + script], substitutions)


# ``$PYTHON``, ``${PYTHON_BIN}``, ``$(VENV_PY)``: a variable named for the interpreter holds it,
# whatever its value (``$(shell command -v python3)``, an environment variable, a venv path).
_INTERPRETER_VARIABLE = re.compile(
    r"\$\{?(?:[A-Za-z0-9]+_)*PY(?:THON)?[0-9.]*(?:_[A-Za-z0-9]+)*(?:[:?=-][^}]*)?\}?", re.IGNORECASE
)


def _interpreter_variable(word: str) -> str:
    return "python" if _INTERPRETER_VARIABLE.fullmatch(word.strip("\"'")) else word


def _inline_uses(
    text: str, word: shell.Word, substitutions: Mapping[str, str] | None
) -> Iterator[tuple[str, int, int]]:
    """Commands in the script of ``sh -c 'script'``, positioned in the outer text."""
    rows = text.split("\n")
    line = rows[word.row] if word.row < len(rows) else ""
    opening = line[word.column : word.column + 1]
    quote = 2 if line.startswith("$'", word.column) else int(bool(opening) and opening in "'\"")
    for name, row, column in _shell_uses(word.text, substitutions):
        if row == 0:
            yield name, word.row, word.column + quote + column
        else:
            yield name, word.row + row, column


def command_names(argv: Sequence[str]) -> list[str]:
    """The names a command (already unwrapped) stands for: its executable's basename, ``-m mod``
    for ``python -m mod``, and ``jupyter`` with ``jupyter-<sub>`` for Jupyter subcommands."""
    executable = shell.executable(argv[0]) if argv else ""
    if not executable or "$" in executable or "`" in executable or executable[0] in "-{":
        return []
    if executable in _BUILTINS:
        return []
    names = [executable]
    module = shell.python_module(tuple(argv))
    if module and _MODULE_PATH.fullmatch(module):
        names.append(f"-m {module}")
    if executable == "jupyter" and len(argv) > 1 and re.fullmatch(r"[a-z][a-z0-9_-]*", argv[1]):
        names.append(f"jupyter-{argv[1]}")
    elif executable.startswith("jupyter-"):
        names.append("jupyter")
    return names


def _inline_script(argv: Sequence[str]) -> int | None:
    """Index of the script argument of ``bash -c 'script'`` (also ``sh -ec``, ``bash -lc``)."""
    if not argv or shell.executable(argv[0]) not in _SHELLS:
        return None
    for index in range(1, len(argv)):
        word = argv[index]
        if not word.startswith("-") or word.startswith("--"):
            return None
        if "c" in word[1:] and index + 1 < len(argv):
            return index + 1
    return None


def _argv_uses(elements: Sequence[tuple[str, Location]], dev: bool) -> list[CommandUse]:
    """Commands of an exec-form argument list (compose ``command: [...]``, nox ``session.run``)."""
    argv = tuple(text for text, _ in elements)
    start = len(argv) - len(shell.unwrap(argv))
    if start >= len(argv):
        return []
    location = elements[start][1]
    uses = [CommandUse(name, location, dev) for name in command_names(argv[start:])]
    script = _inline_script(argv[start:])
    if script is not None:
        text, origin = elements[start + script]
        uses.extend(commands_from_shell(text, origin, dev))
    return uses


# --- which files, and how to read them ---------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """How to read one kind of file; ``prose`` is documentation, read only for the commands it
    shows: one that cannot be decoded (a test fixture in Latin-1) proves nothing and breaks
    nothing, so it is skipped without a finding."""

    read: Callable[[str, str, bool], list[CommandUse]]
    dev: bool
    sniff: Callable[[Path], bool] | None = None
    prose: bool = False


def _read_text(path: Path, relative: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ManifestError(relative, 1, f"cannot read file: {error.strerror or error}") from None
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise ManifestError(relative, line, "cannot decode file: binary content (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ManifestError(relative, line, f"cannot decode file: {error.reason}") from None
    return text.replace("\r\n", "\n")


def _has_shell_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    if not head.startswith(b"#!"):
        return False
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    while words and (
        shell.executable(words[0]) == "env" or words[0].startswith("-") or "=" in words[0]
    ):
        words = words[1:]
    return bool(words) and shell.executable(words[0]) in _SHELLS


# --- shell scripts and Procfiles ---------------------------------------------------------------


def _shell_script(text: str, path: str, dev: bool) -> list[CommandUse]:
    return commands_from_shell(text, Location(path, 1, 1), dev)


_PROCESS_TYPE = re.compile(r"\s*[A-Za-z0-9_.-]+\s*:\s*")


def _procfile(text: str, path: str, dev: bool) -> list[CommandUse]:
    uses: list[CommandUse] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _PROCESS_TYPE.match(line)
        if match and not line.lstrip().startswith("#"):
            origin = Location(path, number, match.end() + 1)
            uses.extend(commands_from_shell(line[match.end() :], origin, dev))
    return uses


# --- Makefiles ---------------------------------------------------------------------------------

_MAKE_ASSIGNMENT = re.compile(
    r"(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|\?=|\+=|!=|=)\s*(.*)"
)
_MAKE_RULE = re.compile(r"[^\s#=:][^#=:]*::?(?!=)")
_MAKE_DIRECTIVES = ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include")


def _makefile(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    substitutions = _make_substitutions(lines)
    uses: list[CommandUse] = []
    in_rule = in_define = False
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if in_define:
            in_define = stripped != "endef"
        elif line.startswith("\t") and in_rule:
            recipe = _continued(lines, index)
            uses.extend(_recipe_uses(lines, recipe, path, dev, substitutions))
            index = recipe[-1]
        elif stripped and not stripped.startswith("#") and not line.startswith("\t"):
            first_word = stripped.split(maxsplit=1)[0]
            in_define = first_word == "define"
            if first_word not in _MAKE_DIRECTIVES:
                in_rule = not _MAKE_ASSIGNMENT.fullmatch(line) and bool(_MAKE_RULE.match(line))
            index = _continued(lines, index)[-1]
        index += 1
    return uses


def _continued(lines: list[str], index: int) -> list[int]:
    """The line ``index`` and the lines a trailing backslash joins to it."""
    block = [index]
    while lines[block[-1]].endswith("\\") and block[-1] + 1 < len(lines):
        block.append(block[-1] + 1)
    return block


def _make_substitutions(lines: list[str]) -> dict[str, str]:
    """``${PYTHON}`` → ``python3`` for ``PYTHON ?= python3``: an interpreter chosen by a variable
    is still Python, and ``$(PYTHON) -m pytest`` still runs pytest."""
    found = {"${MAKE}": "make"}
    for line in lines:
        match = _MAKE_ASSIGNMENT.fullmatch(line)
        if match and match.group(2) not in {"+=", "!="}:
            value = match.group(3).split("#", 1)[0].split()
            if len(value) == 1:
                found["${" + match.group(1) + "}"] = _make_to_shell(value[0], [])[0]
    return found


def _recipe_uses(
    lines: list[str], block: list[int], path: str, dev: bool, substitutions: dict[str, str]
) -> list[CommandUse]:
    start = 1 if lines[block[0]].startswith("\t") else 0
    while start < len(lines[block[0]]) and lines[block[0]][start] in "@-+ \t":
        start += 1  # make's echo/ignore/always prefixes
    # make drops one leading tab from each continuation line before the shell sees it
    segments = [
        (block[0], start),
        *((index, int(lines[index].startswith("\t"))) for index in block[1:]),
    ]
    text, places = _make_to_shell(*_placed_text(lines, segments))
    return _placed_uses(text, places, path, dev, substitutions)


Places = list[tuple[int, int]]


def _placed_text(lines: list[str], segments: list[tuple[int, int]]) -> tuple[str, Places]:
    """The file lines from the given 0-based (line, column) starts joined into one text, with
    each character's 1-based (line, column) in the file, so rewriting the text keeps positions."""
    chars: list[str] = []
    places: Places = []
    for index, start in segments:
        line = lines[index]
        chars.extend(line[start:])
        places.extend((index + 1, column + 1) for column in range(start, len(line)))
        chars.append("\n")
        places.append((index + 1, len(line) + 1))
    return "".join(chars), places


def _placed_uses(
    text: str, places: Places, path: str, dev: bool, substitutions: Mapping[str, str]
) -> list[CommandUse]:
    row_starts = [0, *(offset + 1 for offset, char in enumerate(text) if char == "\n")]
    uses = []
    for name, row, column in _shell_uses(text, substitutions):
        line_number, column_number = places[row_starts[row] + column]
        uses.append(CommandUse(name, Location(path, line_number, column_number), dev))
    return uses


def _make_to_shell(text: str, places: Places) -> tuple[str, Places]:
    """Make syntax in a recipe → shell syntax, keeping each character's file position.

    ``$$`` is a shell ``$``; ``$(shell cmd)`` runs ``cmd``; any other ``$(...)`` is a make
    variable or function, written ``${...}`` so the shell parser sees an expansion, not a command.
    """
    out: list[str] = []
    out_places: Places = []
    closers: list[str] = []
    index = 0
    while index < len(text):
        char, skip = text[index], 1
        if text.startswith("$$", index):
            skip = 2
        elif text.startswith("$(shell ", index):
            char, skip = "$(", 8
            closers.append(")")
        elif text.startswith("$(", index):
            char, skip = "${", 2
            closers.append("}")
        elif char == "(":
            closers.append(")")
        elif char == ")" and closers:
            char = closers.pop()
        out.append(char)
        place = places[index] if index < len(places) else (0, 0)
        out_places.extend([place] * len(char))
        index += skip
    return "".join(out), out_places


# --- YAML: compose, GitHub workflows, GitLab CI, pre-commit ------------------------------------


def _yaml_documents(text: str, path: str) -> list[yaml.Node]:
    try:
        return [node for node in yamlsafe.compose_all(text) if node]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise ManifestError(path, line, f"cannot parse YAML: {problem}", column) from None
    except yaml.YAMLError as error:
        raise ManifestError(path, 1, f"cannot parse YAML: {error}") from None


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping, also when it comes through a ``<<: *anchor`` merge."""
    if not isinstance(node, yaml.MappingNode):
        return None
    merged: list[yaml.Node] = []
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value if isinstance(value, yaml.Node) else None
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":merge"):
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
    return next((found for base in merged if (found := _value(base, key)) is not None), None)


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _scalar_text(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def _scalar_start(node: yaml.ScalarNode, path: str) -> Location:
    quoted = 1 if node.style in {'"', "'"} else 0
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1 + quoted)


def _scalar_uses(node: yaml.Node, path: str, dev: bool, lines: list[str]) -> list[CommandUse]:
    """Commands in a YAML string. A block scalar (``run: |``) starts on the next line, indented:
    its lines are laid out at their file columns so each word's position is exact."""
    text = _scalar_text(node)
    if text is None or not isinstance(node, yaml.ScalarNode):
        return []
    if node.style not in {"|", ">"}:
        return commands_from_shell(text, _scalar_start(node, path), dev)
    first = node.start_mark.line + 1  # 0-based line of the block's first content line
    content = (line for line in lines[first:] if line.strip())
    indent = next((len(line) - len(line.lstrip(" ")) for line in content), 0)
    padded = "\n".join(" " * indent + line for line in text.split("\n"))
    return commands_from_shell(padded, Location(path, first + 1, 1), dev)


def _command_node_uses(node: yaml.Node, path: str, dev: bool, lines: list[str]) -> list[CommandUse]:
    """A compose ``command``/``entrypoint``: a shell string or an exec-form list."""
    if isinstance(node, yaml.SequenceNode):
        elements = [
            (text, _scalar_start(item, path))
            for item in node.value
            if (text := _scalar_text(item)) is not None
        ]
        return _argv_uses(elements, dev) if len(elements) == len(node.value) else []
    return _scalar_uses(node, path, dev, lines)


def _compose(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    uses: list[CommandUse] = []
    for document in _yaml_documents(text, path):
        # Version 1 compose files have the services at the top level.
        services = _value(document, "services") or document
        for service in _items(services):
            for key in ("entrypoint", "command"):
                node = _value(service, key)
                if node is not None:
                    uses.extend(_command_node_uses(node, path, dev, lines))
    return uses


_NOT_SHELL = frozenset({"python", "pwsh", "powershell", "cmd"})


def _github_workflow(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    uses: list[CommandUse] = []
    for document in _yaml_documents(text, path):
        for job in _items(_value(document, "jobs")):
            for step in _items(_value(job, "steps")):
                run = _value(step, "run")
                step_shell = (_scalar_text(_value(step, "shell")) or "bash").split()
                if run is not None and step_shell[:1] != [] and step_shell[0] in _NOT_SHELL:
                    continue
                if run is not None:
                    uses.extend(_scalar_uses(run, path, dev, lines))
    return uses


_GITLAB_SCRIPTS = ("before_script", "script", "after_script")


def _gitlab_ci(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    uses: list[CommandUse] = []
    for document in _yaml_documents(text, path):
        scripts = [_value(document, key) for key in _GITLAB_SCRIPTS]
        for job in _items(document):
            scripts.extend(_value(job, key) for key in _GITLAB_SCRIPTS)
        for script in scripts:
            uses.extend(_gitlab_script(script, path, dev, lines))
    return uses


def _gitlab_script(
    node: yaml.Node | None, path: str, dev: bool, lines: list[str]
) -> list[CommandUse]:
    if isinstance(node, yaml.SequenceNode):  # lists may nest through !reference
        return [use for item in node.value for use in _gitlab_script(item, path, dev, lines)]
    if isinstance(node, yaml.ScalarNode):
        return _scalar_uses(node, path, dev, lines)
    return []


def _pre_commit(text: str, path: str, dev: bool) -> list[CommandUse]:
    """Every hook id names its tool (black, ruff, mypy ...); a local hook's entry is a command."""
    lines = text.split("\n")
    uses: list[CommandUse] = []
    for document in _yaml_documents(text, path):
        for repo in _items(_value(document, "repos")):
            local = _scalar_text(_value(repo, "repo")) == "local"
            for hook in _items(_value(repo, "hooks")):
                hook_id = _value(hook, "id")
                if isinstance(hook_id, yaml.ScalarNode) and hook_id.value:
                    uses.append(CommandUse(hook_id.value, _scalar_start(hook_id, path), dev))
                entry = _value(hook, "entry")
                if local and entry is not None:
                    uses.extend(_scalar_uses(entry, path, dev, lines))
    return uses


# --- tox and nox -------------------------------------------------------------------------------

_TOX_COMMANDS = re.compile(r"(commands(?:_pre|_post)?)\s*[=:]\s*")
_TOX_PREFIX = re.compile(r"\s*(?:[\w!.-]+(?:,[\w!.-]+)*:\s+)?-?\s*")
_TOX_SUBSTITUTIONS = {"${envpython}": "python", "${env_python}": "python"}


def _tox_ini(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    uses: list[CommandUse] = []
    section = ""
    for index, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip().strip("[]")
            continue
        key = _TOX_COMMANDS.match(line)
        if key and section.startswith("testenv"):
            values = [(index, key.end()), *_tox_continuations(lines, index + 1)]
            uses.extend(_tox_commands(lines, values, path, dev))
    return uses


def _tox_continuations(lines: list[str], index: int) -> Iterator[tuple[int, int]]:
    """Indented lines that continue an ini value (blank lines and comments in between)."""
    while index < len(lines):
        line = lines[index]
        if line.strip() and not line[:1].isspace():
            return
        if line.strip() and not line.lstrip().startswith("#"):
            yield index, 0
        index += 1


def _tox_commands(
    lines: list[str], values: list[tuple[int, int]], path: str, dev: bool
) -> list[CommandUse]:
    uses: list[CommandUse] = []
    group: list[tuple[int, int]] = []
    for position, (index, start) in enumerate(values):
        line = lines[index]
        if not group:  # a command's first line may carry a factor condition and a "-"
            prefix = _TOX_PREFIX.match(line, start)
            start = prefix.end() if prefix else start
        group.append((index, start))
        continued = line.endswith("\\") and position + 1 < len(values)
        if not continued or values[position + 1][0] != index + 1:
            text, places = _tox_to_shell(*_placed_text(lines, group))
            uses.extend(_placed_uses(text, places, path, dev, _TOX_SUBSTITUTIONS))
            group = []
    return uses


def _tox_to_shell(text: str, places: Places) -> tuple[str, Places]:
    """tox's ``{envpython}``/``{posargs}`` → ``${envpython}``: an expansion, not a brace group."""
    out: list[str] = []
    out_places: Places = []
    for char, place in zip(text, places, strict=True):
        out.append("${" if char == "{" else char)
        out_places.extend([place] * len(out[-1]))
    return "".join(out), out_places


_NOX_RUNS = frozenset({"run", "run_always", "run_install"})


def _noxfile(text: str, path: str, dev: bool) -> list[CommandUse]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as error:
        message = f"cannot parse Python: {error.msg}"
        raise ManifestError(path, error.lineno or 1, message, error.offset or 1) from None
    lines = text.split("\n")
    uses: list[CommandUse] = []
    for node in ast.walk(tree):
        callee = node.func if isinstance(node, ast.Call) else None
        if (
            isinstance(node, ast.Call)
            and isinstance(callee, ast.Attribute)
            and callee.attr in _NOX_RUNS
        ):
            uses.extend(_argv_uses(_nox_arguments(node, path, lines), dev))
    return sorted(uses, key=lambda use: use.location)


def _nox_arguments(call: ast.Call, path: str, lines: list[str]) -> list[tuple[str, Location]]:
    """Leading literal arguments of ``session.run(...)``, also ``*"pytest -q".split()``."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Starred) and isinstance(first.value, ast.Call):
        split = first.value.func
        if isinstance(split, ast.Attribute) and split.attr == "split":
            literal = split.value
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                start = _string_start(literal, path, lines)
                words = re.finditer(r"\S+", literal.value)
                return [(word.group(), _shifted(start, 0, word.start())) for word in words]
    elements: list[tuple[str, Location]] = []
    for argument in call.args:
        if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
            break
        elements.append((argument.value, _string_start(argument, path, lines)))
    return elements


def _string_start(node: ast.expr, path: str, lines: list[str]) -> Location:
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    column = len(
        line.encode("utf-8", "surrogatepass")[: node.col_offset].decode("utf-8", "replace")
    )
    opening = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\"|'|\")").match(line, column)
    return Location(path, node.lineno, (opening.end() if opening else column) + 1)


# Markdown whose shell blocks tell people what to run: README.md, CONTRIBUTING.md (``ufmt
# format``), DEVELOPMENT.md and INSTALL.md anywhere, and any other Markdown file (USAGE.md,
# assets/advanced.md) outside a documentation site's tree, whose pages describe every option.
_GUIDES = ("readme", "contributing", "development", "install")
_DOC_TREES = frozenset({"docs", "doc", "documentation", "site", "website", "blog"})

# --- README code blocks ------------------------------------------------------------------------

_FENCE = re.compile(r"(\s*)(`{3,}|~{3,})\s*\{?\.?([\w+-]*)")
_SCRIPT_TAGS = frozenset({"bash", "sh", "shell", "zsh"})
_SESSION_TAGS = frozenset(
    {"console", "shell-session", "shellsession", "sh-session", "terminal", ""}
)
_PROMPT = re.compile(r"(\s*)(?:\([\w.-]+\)\s*)?[$>]\s")


def _readme(text: str, path: str, dev: bool) -> list[CommandUse]:
    lines = text.split("\n")
    uses: list[CommandUse] = []
    spans = PurePosixPath(path).name.lower().startswith(_CONTRIBUTOR_GUIDES)
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            if spans:
                uses.extend(_inline_commands(lines[index], Location(path, index + 1, 1), dev))
            index += 1
            continue
        end = _fence_end(lines, index + 1, fence.group(2))
        tag = fence.group(3).lower()
        if tag in _SCRIPT_TAGS or tag in _SESSION_TAGS:
            block = _shell_block(lines[index + 1 : end], prompted_only=tag in _SESSION_TAGS)
            uses.extend(commands_from_shell(block, Location(path, index + 2, 1), dev))
        index = end + 1
    return uses


# A contributors' guide names its commands in running text ("lint with `ufmt format`"); a
# span with arguments is taken for a command there, a lone word (`torch`) is not.
_CONTRIBUTOR_GUIDES = ("contributing", "development")
_INLINE_COMMAND = re.compile(r"`([a-z][\w.-]*[ \t][^`\n]+)`")


def _inline_commands(line: str, origin: Location, dev: bool) -> list[CommandUse]:
    uses: list[CommandUse] = []
    for span in _INLINE_COMMAND.finditer(line):
        shell = " " * span.start(1) + span.group(1)  # keeps the columns of the line
        uses.extend(commands_from_shell(shell, origin, dev))
    return uses


def _fence_end(lines: list[str], index: int, fence: str) -> int:
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith(fence) and not stripped.strip(fence[0]):
            return index
        index += 1
    return index


def _shell_block(lines: list[str], *, prompted_only: bool) -> str:
    """The block's shell text with prompts blanked (columns unchanged); in a console session
    only prompted lines (and their continuations) are commands, the rest is output."""
    kept: list[str] = []
    continues = False
    for line in lines:
        prompt = _PROMPT.match(line)
        if prompt:
            line = " " * prompt.end() + line[prompt.end() :]
        keep = not prompted_only or prompt is not None or continues
        kept.append(line if keep else "")
        continues = keep and line.endswith("\\")
    return "\n".join(kept)


# --- the table ---------------------------------------------------------------------------------


def _text_only(text: str, path: str, dev: bool) -> list[CommandUse]:
    return []


_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
_PRE_COMMIT = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml"})
_GITLAB_CI = frozenset({".gitlab-ci.yml", ".gitlab-ci.yaml"})
_YAML = frozenset({".yml", ".yaml"})
_TEXT_ONLY_DEV = frozenset(
    {"tox.ini", "pytest.ini", ".flake8", "conf.py", "mkdocs.yml", "mkdocs.yaml"}
)
_TEXT_ONLY_RUNTIME = frozenset({"pyproject.toml", "setup.cfg"})


def _source_for(path: PurePosixPath) -> _Source | None:
    """How to read a file, by its path only; the first match wins."""
    name, suffix = path.name, path.suffix.lower()
    if name in _MAKEFILES or suffix == ".mk":
        return _Source(_makefile, dev=True)
    if name == "Procfile":
        return _Source(_procfile, dev=False)
    if name in _PRE_COMMIT:
        return _Source(_pre_commit, dev=True)
    if name in _GITLAB_CI:
        return _Source(_gitlab_ci, dev=True)
    if suffix in _YAML and path.parent.parts[-2:] == (".github", "workflows"):
        return _Source(_github_workflow, dev=True)
    if suffix in _YAML and "compose" in name.lower():
        return _Source(_compose, dev=False)
    if name == "tox.ini":
        return _Source(_tox_ini, dev=True)
    if name == "noxfile.py":
        return _Source(_noxfile, dev=True)
    if suffix in {".sh", ".bash"}:
        return _Source(_shell_script, dev=False)
    if suffix == ".md" and (
        name.lower().startswith(_GUIDES) or not _DOC_TREES.intersection(path.parent.parts)
    ):
        return _Source(_readme, dev=True, prose=True)
    if name in _TEXT_ONLY_DEV or name in _TEXT_ONLY_RUNTIME:
        return _Source(_text_only, dev=name in _TEXT_ONLY_DEV)
    if not suffix and not name.startswith("."):
        return _Source(_shell_script, dev=False, sniff=_has_shell_shebang)
    return None
