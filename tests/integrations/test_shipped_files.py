"""Files shipped for other tools: the VS Code problem matcher (applied to real output), the
pre-commit hook manifest, the GitHub Action, and the README's snippets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli, write_tree

REPOSITORY = Path(__file__).resolve().parents[2]
MATCHER = REPOSITORY / "editors" / "vscode-problem-matcher.json"
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def _matcher() -> dict[str, object]:
    document: dict[str, object] = json.loads(MATCHER.read_text(encoding="utf-8"))
    return document


def test_problem_matcher_reads_every_part_of_real_output(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "requirements.txt": "numpy\nkeras\n",
            "data: v2/requirements-gpu.txt": "seaborn\n",
            "src/train.py": "import numpy\n\n\ndef f():\n    import yaml\n",
        },
    )
    output = run_cli(project).stdout.splitlines()
    assert len(output) == 3
    matcher = _matcher()
    pattern = matcher["pattern"]
    assert isinstance(pattern, dict)
    # The expression uses only syntax JavaScript and Python read alike.
    regexp = re.compile(pattern["regexp"])
    groups = {key: pattern[key] for key in ("file", "line", "column", "code", "message")}
    parsed = []
    for line in output:
        match = regexp.match(line)
        assert match is not None, line
        parsed.append({key: match.group(index) for key, index in groups.items()})
    assert parsed[0] == {
        "file": "data: v2/requirements-gpu.txt",
        "line": "1",
        "column": "1",
        "code": "BLT101",
        "message": "seaborn is declared but never imported or run",
    }
    assert parsed[1] == {
        "file": "requirements.txt",
        "line": "2",
        "column": "1",
        "code": "BLT101",
        "message": "keras is declared but never imported or run",
    }
    assert parsed[2]["file"] == "src/train.py"
    assert (parsed[2]["line"], parsed[2]["column"], parsed[2]["code"]) == ("5", "5", "BLT102")
    assert parsed[2]["message"].startswith("yaml is imported but no manifest declares ")


def test_problem_matcher_shape() -> None:
    matcher = _matcher()
    assert matcher["owner"] == "bloatlint"
    assert matcher["fileLocation"] == ["relative", "${workspaceFolder}"]
    assert matcher["severity"] == "warning"


def test_readme_vscode_task_uses_the_shipped_matcher() -> None:
    task = json.loads(_blocks("jsonc")[0])
    assert task["tasks"][0]["problemMatcher"] == _matcher()


# --- pre-commit ----------------------------------------------------------------------------------

HOOKS = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
TRIGGERS = [
    "train.py",
    "src/pkg/model.py",
    "notebooks/eda.ipynb",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements/gpu.txt",
    "requirements.in",
    "dev.in",
    "pyproject.toml",
    "environment.yml",
    "environment-gpu.yaml",
    "envs/cuda.yml",
    "conda-lock.yml",
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "pdm.lock",
    "pylock.toml",
    "pylock.dev.toml",
    "Dockerfile",
    "docker/Dockerfile.gpu",
    "serve.Dockerfile",
    "Containerfile",
    ".dockerignore",
    "Makefile",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    "docker-compose.yml",
    "scripts/train.sh",
    "README.md",
]
IGNORED = ["LICENSE", "data/train.csv", "docs/index.rst", "static/logo.png", "notes.txt", "a.json"]


def _hook(hook_id: str) -> dict[str, object]:
    return next(hook for hook in HOOKS if hook["id"] == hook_id)


@pytest.mark.parametrize("hook_id", ["bloatlint", "bloatlint-docker"])
def test_hooks_run_once_per_commit_in_their_own_environment(hook_id: str) -> None:
    hook = _hook(hook_id)
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True
    assert str(hook["entry"]).split()[0] == "bloatlint"


@pytest.mark.parametrize("path", TRIGGERS)
def test_main_hook_triggers_on_what_bloatlint_reads(path: str) -> None:
    assert re.search(str(_hook("bloatlint")["files"]), path)


@pytest.mark.parametrize("path", IGNORED)
def test_main_hook_ignores_other_files(path: str) -> None:
    assert not re.search(str(_hook("bloatlint")["files"]), path)


def test_docker_hook_selects_container_rules_on_image_inputs_only() -> None:
    hook = _hook("bloatlint-docker")
    assert hook["entry"] == "bloatlint --select BLT2,BLT3"
    files = re.compile(str(hook["files"]))
    image_inputs = ["Dockerfile", "a/Containerfile", ".dockerignore", "uv.lock"]
    assert all(files.search(path) for path in image_inputs)
    assert not any(files.search(path) for path in ["train.py", "nb.ipynb", ".github/ci.yml"])


# --- the GitHub Action ---------------------------------------------------------------------------

ACTION = yaml.safe_load((REPOSITORY / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert {"path", "args", "format", "python-version"} <= set(inputs)
    assert inputs["format"]["default"] == "sarif"
    assert all("description" in spec for spec in inputs.values())


def test_action_references_only_declared_inputs_and_never_in_scripts() -> None:
    text = (REPOSITORY / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used <= set(ACTION["inputs"])
    for step in ACTION["runs"]["steps"]:
        # Inputs pasted into a script would be a script injection; they go through env.
        assert "${{" not in step.get("run", "")


def test_action_installs_bloatlint_from_its_own_checkout() -> None:
    scripts = "\n".join(step.get("run", "") for step in ACTION["runs"]["steps"])
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in scripts
    assert '--format "$INPUT_FORMAT"' in scripts


# --- the README ----------------------------------------------------------------------------------


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_yaml_snippets_parse() -> None:
    blocks = _blocks("yaml")
    assert len(blocks) >= 5
    for block in blocks:
        yaml.safe_load(block)


def test_readme_pre_commit_snippet_uses_the_hook() -> None:
    configs = [yaml.safe_load(block) for block in _blocks("yaml") if "repos:" in block]
    hooks = [hook for config in configs for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["id"] for hook in hooks} == {"bloatlint"}
    system = [hook for hook in hooks if hook.get("language") == "system"]
    assert len(system) == 1
    assert system[0]["pass_filenames"] is False
    assert any(hook.get("args") == ["--python", ".venv/bin/python"] for hook in hooks)
