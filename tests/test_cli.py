"""The command line as users meet it: exit status, formats, configuration errors, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_tree

EXAMPLE = Path(__file__).parent.parent / "examples" / "sentiment-service"


def test_example_project_output_is_the_one_the_readme_shows() -> None:
    result = run_cli(EXAMPLE)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("It prints:\n\n```\n", 1)[1].split("```", 1)[0]
    assert result.stdout == shown
    assert result.status == 1


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "numpy==2.0\n", "main.py": "import numpy\n"})
    result = run_cli(tmp_path)
    assert (result.status, result.stdout, result.stderr) == (0, "", "")


def test_json_format(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "numpy==2.0\nkeras\n", "main.py": "import numpy\n"})
    result = run_cli(tmp_path, "--format", "json")
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["findings"] == [
        {
            "code": "BLT101",
            "severity": "warning",
            "path": "requirements.txt",
            "line": 2,
            "column": 1,
            "message": "keras is declared but never imported or run",
            "package": "keras",
            "freed_bytes": None,
            "freed_packages": ["keras"],
        }
    ]
    assert document["summary"]["findings"] == {"BLT101": 1}
    assert result.status == 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "nowhere")
    assert result.status == 2
    assert result.stderr == f"bloatlint: error: {tmp_path / 'nowhere'}: no such file or directory\n"


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.bloatlint]\nignor = ['BLT101']\n"})
    result = run_cli(tmp_path)
    assert result.status == 2
    config = tmp_path / "pyproject.toml"
    assert result.stderr == f"bloatlint: error: {config}: unknown key 'ignor' in [tool.bloatlint]\n"


def test_config_ignore_packages_and_select(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.bloatlint]\nselect = ['BLT1']\n"
                "[tool.bloatlint.ignore-packages]\nBLT101 = ['Keras']\n"
            ),
            "requirements.txt": "keras\nseaborn\n",
        },
    )
    assert run_cli(tmp_path).stdout == (
        "requirements.txt:2:1: BLT101 seaborn is declared but never imported or run\n"
    )
    assert run_cli(tmp_path, "--ignore", "BLT101").stdout == ""


def test_extra_file_on_command_line_is_read(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "project/main.py": "import numpy\n",
            "envs/gpu.yaml": "dependencies:\n  - numpy\n  - statsmodels\n",
        },
    )
    result = run_cli(tmp_path / "project", tmp_path / "envs" / "gpu.yaml")
    assert result.stdout == (
        f"{(tmp_path / 'envs' / 'gpu.yaml').as_posix()}:3:5: BLT101 statsmodels (conda) "
        "is declared but never imported or run\n"
    )


def test_a_dockerfile_named_otherwise_is_read_as_one_when_named_on_the_command_line(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "main.py": "import flask\n",
            "build/cpu.docker": (
                "# syntax=docker/dockerfile:1\n"
                "FROM python:3.11-slim\n"
                "RUN pip install flask seaborn\n"
            ),
        },
    )
    result = run_cli(tmp_path, tmp_path / "build" / "cpu.docker", "--select", "BLT1,BLT301")
    lines = result.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines] == [
        ["build/cpu.docker:3:5:", "BLT301"],
        ["build/cpu.docker:3:23:", "BLT101"],
    ]
    assert lines[1].endswith('seaborn is installed by pip in stage "0" but never imported or run')


def test_explain_tells_why(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "requirements.txt": "transformers\naccelerate\nkeras\n",
            "load.py": "from transformers import AutoModel\n"
            "AutoModel.from_pretrained('x', device_map='auto')\n",
        },
    )
    used = run_cli(tmp_path, "--explain", "accelerate").stdout.splitlines()
    assert used[0] == "accelerate:"
    assert used[2:4] == ["  declared at requirements.txt:2:1 by pip, group main", "    used:"]
    assert used[4].startswith("      - transformers")
    assert used[4].endswith("(load.py:2:1)")
    unused = run_cli(tmp_path, "--explain", "Keras").stdout.splitlines()
    assert unused[2:] == [
        "  declared at requirements.txt:3:1 by pip, group main",
        "    unused: no import, command, plugin rule or dependency needs it",
    ]


def test_explain_takes_the_name_a_manifest_uses(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "environment.yml": "name: app\ndependencies:\n  - pytorch=2.3\n",
            "train.py": "import torch\n",
        },
    )
    assert run_cli(tmp_path, "--explain", "pytorch").stdout.splitlines() == [
        "torch (declared as pytorch):",
        "  provides modules: functorch, torch, torchgen (from knowledge)",
        "  declared at environment.yml:3:5 by conda, group main",
        "    used:",
        "      - imported as `torch` (train.py:1:1)",
    ]


def test_explain_says_a_marker_keeps_a_backport_out(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "requirements.txt": 'importlib-metadata; python_version < "3.8"\n',
            "app.py": "import json\n",
        },
    )
    assert run_cli(tmp_path).stdout == ""
    assert run_cli(tmp_path, "--explain", "importlib-metadata").stdout.splitlines()[2:] == [
        "  declared at requirements.txt:1:1 by pip, group main",
        '    its marker (python_version < "3.8") excludes the Python bloatlint targets:'
        " never reported",
    ]


BAD_INPUTS = {
    "binary requirements": (
        {"requirements.txt": b"\x00\x01\x02binary"},
        "requirements.txt:1:1: BLT001 ",
    ),
    "non-UTF-8 environment": (
        {"environment.yml": b"dependencies:\n  - caf\xe9\n"},
        "environment.yml:2:",
    ),
    "missing -r target": (
        {"requirements.txt": "-r base.txt\n"},
        "requirements.txt:1:1: BLT001 ",
    ),
    "invalid YAML": (
        {"environment.yml": "dependencies: [numpy\n"},
        "environment.yml:",
    ),
    "invalid TOML": ({"pyproject.toml": "[project\n"}, "pyproject.toml:1:"),
    "broken Dockerfile": ({"Dockerfile": "RUN pip install x\n"}, "Dockerfile:1:1: BLT001 "),
}


@pytest.mark.parametrize(("files", "prefix"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_a_finding_not_a_crash(
    tmp_path: Path, files: dict[str, str | bytes], prefix: str
) -> None:
    write_tree(tmp_path, {**files, "ok/requirements.txt": "keras\n"})
    result = run_cli(tmp_path)
    assert result.stderr == ""
    assert result.status == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(prefix) and " BLT001 " in line for line in lines), lines
    # one bad file never stops the run: the good manifest is still analysed
    assert "ok/requirements.txt:1:1: BLT101 keras is declared but never imported or run" in lines


def test_empty_files_are_fine(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"requirements.txt": "", "environment.yml": "", "pyproject.toml": "", "main.py": ""},
    )
    result = run_cli(tmp_path)
    assert (result.status, result.stdout, result.stderr) == (0, "", "")


def test_symlink_loop_is_reported(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").symlink_to("requirements.txt")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    result = run_cli(tmp_path)
    assert result.stderr == ""
    assert result.stdout.startswith("requirements.txt:1:1: BLT001 ")
    assert result.status == 1
