"""The flake8 plugin, run by the real flake8 in a subprocess (as editors and CI run it), plus
in-process checks that the project is analysed once per run."""

from __future__ import annotations

import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from bloatlint import engine
from bloatlint.flake8_plugin import BloatlintChecker, find_root
from tests.conftest import write_tree

DECLARED = {
    "requirements.txt": "numpy==2.0\npandas==2.2\n",
    "requirements-dev.txt": "-r requirements.txt\npytest==8.2\nipdb==0.13\n",
}
TRAIN = "import numpy\nimport ipdb\nimport yaml\nimport torch  # noqa: BLT102\n"
SERVE = (
    "import pandas\nimport requests  # noqa\nfrom ipdb import set_trace  # noqa: BLT106\n"
    "import boto3  # bloatlint: ignore[BLT102]\n"
)
TEST = "import ipdb\nimport pytest\nimport httpx\n"


def flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # --isolated keeps any flake8 configuration above the temporary folder out of the test.
    command = [sys.executable, "-m", "flake8", "--select", "BLT", *args]
    return subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "project",
        {**DECLARED, "train.py": TRAIN, "serve.py": SERVE, "tests/test_train.py": TEST},
    )


@pytest.mark.slow
def test_reports_import_findings_at_the_import(project: Path) -> None:
    done = flake8(project, "train.py", "serve.py", "tests/test_train.py")
    assert done.stdout.splitlines() == [
        "tests/test_train.py:3:1: BLT102 httpx is imported but no manifest declares httpx",
        "train.py:2:1: BLT106 ipdb is imported but declared only for development "
        "(requirements-dev.txt:3:1)",
        "train.py:3:1: BLT102 yaml is imported but no manifest declares " + _pyyaml(done.stdout),
    ]
    assert done.returncode == 1
    assert done.stderr == ""


def _pyyaml(output: str) -> str:
    """How the BLT102 message names PyYAML (its display name comes from the knowledge base)."""
    name = output.rsplit("no manifest declares ", 1)[1].split("\n", 1)[0]
    assert name in {"PyYAML", "pyyaml"}
    return name


@pytest.mark.slow
def test_noqa_is_honoured(project: Path) -> None:
    done = flake8(project, "serve.py")
    assert (done.stdout, done.returncode) == ("", 0)
    disabled = flake8(project, "--disable-noqa", "serve.py")
    assert disabled.stdout.splitlines() == [
        "serve.py:2:1: BLT102 requests is imported but no manifest declares requests",
        "serve.py:3:1: BLT106 ipdb is imported but declared only for development "
        "(requirements-dev.txt:3:1)",
        "serve.py:4:1: BLT102 boto3 is imported but no manifest declares boto3",
    ]


@pytest.mark.slow
def test_parallel_jobs_give_the_same_findings(project: Path) -> None:
    for index in range(6):
        write_tree(project, {f"pkg/mod{index}.py": f"import numpy\nimport lib{index}\n"})
    files = [f"pkg/mod{index}.py" for index in range(6)]
    serial = flake8(project, "--jobs", "1", *files)
    parallel = flake8(project, "--jobs", "2", *files)
    expected = [
        f"pkg/mod{index}.py:2:1: BLT102 lib{index} is imported but no manifest declares lib{index}"
        for index in range(6)
    ]
    assert sorted(parallel.stdout.splitlines()) == expected
    assert sorted(serial.stdout.splitlines()) == expected
    assert parallel.stderr == ""


@pytest.mark.slow
def test_stdin_uses_the_buffer_and_finds_the_root_from_the_display_name(
    project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    buffer = "import numpy\n\n\nimport sklearn\n"  # unsaved edits: not what is on disk
    display = str(project / "train.py")
    done = flake8(elsewhere, "--stdin-display-name", display, "-", stdin=buffer)
    assert done.stdout == (
        f"{display}:4:1: BLT102 sklearn is imported but no manifest declares scikit-learn\n"
    )
    relative = flake8(project.parent, "--stdin-display-name", "project/serve.py", "-", stdin=TRAIN)
    assert relative.stdout.splitlines()[0] == (
        "project/serve.py:2:1: BLT106 ipdb is imported but declared only for development "
        "(requirements-dev.txt:3:1)"
    )


@pytest.mark.slow
def test_options_from_flake8_configuration(tmp_path: Path) -> None:
    # src/app has its own setup.cfg, so without a configured root it would be its own project.
    ml = write_tree(
        tmp_path / "ml",
        {
            "requirements.txt": "numpy\n",
            "src/app/setup.cfg": "[metadata]\nname = app\n",
            "src/app/model.py": "import numpy\n",
        },
    )
    unconfigured = flake8(ml, "src/app/model.py")
    assert unconfigured.stdout == (
        "src/app/model.py:1:1: BLT102 numpy is imported but no manifest declares numpy\n"
    )
    for config_file in (".flake8", "tox.ini", "setup.cfg"):
        write_tree(ml, {config_file: "[flake8]\nbloatlint-root = .\n"})
        configured = flake8(ml, "src/app/model.py")
        assert (configured.stdout, configured.returncode) == ("", 0), config_file
        (ml / config_file).unlink()
    on_command_line = flake8(ml, "--bloatlint-root", str(ml), "src/app/model.py")
    assert on_command_line.stdout == ""


@pytest.mark.slow
def test_bloatlint_python_maps_imports_through_that_environment(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "project", {"requirements.txt": "acme-vision\n", "app.py": "import acmevis\n"}
    )
    site = tmp_path / "env" / "lib" / "python3.11" / "site-packages"
    write_tree(
        site / "acme_vision-1.0.dist-info",
        {
            "METADATA": "Metadata-Version: 2.1\nName: acme-vision\nVersion: 1.0\n",
            "top_level.txt": "acmevis\n",
            "RECORD": "acmevis/__init__.py,,\n",
        },
    )
    write_tree(tmp_path / "env", {"pyvenv.cfg": "home = /usr/bin\n", "bin/python": ""})
    write_tree(site, {"acmevis/__init__.py": ""})
    guessed = flake8(project, "app.py")
    assert (
        guessed.stdout
        == "app.py:1:1: BLT102 acmevis is imported but no manifest declares acmevis\n"
    )
    python = str(tmp_path / "env" / "bin" / "python")
    assert flake8(project, "--bloatlint-python", python, "app.py").stdout == ""
    write_tree(project, {"setup.cfg": f"[flake8]\nbloatlint-python = {python}\n"})
    assert flake8(project, "app.py").stdout == ""


@pytest.mark.slow
def test_tool_bloatlint_settings_apply(project: Path) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": '[tool.bloatlint]\nignore = ["BLT106"]\n'
            '[tool.bloatlint.ignore-packages]\nBLT102 = ["pyyaml"]\n'
        },
    )
    assert flake8(project, "train.py").stdout == ""


@pytest.mark.slow
def test_a_broken_configuration_is_one_finding_not_a_crash(project: Path) -> None:
    write_tree(project, {"pyproject.toml": "[tool.bloatlint]\nselcet = []\n"})
    done = flake8(project, "train.py")
    assert done.stdout == (
        f"train.py:1:1: BLT001 bloatlint cannot analyse {project}: "
        f"{project / 'pyproject.toml'}: unknown key 'selcet' in [tool.bloatlint]\n"
    )
    assert done.returncode == 1


# --- in process ----------------------------------------------------------------------------------


def test_the_project_is_built_once_per_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Path] = []
    real = engine.build_project

    def counting(options: engine.Options, config: object) -> object:
        built.append(options.root)
        return real(options, config)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "build_project", counting)
    for attribute in (
        "root_option",
        "python_option",
        "disable_noqa",
        "enabled",
        "projects",
        "roots",
    ):
        # parse_options sets class state; restore it for the other tests afterwards
        monkeypatch.setattr(BloatlintChecker, attribute, getattr(BloatlintChecker, attribute))
    monkeypatch.chdir(project)
    options = Namespace(
        bloatlint_root=None, bloatlint_python=None, filenames=["."], stdin_display_name="stdin"
    )
    BloatlintChecker.parse_options(options)
    assert built == [project.resolve()]
    results = []
    for name in ("train.py", "serve.py", "tests/test_train.py"):
        lines = (project / name).read_text().splitlines(keepends=True)
        results += list(BloatlintChecker(tree=None, filename=f"./{name}", lines=lines).run())  # type: ignore[arg-type]
    assert built == [project.resolve()]
    assert [(line, col, text.split()[0]) for line, col, text, _ in results] == [
        (2, 0, "BLT106"),
        (3, 0, "BLT102"),
        (3, 0, "BLT102"),
    ]


@pytest.mark.parametrize(
    ("select", "extend", "enabled"),
    [(None, None, True), (["E", "F"], None, False), (["E"], ["BLT1"], True), (["B"], None, True)],
)
def test_nothing_is_built_when_flake8_would_not_report_blt(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    select: list[str] | None,
    extend: list[str] | None,
    enabled: bool,
) -> None:
    built: list[Path] = []
    real = engine.build_project

    def counting(options: engine.Options, config: object) -> object:
        built.append(options.root)
        return real(options, config)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "build_project", counting)
    for attribute in (
        "root_option",
        "python_option",
        "disable_noqa",
        "enabled",
        "projects",
        "roots",
    ):
        monkeypatch.setattr(BloatlintChecker, attribute, getattr(BloatlintChecker, attribute))
    options = Namespace(
        bloatlint_root=str(project),
        bloatlint_python=None,
        filenames=["train.py"],
        stdin_display_name="stdin",
        select=select,
        extend_select=extend,
    )
    BloatlintChecker.parse_options(options)
    assert (BloatlintChecker.enabled, len(built)) == (enabled, int(enabled))
    checker = BloatlintChecker(tree=None, filename=str(project / "train.py"), lines=[])  # type: ignore[arg-type]
    assert list(checker.run()) == []


def test_find_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(
        tmp_path,
        {
            "a/requirements-gpu.txt": "",
            "a/b/c/x.py": "",
            "p/pyproject.toml": "",
            "p/src/m.py": "",
            "g/.git/HEAD": "",
            "g/deep/er/y.py": "",
            "lonely/z.py": "",
        },
    )
    assert find_root(tmp_path / "a" / "b" / "c") == (tmp_path / "a").resolve()
    assert find_root(tmp_path / "p" / "src") == (tmp_path / "p").resolve()
    assert find_root(tmp_path / "g" / "deep" / "er") == (tmp_path / "g").resolve()
    # No marker anywhere above: the current folder, where flake8 was started.
    monkeypatch.chdir(tmp_path / "p")
    markers = ("pyproject.toml", "setup.cfg", ".git", "requirements.txt")
    if not any((parent / name).exists() for parent in tmp_path.parents for name in markers):
        assert find_root(tmp_path / "lonely") == (tmp_path / "p").resolve()
