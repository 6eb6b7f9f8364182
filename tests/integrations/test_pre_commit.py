"""The pre-commit hook, run by the real ``pre-commit try-repo`` against a temporary git
repository of a tiny ML project, with pip kept off the network.

pre-commit clones the hook repository at its HEAD commit, so the hook repository here is a
copy of this checkout's source files (tracked, or new and not ignored), committed in a
temporary repository: nothing is committed in the real one. pre-commit then installs
bloatlint with pip into its own virtualenv; ``PIP_NO_INDEX`` forbids any index and
``PIP_FIND_LINKS`` offers wheels packed from this environment (see ``wheelhouse``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.integrations import wheelhouse

REPOSITORY = Path(__file__).resolve().parents[2]
GIT = ["git", "-c", "user.name=bloatlint tests", "-c", "user.email=tests@example.invalid"]
GIT += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
UNUSED = "requirements.txt:3:1: BLT101 scikit-learn is declared but never imported or run"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's source files, committed in a repository of their own."""
    if not (REPOSITORY / ".git").exists():
        pytest.skip("needs a git checkout of bloatlint to copy the hook repository from")
    target = tmp_path_factory.mktemp("hook-repo")
    listed = git(REPOSITORY, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for relative in filter(None, listed):
        source = REPOSITORY / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    git(target, "init", "-q")
    commit_all(target)
    return target


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: its own cache, and pip limited to local wheels."""
    wheels = tmp_path_factory.mktemp("wheels")
    runtime = [req for req in metadata.requires("bloatlint") or [] if "extra ==" not in req]
    for dist in wheelhouse.requirement_closure([*runtime, "setuptools>=69"]):
        wheelhouse.build(dist, wheels)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.update(
        {
            "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    return env


def try_repo(
    project: Path, hook_repo: Path, hook: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--all-files"]
    command += ["--color", "never"]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def ml_project(tmp_path: Path) -> Path:
    project = write_tree(
        tmp_path / "ml-project",
        {
            "requirements.txt": "numpy==2.0.0\npandas==2.2.2\nscikit-learn==1.5.0\n",
            "train.py": "import numpy as np\nimport pandas as pd\n\nprint(pd.Series(np.ones(3)))\n",
        },
    )
    git(project, "init", "-q")
    commit_all(project)
    return project


@pytest.mark.slow
def test_hook_fails_on_an_unused_dependency_and_passes_once_removed(
    ml_project: Path, hook_repo: Path, offline_env: dict[str, str]
) -> None:
    failing = try_repo(ml_project, hook_repo, "bloatlint", offline_env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert UNUSED in failing.stdout.splitlines()
    assert "- hook id: bloatlint" in failing.stdout

    write_tree(ml_project, {"requirements.txt": "numpy==2.0.0\npandas==2.2.2\n"})
    git(ml_project, "add", "-A")
    passing = try_repo(ml_project, hook_repo, "bloatlint", offline_env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "BLT101" not in passing.stdout
    assert any(
        line.startswith("bloatlint") and line.endswith("Passed")
        for line in passing.stdout.splitlines()
    )


@pytest.mark.slow
def test_docker_hook_skips_a_commit_without_image_files(
    tmp_path: Path, hook_repo: Path, offline_env: dict[str, str]
) -> None:
    project = write_tree(tmp_path / "code-only", {"train.py": "import numpy\n"})
    git(project, "init", "-q")
    commit_all(project)
    done = try_repo(project, hook_repo, "bloatlint-docker", offline_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.endswith("(no files to check)Skipped") for line in done.stdout.splitlines())
