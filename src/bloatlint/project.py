"""Everything the rules look at, gathered once per run by the engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bloatlint.config import Config
from bloatlint.model import CommandUse, Declared, Import, Location, ParseProblem, SourceText

if TYPE_CHECKING:
    from bloatlint.code.first_party import FirstParty
    from bloatlint.manifests.dockerfile import Dockerfile
    from bloatlint.resolve.names import NameIndex


@dataclass(frozen=True)
class Project:
    """A parsed project: declarations, code facts and the knowledge to connect them.

    ``installed_by_stages`` maps a manifest to the Dockerfile stages that install it, as
    (Dockerfile path, stage label) pairs. ``dockerfiles`` are the full models of every
    Dockerfile (stages, instructions, shell commands) for the container rules; ``texts`` hold
    the raw text of configuration, scripts and CI files for evidence rules; code is not kept
    (``Analysis.code_lines`` reads and searches it); ``code_files`` are the code files in the
    project's order, ``code_digests`` the digest of each one's scan when the run keeps a
    cache (the scans themselves are not kept). ``strings`` are the module-like string
    constants found in code. ``own_names`` are the project's own distribution names,
    ``build_tools`` what its ``[build-system]`` requires, ``built_modules`` the top-level
    names of the extension modules its setup.py files compile (``autogptq_cuda_64``).
    ``absent_submodules`` are (folder, its ``path =`` line) of the submodules of ``.gitmodules``
    that a manifest installs and whose folder holds no file: code the checkout lacks
    (``git submodule update --init``).
    """

    root: Path
    files: tuple[str, ...]
    declared: tuple[Declared, ...]
    imports: tuple[Import, ...]
    commands: tuple[CommandUse, ...]
    strings: frozenset[str]
    texts: tuple[SourceText, ...]
    problems: tuple[ParseProblem, ...]
    first_party: FirstParty
    names: NameIndex
    config: Config = field(default_factory=Config)
    dockerfiles: tuple[Dockerfile, ...] = ()
    installed_by_stages: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    environment: str | None = None
    own_names: frozenset[str] = frozenset()
    build_tools: frozenset[str] = frozenset()
    built_modules: frozenset[str] = frozenset()
    code_files: tuple[str, ...] = ()
    code_digests: Mapping[str, str] = field(default_factory=dict)
    absent_submodules: tuple[tuple[str, Location], ...] = ()
