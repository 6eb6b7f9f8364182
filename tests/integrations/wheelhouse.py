"""Wheels of installed distributions, rebuilt from this environment without any network.

pre-commit installs a hook with pip into a fresh virtualenv. For tests that must not reach
a package index, pip is pointed at a folder of wheels (``PIP_NO_INDEX=1``,
``PIP_FIND_LINKS=<folder>``). ``pip wheel`` and ``pip download`` need an index or sources, so
the wheels are packed here from what is installed: an installed distribution's files, as
listed in its ``RECORD``, are the unpacked wheel, except for the console scripts pip
generated (regenerated from ``entry_points.txt`` on install), byte code, and the
install-time records (``INSTALLER``, ``REQUESTED``, ``direct_url.json``, ``RECORD``).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path, PurePosixPath

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

_INSTALL_RECORDS = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})


def requirement_closure(roots: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions ``roots`` need, following their requirements."""
    environment = {**default_environment(), "extra": ""}
    found: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        requirement = Requirement(pending.pop())
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        pending.extend(dist.requires or [])
    return sorted(found.values(), key=lambda dist: canonicalize_name(dist.metadata["Name"]))


def build(dist: metadata.Distribution, folder: Path) -> Path:
    """A wheel of the installed ``dist`` in ``folder``."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
    version = dist.version
    wheel = folder / f"{name}-{version}-{_tag(dist)}.whl"
    record: list[str] = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, source in _members(dist, f"{name}-{version}.data"):
            data = source.read_bytes()
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (source.stat().st_mode & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{arcname},sha256={digest.decode()},{len(data)}")
        record_name = f"{_dist_info(dist)}/RECORD"
        archive.writestr(record_name, "\n".join([*record, f"{record_name},,"]) + "\n")
    return wheel


def _members(dist: metadata.Distribution, data_dir: str) -> Iterator[tuple[str, Path]]:
    generated = {
        entry.name
        for entry in dist.entry_points
        if entry.group in ("console_scripts", "gui_scripts")
    }
    info_dir = _dist_info(dist)
    for file in dist.files or []:
        path = PurePosixPath(file.as_posix())
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if path.parts[0] == info_dir and path.name in _INSTALL_RECORDS:
            continue
        arcname = _archive_name(path, data_dir, generated)
        if arcname is not None:
            yield arcname, Path(str(dist.locate_file(file)))


def _archive_name(path: PurePosixPath, data_dir: str, generated: set[str]) -> str | None:
    """Where a file installed at ``path`` (relative to site-packages) lives in a wheel."""
    if path.parts[0] != "..":
        return str(path)
    outside = PurePosixPath(*[part for part in path.parts if part != ".."])
    if outside.parts[0] in ("bin", "Scripts"):
        if outside.name in generated or outside.stem in generated:
            return None  # pip writes these from entry_points.txt
        return f"{data_dir}/scripts/{outside.name}"
    return f"{data_dir}/data/{outside}"


def _dist_info(dist: metadata.Distribution) -> str:
    for file in dist.files or []:
        if file.parts[0].endswith(".dist-info"):
            return file.parts[0]
    raise ValueError(f"{dist.metadata['Name']} has no .dist-info folder in its RECORD")


def _tag(dist: metadata.Distribution) -> str:
    """The compressed tag set of the ``Tag:`` lines in the distribution's WHEEL file."""
    tags = [
        line.split(":", 1)[1].strip()
        for line in (dist.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
    ]
    if not tags:
        return "py3-none-any"
    columns = zip(*(tag.split("-") for tag in tags), strict=True)
    return "-".join(".".join(dict.fromkeys(column)) for column in columns)
