"""A real virtual environment with tiny wheels of known sizes, read through pipdeptree."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_tree

# name → (payload bytes, requirements)
WHEELS = {
    "heavy": (300_000, ["heavydep", "shared"]),
    "heavydep": (200_000, []),
    "shared": (50_000, []),
    "used": (10_000, ["shared"]),
}


def build_wheel(folder: Path, name: str, payload: int, requires: list[str]) -> Path:
    """A minimal valid wheel: a package with one data file of ``payload`` bytes."""
    info = f"{name}-1.0.dist-info"
    files = {
        f"{name}/__init__.py": b"",
        f"{name}/blob.bin": bytes(payload),
        f"{info}/METADATA": (
            "Metadata-Version: 2.1\n"
            f"Name: {name}\nVersion: 1.0\n" + "".join(f"Requires-Dist: {req}\n" for req in requires)
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{info}/top_level.txt": f"{name}\n".encode(),
    }
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([path, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(f"{info}/RECORD", record.getvalue())
    return wheel


def installed_size(site: Path, name: str) -> int:
    """Bytes on disk of the files the installed RECORD lists, measured independently."""
    info = site / f"{name}-1.0.dist-info"
    rows = csv.reader((info / "RECORD").read_text().splitlines())
    return sum((site / row[0]).stat().st_size for row in rows if row)


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("env")
    wheels = base / "wheels"
    wheels.mkdir()
    for name, (payload, requires) in WHEELS.items():
        build_wheel(wheels, name, payload, requires)
    target = base / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-index",
            "--no-compile",
            "--find-links",
            str(wheels),
            "heavy",
            "used",
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    site = next(target.glob("lib/python*/site-packages"))
    return python, site


@pytest.mark.slow
def test_freed_packages_and_bytes_from_a_real_environment(
    environment: tuple[Path, Path], tmp_path: Path
) -> None:
    python, site = environment
    project = write_tree(
        tmp_path / "project",
        {"requirements.txt": "heavy\nused\n", "app.py": "import used\n"},
    )
    result = run_cli(project, "--python", python, "--format", "json", "--select", "BLT101")
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["package"] == "heavy"
    assert finding["freed_packages"] == ["heavy", "heavydep"]
    expected = installed_size(site, "heavy") + installed_size(site, "heavydep")
    assert finding["freed_bytes"] == expected
    assert 500_000 < expected < 520_000
    summary = report["summary"]
    assert summary["bloat_bytes"] == expected
    environment_bytes = sum(installed_size(site, name) for name in WHEELS)
    assert summary["environment_bytes"] == environment_bytes
    assert summary["sizes"].startswith("installed environment")


@pytest.mark.slow
def test_text_message_names_the_total_and_contributors(
    environment: tuple[Path, Path], tmp_path: Path
) -> None:
    python, _ = environment
    project = write_tree(
        tmp_path / "project", {"requirements.txt": "heavy\nused\n", "app.py": "import used\n"}
    )
    result = run_cli(project, "--python", python, "--select", "BLT101")
    assert result.stdout == (
        "requirements.txt:1:1: BLT101 heavy is declared but never imported or run; "
        "removing it frees 501 KB (89% of the environment): heavy 301 KB, heavydep 201 KB\n"
    )


def test_unknown_sizes_keep_the_plain_message(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"requirements.txt": "heavy\n", "app.py": "x = 1\n"})
    result = run_cli(project, "--format", "json", "--select", "BLT101")
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["message"] == "heavy is declared but never imported or run"
    assert finding["freed_bytes"] is None
    assert finding["freed_packages"] == ["heavy"]
    assert report["summary"]["sizes"] == "unknown"
    assert report["summary"]["bloat_bytes"] is None
