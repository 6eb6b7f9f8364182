"""The extended tier: records written by the build script's writer, read one query at a time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bloatlint.knowledge import extended
from bloatlint.resolve.names import DistFacts, NameIndex

_RECORDS = {
    "tiny-kernels": {
        "display_name": "tiny_kernels",
        "entry_point_groups": [],
        "extras": {"dev": ["pytest"]},
        "modules": ["tinyk", "tests"],
        "requires": ["numpy"],
        "scripts": ["tinyk-bench"],
        "source": "tiny_kernels-1.0-py3-none-any.whl: RECORD",
        "version": "1.0",
    }
}


@pytest.fixture
def tier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / extended.FILE
    extended.write(path, _RECORDS, {"generated": "2026-11-23", "index": "test"})
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    monkeypatch.setattr(extended, "_connection", lambda: connection)
    return path


def test_records_modules_and_commands_are_one_query_each(tier: Path) -> None:
    assert extended.record("tiny-kernels") == _RECORDS["tiny-kernels"]
    assert extended.record("absent") is None
    assert extended.dists_for_module("tinyk") == ("tiny-kernels",)
    assert extended.dists_for_module("tests") == ()  # shipped by mistake: no answer
    assert extended.dists_for_command("tinyk-bench") == ("tiny-kernels",)
    assert dict(extended.read_all(tier)) == _RECORDS


def test_the_index_asks_the_tier_only_for_what_the_given_facts_lack(tier: Path) -> None:
    index = NameIndex([DistFacts("numpy", ("numpy",))], extended=True)
    assert index.knows("tiny-kernels")
    assert index.modules_of("tiny-kernels") == ("tinyk", "tests")
    assert index.requires("tiny-kernels", ["dev"]) == frozenset({"numpy", "pytest"})
    assert index.dists_for_module("tinyk.ops") == frozenset({"tiny-kernels"})
    assert index.dists_for_module("numpy") == frozenset({"numpy"})
    assert index.dists_for_command("tinyk-bench") == frozenset({"tiny-kernels"})
    plain = NameIndex([DistFacts("numpy", ("numpy",))])
    assert not plain.knows("tiny-kernels")
    assert plain.dists_for_module("tinyk") == frozenset()


@pytest.mark.parametrize(
    ("name", "modules"),
    [
        ("onnxruntime-silicon", ("onnxruntime",)),
        ("apache-tvm-ffi", ("tvm_ffi",)),
        ("quack-kernels", ("quack",)),
        ("descript-audiotools", ("audiotools",)),
    ],
)
def test_bundled_tier_knows_distributions_the_curated_file_lacks(
    name: str, modules: tuple[str, ...]
) -> None:
    from bloatlint import knowledge

    assert name not in knowledge.distributions()
    info = knowledge.extended_info(name)
    assert info is not None
    assert info.modules == modules
