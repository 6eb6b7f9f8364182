"""Commands a project runs, at the exact position of their command word.

``fixtures/commands/project`` holds one file of every kind the scanner reads, and
``expected.txt`` lists every command found there as ``path:line:col name``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bloatlint.code.commands import CommandScan, commands_from_shell, scan_commands
from bloatlint.model import Location, ParseProblem, SourceText

PROJECT = Path(__file__).parent / "fixtures" / "commands" / "project"
RUNTIME_FILES = {"Procfile", "docker-compose.yml", "run.sh", "scripts/serve"}


def scan_project() -> CommandScan:
    files = sorted(
        path.relative_to(PROJECT).as_posix()
        for path in PROJECT.rglob("*")
        if path.is_file() and path.name != "expected.txt"
    )
    return scan_commands(PROJECT, files)


def test_every_command_of_the_fixture_project() -> None:
    scan = scan_project()
    found = sorted(scan.commands, key=lambda use: (use.location, use.name))
    expected = (PROJECT / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [f"{use.location} {use.name}" for use in found] == expected
    assert scan.problems == ()


def test_dev_flags_of_commands() -> None:
    for use in scan_project().commands:
        assert use.dev is (use.location.path not in RUNTIME_FILES), use


def test_texts_kept_for_evidence() -> None:
    texts = {text.path: text.dev for text in scan_project().texts}
    assert texts == {
        ".github/workflows/ci.yml": True,
        ".gitlab-ci.yml": True,
        ".pre-commit-config.yaml": True,
        "Makefile": True,
        "Procfile": False,
        "README.md": True,
        "docker-compose.yml": False,
        "docs/README.md": True,
        "docs/conf.py": True,
        "mkdocs.yml": True,
        "noxfile.py": True,
        "pyproject.toml": False,
        "pytest.ini": True,
        "run.sh": False,
        "scripts/serve": False,
        "setup.cfg": False,
        "tox.ini": True,
    }
    conf = next(text for text in scan_project().texts if text.path == "docs/conf.py")
    assert conf == SourceText(
        "docs/conf.py", 'extensions = ["sphinx.ext.autodoc", "myst_parser"]\n', dev=True
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("uvicorn app:app", [("uvicorn", 3, 5)], id="plain"),
        pytest.param(
            "sudo -E env X=1 python -m pip install x",
            [("python", 3, 21), ("-m pip", 3, 21)],
            id="launchers unwrapped",
        ),
        pytest.param("uv run pytest -q", [("pytest", 3, 12)], id="uv run"),
        pytest.param(
            "jupyter lab --port 1", [("jupyter", 3, 5), ("jupyter-lab", 3, 5)], id="jupyter sub"
        ),
        pytest.param(
            "jupyter-nbconvert --to html x.ipynb",
            [("jupyter-nbconvert", 3, 5), ("jupyter", 3, 5)],
            id="jupyter-sub",
        ),
        pytest.param(
            "cd app \\\n  && /opt/venv/bin/gunicorn app:app\nstreamlit run x.py",
            [("gunicorn", 4, 6), ("streamlit", 5, 1)],
            id="rows after the first keep their own columns",
        ),
        pytest.param(
            "bash -c 'ruff check . && mypy src'",
            [("bash", 3, 5), ("ruff", 3, 14), ("mypy", 3, 30)],
            id="sh -c script",
        ),
        pytest.param("echo é && black .", [("black", 3, 15)], id="non-ASCII before"),
        pytest.param("VERSION=$(git describe) make", [("make", 3, 29), ("git", 3, 15)], id="subst"),
        pytest.param(
            "$PYTHON -m build", [("python", 3, 5), ("-m build", 3, 5)], id="interpreter variable"
        ),
        pytest.param(
            '"${VENV_PYTHON:-python3}" -m pytest',
            [("python", 3, 5), ("-m pytest", 3, 5)],
            id="interpreter variable with a default",
        ),
        pytest.param("$PYTEST -q && $NUMPY_DIR", [], id="other variables stay unknown"),
    ],
)
def test_commands_from_shell(text: str, expected: list[tuple[str, int, int]]) -> None:
    uses = commands_from_shell(text, Location("f.txt", 3, 5), dev=True)
    assert [(u.name, u.location.line, u.location.column) for u in uses] == expected
    assert all(use.dev and use.location.path == "f.txt" for use in uses)


def scan_files(root: Path, files: dict[str, str | bytes]) -> CommandScan:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return scan_commands(root, list(files))


def test_bad_files_are_problems_and_the_rest_goes_on(tmp_path: Path) -> None:
    scan = scan_files(
        tmp_path,
        {
            ".gitlab-ci.yml": "test:\n  script:\n    - pytest\n  bad: [unclosed\n",
            "docker-compose.yml": "services:\n\tapi: {}\n",
            "run.sh": b"pip install x\n\xff\xfe\n",
            "deploy.sh": b"#!/bin/sh\x00binary",
            "noxfile.py": "def broken(:\n",
            "Procfile": "web: gunicorn app:app\n",
            # documentation that cannot be decoded proves nothing: skipped, not a problem
            "examples/umlauts-latin1.md": b"# \xfcber\n```bash\nflask run\n```\n",
        },
    )
    assert [str(use.location) + " " + use.name for use in scan.commands] == [
        "Procfile:1:6 gunicorn"
    ]
    assert scan.problems == (
        ParseProblem(
            Location(".gitlab-ci.yml", 5, 1),
            "cannot parse YAML: expected ',' or ']', but got '<stream end>'",
        ),
        ParseProblem(
            Location("docker-compose.yml", 2, 1),
            "cannot parse YAML: found character '\\t' that cannot start any token",
        ),
        ParseProblem(Location("run.sh", 2), "cannot decode file: invalid start byte"),
        ParseProblem(Location("deploy.sh", 1), "cannot decode file: binary content (NUL byte)"),
        ParseProblem(Location("noxfile.py", 1, 12), "cannot parse Python: invalid syntax"),
    )


def test_makefile_recipes_only(tmp_path: Path) -> None:
    makefile = (
        "define HELP\n"
        "\tnot-a-command\n"
        "endef\n"
        "FILES = a \\\n"
        "\tnot-a-recipe\n"
        "build: deps\n"
        "ifeq ($(CI),1)\n"
        "\t+pip wheel .\n"
        "endif\n"
        "# comment\n"
        "\n"
        "\t@-twine check dist/*\n"
        "VAR := 1\n"
        "\tnot-in-a-rule\n"
    )
    scan = scan_files(tmp_path, {"tools/release.mk": makefile})
    assert [f"{use.location} {use.name}" for use in scan.commands] == [
        "tools/release.mk:8:3 pip",
        "tools/release.mk:12:4 twine",
    ]


def test_makefile_interpreter_variable_with_a_computed_value(tmp_path: Path) -> None:
    makefile = (
        "PYTHON ?= $(shell command -v python3 || command -v python)\n"
        "lint:\n"
        "\t$(PYTHON) -m black --check .\n"
    )
    scan = scan_files(tmp_path, {"Makefile": makefile})
    assert [f"{use.location} {use.name}" for use in scan.commands] == [
        "Makefile:3:2 python",
        "Makefile:3:2 -m black",
    ]


def test_extensionless_files_need_a_shell_shebang(tmp_path: Path) -> None:
    scan = scan_files(
        tmp_path,
        {
            "bin/start": "#!/usr/bin/env -S bash -e\nhuey_consumer tasks.huey\n",
            "bin/manage": "#!/usr/bin/env python\nimport django\n",
            "LICENSE": "MIT License\n",
        },
    )
    assert [f"{use.location} {use.name}" for use in scan.commands] == [
        "bin/start:2:1 huey_consumer"
    ]
    assert [text.path for text in scan.texts] == ["bin/start"]


def test_compose_anchors_count_once_and_ci_folded_scalars(tmp_path: Path) -> None:
    compose = (
        "x-base: &base\n"
        "  command: celery worker\n"
        "services:\n"
        "  one:\n"
        "    <<: *base\n"
        "  two:\n"
        "    command: *base\n"
        "  three:\n"
        "    entrypoint: 'python -m flask run'\n"
    )
    workflow = "jobs:\n  a:\n    steps:\n      - run: >-\n          tox -e lint\n"
    scan = scan_files(
        tmp_path,
        {"deploy/compose.prod.yaml": compose, ".github/workflows/lint.yaml": workflow},
    )
    assert [f"{use.location} {use.name}" for use in scan.commands] == [
        "deploy/compose.prod.yaml:2:12 celery",
        "deploy/compose.prod.yaml:9:18 python",
        "deploy/compose.prod.yaml:9:18 -m flask",
        ".github/workflows/lint.yaml:5:11 tox",
    ]


def test_markdown_outside_a_documentation_tree_is_read_like_the_readme(tmp_path: Path) -> None:
    scan = scan_files(
        tmp_path,
        {
            "assets/USAGE.md": "# Usage\n\n```bash\ngdown --id 1abc\n```\n",
            "docs/guide.md": "```bash\nmkdocs serve\n```\n",
            "docs/CONTRIBUTING.md": "```console\n$ ufmt format .\n```\n",
        },
    )
    assert [f"{use.location} {use.name}" for use in scan.commands] == [
        "assets/USAGE.md:4:1 gdown",
        "docs/CONTRIBUTING.md:2:3 ufmt",
    ]
