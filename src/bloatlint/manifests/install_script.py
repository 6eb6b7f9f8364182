"""Shell scripts that install packages: ``setup.sh``, ``install.sh``, ``scripts/env.sh``.

Many ML repositories state their environment only as a script of ``pip install`` and
``conda install`` lines, often with a branch per CUDA version. Every install command in a
``.sh``/``.bash`` file is read as the Dockerfile reader reads a RUN (pip, ``python -m pip``,
uv, conda/mamba, apt-get; ``-r FILE``; ``cd``), whichever branch it sits in: the first install
of each package is its declaration (the others are alternatives: a ``case`` per CUDA
version), at the package's own place. A script is usually run from the repository root
(``bash scripts/install.sh``), so a file it names is looked up there first, then beside the
script. A script under a development folder (``tests/``, ``.github/``) installs for
development. Nothing is executed.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from pathlib import Path, PurePosixPath

from bloatlint.manifests import ManifestFormat, relative_path
from bloatlint.manifests.dockerfile import CommandWord, InstallSite, ShellCommand, read_installs
from bloatlint.manifests.requirements import read_manifest_text
from bloatlint.model import Declared, Location, ParsedFile, Scope, is_dev_path
from bloatlint.shell import SimpleCommand, parse_commands

_SUFFIXES = (".sh", ".bash")
# A script without one of these words installs nothing; most scripts are skipped unparsed.
_INSTALLER = re.compile(r"\b(?:pip\d*(?:\.\d+)*|uv|conda|mamba|micromamba|apt-get|apt)\b")


def matches(relative: PurePosixPath) -> bool:
    return is_install_script(relative.as_posix())


def is_install_script(path: str) -> bool:
    """Whether a manifest path is a shell script (its declarations have no Dockerfile stage)."""
    return path.endswith(_SUFFIXES)


def parse(path: Path, root: Path) -> ParsedFile:
    relative = relative_path(path, root)
    text = read_manifest_text(path, relative)
    if "install" not in text or not _INSTALLER.search(text):
        return ParsedFile()
    lines = text.splitlines()
    commands = [_command(command, relative, lines) for command in parse_commands(text)]
    folder = PurePosixPath(relative).parent.as_posix()
    dev = is_dev_path(relative)
    site = InstallSite(
        find=lambda named: _find(root, folder, named),
        workdir=".",
        group="dev" if dev else "main",
        scope=Scope.DEV if dev else Scope.MAIN,
    )
    parsed = read_installs(commands, site)
    return dataclasses.replace(parsed, declared=_first_of_each(parsed.declared))


def _first_of_each(declared: tuple[Declared, ...]) -> tuple[Declared, ...]:
    """One declaration per package: a script installs a package again in another branch (a
    ``case`` per CUDA version), as an alternative rather than a second copy."""
    first: dict[str, Declared] = {}
    for item in declared:
        first.setdefault(item.name, item)
    return tuple(first.values())


def _command(command: SimpleCommand, relative: str, lines: list[str]) -> ShellCommand:
    words = tuple(
        CommandWord(word.text, word.text, _word_location(relative, lines, word.row, word.column))
        for word in command.words
    )
    return ShellCommand(words, command.assignments)


def _word_location(relative: str, lines: list[str], row: int, column: int) -> Location:
    """Where a word's text starts: after its opening quote, as for a Dockerfile's words."""
    line = lines[row] if row < len(lines) else ""
    if line[column : column + 1] in ("'", '"'):
        column += 1
    return Location(relative, row + 1, column + 1)


def _find(root: Path, folder: str, named: str) -> Path | None:
    """The repository file a relative path in the script names: from the root, where scripts
    are usually run, or else beside the script."""
    if named.startswith("/"):
        return None  # a path in the machine the script sets up, not in the repository
    for candidate in (named, posixpath.normpath(posixpath.join(folder, named))):
        if candidate != ".." and not candidate.startswith("../") and (root / candidate).is_file():
            return root / candidate
    return None


FORMAT = ManifestFormat("install-script", matches, parse)
