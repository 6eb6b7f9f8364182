"""scripts/build_knowledge.py, offline: the zip and metadata code on real wheels built here,
read through the same central-directory path the script uses over HTTP."""

from __future__ import annotations

import importlib.util
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_knowledge.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_knowledge", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is being created.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bk = _load_script()

PYPROJECT = """\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "tiny-demo"
version = "1.0"
dependencies = ["packaging>=20", "colorama; sys_platform == 'win32'"]

[project.optional-dependencies]
fancy = ["rich>=13"]
all = ["tiny-demo[fancy]"]

[project.scripts]
tiny-demo = "tinymod:main"

[project.entry-points.pytest11]
tiny = "tinymod"

[tool.setuptools]
py-modules = ["tinymod"]
packages = ["acme.widgets", "legacyns", "legacyns.part"]
"""

SOURCES = {
    "tinymod.py": "def main() -> None:\n    print('tiny')\n",
    # acme/ has no __init__.py: a PEP 420 namespace shared with other distributions.
    "acme/widgets/__init__.py": "VALUE = 1\n",
    # legacyns/ is a pkgutil-style namespace: its __init__.py only extends __path__.
    "legacyns/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
    "legacyns/part/__init__.py": "PART = 2\n",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("tiny-demo")
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for relative, text in SOURCES.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out = project / "dist"
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    done = subprocess.run([*command, str(project)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("*.whl")
    return built


def _without(wheel: Path, suffix: str, target: Path) -> Path:
    """A copy of ``wheel`` lacking the members whose names end with ``suffix``."""
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            if not info.filename.endswith(suffix):
                copy.writestr(info, source.read(info))
    return target


@dataclass
class CountingSource:
    inner: bk.ByteSource
    reads: list[tuple[int, int]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.inner.size

    def read(self, start: int, length: int) -> bytes:
        self.reads.append((start, length))
        return self.inner.read(start, length)


def test_central_directory_lists_every_member(wheel: Path) -> None:
    members = bk.read_central_directory(bk.FileSource(wheel))
    with zipfile.ZipFile(wheel) as archive:
        assert [m.name for m in members] == archive.namelist()


def test_members_read_through_the_directory_equal_zipfile(wheel: Path) -> None:
    source = bk.FileSource(wheel)
    with zipfile.ZipFile(wheel) as archive:
        for member in bk.read_central_directory(source):
            assert bk.read_member(source, member) == archive.read(member.name)


def test_read_wheel_with_top_level_txt(wheel: Path) -> None:
    facts = bk.read_wheel(bk.CachingSource(bk.FileSource(wheel)), wheel.name)
    assert facts.modules == ("acme.widgets", "legacyns.part", "tinymod")
    assert facts.scripts == ("tiny-demo",)
    assert facts.entry_point_groups == ("pytest11",)
    assert facts.source == f"{wheel.name}: top_level.txt"


def test_read_wheel_without_top_level_txt_uses_the_listing(wheel: Path, tmp_path: Path) -> None:
    stripped = _without(wheel, "/top_level.txt", tmp_path / wheel.name)
    facts = bk.read_wheel(bk.FileSource(stripped), stripped.name)
    assert facts.modules == ("acme.widgets", "legacyns.part", "tinymod")
    assert facts.source == f"{stripped.name}: RECORD"


def test_a_small_wheel_costs_one_read(wheel: Path) -> None:
    counting = CountingSource(bk.FileSource(wheel))
    bk.read_wheel(bk.CachingSource(counting), wheel.name)
    assert len(counting.reads) == 1


def test_record_from_wheel_requirements_and_extras(wheel: Path) -> None:
    facts = bk.read_wheel(bk.FileSource(wheel), wheel.name)
    record = bk.record_from_wheel("tiny-demo", "1.0", facts)
    assert record.requires == ("packaging",)
    assert dict(record.extras) == {"all": ("rich",), "fancy": ("rich",)}
    assert record.to_json()["modules"] == ["acme.widgets", "legacyns.part", "tinymod"]


def test_zip64_sizes_are_read_from_the_extra_field() -> None:
    name = b"big.bin"
    extra = struct.pack("<HHQQQ", 1, 24, 5_000_000_000, 4_900_000_000, 6_000_000_000)
    entry = bk._CENTRAL.pack(
        b"PK\x01\x02", 45, 45, 0, 8, 0, 0, 0,
        0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF,
    )  # fmt: skip
    member, end = bk._member(entry + name + extra, 0)
    assert (member.size, member.compressed_size, member.header_offset) == (
        5_000_000_000,
        4_900_000_000,
        6_000_000_000,
    )
    assert end == len(entry) + len(name) + len(extra)


@pytest.mark.parametrize(
    ("filename", "module"),
    [
        ("_speedups.cpython-311-x86_64-linux-gnu.so", "_speedups"),
        ("_yaml.abi3.so", "_yaml"),
        ("win32api.cp311-win_amd64.pyd", "win32api"),
        ("libgomp-a34b3233.so.1", None),
        ("libfoo.so.12", None),
        ("README.txt", None),
    ],
)
def test_extension_module_names(filename: str, module: str | None) -> None:
    assert bk.extension_module_name(filename) == module


def test_namespace_packages_are_deepened_and_private_children_dropped() -> None:
    tree = bk.build_tree(
        [
            "google/protobuf/__init__.py",
            "google/protobuf/message.py",
            "google/_upb/_message.abi3.so",
            "protobuf.libs/libfoo.so",
        ]
    )
    assert bk.derive_modules(tree, None, lambda _: False) == ["google.protobuf"]


def test_junk_and_data_directories_are_not_modules() -> None:
    tree = bk.build_tree(["pkg/__init__.py", "tests/test_pkg.py", "images/logo.png", "six.py"])
    assert bk.derive_modules(tree, None, lambda _: False) == ["pkg", "six"]
    assert bk.derive_modules(tree, ["pkg", "images", "gone"], lambda _: False) == ["pkg"]


def test_parse_entry_points() -> None:
    text = "[console_scripts]\nserve = app:main\n\n[flake8.extension]\nBLT = x:Checker\n"
    assert bk.parse_entry_points(text) == {
        "console_scripts": ["serve"],
        "flake8.extension": ["BLT"],
    }


METADATA = """\
Metadata-Version: 2.1
Name: Demo_Pkg
Version: 2.0
Requires-Dist: NumPy>=1.24
Requires-Dist: fsspec[HTTP,s3]>=2023.1
Requires-Dist: typing_extensions; python_version < "3.8"
Requires-Dist: pywin32; sys_platform == "win32"
Requires-Dist: nvidia-cudnn-cu12; platform_system == "Linux" and platform_machine == "x86_64"
Provides-Extra: Test
Requires-Dist: pytest; extra == "test"
Requires-Dist: demo-pkg[test,docs]; extra == "all"
Requires-Dist: Sphinx; extra == 'docs'

"""


def test_parse_requirements_evaluates_markers_for_linux_cpython_311() -> None:
    parsed = bk.parse_requirements(METADATA, "demo-pkg")
    assert parsed.requires == ("fsspec", "numpy", "nvidia-cudnn-cu12")
    assert dict(parsed.requires_extras) == {"fsspec": ("http", "s3")}
    assert dict(parsed.extras) == {
        "all": ("pytest", "sphinx"),
        "docs": ("sphinx",),
        "test": ("pytest",),
    }


def _file(name: str, *, yanked: bool = False) -> dict[str, object]:
    return {"filename": name, "url": f"../../files/{name}", "yanked": yanked, "size": 10}


def test_choose_file_prefers_newest_final_release_and_best_wheel() -> None:
    page = {
        "files": [
            _file("demo-1.0.tar.gz"),
            _file("demo-1.0-cp311-cp311-macosx_11_0_arm64.whl"),
            _file("demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
            _file("demo-1.1-py3-none-any.whl", yanked=True),
            _file("demo-2.0rc1-py3-none-any.whl"),
        ]
    }
    files = bk.parse_project_page(page, "https://index.example/simple/demo/")
    chosen = bk.choose_file(files)
    assert chosen is not None
    assert chosen.filename == "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    assert chosen.url.startswith("https://index.example/files/")


def test_choose_file_falls_back_to_the_sdist() -> None:
    files = bk.parse_project_page({"files": [_file("demo-3.0.tar.gz")]}, "https://x/simple/demo/")
    chosen = bk.choose_file(files)
    assert chosen is not None
    assert chosen.filename == "demo-3.0.tar.gz"


@pytest.mark.parametrize(
    ("filename", "rank"),
    [
        ("a-1-py3-none-any.whl", 0),
        ("a-1-py2.py3-none-any.whl", 0),
        ("a-1-cp311-cp311-manylinux_2_28_x86_64.whl", 1),
        ("a-1-cp39-abi3-manylinux2014_x86_64.whl", 1),
        ("a-1-cp312-cp312-manylinux_2_17_x86_64.whl", 2),
        ("a-1-cp311-cp311-win_amd64.whl", 3),
        ("a-1.tar.gz", None),
    ],
)
def test_wheel_rank(filename: str, rank: int | None) -> None:
    assert bk.wheel_rank(filename) == rank


def test_index_url_from_the_command_line_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert bk.resolve_index("https://mirror.example/simple") == (
        "https://mirror.example/simple",
        "custom (--index-url)",
    )
    monkeypatch.setenv("PIP_INDEX_URL", "https://env.example/simple")
    assert bk.resolve_index(None) == ("https://env.example/simple", "custom (PIP_INDEX_URL)")


def test_read_seed_canonicalises_and_skips_comments(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text("# header\nPillow  # PIL\n\nscikit_learn\npillow\n", encoding="utf-8")
    assert bk.read_seed(seed) == ["pillow", "scikit-learn"]


def test_installed_paths_follow_the_wheel_data_scheme() -> None:
    names = [
        "pkg/__init__.py",
        "demo-1.0.data/purelib/extra_mod.py",
        "demo-1.0.data/data/lib/python3.11/site-packages/vendored/__init__.py",
        "demo-1.0.data/data/share/man/demo.1",
        "demo-1.0.data/scripts/demo-cli",
        "demo-1.0.dist-info/METADATA",
    ]
    paths, scripts = bk.installed_paths(names, "demo-1.0.data")
    assert paths == ["pkg/__init__.py", "extra_mod.py", "vendored/__init__.py"]
    assert scripts == ["demo-cli"]


def test_a_junk_name_is_kept_when_it_is_the_distribution_itself() -> None:
    tree = bk.build_tree(["build/__init__.py", "build/env.py"])
    assert bk.derive_modules(tree, None, lambda _: False) == []
    assert bk.derive_modules(tree, None, lambda _: False, own_module="build") == ["build"]


def test_an_sqlite_output_is_the_extended_tier_and_is_merged_into(tmp_path: Path) -> None:
    output = tmp_path / "extended.sqlite"
    record = {
        "display_name": "tiny-demo",
        "entry_point_groups": [],
        "extras": {},
        "modules": ["tinymod"],
        "requires": [],
        "scripts": [],
        "source": "tiny_demo-1.0-py3-none-any.whl: RECORD",
        "version": "1.0",
    }
    bk.write_output(output, "test index", {"tiny-demo": record})
    assert bk._previous(output) == {"tiny-demo": record}
