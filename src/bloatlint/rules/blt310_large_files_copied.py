"""BLT310: a COPY or ADD that brings large model weights, datasets, caches or the ``.git``
folder from the build context into the image.

bloatlint works out which files of the build context the instruction copies (its sources,
folders recursively, globs as Docker matches them), leaves out what ``.dockerignore`` excludes
exactly as Docker does (patterns, ``**``, ``!`` exceptions) and what ``--exclude`` excludes,
and sums the real sizes (``stat``, no file is read) of the heavy ones: weights and data by
suffix (``*.pt``, ``*.pth``, ``*.bin``, ``*.safetensors``, ``*.ckpt``, ``*.onnx``, ``*.h5``,
``*.gguf``, ``*.parquet``, ``*.npy``, archives ...), and everything under data, checkpoint,
weight, log and cache folders (``data/``, ``datasets/``, ``checkpoints/``, ``wandb/``,
``mlruns/``, ``.dvc/cache/``, ``.git/`` ...) or in a virtual environment. It reports when they
reach the threshold (50 MB), naming the largest. Only copies whose destination reaches the
image count; a walk of more than 200,000 entries stops and the figure becomes "at least".

Why it matters: weights and datasets copied into an image are pulled by every node that runs
it, rebuilt into a new layer each time they change, and duplicated in every tag; a model store,
a volume or a download at start-up keeps them out. BLT309 reports the missing or permissive
``.dockerignore``; this rule reports the bytes.

Example::

    FROM python:3.12-slim
    COPY . /app

    Dockerfile:2:6: BLT310 COPY . brings 126 MB of weights, data and caches into the image:
    models/detector.pt (63 MB), data/ (63 MB): leave them out with .dockerignore and load
    models from a volume, a model store or a download at start-up

Fix: add the files to ``.dockerignore`` (or copy only the code: ``COPY src/ /app/src/``), and
fetch the model when the container starts (``huggingface_hub.snapshot_download``, an object
store, a mounted volume).
"""

from __future__ import annotations

from collections.abc import Iterator

from bloatlint.analysis import Analysis
from bloatlint.context import BuildContext, Group, copied, group_files
from bloatlint.knowledge.images import format_bytes, images
from bloatlint.model import Finding, Location
from bloatlint.rules import Rule
from bloatlint.rules._copies import ContextCopy, context_copies, context_of
from bloatlint.rules._image import image_view


def check(analysis: Analysis) -> Iterator[Finding]:
    threshold = _threshold(analysis) * 1_000_000
    for dockerfile in analysis.project.dockerfiles:
        copies = list(context_copies(image_view(dockerfile)))
        if not copies:
            continue
        context = context_of(analysis, dockerfile, copies)
        for copy in copies:
            finding = _finding(context, copy, threshold)
            if finding is not None:
                yield finding


def _threshold(analysis: Analysis) -> float:
    configured = analysis.project.config.copy_threshold_mb
    return configured if configured is not None else images().threshold_mb


def _finding(context: BuildContext, copy: ContextCopy, threshold: float) -> Finding | None:
    knowledge = images()
    excludes = copy.instruction.flag_values("exclude")
    groups: list[Group] = []
    complete = True
    heaviest: tuple[int, Location] | None = None
    for source, location in copy.sources:
        result = copied(context, [source], excludes)
        complete = complete and result.complete
        found = group_files(result.files, knowledge.heavy_dirs, knowledge.heavy_suffixes)
        weight = sum(group.size for group in found)
        if heaviest is None or weight > heaviest[0]:
            heaviest = (weight, location)
        groups.extend(found)
    total = sum(group.size for group in groups)
    if heaviest is None or total < threshold:
        return None
    return Finding("BLT310", heaviest[1], _message(copy, groups, total, complete))


def _message(copy: ContextCopy, groups: list[Group], total: int, complete: bool) -> str:
    ordered = sorted(groups, key=lambda group: (-group.size, group.label))
    shown = [f"{group.label} ({format_bytes(group.size)})" for group in ordered[:3]]
    if len(ordered) > 3:
        shown.append(f"{len(ordered) - 3} more")
    amount = format_bytes(total) if complete else f"at least {format_bytes(total)}"
    sources = " ".join(source for source, _ in copy.sources)
    return (
        f"{copy.instruction.keyword} {sources} brings {amount} of weights, data and caches into "
        f"the image: {', '.join(shown)}: leave them out with .dockerignore and load models from "
        "a volume, a model store or a download at start-up"
    )


RULE = Rule(
    "BLT310",
    "large-files-copied",
    "A COPY/ADD that brings large weights, datasets, caches or .git into the image",
    check,
    __doc__ or "",
)
