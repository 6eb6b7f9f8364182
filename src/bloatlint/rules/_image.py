"""What of a Dockerfile reaches the image, and where its words are written.

Shared by the container rules (a helper module: it has no ``RULE``). A stage's files reach the
image when the stage is the final one (or the configured ``target``), a stage the final one is
built ``FROM``, or a stage files are copied out of (``COPY --from``) into a part that reaches
the image. :func:`image_view` records, per stage, the paths that do: ``/`` for the final stage
and its parents, the copied sources for the others. ``RUN --mount=from=`` only reads a stage
and carries nothing into the image.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bloatlint.manifests.dockerfile import Dockerfile, Instruction, ShellCommand, Stage
from bloatlint.model import Location
from bloatlint.shell import executable

ROOT = "/"
_GLOB = re.compile(r"[*?\[]")


def absolute(base: str, path: str) -> str:
    """``path`` made absolute against ``base`` and normalised (``//x`` becomes ``/x``)."""
    joined = posixpath.normpath(posixpath.join(base or ROOT, path))
    return ROOT + joined.lstrip("/")


def _literal_part(path: str) -> str:
    """The folder a glob source starts from: ``/app/*.whl`` → ``/app``."""
    match = _GLOB.search(path)
    if match is None:
        return path
    return posixpath.dirname(path[: match.start()]) or ROOT


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def overlaps(first: str, second: str) -> bool:
    return _inside(first, second) or _inside(second, first)


@dataclass(frozen=True)
class ImageView:
    """A Dockerfile with, for each stage index, the paths of that stage that reach the image."""

    dockerfile: Dockerfile
    carried: Mapping[int, tuple[str, ...]]

    def stages(self) -> tuple[Stage, ...]:
        """Stages any of whose files reach the image."""
        return tuple(stage for stage in self.dockerfile.stages if self.carried.get(stage.index))

    def whole_stages(self) -> tuple[Stage, ...]:
        """Stages whose every file reaches the image: the final one and those under it."""
        return tuple(stage for stage in self.dockerfile.stages if self.whole(stage))

    def whole(self, stage: Stage) -> bool:
        return ROOT in self.carried.get(stage.index, ())

    def touches(self, stage: Stage, path: str) -> bool:
        """Some of ``path`` (a file or folder of ``stage``) reaches the image."""
        return any(overlaps(path, prefix) for prefix in self.carried.get(stage.index, ()))

    def covers(self, stage: Stage, path: str) -> bool:
        """All of ``path`` reaches the image."""
        return any(_inside(path, prefix) for prefix in self.carried.get(stage.index, ()))

    def lineage(self, stage: Stage) -> tuple[Stage, ...]:
        """``stage`` and the stages it is built ``FROM``, the one on the external image first."""
        chain = [stage]
        while chain[-1].parent is not None and chain[-1].parent not in {s.index for s in chain}:
            chain.append(self.dockerfile.stages[chain[-1].parent])
        return tuple(reversed(chain))

    def root_stage(self, stage: Stage) -> Stage:
        """The stage whose ``FROM`` names the external image under ``stage``."""
        return self.lineage(stage)[0]

    def before(self, stage: Stage, instruction: Instruction) -> Iterator[Instruction]:
        """The instructions that built the filesystem ``instruction`` runs on, and itself."""
        for item in self.lineage(stage):
            for earlier in item.instructions:
                yield earlier
                if earlier is instruction:
                    return

    def later_instructions(self, stage: Stage, instruction: Instruction) -> Iterator[Instruction]:
        """Instructions that run after ``instruction`` on top of its result: the rest of its
        stage, then the stages built ``FROM`` it that reach the image."""
        position = stage.instructions.index(instruction)
        yield from stage.instructions[position + 1 :]
        for later in self.dockerfile.stages[stage.index + 1 :]:
            if self.whole(later) and self._descends(later, stage):
                yield from later.instructions[1:]

    def _descends(self, stage: Stage, ancestor: Stage) -> bool:
        while stage.parent is not None and stage.parent >= ancestor.index:
            if stage.parent == ancestor.index:
                return True
            stage = self.dockerfile.stages[stage.parent]
        return False


def image_view(dockerfile: Dockerfile) -> ImageView:
    final = dockerfile.final_stage
    carried: dict[int, set[str]] = {stage.index: set() for stage in dockerfile.stages}
    if final is None:
        return ImageView(dockerfile, {})
    carried[final.index].add(ROOT)
    # A stage only builds on or copies from earlier stages, so one backward pass settles all.
    for stage in reversed(dockerfile.stages[: final.index + 1]):
        prefixes = carried[stage.index]
        if not prefixes:
            continue
        if stage.parent is not None:
            carried[stage.parent] |= prefixes
        for instruction in stage.of("COPY", "ADD"):
            _carry_copy(dockerfile, stage, instruction, prefixes, carried)
    return ImageView(dockerfile, {index: tuple(sorted(paths)) for index, paths in carried.items()})


def _carry_copy(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    prefixes: set[str],
    carried: dict[int, set[str]],
) -> None:
    origin = instruction.flag("from")
    source = dockerfile.stage(origin) if origin else None
    if source is None or source.index >= stage.index or instruction.destination is None:
        return
    destination = absolute(instruction.workdir, instruction.destination)
    if any(overlaps(destination, prefix) for prefix in prefixes):
        # sources of COPY --from are read from the root of the source stage
        carried[source.index] |= {
            absolute(ROOT, _literal_part(path)) for path in instruction.sources
        }


_DEV_WORDS = frozenset({"dev", "develop", "development", "devcontainer", ".devcontainer"})


def is_development_image(dockerfile: Dockerfile) -> bool:
    """A development container: under ``.devcontainer/``, a file named for development
    (``Dockerfile.dev``, ``dev.Dockerfile``; not ``devel``) or a final stage named so."""
    words = set(re.split(r"[./_-]", dockerfile.relative.lower()))
    final = dockerfile.final_stage
    if final is not None and final.name:
        words.add(final.name.lower())
    return bool(words & _DEV_WORDS)


# --- commands ---------------------------------------------------------------------------------


def commands(stage: Stage, keyword: str = "RUN") -> Iterator[tuple[Instruction, ShellCommand]]:
    """Each simple command of the stage's ``keyword`` instructions, launchers (``sudo``,
    ``env X=1``) stripped; heredoc scripts and exec form included."""
    for instruction in stage.of(keyword):
        for command in instruction.commands:
            unwrapped = command.unwrapped()
            if unwrapped.words:
                yield instruction, unwrapped


def name_of(command: ShellCommand) -> str:
    return executable(command.words[0].text) if command.words else ""


def variables_for(instruction: Instruction, command: ShellCommand) -> dict[str, str]:
    """The environment ``command`` runs with: ARG and ENV in effect, ``export X=1`` earlier in
    the same RUN, and ``X=1 cmd`` / ``env X=1 cmd`` prefixes."""
    found = dict(instruction.variables)
    for earlier in instruction.commands:
        argv = earlier.argv
        if earlier.words and earlier.words[-1].location == command.words[-1].location:
            found.update(earlier.assignments)
            found.update(_env_prefix(argv))
            break
        if argv and argv[0] == "export":
            found.update(_assignments(argv[1:]))
    return found


def _env_prefix(argv: tuple[str, ...]) -> dict[str, str]:
    if not argv or executable(argv[0]) != "env":
        return {}
    return _assignments(tuple(word for word in argv[1:] if not word.startswith("-")))


def _assignments(words: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals:
            break
        found[name] = value
    return found


def runs_after(instruction: Instruction, command: ShellCommand) -> tuple[ShellCommand, ...]:
    """The commands of ``instruction`` after ``command`` (unwrapped)."""
    unwrapped = [item.unwrapped() for item in instruction.commands]
    positions = [item.words[0].location for item in unwrapped if item.words]
    if not command.words or command.words[0].location not in positions:
        return ()
    start = positions.index(command.words[0].location) + 1
    return tuple(item for item in unwrapped if item.words)[start:]


# --- where arguments are written ----------------------------------------------------------------


def argument_locations(
    instruction: Instruction, escape: str = "\\"
) -> tuple[tuple[str, Location], ...]:
    """The words after the keyword and its ``--flags`` as written (quotes and exec-form
    brackets left out), each with where it starts: a COPY source, a FROM image."""
    found: list[tuple[str, Location]] = []
    lines = instruction.raw.split("\n")
    start = instruction.location
    in_flags = True
    for number, line in enumerate(lines):
        stripped = line.strip()
        if number and (not stripped or stripped.startswith("#")):
            continue
        offset = start.column - 1 + len(instruction.keyword) if number == 0 else 0
        continued = line.rstrip().endswith(escape)
        body = line.rstrip()[:-1] if continued else line
        for match in re.finditer(r"\S+", body[offset:]):
            token = match.group()
            if in_flags and token.startswith("--"):
                continue
            in_flags = False
            word, skipped = _bare(token)
            if word:
                column = offset + match.start() + skipped + 1
                found.append((word, Location(start.path, start.line + number, column)))
        if not continued:
            break
    return tuple(found)


def _bare(token: str) -> tuple[str, int]:
    """A token without exec-form punctuation and quotes, and how many characters led it."""
    lead = len(token) - len(token.lstrip("[\"'"))
    return token[lead:].rstrip("\",']"), lead


def from_image_location(stage: Stage, escape: str = "\\") -> Location:
    words = argument_locations(stage.instructions[0], escape)
    return words[0][1] if words else stage.location


def source_locations(
    instruction: Instruction, escape: str = "\\"
) -> tuple[tuple[str, Location], ...]:
    """COPY/ADD sources as written, each with its location (the destination left out)."""
    words = argument_locations(instruction, escape)
    return words[:-1]
