"""``--summary`` and ``--html FILE`` on a project locked by uv (the fork-demo lock, uv 0.13.9)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_tree

FIXTURES = Path(__file__).parent / "fixtures"
PYPROJECT = """\
[project]
name = "fork-demo"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "click",
    "six<1.17; python_full_version < '3.12'",
    "six>=1.17; python_full_version >= '3.12'",
]
"""
# The lock's wheel sizes times the pure-Python unpacked/wheel factor 3.9 (resolve/sizes.py).
CLICK = round(126163 * 3.9)  # 492,036 B
SIX = round(11053 * 3.9)  # 43,107 B: six 1.16.0, the version for Python 3.11


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_tree(
        tmp_path / "project",
        {
            "pyproject.toml": PYPROJECT,
            "Dockerfile": "FROM python:3.11-slim\n",  # the target: CPython 3.11 on Linux
            "app.py": "import click\n",
        },
    )
    shutil.copy(FIXTURES / "uv.lock.fork-demo", root / "uv.lock")
    return root


def test_summary_text_gives_environment_bloat_managers_and_removals(project: Path) -> None:
    assert (CLICK, SIX) == (492036, 43107)
    result = run_cli(project, "--no-cache", "--select", "BLT101", "--summary")
    assert result.status == 1
    lines = result.stdout.splitlines()
    start = lines.index("bloatlint summary (uv.lock; sizes: lock 2):")
    assert lines[start:] == [
        "bloatlint summary (uv.lock; sizes: lock 2):",
        "  environment 535 KB, bloat 43 KB (8%)",  # 535,143 B; 43,107 B
        "  pip: 535 KB, bloat 43 KB",
        # six is declared twice (one line per marker) but freed once
        "  removing six frees 43 KB (pyproject.toml:7:6)",
    ]


def test_summary_json_lists_the_largest_packages(project: Path) -> None:
    result = run_cli(project, "--no-cache", "--select", "BLT101", "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert summary["environment_bytes"] == CLICK + SIX
    assert summary["bloat_bytes"] == SIX
    assert summary["largest_packages"] == [
        {"name": "click", "bytes": CLICK, "bloat": False},
        {"name": "six", "bytes": SIX, "bloat": True},
    ]


def test_html_report_is_one_self_contained_page(project: Path, tmp_path: Path) -> None:
    page_path = tmp_path / "report.html"
    result = run_cli(project, "--no-cache", "--select", "BLT101", "--html", page_path)
    assert result.status == 1
    page = page_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"(?:https?:)?//", page)  # no external URL of any kind
    assert "<svg " in page
    assert page.count("<svg") == 1
    # the largest packages are named with their sizes; bloat is drawn in its own colour
    assert '<text x="0" y="67">click</text><text x="778" y="67">492 KB</text>' in page
    assert '<rect x="220" y="78" width="48" height="20" fill="#d43"/>' in page
    assert '<text x="0" y="93">six (bloat)</text>' in page
    assert '<text x="0" y="41">bloat (unused)</text><text x="274" y="41">43 KB</text>' in page
    assert "Sizes: uv.lock; sizes: lock 2" in page
    assert page.count("removing six") == 1
    assert "pyproject.toml:7:6 BLT101 six is declared but never imported or run" in page


def test_summary_without_any_lock_says_sizes_are_unknown(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"requirements.txt": "six\n", "app.py": "x = 1\n"})
    result = run_cli(root, "--no-cache", "--summary")
    assert result.stdout.endswith(
        "bloatlint summary: sizes and trees are unknown (no environment or lockfile)\n"
    )


def test_report_command_is_the_summary(project: Path) -> None:
    spelled = run_cli("report", project, "--no-cache", "--select", "BLT101")
    flag = run_cli(project, "--no-cache", "--select", "BLT101", "--summary")
    assert spelled == flag
    assert "  environment 535 KB, bloat 43 KB (8%)" in spelled.stdout.splitlines()
