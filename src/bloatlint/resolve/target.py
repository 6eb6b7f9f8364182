"""The platform the environment is built for, for evaluating markers and choosing wheels.

The final stage of the project's Dockerfile decides when its base image is recognisable
(``python:3.11-slim`` → CPython 3.11 on Linux x86_64; ``*-alpine`` → musl; Ubuntu and
``nvidia/cuda:*-ubuntu22.04`` → that release's system Python; ``--platform=linux/arm64`` →
aarch64). Otherwise the running interpreter is the target.
"""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.markers import Marker, default_environment
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

if TYPE_CHECKING:
    from bloatlint.manifests.dockerfile import Dockerfile

_UBUNTU_PYTHON = {"20.04": "3.8", "22.04": "3.10", "24.04": "3.12", "26.04": "3.13"}
_DEBIAN_PYTHON = {"bullseye": "3.9", "bookworm": "3.11", "trixie": "3.13"}
_ARCH = {"amd64": "x86_64", "arm64": "aarch64", "x86_64": "x86_64", "aarch64": "aarch64"}


@dataclass(frozen=True)
class Target:
    python: str  # "3.11"
    system: str = "linux"  # sys_platform
    machine: str = "x86_64"
    musl: bool = False
    description: str = "the running interpreter"

    def environment(self) -> dict[str, str]:
        """A marker environment for this target (``extra`` empty)."""
        env: dict[str, str] = {key: str(value) for key, value in default_environment().items()}
        full = self.python if self.python.count(".") == 2 else f"{self.python}.0"
        env.update(
            python_version=".".join(self.python.split(".")[:2]),
            python_full_version=full,
            sys_platform=self.system,
            platform_machine=self.machine,
            implementation_name="cpython",
            platform_python_implementation="CPython",
            extra="",
        )
        if self.system == "linux":
            env.update(platform_system="Linux", os_name="posix")
        elif self.system == "win32":
            env.update(platform_system="Windows", os_name="nt")
        elif self.system == "darwin":
            env.update(platform_system="Darwin", os_name="posix")
        return env

    def accepts(self, marker: str | None, extras: Iterable[str] = ()) -> bool:
        """Whether a requirement with ``marker`` applies to this target."""
        if not marker:
            return True
        parsed = Marker(marker)
        env = self.environment()
        return any(parsed.evaluate({**env, "extra": extra}) for extra in ("", *extras))

    def wheel_rank(self, filename: str) -> int | None:
        """How well a wheel fits (higher is better), None when it does not install here."""
        try:
            _, _, _, tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            return None
        major, minor = (int(part) for part in self.python.split(".")[:2])
        best: int | None = None
        for tag in tags:
            py = _python_fits(tag.interpreter, tag.abi, major, minor)
            plat = self._platform_fits(tag.platform)
            if py is not None and plat is not None:
                best = max(best or 0, py + plat)
        return best

    def _platform_fits(self, tag: str) -> int | None:
        if tag == "any":
            return 0
        if self.system == "linux":
            if not tag.endswith(self.machine):
                return None
            if tag.startswith("musllinux"):
                return 10 if self.musl else None
            if tag.startswith(("manylinux", "linux")):
                return None if self.musl else 10
            return None
        if self.system == "win32":
            wanted = {"x86_64": "win_amd64", "aarch64": "win_arm64"}.get(self.machine, "win32")
            return 10 if tag == wanted else None
        if self.system == "darwin":
            arch = "arm64" if self.machine in ("arm64", "aarch64") else "x86_64"
            return 10 if tag.startswith("macosx") and (arch in tag or "universal" in tag) else None
        return None


def _python_fits(interpreter: str, abi: str, major: int, minor: int) -> int | None:
    if interpreter in (f"cp{major}{minor}", f"py{major}{minor}"):
        return 5 if abi != "abi3" else 4
    match = re.fullmatch(r"cp(\d)(\d+)", interpreter)
    if match and abi == "abi3" and int(match[1]) == major and int(match[2]) <= minor:
        return 3
    if interpreter in (f"py{major}", "py2.py3") and abi == "none":
        return 1
    return None


def running() -> Target:
    machine = _ARCH.get(platform.machine().lower(), platform.machine().lower())
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Target(version, sys.platform, machine)


def from_image(image: str, platform_flag: str | None = None) -> Target | None:
    """The target of a base image reference, None when it is not recognisable."""
    name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    repository = name.split("/")[-1]
    machine = "x86_64"
    if platform_flag and "/" in platform_flag:
        machine = _ARCH.get(platform_flag.split("/")[1], platform_flag.split("/")[1])
    described = f"base image {image}"
    if repository == "python":
        match = re.match(r"(\d+\.\d+)(?:\.\d+)?", tag)
        if match:
            return Target(match[1], "linux", machine, "alpine" in tag, described)
        return None
    match = re.search(r"ubuntu-?(\d\d\.\d\d)", f"{repository}:{tag}")
    if match and match[1] in _UBUNTU_PYTHON:
        return Target(_UBUNTU_PYTHON[match[1]], "linux", machine, False, described)
    for release, version in _DEBIAN_PYTHON.items():
        if release in tag or repository == release:
            return Target(version, "linux", machine, False, described)
    return None


def from_dockerfiles(dockerfiles: Iterable[Dockerfile]) -> Target | None:
    for dockerfile in dockerfiles:
        stage = dockerfile.final_stage
        seen = 0
        while stage is not None and stage.parent is not None and seen < 50:
            stage, seen = dockerfile.stages[stage.parent], seen + 1
        if stage is not None:
            found = from_image(stage.base_image, stage.platform)
            if found is not None:
                return found
    return None
