"""Which imports name the project's own modules: one small folder tree per layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bloatlint.code.first_party import FirstParty

if TYPE_CHECKING:
    from pathlib import Path


def build(root: Path, *files: str, source_roots: tuple[str, ...] = ()) -> FirstParty:
    """Create the files (empty) and a FirstParty from what is on disk, as the engine would."""
    for relative in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    found = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return FirstParty(root, found, source_roots)


def test_src_layout(tmp_path: Path) -> None:
    project = build(
        tmp_path, "src/mypkg/__init__.py", "src/mypkg/core.py", "tests/test_core.py", "setup.py"
    )
    assert project.is_local("mypkg", "tests/test_core.py")
    assert project.is_local("mypkg.core", "src/mypkg/core.py")
    assert not project.is_local("numpy", "src/mypkg/core.py")
    assert project.first_party_names() == {"mypkg", "src", "tests", "setup"}


def test_namespace_package_at_root(tmp_path: Path) -> None:
    project = build(tmp_path, "ns/sub/mod.py", "app.py")
    assert project.is_local("ns.sub.mod", "app.py")
    assert project.is_local("ns", "app.py")
    assert "ns" in project.first_party_names()


def test_script_folder_is_on_sys_path_only_for_its_scripts(tmp_path: Path) -> None:
    project = build(tmp_path, "scripts/utils.py", "scripts/train.py", "app/main.py")
    assert project.is_local("utils", "scripts/train.py")
    assert not project.is_local("utils", "app/main.py")
    assert "utils" not in project.first_party_names()


def test_same_named_subfolder_of_a_package_shadows_only_beside_it(tmp_path: Path) -> None:
    # yolov5: utils/loggers/wandb/ next to utils/loggers/__init__.py doing `import wandb`.
    # Beside it the answer depends on sys.path (a shadowed import: a use of a declared wandb,
    # never reported as undeclared); elsewhere it is the real package.
    project = build(
        tmp_path,
        "utils/__init__.py",
        "utils/loggers/__init__.py",
        "utils/loggers/wandb/__init__.py",
        "utils/loggers/wandb/wandb_utils.py",
        "train.py",
        "wandb/run-20240101/files/config.yaml",
        "wandb/debug.log",
    )
    assert project.is_local("wandb", "utils/loggers/__init__.py")
    assert not project.is_local("wandb", "utils/loggers/wandb/wandb_utils.py")
    assert not project.is_local("wandb", "utils/__init__.py")
    assert not project.is_local("wandb", "train.py")
    assert project.is_local("utils.loggers.wandb", "train.py")


def test_local_module_next_to_a_script_shadows_only_there(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        "extensions/x/chromadb.py",
        "extensions/x/run.py",
        "extensions/x/pkg/__init__.py",
        "extensions/x/pkg/store.py",
        "app.py",
    )
    assert project.is_local("chromadb", "extensions/x/run.py")
    # A package inside the script folder is imported by that script, from that folder.
    assert project.is_local("chromadb", "extensions/x/pkg/store.py")
    assert not project.is_local("chromadb", "app.py")


def test_folders_without_python_files_are_not_modules(tmp_path: Path) -> None:
    project = build(tmp_path, "data/train.csv", "docs/index.md", "app.py")
    assert not project.is_local("data", "app.py")
    assert not project.is_local("docs", "app.py")
    assert project.first_party_names() == {"app"}


@pytest.mark.parametrize(
    "filename",
    ["fastops.cpython-311-x86_64-linux-gnu.so", "fastops.abi3.so", "fastops.pyd", "fastops.pyi"],
)
def test_extension_modules_and_stubs(tmp_path: Path, filename: str) -> None:
    project = build(tmp_path, filename, "app.py")
    assert project.is_local("fastops", "app.py")


def test_configured_source_roots(tmp_path: Path) -> None:
    files = ("lib/helpers/__init__.py", "app.py")
    assert not build(tmp_path / "plain", *files).is_local("helpers", "app.py")
    assert build(tmp_path / "relative", *files, source_roots=("lib",)).is_local("helpers", "app.py")
    absolute = str(tmp_path / "absolute" / "lib")
    configured = build(tmp_path / "absolute", *files, source_roots=(absolute,))
    assert configured.is_local("helpers", "app.py")
    assert "helpers" in configured.first_party_names()


def test_a_folder_imported_as_a_namespace_package_still_runs_its_scripts(tmp_path: Path) -> None:
    for relative in (
        "examples/pix/controlnet.py",
        "examples/pix/train.py",
        "examples/pix/sub/x.py",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).touch()
    files = ["examples/pix/controlnet.py", "examples/pix/sub/x.py", "examples/pix/train.py"]
    project = FirstParty(tmp_path, files, imported=["examples.pix.controlnet"])
    assert project.is_local("controlnet", "examples/pix/train.py")
    assert not project.is_local("controlnet", "examples/pix/controlnet.py")  # itself
    assert project.is_at_root("examples.pix.controlnet")
    assert not project.is_at_root("controlnet")


def test_an_init_file_at_the_root_ends_the_walk_up(tmp_path: Path) -> None:
    import signal

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the walk up from pkg/a.py never reached an end")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        project = build(tmp_path, "__init__.py", "pkg/__init__.py", "pkg/a.py", "pkg/numpy_io.py")
        assert not project.is_local("numpy", "pkg/a.py")
        assert project.is_local("pkg", "pkg/a.py")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
