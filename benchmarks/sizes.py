"""Measured installed size of real ML requirement sets against bloatlint's lock-based estimate.

Not part of the tests (it downloads hundreds of MB). For each set: a fresh virtual environment
in a temporary folder, ``pip install`` (pip's own configuration applies, ``--index-url`` if
given), the real size of site-packages (file sizes, without pip/setuptools/wheel and
``__pycache__``), then the exact installed versions are written to ``requirements.txt`` and
locked with ``uv lock`` (uv installed into a throwaway venv) into a ``uv.lock`` whose wheel
sizes bloatlint turns into an estimate, the same way a run on a project does (``sources``,
``sizes``). The venv is removed before the next set.

    python benchmarks/sizes.py [--index-url URL] [--only NAME ...] [--details N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from packaging.utils import canonicalize_name

from bloatlint.resolve import sources, target

SETS: dict[str, list[str]] = {
    "sklearn+pandas": ["scikit-learn", "pandas"],
    "transformers": ["transformers", "tokenizers", "safetensors"],
    "fastapi": ["fastapi", "uvicorn[standard]", "pydantic"],
    "opencv+albumentations": ["opencv-python-headless", "albumentations"],
    "xgboost-cpu+lightgbm": ["xgboost-cpu", "lightgbm"],
    "jax[cpu]": ["jax[cpu]"],
    "spacy": ["spacy"],
    "onnxruntime+onnx": ["onnxruntime", "onnx"],
    "polars+pyarrow": ["polars", "pyarrow"],
    "tensorflow-cpu": ["tensorflow-cpu"],
}
TOOLING = {"pip", "setuptools", "wheel", "distutils-precedence", "_distutils_hack"}
MB = 1_000_000


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode:
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _owner(top: str) -> str:
    """The distribution-ish name of a top-level entry of site-packages."""
    stem = top.split("-", 1)[0] if top.endswith((".dist-info", ".egg-info")) else top
    return stem.removesuffix(".pth").removesuffix(".py")


def measure(site: Path) -> int:
    total = 0
    for top in site.iterdir():
        if _owner(top.name) in TOOLING:
            continue
        if top.is_file():
            total += top.stat().st_size
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = [name for name in dirs if name != "__pycache__"]
            total += sum(os.lstat(f"{folder}/{name}").st_size for name in files)
    return total


def per_distribution(site: Path) -> dict[str, int]:
    """Installed bytes per distribution from RECORD, without byte code."""
    found: dict[str, int] = {}
    for info in site.glob("*.dist-info"):
        name = canonicalize_name(info.name.split("-", 1)[0])
        total = 0
        record = info / "RECORD"
        if not record.exists():
            continue
        for line in record.read_text(encoding="utf-8").splitlines():
            path = line.rsplit(",", 2)[0].strip('"')
            if "__pycache__" in path or path.endswith(".pyc"):
                continue
            try:
                total += (site / path).lstat().st_size
            except OSError:
                continue
        found[name] = total
    return found


def pip_index(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def uv_binary(work: Path) -> Path:
    found = shutil.which("uv")
    if found:
        return Path(found)
    tool = work / "uv-tool"
    run([sys.executable, "-m", "venv", str(tool)])
    run([str(tool / "bin" / "pip"), "install", "-q", "uv"])
    return tool / "bin" / "uv"


def lock(uv: Path, pins: list[str], folder: Path, index_url: str | None) -> Path:
    folder.mkdir()
    (folder / "requirements.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    deps = "".join(f'    "{pin}",\n' for pin in pins)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f"dependencies = [\n{deps}]\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    if index_url:
        env["UV_DEFAULT_INDEX"] = index_url
    run([str(uv), "lock", "--quiet", "--python", sys.executable], cwd=folder, env=env)
    return folder / "uv.lock"


def estimate(project: Path) -> tuple[int | None, dict[str, int], dict[str, tuple[int, str]]]:
    resolution = sources.resolve(project, ["uv.lock"], target.running(), lambda name: ())
    graph = resolution.graph
    if graph is None:
        return None, {}, {}
    each = {
        name: (node.size.bytes, node.size.detail)
        for name, node in graph.nodes.items()
        if node.size is not None and not node.is_project
    }
    return graph.environment_bytes(), graph.size_sources(), each


def bench(
    name: str, requirements: list[str], work: Path, uv: Path, index: str | None, details: int
) -> dict[str, object]:
    folder = work / name.replace("[", "_").replace("]", "").replace("+", "_")
    venv = folder / "venv"
    folder.mkdir()
    started = time.monotonic()
    try:
        run([sys.executable, "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        run([*pip, "install", "-q", *(["--index-url", index] if index else []), *requirements])
        site = site_packages(venv)
        measured = measure(site)
        each_measured = per_distribution(site)
        frozen = run([*pip, "freeze", "--all"]).splitlines()
        pins = [
            line
            for line in frozen
            if "==" in line and canonicalize_name(line.split("==")[0]) not in TOOLING
        ]
    finally:
        shutil.rmtree(venv, ignore_errors=True)
    lock(uv, pins, folder / "project", index)
    estimated, mix, each_estimated = estimate(folder / "project")
    row: dict[str, object] = {
        "set": name,
        "measured": measured,
        "estimated": estimated,
        "error": (estimated - measured) / measured if estimated is not None else None,
        "mix": mix,
        "seconds": round(time.monotonic() - started),
        "packages": {
            dist: [each_measured.get(dist), *each_estimated.get(dist, (None, ""))]
            for dist in sorted(set(each_measured) | set(each_estimated))
            if dist not in TOOLING
        },
    }
    if details:
        worst = sorted(
            (
                (abs((e or 0) - (m or 0)), dist, m, e)
                for dist, (m, e, _) in row["packages"].items()  # type: ignore[attr-defined]
            ),
            reverse=True,
        )[:details]
        for _, dist, m, e in worst:
            print(f"    {dist:32} measured {(m or 0) / MB:8.1f} MB  estimated {(e or 0) / MB:8.1f}")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-url", help="package index (default: pip's configuration)")
    parser.add_argument("--only", nargs="*", help="names of the sets to run")
    parser.add_argument("--details", type=int, default=0, help="show the N worst packages")
    parser.add_argument("--json", type=Path, help="write every row (per package too) here")
    args = parser.parse_args(argv)
    index = pip_index(args.index_url)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bloatlint-bench-") as temp:
        work = Path(temp)
        uv = uv_binary(work)
        for name, requirements in SETS.items():
            if args.only and name not in args.only:
                continue
            print(f"{name}: installing {' '.join(requirements)}", flush=True)
            try:
                rows.append(bench(name, requirements, work, uv, index, args.details))
            except Exception as error:  # one broken set must not stop the others
                print(f"  skipped: {error}", flush=True)
                continue
            shutil.rmtree(work / "project", ignore_errors=True)
    print(f"\n{'set':24} {'measured MB':>12} {'estimated MB':>13} {'error':>8}  source mix")
    for row in rows:
        measured, estimated = int(str(row["measured"])), row["estimated"]
        est = f"{estimated / MB:13.1f}" if isinstance(estimated, int) else f"{'unknown':>13}"
        error = row["error"]
        err = f"{error:+8.1%}" if isinstance(error, float) else f"{'-':>8}"
        mix = ", ".join(f"{key} {count}" for key, count in dict(row["mix"]).items())  # type: ignore[call-overload]
        print(f"{row['set']:24} {measured / MB:12.1f} {est} {err}  {mix}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    bad = [row for row in rows if not isinstance(row["error"], float) or abs(row["error"]) > 0.25]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
