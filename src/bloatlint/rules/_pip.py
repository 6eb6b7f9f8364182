"""pip and uv command lines as the container rules read them (a helper module: no ``RULE``).

:func:`pip_call` recognises ``pip install``, ``pip3.11 install``, ``python -m pip install``,
``uv pip install``, ``uv sync``, ``uv add`` ... and gives the options and operands of the call;
:func:`cpu_index` says whether a call or its environment picks PyTorch's CPU wheels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bloatlint.manifests.dockerfile import CommandWord, ShellCommand
from bloatlint.shell import executable, python_module

_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
# Options whose value is the next word (when not written as --opt=value).
_VALUED = frozenset(
    {
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--cache-dir",
        "--trusted-host", "--python", "--platform", "--python-version", "--implementation",
        "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--root-user-action",
        "--report", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert",
        "--client-cert", "--config-settings", "-C", "--global-option", "--no-binary",
        "--only-binary", "--use-feature", "--index", "--default-index", "--torch-backend",
        "--directory", "--project", "--extra", "--group", "-p", "--index-strategy",
        "--resolution", "--prerelease", "--link-mode", "--python-platform", "--config-file",
        "--no-binary-package", "--only-binary-package", "--no-build-package", "--exclude-newer",
        "--package", "--only-group", "--no-group", "-P", "--upgrade-package",
        "--reinstall-package", "--keyring-provider", "--color", "--allow-insecure-host",
        "--build-constraints", "--overrides", "--constraints", "-e", "--editable",
    }
)  # fmt: skip
# uv's options that come before the subcommand and take a value
_UV_GLOBAL_VALUED = frozenset(
    {"--directory", "--project", "--cache-dir", "--python", "-p", "--config-file", "--color"}
)
_INDEX_OPTIONS = (
    "-i", "--index-url", "--extra-index-url", "--index", "--default-index", "-f", "--find-links",
)  # fmt: skip
_INDEX_VARIABLES = (
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_FIND_LINKS",
)  # fmt: skip


@dataclass(frozen=True)
class PipCall:
    """One pip or uv invocation. ``word`` is the ``pip`` (or ``uv``) word; ``action`` the
    subcommand (``install``, ``sync``, ``add`` ...; ``uv pip install`` is ``install`` with
    ``uv_pip``); ``args`` every word after ``word``."""

    tool: str
    word: CommandWord
    action: str
    args: tuple[CommandWord, ...]
    uv_pip: bool = False

    def has_flag(self, *names: str) -> bool:
        return any(word.text in names for word in self.args)

    def values(self, *names: str) -> tuple[str, ...]:
        """Values of ``--opt value``, ``--opt=value`` and ``-ovalue`` for the given options."""
        found: list[str] = []
        texts = [word.text for word in self.args]
        for index, text in enumerate(texts):
            name, equals, value = text.partition("=")
            if equals and name in names:
                found.append(value)
            elif text in names and index + 1 < len(texts):
                found.append(texts[index + 1])
            elif len(text) > 2 and text[:2] in names and not text.startswith("--"):
                found.append(text[2:])
        return tuple(found)

    def operands(self) -> tuple[CommandWord, ...]:
        """Words after the action that are neither options nor option values."""
        found: list[CommandWord] = []
        words = self.args[self._action_index() + 1 :]
        skip = False
        for word in words:
            text = word.text
            if skip:
                skip = False
            elif text.startswith("-"):
                skip = text in _VALUED
            else:
                found.append(word)
        return tuple(found)

    def _action_index(self) -> int:
        for index, word in enumerate(self.args):
            if word.text == self.action and not word.text.startswith("-"):
                return index
        return -1

    def requirement_files(self) -> tuple[str, ...]:
        return self.values("-r", "--requirement")


def pip_call(command: ShellCommand) -> PipCall | None:
    """The pip or uv call ``command`` makes (already unwrapped), or None."""
    words = command.words
    if not words:
        return None
    argv = command.argv
    name = executable(argv[0])
    module = python_module(argv)
    if _PIP.fullmatch(name) or module == "pip":
        tool_index = 0 if module is None else _module_word(argv)
        return _pip(words, tool_index)
    if name == "uv" or module == "uv":
        tool_index = 0 if module is None else _module_word(argv)
        return _uv(words, tool_index)
    return None


def _module_word(argv: tuple[str, ...]) -> int:
    """Index of the word naming the module in ``python -m pip`` (``-mpip`` is one word)."""
    index = next(i for i, arg in enumerate(argv) if arg.startswith("-m"))
    return index + 1 if argv[index] == "-m" else index


def _first_operand(words: tuple[CommandWord, ...], valued: frozenset[str]) -> str | None:
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in valued
        else:
            return word.text
    return None


def _pip(words: tuple[CommandWord, ...], index: int) -> PipCall | None:
    args = words[index + 1 :]
    action = _first_operand(args, _VALUED)
    return PipCall("pip", words[index], action, args) if action else None


def _uv(words: tuple[CommandWord, ...], index: int) -> PipCall | None:
    args = words[index + 1 :]
    subcommand = _first_operand(args, _UV_GLOBAL_VALUED)
    if subcommand is None:
        return None
    if subcommand == "pip":
        rest = args[[word.text for word in args].index("pip") + 1 :]
        action = _first_operand(rest, _VALUED)
        return PipCall("uv", words[index], action, args, uv_pip=True) if action else None
    if subcommand == "tool":
        rest = args[[word.text for word in args].index("tool") + 1 :]
        action = _first_operand(rest, _VALUED)
        return PipCall("uv", words[index], f"tool {action}", args) if action else None
    return PipCall("uv", words[index], subcommand, args)


def installs(call: PipCall) -> bool:
    """Whether the call downloads and installs packages (and so fills a cache)."""
    if call.tool == "pip":
        return call.action in ("install", "download", "wheel")
    return call.action in ("install", "sync", "add", "tool install", "run") or (
        call.uv_pip and call.action in ("install", "sync")
    )


def is_cpu_url(url: str) -> bool:
    """``https://download.pytorch.org/whl/cpu`` and the like: a path segment named ``cpu``."""
    path = urlsplit(url).path if "://" in url else url
    return any(
        segment == "cpu" or segment.startswith(("cpu-", "cpu_", "cpu."))
        for segment in path.split("/")
    )


def cpu_index(call: PipCall, variables: Mapping[str, str]) -> bool:
    """Whether the call takes PyTorch's CPU wheels: a CPU index or find-links URL given to it or
    set in its environment, or uv's ``--torch-backend cpu``."""
    urls = [*call.values(*_INDEX_OPTIONS), *(variables.get(name, "") for name in _INDEX_VARIABLES)]
    if any(is_cpu_url(part) for url in urls for part in url.split()):
        return True
    backend = [*call.values("--torch-backend"), variables.get("UV_TORCH_BACKEND", "")]
    return "cpu" in backend
