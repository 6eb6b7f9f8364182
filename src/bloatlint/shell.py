"""Shell command lines, parsed with tree-sitter-bash into simple commands with positions.

Used wherever a project states commands: Dockerfile RUN/CMD/ENTRYPOINT, shell scripts,
Makefile recipes, CI steps, README code blocks. Only the structure matters here (which words
form one simple command, and where each word starts); nothing is expanded or executed.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tree_sitter
import tree_sitter_bash

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Word:
    """One shell word with quotes removed; ``row`` and ``column`` are 0-based in the text."""

    text: str
    row: int
    column: int


@dataclass(frozen=True)
class SimpleCommand:
    """A simple command: ``words[0]`` is the executable as written.

    ``assignments`` are the ``VAR=value`` prefixes; ``redirect_targets`` the files the
    command reads from or writes to.
    """

    words: tuple[Word, ...]
    assignments: tuple[tuple[str, str], ...] = ()

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.words)


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


def parse_commands(text: str) -> list[SimpleCommand]:
    """Every simple command in ``text`` (including those inside ``$(...)``), in source order."""
    source = text.encode("utf-8", "surrogateescape")
    tree = _parser().parse(source)
    return list(_commands(tree.root_node, source))


def _commands(node: tree_sitter.Node, source: bytes) -> Iterator[SimpleCommand]:
    if node.type == "command":
        command = _simple_command(node, source)
        if command.words:
            yield command
    for child in node.children:
        yield from _commands(child, source)


def _column(node: tree_sitter.Node, source: bytes) -> int:
    """tree-sitter counts columns in UTF-8 bytes; callers index characters."""
    byte_column = node.start_point[1]
    line_start = node.start_byte - byte_column
    return len(source[line_start : node.start_byte].decode("utf-8", "surrogateescape"))


def _simple_command(node: tree_sitter.Node, source: bytes) -> SimpleCommand:
    words: list[Word] = []
    assignments: list[tuple[str, str]] = []
    for child in node.children:
        if child.type == "variable_assignment":
            name, _, value = _node_text(child).partition("=")
            assignments.append((name, _unquote(value)))
        elif child.type == "command_name" or child.type in _WORD_TYPES:
            words.append(Word(_word_text(child), child.start_point[0], _column(child, source)))
    words.extend(
        Word(_word_text(extra), extra.start_point[0], _column(extra, source))
        for extra in _words_after_redirect(node)
    )
    return SimpleCommand(tuple(words), tuple(assignments))


def _words_after_redirect(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """tree-sitter-bash gives ``cmd a >log b c`` the destinations ``log b c``; bash redirects to
    ``log`` only, and ``b c`` are arguments of ``cmd`` (``pip install torch>=2 numpy``). In
    ``x && cmd a >log b`` the redirect hangs on the list; its words belong to the last command."""
    redirects = [child for child in node.children if child.type == "file_redirect"]
    inner, parent = node, node.parent
    while parent is not None and parent.type in ("list", "pipeline"):
        if parent.named_children[-1].id != inner.id:
            break
        inner, parent = parent, parent.parent
    if parent is not None and parent.type == "redirected_statement":
        body = parent.child_by_field_name("body")
        if body is not None and body.id == inner.id:
            redirects += parent.children_by_field_name("redirect")
    for redirect in redirects:
        if redirect.type == "file_redirect":
            yield from redirect.children_by_field_name("destination")[1:]


_WORD_TYPES = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "ansi_c_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "number",
    }
)


def _node_text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogateescape")


def _word_text(node: tree_sitter.Node) -> str:
    if node.type == "command_name" and node.children:
        return _word_text(node.children[0])
    if node.type == "concatenation":
        return "".join(_word_text(child) for child in node.children)
    return _unquote(_node_text(node))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith("$'") and text.endswith("'"):
        return text[2:-1]
    return text.replace("\\\n", "")


# Launchers whose second word is a subcommand that runs the rest as a command (`uv run pytest`).
_WRAPPERS_WITH_SUBCOMMAND = {
    ("uv", "run"),
    ("poetry", "run"),
    ("pipenv", "run"),
    ("pdm", "run"),
    ("hatch", "run"),
    ("conda", "run"),
    ("mamba", "run"),
    ("micromamba", "run"),
    ("pixi", "run"),
    ("rye", "run"),
}
_WRAPPERS = frozenset(
    {
        "sudo",
        "env",
        "nohup",
        "exec",
        "time",
        "nice",
        "xvfb-run",
        "stdbuf",
        "command",
        "gosu",
        "tini",
        "dumb-init",
        "su-exec",
        "ionice",
        "chronic",
    }
)
_WRAPPER_OPTIONS_WITH_VALUE = frozenset(
    {
        "-n",
        "--name",
        "-p",
        "--prefix",
        "-u",
        "--user",
        "--with",
        "--env-file",
        "--project",
        "--directory",
        "-e",
        "--environment",
        "-s",
        "--server-args",
        "-g",
    }
)


def executable(word: str) -> str:
    """The command's name without its directory (``/opt/venv/bin/pip`` → ``pip``)."""
    return posixpath.basename(word)


def unwrap(argv: tuple[str, ...]) -> tuple[str, ...]:
    """Strip launchers (``sudo``, ``env X=1``, ``uv run``, ``conda run -n env``) off a command."""
    while argv:
        name = executable(argv[0])
        if name in _WRAPPERS:
            argv = _skip_options(argv[1:], assignments=name == "env")
        elif len(argv) > 1 and (name, argv[1]) in _WRAPPERS_WITH_SUBCOMMAND:
            argv = _skip_options(argv[2:], assignments=False)
        else:
            return argv
    return argv


def _skip_options(argv: tuple[str, ...], *, assignments: bool) -> tuple[str, ...]:
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return argv[index + 1 :]
        if word in _WRAPPER_OPTIONS_WITH_VALUE:
            index += 2
        elif word.startswith("-") or (assignments and "=" in word) or word.isdigit():
            index += 1
        else:
            break
    return argv[index:]


def is_python(word: str) -> bool:
    """``python``, ``python3``, ``python3.11``, ``/opt/venv/bin/python`` ..."""
    name = executable(word)
    return (
        name == "python"
        or (name.startswith("python") and name[6:].replace(".", "").isdigit())
        or name in {"py", "pypy", "pypy3"}
    )


def python_module(argv: tuple[str, ...]) -> str | None:
    """For ``python [-u ...] -m pkg.mod args``, the module ``pkg.mod``; otherwise None."""
    if not argv or not is_python(argv[0]):
        return None
    args = argv[1:]
    for index, word in enumerate(args):
        if word == "-m" and index + 1 < len(args):
            return args[index + 1]
        if word.startswith("-m") and len(word) > 2:
            return word[2:]
        if not word.startswith("-") or word in {"-c", "-"}:
            return None
    return None
