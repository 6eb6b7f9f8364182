"""Import names, command names and distributions, in both directions.

Facts come from three layers, later ones winning for the distributions they describe: the
bundled knowledge (``knowledge/distributions.json``, read from real wheels), an installed
environment when one is found, and the project's ``[tool.bloatlint]`` settings. A distribution
no layer knows is assumed to provide the module its name suggests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from bloatlint import knowledge
from bloatlint.config import Config
from bloatlint.knowledge import extended
from bloatlint.resolve.environment import Environment


@dataclass(frozen=True, slots=True)
class DistFacts:
    """What is known of one distribution, from the best source that knows it."""

    name: str
    modules: tuple[str, ...]
    scripts: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    entry_point_groups: tuple[str, ...] = ()
    display_name: str = ""
    source: str = "guess"
    requires_extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    modules_known: bool = True


class NameIndex:
    """Answers: which distributions provide this module or command, and what does one need.

    With ``extended``, a name, module or command none of the given facts covers is looked up
    in the bundled extended tier (:mod:`bloatlint.knowledge.extended`) before it is guessed.
    """

    def __init__(self, facts: Iterable[DistFacts], extended: bool = False) -> None:
        self._extended = extended
        self._looked_up: dict[str, DistFacts | None] = {}
        self._facts: dict[str, DistFacts] = {}
        for fact in facts:
            self._facts[fact.name] = fact
        self._by_module: dict[str, set[str]] = {}
        self._by_script: dict[str, set[str]] = {}
        for fact in self._facts.values():
            # a guessed module must not claim an import that a described distribution
            # provides (the `sklearn` placeholder is not where sklearn comes from)
            for module in fact.modules if fact.modules_known else ():
                self._by_module.setdefault(module, set()).add(fact.name)
            for script in fact.scripts:
                self._by_script.setdefault(script, set()).add(fact.name)

    def facts(self, dist: str) -> DistFacts:
        known = self._described(dist)
        if known is not None:
            return known
        base = self._described(self._build_of(dist) or "")
        modules = base.modules if base else ()
        return DistFacts(dist, tuple(sorted({*guessed_modules(dist), *modules})))

    def _build_of(self, dist: str) -> str | None:
        """The described distribution an unknown one is a build of: the same name with a
        build word appended (onnxruntime-silicon is onnxruntime for Apple silicon), or
        PyTorch's own build of it (pytorch-triton-xpu is triton)."""
        name = dist.removeprefix("pytorch-")
        candidates = [name] if name != dist else []
        base, _, word = name.rpartition("-")
        if word in _BUILD_WORDS:
            candidates.append(base)
        return next((found for found in candidates if found and self.knows(found)), None)

    def knows(self, dist: str) -> bool:
        """Whether the distribution's import names are facts rather than guesses."""
        fact = self._described(dist)
        return fact is not None and fact.modules_known

    def _described(self, dist: str) -> DistFacts | None:
        known = self._facts.get(dist)
        if known is not None or not self._extended:
            return known
        if dist not in self._looked_up:
            info = knowledge.extended_info(dist)
            self._looked_up[dist] = None if info is None else facts_from_knowledge(info)
        return self._looked_up[dist]

    def modules_of(self, dist: str) -> tuple[str, ...]:
        return self.facts(dist).modules

    def dists_for_module(self, module: str) -> frozenset[str]:
        """Distributions providing ``module`` (the longest known dotted prefix wins, so
        ``google.protobuf.message`` finds protobuf, not every ``google`` namespace member)."""
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            found = self._by_module.get(".".join(parts[:end]))
            if found:
                return frozenset(found)
        if self._extended:
            for end in range(len(parts), 0, -1):
                names = extended.dists_for_module(".".join(parts[:end]))
                if names:
                    return frozenset(names)
        return frozenset()

    def dists_for_command(self, command: str) -> frozenset[str]:
        found = self._by_script.get(command)
        if found or not self._extended:
            return frozenset(found or ())
        return frozenset(extended.dists_for_command(command))

    def requires(self, dist: str, extras: Iterable[str] = ()) -> frozenset[str]:
        fact = self.facts(dist)
        needed = set(fact.requires)
        for extra in extras:
            needed.update(fact.extras.get(extra, ()))
        for required, asked in fact.requires_extras.items():
            for extra in asked:  # datasets requires fsspec[http], which installs aiohttp
                needed.update(self.facts(required).extras.get(extra, ()))
        return frozenset(needed)

    def display_name(self, dist: str) -> str:
        return self.facts(dist).display_name or dist


def guessed_modules(dist: str) -> tuple[str, ...]:
    """The import names a distribution nobody describes most likely provides."""
    base = dist.replace("-", "_").replace(".", "_")
    guesses = {base}
    for prefix in ("python_", "py_"):
        if base.startswith(prefix):
            guesses.add(base[len(prefix) :])
    for suffix in ("_python", "_py"):
        if base.endswith(suffix):
            guesses.add(base[: -len(suffix)])
    if base.startswith("py") and not base.startswith("python") and len(base) > 4:
        guesses.add(base[2:])  # pyopengl → OpenGL (matched without regard to case)
    # builds for one CUDA version carry it in the name, not in the module (cuml-cu12 → cuml)
    guesses.add(_CUDA_SUFFIX.sub("", base))
    # a fork named after the release it froze (a repository timm_0_3_2 installs timm)
    guesses.add(_VERSION_SUFFIX.sub("", base) or base)
    return tuple(sorted(guesses))


# Words a build of another distribution appends to its name (tensorflow-cpu, faiss-gpu,
# onnxruntime-directml, paddlepaddle-gpu): the modules stay the same.
_BUILD_WORDS = frozenset(
    {"cpu", "gpu", "cuda", "rocm", "tpu", "silicon", "macos", "metal", "mps", "directml"}
    | {"openvino", "intel", "xpu", "headless", "nightly", "noavx", "arm64", "aarch64"}
)
_CUDA_SUFFIX = re.compile(r"_cu(?:da)?\d+x?$")
_VERSION_SUFFIX = re.compile(r"(?:_v?\d+)+$")


def build_index(
    environment: Environment | None,
    config: Config,
    pinned: Mapping[str, Iterable[str]] | None = None,
) -> NameIndex:
    """The index of every layer. ``pinned`` maps distributions to the releases the project
    pins them to: the knowledge base's requirements of those releases' series are added to
    its newest release's (an installed environment already records the installed ones)."""
    facts = {fact.name: fact for fact in _knowledge_facts()}
    for name, versions in (pinned or {}).items():
        if name in facts:
            facts[name] = with_older_requirements(facts[name], versions)
    facts.update((fact.name, fact) for fact in _environment_facts(environment))
    for name in sorted(set(config.import_names) | set(config.commands)):
        base = facts.get(name, DistFacts(name, ()))
        facts[name] = replace(
            base,
            modules=tuple(config.import_names.get(name, ())) + base.modules
            or guessed_modules(name),
            scripts=base.scripts + tuple(config.commands.get(name, ())),
            source="config",
        )
    return NameIndex(facts.values(), extended=True)


def with_older_requirements(fact: DistFacts, versions: Iterable[str]) -> DistFacts:
    """``fact`` also requiring what the series of ``versions`` required (a pinned release
    installs its own requirements, not the newest release's)."""
    names: set[str] = set()
    asked = {name: set(extras) for name, extras in fact.requires_extras.items()}
    for version in versions:
        for text in knowledge.older_requirements(fact.name, version):
            name, _, extras = text.partition("[")
            names.add(name)
            if extras:
                asked.setdefault(name, set()).update(extras.rstrip("]").split(","))
    if not names:
        return fact
    return replace(
        fact,
        requires=tuple(sorted({*fact.requires, *names})),
        requires_extras={name: tuple(sorted(extras)) for name, extras in sorted(asked.items())},
    )


def facts_from_knowledge(info: knowledge.DistInfo) -> DistFacts:
    curated = knowledge.curated_import_names()
    return DistFacts(
        name=info.name,
        modules=curated.get(info.name) or info.modules or guessed_modules(info.name),
        scripts=info.scripts,
        requires=info.requires or knowledge.curated_requires().get(info.name, ()),
        extras=info.extras,
        entry_point_groups=info.entry_point_groups,
        display_name=info.display_name,
        source="knowledge",
        requires_extras=info.requires_extras,
        modules_known=info.name in curated or "metadata-only" not in info.source,
    )


def _knowledge_facts() -> list[DistFacts]:
    curated = knowledge.curated_import_names()
    facts = [facts_from_knowledge(info) for info in knowledge.distributions().values()]
    known = {fact.name for fact in facts}
    facts += [
        DistFacts(name=name, modules=modules, source="knowledge")
        for name, modules in curated.items()
        if name not in known
    ]
    return facts


def _environment_facts(environment: Environment | None) -> list[DistFacts]:
    if environment is None:
        return []
    return [
        DistFacts(
            name=dist.name,
            modules=dist.modules or guessed_modules(dist.name),
            scripts=dist.scripts,
            requires=dist.requires,
            extras=dist.extras,
            entry_point_groups=dist.entry_point_groups,
            display_name=dist.display_name,
            source="installed",
        )
        for dist in environment.dists
    ]
