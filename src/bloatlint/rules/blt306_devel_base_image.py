"""BLT306: a devel base image under the final stage while nothing in the image compiles.

CUDA ``devel`` images (nvidia/cuda, pytorch/pytorch ``-devel``, nvidia/cudagl,
tensorflow/tensorflow ``devel``) add nvcc, headers and static libraries to the runtime image.
They are for building; the image that runs needs only the runtime. Reported at the FROM image
word (ARG-built names are resolved: ``FROM nvidia/cuda:${CUDA}-devel-ubuntu22.04``) when
nothing in the final stage or the stages it is built on compiles: no compiler or build tool
runs (nvcc, gcc, cmake, make, ninja, bazel ...), no ``python setup.py build_ext|install``, no
pip install of a package that builds CUDA extensions from source (flash-attn, apex, xformers,
deepspeed, mamba-ssm, detectron2 ... or any ``git+`` URL of one) or of a local project with
``.cu`` sources, no ``--no-build-isolation``/``--no-binary``, no variable only source builds read
(``TORCH_CUDA_ARCH_LIST``, ``FORCE_CUDA``, ``MAX_JOBS`` ...), and the code imports nothing that
compiles at run time (``torch.utils.cpp_extension``, deepspeed, pycuda, ``numba.cuda``).

Why it matters: a CUDA devel image is 2-3 times the size of its runtime image (compilers,
headers and static libraries); the study behind bloatlint counted 1.7 GB of CUDA toolkit the
workload never touched in one TensorFlow image.

Example::

    ARG CUDA=12.1.0
    FROM nvidia/cuda:${CUDA}-devel-ubuntu22.04
    RUN pip install --no-cache-dir vllm-client

    Dockerfile:2:6: BLT306 nvidia/cuda:12.1.0-devel-ubuntu22.04 is a devel image (...) but
    nothing in the image compiles: use nvidia/cuda:12.1.0-runtime-ubuntu22.04

Fix: use the runtime flavour of the same image; if something must be compiled, do it in a
builder stage on the devel image and ``COPY --from`` the result into a runtime-based stage.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cache

from packaging.utils import canonicalize_name

from bloatlint.analysis import Analysis
from bloatlint.knowledge.images import DevelImage, images, split_image
from bloatlint.manifests.dockerfile import ShellCommand
from bloatlint.model import Finding, is_dev_path
from bloatlint.rules import Rule
from bloatlint.rules._image import ImageView, commands, from_image_location, image_view, name_of
from bloatlint.rules._pip import PipCall, pip_call
from bloatlint.shell import executable, is_python

_SETUP_BUILDS = frozenset({"build_ext", "build", "install", "develop", "bdist_wheel", "build_py"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check(analysis: Analysis) -> Iterator[Finding]:
    for dockerfile in analysis.project.dockerfiles:
        view = image_view(dockerfile)
        final = dockerfile.final_stage
        if final is None:
            continue
        root = view.root_stage(final)
        devel = _devel(root.base_image)
        if devel is None or _compiles(analysis, view) or _compiles_at_run_time(analysis):
            continue
        location = from_image_location(root, dockerfile.escape)
        yield Finding("BLT306", location, _message(root.base_image, devel))


def _devel(reference: str) -> DevelImage | None:
    if "$" in reference:
        return None
    repository, tag = split_image(reference)
    if "devel" not in re.split(r"[-_.]", tag):
        return None
    return next(
        (item for item in images().devel_images if fnmatchcase(repository, item.image)), None
    )


def _compiles(analysis: Analysis, view: ImageView) -> bool:
    knowledge = images()
    for stage in view.whole_stages():
        if any(name in knowledge.compile_variables for name, _ in stage.env):
            return True
        for instruction in stage.instructions:
            if any(name in knowledge.compile_variables for name, _ in instruction.args):
                return True
        if any(_compiling(analysis, command) for _, command in commands(stage)):
            return True
    return False


def _compiling(analysis: Analysis, command: ShellCommand) -> bool:
    knowledge = images()
    if name_of(command) in knowledge.compile_commands:
        return True
    if any(name in knowledge.compile_variables for name, _ in command.assignments):
        return True
    argv = command.argv
    if is_python(argv[0]) and len(argv) > 2 and argv[1].endswith("setup.py"):
        return any(word in _SETUP_BUILDS for word in argv[2:])
    script = _script(argv)
    if script is not None:
        return _script_compiles(analysis, script)
    call = pip_call(command)
    return call is not None and call.action == "install" and _pip_compiles(analysis, call)


def _script(argv: tuple[str, ...]) -> str | None:
    """The shell script a command runs: ``./build.sh``, ``bash scripts/setup.sh``."""
    if argv[0].endswith(".sh"):
        return argv[0]
    if executable(argv[0]) in ("sh", "bash") and len(argv) > 1:
        operands = [word for word in argv[1:] if not word.startswith("-")]
        if operands and operands[0].endswith(".sh"):
            return operands[0]
    return None


def _script_compiles(analysis: Analysis, script: str) -> bool:
    """Whether a project script run by the Dockerfile compiles; a script bloatlint cannot see
    may, so it counts as compiling."""
    name = posixpath.basename(script)
    texts = [text.text for text in analysis.project.texts if posixpath.basename(text.path) == name]
    return not texts or any(_compile_words().search(text) for text in texts)


@cache
def _compile_words() -> re.Pattern[str]:
    knowledge = images()
    words = [
        *knowledge.compile_commands,
        *knowledge.compile_variables,
        *knowledge.compile_packages,
        *knowledge.compile_pip_options,
        "setup.py",
    ]
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")


def _pip_compiles(analysis: Analysis, call: PipCall) -> bool:
    knowledge = images()
    if any(
        call.has_flag(option) or call.values(option) for option in knowledge.compile_pip_options
    ):
        return True
    for word in call.operands():
        if word.text.endswith(".whl"):
            continue  # a built wheel, even of flash-attn, compiles nothing
        name = _package(word.text)
        if name in knowledge.compile_packages:
            return True
        if (
            word.text.startswith((".", "/"))
            and "://" not in word.text
            and _has_cuda_sources(analysis)
        ):
            return True
    return False


def _package(text: str) -> str:
    """The distribution a requirement word names; for ``git+https://host/org/repo.git@v#egg=x``
    the egg name, else the repository's name."""
    if "#egg=" in text:
        text = text.split("#egg=", 1)[1]
    elif "://" in text:
        text = text.rstrip("/").split("/")[-1].split("@", 1)[0].removesuffix(".git")
    match = _NAME.match(text.split(" @ ", 1)[0])
    return canonicalize_name(match.group()) if match else ""


def _has_cuda_sources(analysis: Analysis) -> bool:
    sources = images().compile_sources
    return any(
        fnmatchcase(path.rsplit("/", 1)[-1], pattern)
        for path in analysis.project.files
        for pattern in sources
    )


def _compiles_at_run_time(analysis: Analysis) -> bool:
    modules = images().compile_runtime_imports
    return any(
        imp.module == module or imp.module.startswith(module + ".")
        for imp in analysis.project.imports
        if not is_dev_path(imp.location.path)
        for module in modules
    )


def _message(reference: str, devel: DevelImage) -> str:
    return (
        f"{reference} is a devel image ({images().devel_basis}) but nothing in the image "
        f"compiles: use {_runtime(reference, devel)}"
    )


def _runtime(reference: str, devel: DevelImage) -> str:
    name, _, tag = reference.rpartition(":")
    parts = re.split(r"([-_.])", tag)
    if devel.runtime:
        replaced = [devel.runtime if part == "devel" else part for part in parts]
    else:  # tensorflow/tensorflow:2.15.0-devel-gpu → 2.15.0-gpu
        index = parts.index("devel")
        replaced = parts[: max(index - 1, 0)] + parts[index + 1 :] if index else parts[2:]
    return f"{name}:{''.join(replaced)}"


RULE = Rule(
    "BLT306",
    "devel-base-image",
    "A CUDA devel base image in the final stage while nothing compiles",
    check,
    __doc__ or "",
)
