"""System package managers as the container rules read them (a helper module: no ``RULE``):
``apt-get``/``apt``, ``apk``, ``dnf``/``yum``/``microdnf``; what a call installs or removes,
and the shell commands that delete a folder (``rm -rf /var/lib/apt/lists/*``)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from bloatlint.manifests.dockerfile import CommandWord, ShellCommand
from bloatlint.shell import executable

_FAMILY = {
    "apt-get": "apt", "apt": "apt", "apk": "apk",
    "dnf": "rpm", "yum": "rpm", "microdnf": "rpm", "tdnf": "rpm",
}  # fmt: skip
_INSTALL = {"apt": frozenset({"install"}), "apk": frozenset({"add"}), "rpm": frozenset({"install"})}
_REMOVE = {
    "apt": frozenset({"remove", "purge", "autoremove"}),
    "apk": frozenset({"del"}),
    "rpm": frozenset({"remove", "erase", "autoremove"}),
}
# Options whose value is the next word.
_VALUED = {
    "apt": frozenset(
        {"-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file"}
    ),
    "apk": frozenset(
        {
            "-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir",
            "--keys-dir", "--repositories-file",
        }
    ),
    "rpm": frozenset(
        {
            "--setopt", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "-x",
            "--exclude", "-c", "--config", "--repo", "--repoid", "--forcearch", "-R", "-d", "-e",
        }
    ),
}  # fmt: skip
# apk's virtual packages (``.build-deps``) may start with a dot
_PACKAGE_NAME = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9+._*?\[\]-]*")


@dataclass(frozen=True)
class NativeCall:
    """One system package manager call: ``word`` is the tool's word, ``action`` its
    subcommand, ``args`` the words after the tool."""

    tool: str
    family: str
    word: CommandWord
    action: str
    args: tuple[CommandWord, ...]

    @property
    def installs(self) -> bool:
        return self.action in _INSTALL[self.family]

    @property
    def removes(self) -> bool:
        return self.action in _REMOVE[self.family]

    def has_flag(self, *names: str) -> bool:
        return any(word.text.split("=", 1)[0] in names for word in self.args)

    def values(self, *names: str) -> tuple[str, ...]:
        texts = [word.text for word in self.args]
        found: list[str] = []
        for index, text in enumerate(texts):
            name, equals, value = text.partition("=")
            if equals and name in names:
                found.append(value)
            elif text in names and index + 1 < len(texts):
                found.append(texts[index + 1])
        return tuple(found)

    def packages(self) -> tuple[tuple[str, CommandWord], ...]:
        """(package name, its word) for each package operand: versions (``=1.2``), releases
        (``/bookworm``) and architectures (``:amd64``) stripped; files and URLs left out."""
        found: list[tuple[str, CommandWord]] = []
        skip = False
        valued = _VALUED[self.family]
        for word in self.args[self._action_index() + 1 :]:
            text = word.text
            if skip:
                skip = False
            elif text.startswith("-"):
                skip = text in valued
            elif not text.startswith(("./", "../", "/", "$")) and "://" not in text:
                match = _PACKAGE_NAME.match(text)
                if match:
                    found.append((re.split(r"[=<>~:/]", match.group())[0], word))
        return tuple(found)

    def _action_index(self) -> int:
        for index, word in enumerate(self.args):
            if word.text == self.action:
                return index
        return -1


def native_call(command: ShellCommand) -> NativeCall | None:
    """The package manager call ``command`` (unwrapped) makes, or None."""
    if not command.words:
        return None
    tool = executable(command.words[0].text)
    family = _FAMILY.get(tool)
    if family is None:
        return None
    args = command.words[1:]
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in _VALUED[family]
        else:
            return NativeCall(tool, family, command.words[0], word.text, args)
    return None


# --- what a later command takes away -------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """What the commands after an install remove: package names or globs, apk virtual
    packages, and whether everything marked automatic is purged (``apt-mark auto`` followed by
    ``apt-get purge --auto-remove`` or ``autoremove``)."""

    names: tuple[str, ...] = ()
    everything_auto: bool = False

    def removes(self, package: str, virtual: Iterable[str] = ()) -> bool:
        if self.everything_auto:
            return True
        candidates = (package, *virtual)
        return any(fnmatchcase(name, pattern) for name in candidates for pattern in self.names)


def removal(commands: Iterable[ShellCommand]) -> Removal:
    names: list[str] = []
    marked_auto = everything = False
    for command in commands:
        argv = command.argv
        if argv and executable(argv[0]) == "apt-mark" and "auto" in argv:
            marked_auto = True
        call = native_call(command)
        if call is None or not call.removes:
            continue
        names.extend(name for name, _ in call.packages())
        if marked_auto and (
            call.action == "autoremove" or call.has_flag("--auto-remove", "--autoremove")
        ):
            everything = True
    return Removal(tuple(names), everything)


# --- commands that delete folders -----------------------------------------------------------------


def deleted_paths(commands: Iterable[ShellCommand], home: str = "/root") -> tuple[str, ...]:
    """Absolute paths ``rm`` deletes (``/x/*`` as ``/x``; ``~`` and ``$HOME`` expanded to
    ``home``) and the folders ``find DIR ... -delete`` empties."""
    found: list[str] = []
    for command in commands:
        argv = command.argv
        if not argv:
            continue
        name = executable(argv[0])
        if name == "rm":
            found.extend(_expand(arg, home) for arg in argv[1:] if not arg.startswith("-"))
        elif name == "find" and len(argv) > 1 and ("-delete" in argv or "rm" in argv):
            found.append(_expand(argv[1], home))
    return tuple(path for path in found if path)


def _expand(arg: str, home: str) -> str:
    arg = arg.replace("${HOME}", home).replace("$HOME", home)
    if arg.startswith("~"):
        arg = home + arg[1:]
    if not arg.startswith("/"):
        return ""
    while arg.endswith(("/*", "/.*", "/")) and len(arg) > 1:
        arg = arg.removesuffix("/*").removesuffix("/.*").rstrip("/") or "/"
    return posixpath.normpath(arg)


def deletes(paths: Iterable[str], folder: str) -> bool:
    """Whether deleting ``paths`` removes ``folder`` (or everything in it)."""
    for path in paths:
        if folder == path or folder.startswith(path.rstrip("/") + "/"):
            return True
        if any(char in path for char in "*?[") and fnmatchcase(folder, path):
            return True
    return False
