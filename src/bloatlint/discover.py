"""Walk a project tree the way a reviewer would look at it: skip version control, virtual
environments, caches, build output and whatever ``.gitignore`` ignores.

In a git work tree git itself lists the files (tracked ones, and untracked ones it does not
ignore), which is both faster and right about tracked files that a ``.gitignore`` pattern
matches; elsewhere the tree is walked and every ``.gitignore`` on the way applies.

Directory symlinks are not followed (they are how loops happen); file symlinks are kept and
their problems (dangling, looping) surface when the file is read.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pathspec

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".bloatlint_cache",
        ".ipynb_checkpoints",
        ".eggs",
        "site-packages",
        "build",
        "dist",
        ".idea",
        ".vscode",
        ".dvc",
    }
)


@dataclass(frozen=True)
class Tree:
    """The files of a project, as POSIX paths relative to ``root``, in a stable order."""

    root: Path
    files: tuple[str, ...]


def walk(root: Path, exclude: tuple[str, ...] = ()) -> Tree:
    excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    listed = _git_files(root)
    if listed is not None:
        spec = excluded if exclude else None
        found = [path for path in listed if _kept(str(root), path, spec)]
    else:
        found = []
        _walk_dir(root, "", [], excluded, found)
    found.sort()
    return Tree(root, tuple(found))


def _git_files(root: Path) -> list[str] | None:
    """Inside a git work tree, the files git tracks plus the untracked ones it does not
    ignore: a tracked file matching a ``.gitignore`` pattern is still part of the project."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    paths = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted(set(filter(None, paths)))


def _kept(root: str, relative: str, excluded: pathspec.GitIgnoreSpec | None) -> bool:
    # string paths and one lstat: a warm run on a large tree is mostly this loop
    parts = relative.split("/")
    if any(part in SKIPPED_DIRS for part in parts[:-1]):
        return False
    if excluded is not None and excluded.match_file(relative):
        return False
    folder = root
    for part in parts[:-1]:
        folder = os.path.join(folder, part)
        if _is_environment(folder):
            return False
    path = os.path.join(root, relative)
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False  # listed by git but deleted
    if stat.S_ISLNK(mode):
        return not os.path.isdir(path)  # a link to a folder is not followed
    return not stat.S_ISDIR(mode)


def _walk_dir(
    directory: Path,
    prefix: str,
    ignores: list[tuple[str, pathspec.GitIgnoreSpec]],
    excluded: pathspec.GitIgnoreSpec,
    found: list[str],
) -> None:
    ignores = [*ignores, *_gitignore(directory, prefix)]
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        relative = prefix + entry.name
        is_dir = _is_real_dir(entry)
        if _ignored(relative, is_dir, ignores) or excluded.match_file(
            relative + "/" if is_dir else relative
        ):
            continue
        if is_dir:
            if entry.name not in SKIPPED_DIRS and not _is_environment(entry.path):
                _walk_dir(Path(entry.path), relative + "/", ignores, excluded, found)
        elif entry.is_symlink() or _is_file(entry):
            found.append(relative)


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


@functools.lru_cache(maxsize=4096)
def _is_environment(path: str) -> bool:
    """A virtual environment or conda prefix, whatever its folder is called."""
    return os.path.exists(os.path.join(path, "pyvenv.cfg")) or os.path.isdir(
        os.path.join(path, "conda-meta")
    )


def _gitignore(directory: Path, prefix: str) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [(prefix, pathspec.GitIgnoreSpec.from_lines(lines.splitlines()))]


def _ignored(
    relative: str, is_dir: bool, ignores: list[tuple[str, pathspec.GitIgnoreSpec]]
) -> bool:
    for base, spec in ignores:
        inner = relative[len(base) :]
        if spec.match_file(inner + "/" if is_dir else inner):
            return True
    return False
