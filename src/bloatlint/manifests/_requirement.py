"""One requirement as written on a command line or in a list: ``torch==2.1``, ``x[extra]``,
``git+https://host/org/repo@v1#egg=name``, ``name @ https://...``, ``./local/path``.

Shared by every format that holds pip requirement strings outside a requirements file
(environment.yml's ``pip:`` list, ``pip install`` in a Dockerfile, pyproject tables).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from bloatlint.model import Declared, Location, Manager, Scope

_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_VCS_REPOSITORY = re.compile(
    r"^(?:git|hg|svn|bzr)\+\S+/([A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.git)?/?(?:@[^/]*)?$"
)
_NAME_AT_URL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@\s*\S")
_WHEEL_OR_SDIST = re.compile(
    r"(?:^|/)([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2)$"
)


@dataclass(frozen=True)
class RequirementSpec:
    """What bloatlint needs of one requirement: the canonical name and whether it is pinned."""

    name: str
    raw_name: str
    pinned: bool
    extras: frozenset[str]
    marker: str | None = None
    url: str | None = None
    version: str | None = None


class _Specifier(Protocol):
    @property
    def operator(self) -> str: ...

    @property
    def version(self) -> str: ...


def exact_version(specifiers: Iterable[_Specifier]) -> str | None:
    """The release an ``==`` (or ``===``) specifier names; ``2.15.*`` gives ``2.15``."""
    for specifier in specifiers:
        if specifier.operator in ("==", "==="):
            return specifier.version.removesuffix(".*")
    return None


def parse_requirement(text: str) -> RequirementSpec | None:
    """The requirement ``text`` names, or None when it names no distribution (``.``, a bare
    local path or URL without ``#egg=``). Raises ``ValueError`` for text that is malformed."""
    text = text.strip()
    if not text:
        return None
    egg = _EGG.search(text)
    if not _NAME_AT_URL.match(text) and _is_url_or_path(text):
        return _from_url(text, egg)
    try:
        req = Requirement(text)
    except InvalidRequirement as error:
        raise ValueError(f"invalid requirement {text!r}: {error}") from error
    return RequirementSpec(
        name=canonicalize_name(req.name),
        raw_name=req.name,
        pinned=bool(req.specifier) or req.url is not None,
        extras=frozenset(req.extras),
        marker=str(req.marker) if req.marker else None,
        url=req.url,
        version=exact_version(req.specifier),
    )


def _is_url_or_path(text: str) -> bool:
    head = text.split("@", 1)[0]
    return (
        "://" in head
        or "/" in head.split(";", 1)[0]  # pip reads ``csrc/layer_norm`` as a directory
        or text.startswith(("git+", "hg+", "svn+", "bzr+", ".", "/", "~"))
        or text.endswith((".whl", ".tar.gz", ".zip"))
    )


def _from_url(text: str, egg: re.Match[str] | None) -> RequirementSpec | None:
    if egg:
        raw = egg.group(1)
    elif archive := _WHEEL_OR_SDIST.search(text.split("#", 1)[0]):
        raw = archive.group(1)
    elif repository := _VCS_REPOSITORY.search(text.split("#", 1)[0]):
        # pip names such a requirement after the project it builds; the repository's name is
        # that project's name far more often than not (peft.git builds peft).
        raw = repository.group(1)
    else:
        return None
    raw, _, extras = raw.partition("[")
    return RequirementSpec(
        name=canonicalize_name(raw),
        raw_name=raw,
        pinned=True,
        extras=frozenset(filter(None, extras.rstrip("]").split(","))),
        url=text,
    )


def pip_declaration(
    spec: RequirementSpec,
    location: Location,
    *,
    group: str,
    scope: Scope,
    suppressed: frozenset[str],
    transitive: bool = False,
) -> Declared:
    """The declaration of a pip requirement, as every format records one."""
    return Declared(
        name=spec.name,
        raw_name=spec.raw_name,
        manager=Manager.PIP,
        location=location,
        group=group,
        scope=scope,
        pinned=spec.pinned,
        transitive=transitive,
        extras=spec.extras,
        suppressed=suppressed,
        marker=spec.marker,
        from_source=spec.url is not None and not spec.url.split("#", 1)[0].endswith(".whl"),
        version=spec.version,
    )
