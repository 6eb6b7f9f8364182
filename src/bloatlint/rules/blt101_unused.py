"""BLT101: a declared package that nothing imports, runs or otherwise needs.

bloatlint looks for every way a package can be needed without an import: a command it installs
being run (Dockerfile RUN/CMD/ENTRYPOINT, scripts, Makefile, CI, tox, nox, pre-commit, README),
a backend or plugin another package loads at run time (accelerate for ``device_map``,
openpyxl for ``read_excel``, pytest plugins), its module named in a string, type stubs of an
imported module, an extra of it that installs a used package (``optimum[openvino]``), a
dependency of the same family that provides an import nothing else declares (lightning
installs the pytorch-lightning the code imports), an import no declared package explains
whose name resembles a package whose import name is unknown (``decord`` for ``eva-decord``,
``tinycudann`` for ``tiny-cuda-nn``), and a version pin on a dependency of a used package
(kept on purpose; dependencies are those a lockfile or the installed environment records, and
the knowledge base's for the rest). A Dockerfile stage or an install script that also fetches
code from outside the repository (``git clone``, a ``git+`` URL) may install packages for that
code, which bloatlint cannot read: its packages are not reported, nor are build tools (Cython,
CMake, ...) beside a requirement pip builds from source, nor, in a stage that builds without
build isolation, what the project's own ``[build-system]`` requires (hatchling, and editables
for its editable builds). Only a package with none of these is reported, once per
declaration, at the line that declares it. A manifest inside a folder of code
(``examples/demo/requirements.txt``) serves that folder: a package only code elsewhere uses
is reported there, and the message names that use. An install script sets up the whole
project, wherever it lies (``docs/linux_install.sh``).

Why it matters: in the containers studied by Zhang et al. (SIGMETRICS 2024), up to 80% of an
ML image was packages the workload never touched, and they carried most of its CVEs. Every
unused package costs download, build time, disk and attack surface.

Example::

    # requirements.txt            # train.py
    torch==2.3.0                  import torch
    keras==3.3.3                  # (nothing imports keras)

    requirements.txt:2:1: BLT101 keras is declared but never imported or run

Fix: delete the declaration. If the package is needed in a way bloatlint cannot see, say so
with ``# bloatlint: ignore[BLT101]`` on the line, or ``used-packages = ["keras"]`` in
``[tool.bloatlint]``. A package that is re-declared without a version although a used package
already depends on it is reported too: removing the line frees nothing, but the line misleads.
Only a package installed where that declaration installs counts so: one that a Dockerfile
stage alone installs keeps nothing installed in the environment a requirements file builds.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.manifests.install_script import is_install_script
from bloatlint.model import Declared, Finding, Location, Manager
from bloatlint.resolve import costs
from bloatlint.resolve.graph import Freed
from bloatlint.rules import Rule
from bloatlint.sizes import format_size


def check(analysis: Analysis) -> Iterator[Finding]:
    unused = [
        item
        for item in analysis.project.declared
        if analysis.is_unused(item)
        and not (item.pinned and analysis.needed_by(item.name, item))  # a deliberate pin
        and not analysis.substitute_for(item.name, item)  # onnxruntime-gpu for onnxruntime
    ]
    freed = costs.freed(analysis, sorted({item.name for item in unused}))
    for item in unused:
        needed_by, elsewhere = analysis.needed_by(item.name, item), analysis.used_elsewhere(item)
        text = message(item, needed_by, elsewhere)
        gain = freed.get(item.name)
        if needed_by is not None:
            extra: dict[str, object] = {"freed_bytes": 0, "freed_packages": []}  # frees nothing
        else:
            if gain is not None and gain.bytes is not None and gain.packages:
                text += f"; removing it frees {_gain(gain)}"
            extra = {
                "freed_bytes": gain.bytes if gain is not None else None,
                "freed_packages": list(gain.packages) if gain is not None else [item.name],
            }
        yield Finding("BLT101", item.location, text, item.name, extra=extra)


def _gain(gain: Freed) -> str:
    """``1.9 GB (41% of the environment): tensorflow 1.1 GB, keras 90 MB and 21 more``."""
    total = format_size(gain.bytes or 0)
    share = f" ({gain.share:.0%} of the environment)" if gain.share is not None else ""
    top = [f"{name} {format_size(size)}" for name, size in gain.contributors[:3]]
    rest = len(gain.packages) - len(top)
    listed = ", ".join(top) + (f" and {rest} more" if rest > 0 else "")
    unknown = f"; {len(gain.unknown)} of unknown size" if gain.unknown else ""
    return f"{total}{share}: {listed}{unknown}"


def message(
    item: Declared, needed_by: str | None, elsewhere: tuple[str, Location] | None = None
) -> str:
    text = f"{item.raw_name} {_where(item)} but never imported or run"
    stays = f"it stays installed as a dependency of {needed_by}: removing it frees nothing"
    if elsewhere is not None:
        folder, location = elsewhere
        text += f" by the code it serves in {folder}/ (only {location} uses it"
        text += f"; {stays})" if needed_by is not None else ")"
    elif needed_by is not None:
        text += f" ({stays})"
    elif item.raw_name.replace("-", "_") in sys.stdlib_module_names:
        text += f" (`import {item.raw_name}` is the standard library, not this PyPI package)"
    return text


def _where(item: Declared) -> str:
    if item.stage is not None:
        return f'is installed by {item.manager.value} in stage "{item.stage}"'
    if is_install_script(item.location.path):
        return f"is installed by {item.manager.value}"
    if item.manager is Manager.CONDA:
        return "(conda) is declared"
    return "is declared"


RULE = Rule(
    "BLT101",
    "unused-package",
    "A declared package that is never imported or run",
    check,
    __doc__ or "",
)
