"""COPY and ADD instructions that take files from the build context into the image (a helper
module for BLT309 and BLT310: no ``RULE``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bloatlint.analysis import Analysis
from bloatlint.context import BuildContext, build_context
from bloatlint.manifests.dockerfile import Dockerfile, Instruction, Stage
from bloatlint.model import Location
from bloatlint.rules._image import ImageView, absolute, source_locations

_RELATIVE_PATH = re.compile(r"[\w.-]+/[\w./-]*[\w-]")


@dataclass(frozen=True)
class ContextCopy:
    """A COPY/ADD from the build context whose destination reaches the image; ``sources`` are
    the substituted sources with where each is written (heredocs and URLs left out)."""

    stage: Stage
    instruction: Instruction
    sources: tuple[tuple[str, Location], ...]


def context_copies(view: ImageView) -> Iterator[ContextCopy]:
    for stage in view.stages():
        for instruction in stage.of("COPY", "ADD"):
            if instruction.flag("from") or instruction.destination is None:
                continue
            if not view.touches(stage, absolute(instruction.workdir, instruction.destination)):
                continue
            sources = _located_sources(instruction, view.dockerfile.escape)
            if sources:
                yield ContextCopy(stage, instruction, sources)


def _located_sources(instruction: Instruction, escape: str) -> tuple[tuple[str, Location], ...]:
    written = source_locations(instruction, escape)
    sources = instruction.sources
    if len(written) != len(sources):  # a quoted source with spaces: point at the instruction
        written = tuple((source, instruction.location) for source in sources)
    return tuple(
        (source, location)
        for source, (_, location) in zip(sources, written, strict=True)
        if not source.startswith("<<") and "://" not in source
    )


def context_of(
    analysis: Analysis, dockerfile: Dockerfile, copies: list[ContextCopy]
) -> BuildContext:
    sources = [source for copy in copies for source, _ in copy.sources]
    project = analysis.project
    instructions = [item.raw for stage in dockerfile.stages for item in stage.instructions]
    return build_context(
        dockerfile.path,
        dockerfile.relative,
        [*sources, *_relative_paths(dockerfile)],
        project.root,
        project.files,
        instructions,
    )


def _relative_paths(dockerfile: Dockerfile) -> Iterator[str]:
    """Relative paths RUN commands name (``pip install -r requirements/prod.txt``): they tell
    which folder the build runs from as well as COPY sources do."""
    for stage in dockerfile.stages:
        for instruction in stage.of("RUN"):
            for command in instruction.commands:
                for word in command.words[1:]:
                    if _RELATIVE_PATH.fullmatch(word.text):
                        yield word.text
