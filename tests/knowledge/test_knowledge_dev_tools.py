"""dev_tools.toml: names are canonical, kinds are known, patterns classify stub and plugin
families, and runtime libraries are not mistaken for tools."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from packaging.utils import canonicalize_name

from bloatlint.knowledge import DEV_TOOL_KINDS, dev_tool_kind, is_dev_tool

TOOLS = tomllib.loads(
    resources.files("bloatlint.knowledge").joinpath("dev_tools.toml").read_text("utf-8")
)["tool"]


def test_every_entry_has_one_key_and_a_known_kind() -> None:
    for entry in TOOLS:
        assert ("name" in entry) != ("pattern" in entry), entry
        assert entry["kind"] in DEV_TOOL_KINDS, entry


def test_exact_names_are_canonical_and_unique() -> None:
    names = [e["name"] for e in TOOLS if "name" in e]
    assert all(canonicalize_name(n) == n for n in names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("pytest", "test"),
        ("pytest-xdist", "test"),
        ("hypothesis", "test"),
        ("tox", "test"),
        ("flake8", "lint"),
        ("flake8-bugbear", "lint"),
        ("ruff", "lint"),
        ("pre-commit", "lint"),
        ("black", "format"),
        ("isort", "format"),
        ("mypy", "typecheck"),
        ("types-requests", "typecheck"),
        ("pandas-stubs", "typecheck"),
        ("mypy-boto3-s3", "typecheck"),
        ("jupyterlab", "notebook"),
        ("notebook", "notebook"),
        ("ipython", "notebook"),
        ("ipykernel", "notebook"),
        ("py-spy", "profile"),
        ("sphinx", "docs"),
        ("sphinx-rtd-theme", "docs"),
        ("sphinxcontrib-mermaid", "docs"),
        ("mkdocs-material", "docs"),
        ("twine", "release"),
    ],
)
def test_kind(name: str, kind: str) -> None:
    assert dev_tool_kind(name) == kind
    assert is_dev_tool(name)


@pytest.mark.parametrize(
    "name",
    ["numpy", "torch", "django-stubs-ext", "ipywidgets", "nbformat", "setuptools", "typeguard"],
)
def test_runtime_libraries_are_not_dev_tools(name: str) -> None:
    assert dev_tool_kind(name) is None
    assert not is_dev_tool(name)
