"""The ``bloatlint`` command: argparse → Config → engine → reporter → exit status.

Exit status: 0 nothing found, 1 findings, 2 usage or configuration error. No traceback
reaches the user: an internal error is reported in one line with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from bloatlint import __version__, config, engine, explain, reporters
from bloatlint.resolve.environment import EnvironmentError_
from bloatlint.rules import RuleCrashed

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bloatlint",
        description="Find the packages an ML project installs but never uses.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="project folder (default: the current directory), and manifest files with "
        "unusual names to read as well (e.g. envs/gpu.yaml)",
    )
    parser.add_argument("--format", choices=sorted(reporters.REPORTERS), default="text")
    parser.add_argument("--python", metavar="PATH", help="interpreter whose installed packages to read")
    parser.add_argument("--config", metavar="FILE", type=Path, help="settings file instead of pyproject.toml")
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    parser.add_argument("--explain", metavar="PACKAGE", help="why a declared package is used or unused")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when something is found")
    parser.add_argument("--version", action="version", version=f"bloatlint {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (config.ConfigError, EnvironmentError_, _UsageError) as error:
        print(f"bloatlint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RuleCrashed as error:
        print(f"bloatlint: internal error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug must still end in one clear line, not a traceback
        print(f"bloatlint: internal error: {error!r} (please report it)", file=sys.stderr)
        return EXIT_USAGE


class _UsageError(Exception):
    pass


def _run(args: argparse.Namespace) -> int:
    root, extra_files = _split_paths(args.paths)
    settings = config.load(root, args.config).merged(
        select=_codes(args.select), ignore=_codes(args.ignore)
    )
    result = engine.run(engine.Options(root, extra_files, args.python), settings)
    if args.explain:
        sys.stdout.write(explain.explain(result.analysis, canonicalize_name(args.explain)))
        return EXIT_CLEAN
    sys.stdout.write(reporters.REPORTERS[args.format](result.findings, result.summary))
    return EXIT_FINDINGS if result.findings and not args.exit_zero else EXIT_CLEAN


def _split_paths(paths: list[Path]) -> tuple[Path, tuple[Path, ...]]:
    for path in paths:
        if not path.exists():
            raise _UsageError(f"{path}: no such file or directory")
    folders = [path for path in paths if path.is_dir()]
    if len(folders) > 1:
        raise _UsageError("give one project folder (and, optionally, manifest files)")
    root = (folders[0] if folders else Path.cwd()).resolve()
    return root, tuple(path.resolve() for path in paths if not path.is_dir())


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in (text or "").split(",") if code.strip())
