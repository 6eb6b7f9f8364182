"""Settings: ``[tool.bloatlint]`` in the project's pyproject.toml, or a file given with
``--config`` (a TOML file holding either a ``[tool.bloatlint]`` table or the keys at top level).

Keys (all optional)::

    select = ["BLT1"]                 # codes or code prefixes to report (default: all)
    ignore = ["BLT103"]               # codes or prefixes never reported
    exclude = ["legacy/", "*.gen.py"] # paths to skip, gitignore syntax
    first-party = ["mylib"]           # import names that are the project's own
    source-roots = ["lib"]            # folders on sys.path besides the root and src/
    used-packages = ["gunicorn"]      # distributions always considered used
    target = "runtime"                # the Dockerfile stage that becomes the image
    copy-threshold-mb = 50            # BLT310: weights and data copied into an image

    [tool.bloatlint.ignore-packages]  # distributions to skip, per code ("*" = every code)
    BLT101 = ["torch"]

    [tool.bloatlint.import-names]     # distribution -> the import names it provides
    my-internal-dist = ["internal"]

    [tool.bloatlint.commands]         # distribution -> the commands it installs
    my-cli-dist = ["mycli"]

An unknown key is an error naming the key, so a typo never silently disables a setting.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name


class ConfigError(Exception):
    """A setting bloatlint cannot use; the CLI exits with status 2."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    first_party: frozenset[str] = frozenset()
    source_roots: tuple[str, ...] = ()
    used_packages: frozenset[str] = frozenset()
    target: str | None = None
    copy_threshold_mb: float | None = None
    ignore_packages: Mapping[str, frozenset[str]] = field(default_factory=dict)
    import_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    commands: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def reports(self, code: str) -> bool:
        """Whether ``code`` is selected and not ignored."""
        selected = not self.select or any(code.startswith(prefix) for prefix in self.select)
        return selected and not any(code.startswith(prefix) for prefix in self.ignore)

    def ignores_package(self, code: str, package: str | None) -> bool:
        if package is None:
            return False
        return any(package in self.ignore_packages.get(key, frozenset()) for key in (code, "*"))

    def merged(self, **overrides: Any) -> Config:
        """This config with the command line's non-empty values on top."""
        return replace(self, **{key: value for key, value in overrides.items() if value})


_KEYS = {f.name.replace("_", "-") for f in fields(Config)}


def load(root: Path, explicit: Path | None = None) -> Config:
    """The configuration for a project rooted at ``root``."""
    if explicit is not None:
        table = _read_table(explicit, allow_top_level=True)
    else:
        table = _read_table(root / "pyproject.toml", allow_top_level=False)
    return _from_table(table, explicit or root / "pyproject.toml")


def _read_table(path: Path, *, allow_top_level: bool) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if allow_top_level:
            raise ConfigError(f"{path}: config file not found") from None
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        if not allow_top_level:
            return {}  # the pyproject parser reports the broken file as BLT001
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    table = data.get("tool", {}).get("bloatlint")
    if table is None and allow_top_level:
        table = {key: value for key, value in data.items() if key != "tool"}
    return table if isinstance(table, dict) else {}


def _from_table(table: dict[str, Any], path: Path) -> Config:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} in [tool.bloatlint]")
    return Config(
        select=_codes(table, "select", path),
        ignore=_codes(table, "ignore", path),
        exclude=tuple(_strings(table, "exclude", path)),
        first_party=frozenset(_strings(table, "first-party", path)),
        source_roots=tuple(_strings(table, "source-roots", path)),
        used_packages=frozenset(map(canonicalize_name, _strings(table, "used-packages", path))),
        target=_optional_string(table, "target", path),
        copy_threshold_mb=_optional_number(table, "copy-threshold-mb", path),
        ignore_packages={
            code.upper(): frozenset(map(canonicalize_name, names))
            for code, names in _string_lists(table, "ignore-packages", path).items()
        },
        import_names={
            canonicalize_name(dist): tuple(names)
            for dist, names in _string_lists(table, "import-names", path).items()
        },
        commands={
            canonicalize_name(dist): tuple(names)
            for dist, names in _string_lists(table, "commands", path).items()
        },
    )


def _strings(table: dict[str, Any], key: str, path: Path) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: [tool.bloatlint] {key} must be a list of strings")
    return value


def _codes(table: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    return tuple(code.upper() for code in _strings(table, key, path))


def _optional_string(table: dict[str, Any], key: str, path: Path) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: [tool.bloatlint] {key} must be a string")
    return value


def _optional_number(table: dict[str, Any], key: str, path: Path) -> float | None:
    value = table.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{path}: [tool.bloatlint] {key} must be a number")
    return None if value is None else float(value)


def _string_lists(table: dict[str, Any], key: str, path: Path) -> dict[str, list[str]]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [tool.bloatlint] {key} must be a table")
    for name in value:
        _strings(value, name, path)
    return value
