"""Cog's ``cog.yaml``: the container Cog (Replicate) builds to serve a model.

Cog installs ``build.python_packages`` with pip, one requirement per item, and the file
``build.python_requirements`` names (relative to ``cog.yaml``) as ``pip install -r`` would;
both are read here, each item at its place in the YAML file. ``build.system_packages`` are
apt packages (no Python module, never "unused") and ``build.run`` holds shell commands Cog
runs while building; neither declares a Python package. ``predict: "predict.py:Predictor"``
names code the scan reads anyway.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

import yaml

from bloatlint.manifests import ManifestFormat, relative_path
from bloatlint.manifests.conda import read_pip_list, scalar_start, yaml_document
from bloatlint.manifests.requirements import read_manifest_text
from bloatlint.model import Location, ManifestError, ParsedFile, Reference, Scope


def matches(relative: PurePosixPath) -> bool:
    return relative.name in ("cog.yaml", "cog.yml")


def parse(path: Path, root: Path) -> ParsedFile:
    relative = relative_path(path, root)
    text = read_manifest_text(path, relative)
    build = _value(yaml_document(text, relative), "build")
    if build is None:
        return ParsedFile()
    if not isinstance(build, yaml.MappingNode):
        line, column = scalar_start(build)
        raise ManifestError(relative, line, "build: must be a mapping", column)
    parsed = ParsedFile()
    packages = _value(build, "python_packages")
    if packages is not None:
        lines = tuple(text.splitlines())
        parsed = read_pip_list(packages, relative, path.parent, lines, "main", Scope.MAIN)
    requirements = _value(build, "python_requirements")
    if isinstance(requirements, yaml.ScalarNode) and requirements.value:
        line, column = scalar_start(requirements)
        installed = Reference(
            path.parent / requirements.value, "requirements", Location(relative, line, column)
        )
        parsed = dataclasses.replace(parsed, references=(*parsed.references, installed))
    return parsed


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for found, value in node.value:
        if isinstance(found, yaml.ScalarNode) and found.value == key:
            return value if isinstance(value, yaml.Node) else None
    return None


FORMAT = ManifestFormat("cog", matches, parse)
