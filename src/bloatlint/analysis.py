"""Why each declared package is, or is not, needed.

The stages build on each other (cached, computed on first use):

1. third-party imports: imports that are neither standard library nor the project's own;
2. direct evidence per distribution: an import of one of its modules, a command it installs
   being run, its module named as a string in code, or a ``[tool.bloatlint]`` setting;
3. indirect evidence: a backend or plugin rule from the knowledge base, an entry-point plugin of
   a used host (pytest plugins are loaded whenever pytest runs), type stubs of an imported
   module, a metapackage whose members are used;
4. dependencies of used packages, so that a deliberate pin of a transitive dependency is
   recognised.

Rules read the results; nothing here reads files.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from packaging.utils import canonicalize_name

from bloatlint import knowledge
from bloatlint.model import Declared, Import, Location
from bloatlint.project import Project

_DEV_DIRS = frozenset({"test", "tests", "testing", "docs", "doc", "benchmarks", "benchmark", ".github"})
_DEV_FILES = frozenset({"conftest.py", "noxfile.py", "setup.py", "fabfile.py", "tasks.py"})


# Imported by many packages and restored by backports (audioop-lts, standard-imghdr, ...) that
# projects declare for Python 3.12+ even though their own code never imports them.
REMOVED_STDLIB_MODULES = frozenset(
    {
        "asynchat", "asyncore", "distutils", "imp", "smtpd", "aifc", "audioop", "cgi", "cgitb",
        "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev",
        "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3",
    }
)


@dataclass(frozen=True)
class Evidence:
    """One reason a distribution is needed. ``dev`` marks reasons that only hold while
    developing (tests, CI, Makefile, pre-commit), which BLT103 distinguishes."""

    kind: str
    detail: str
    location: Location | None = None
    dev: bool = False

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.detail}{where}"

    def brief(self) -> str:
        """A few words for a message: ``runs `pytest` at ci.yml:9:14``."""
        verb = {"command": self.detail, "import": "imported"}.get(self.kind, "needed")
        return f"{verb} at {self.location}" if self.location else self.detail


def is_dev_path(path: str) -> bool:
    """Files that exist for developing the project, not for running it."""
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in _DEV_DIRS for part in parts[:-1])
        or name in _DEV_FILES
        or name.startswith("test_")
        or name.endswith("_test.py")
    )


class Analysis:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.names = project.names
        self._direct: dict[str, list[Evidence]] = {}

    @cached_property
    def third_party_imports(self) -> tuple[Import, ...]:
        stdlib = sys.stdlib_module_names
        first_party = self.project.config.first_party
        return tuple(
            imp
            for imp in self.project.imports
            if imp.top_level not in stdlib
            and imp.top_level != "__future__"
            and imp.top_level not in first_party
            and not self.project.first_party.is_local(imp.module, imp.location.path)
        )

    @cached_property
    def _shadowed_imports(self) -> tuple[Import, ...]:
        """Imports that find a same-named module beside a script rather than at the project's
        roots. Python's answer depends on how the file is run, so they count as a use of the
        package (never report a package as unused on a guess) but are not reported as
        undeclared either."""
        third_party = set(self.third_party_imports)
        first_party = self.project.first_party
        return tuple(
            imp
            for imp in self.project.imports
            if imp not in third_party
            and imp.top_level not in sys.stdlib_module_names
            and imp.top_level not in self.project.config.first_party
            and not first_party.is_at_root(imp.module)
        )

    @cached_property
    def _imported_prefixes(self) -> dict[str, list[Import]]:
        """Every dotted prefix of every third-party import, with the imports behind it."""
        prefixes: dict[str, list[Import]] = {}
        for imp in (*self.third_party_imports, *self._shadowed_imports):
            parts = imp.module.split(".")
            for end in range(1, len(parts) + 1):
                prefixes.setdefault(".".join(parts[:end]), []).append(imp)
            for name in imp.names:
                prefixes.setdefault(f"{imp.module}.{name}", []).append(imp)
        return prefixes

    @cached_property
    def _lowercase_prefixes(self) -> dict[str, str]:
        return {prefix.lower(): prefix for prefix in self._imported_prefixes}

    def direct_evidence_of_import(self, imp: Import) -> list[str]:
        """Declared distributions this import is evidence for."""
        return [
            name
            for name in sorted(self.declared_names)
            if any(imp in self._imports_of(module, name) for module in self._modules(name))
        ]

    @cached_property
    def declared_names(self) -> frozenset[str]:
        return frozenset(item.name for item in self.project.declared)

    @cached_property
    def _commands_by_dist(self) -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}
        for use in self.project.commands:
            for dist in self._dists_for_command(use.name):
                shown = f"python {use.name}" if use.module else use.name
                evidence = Evidence("command", f"runs `{shown}`", use.location, use.dev)
                found.setdefault(dist, []).append(evidence)
        return found

    def _dists_for_command(self, name: str) -> Iterable[str]:
        if name.startswith("-m "):
            module = name[3:]
            return self.names.dists_for_module(module) or {canonicalize_name(module.split(".")[0])}
        return self.names.dists_for_command(name) or {canonicalize_name(name)}

    def direct_evidence(self, dist: str) -> list[Evidence]:
        """Reasons that name the distribution itself: imports, commands, strings, settings."""
        if dist not in self._direct:
            self._direct[dist] = self._compute_direct(dist)
        return self._direct[dist]

    def _compute_direct(self, dist: str) -> list[Evidence]:
        found = [*self._import_evidence(dist), *self._commands_by_dist.get(dist, [])]
        found += self._string_evidence(dist)
        if dist in self.project.config.used_packages:
            found.append(Evidence("config", "listed in [tool.bloatlint] used-packages"))
        return found

    def _import_evidence(self, dist: str) -> list[Evidence]:
        found: list[Evidence] = []
        for module in self._modules(dist):
            for imp in self._imports_of(module, dist):
                dev = is_dev_path(imp.location.path)
                found.append(Evidence("import", f"imported as `{imp.module}`", imp.location, dev))
        return found

    def _modules(self, dist: str) -> tuple[str, ...]:
        modules = self.names.modules_of(dist)
        return tuple(module.removesuffix("-stubs") for module in modules)

    def _imports_of(self, module: str, dist: str) -> list[Import]:
        imports = self._imported_prefixes.get(module)
        if imports is None and not self.names.knows(dist):
            # An unknown distribution's module is only guessed from its name, and names are
            # often cased differently from modules (ipython provides IPython).
            actual = self._lowercase_prefixes.get(module.lower())
            imports = self._imported_prefixes.get(actual) if actual else None
        return imports or []

    def _string_evidence(self, dist: str) -> list[Evidence]:
        strings = self.project.strings
        for module in self._modules(dist):
            if module in strings or any(text.startswith(module + ".") for text in strings):
                return [Evidence("string", f"named as the string '{module}' in code")]
        return []

    def evidence(self, dist: str) -> list[Evidence]:
        """Every reason the distribution is needed, direct first; empty when it is unused."""
        direct = self.direct_evidence(dist)
        return direct or self._indirect_evidence(dist)

    def _indirect_evidence(self, dist: str) -> list[Evidence]:
        found = [*self._plugin_evidence(dist), *self._metapackage_evidence(dist)]
        found += self._backport_evidence(dist)
        if not any(rule.package == dist for rule in knowledge.plugins()):
            # A plugin that acts only when asked (pytest-cov needs --cov) has a rule saying
            # what asks for it; only the others act by merely being installed.
            found += self._entry_point_evidence(dist)
        return found

    def _backport_evidence(self, dist: str) -> list[Evidence]:
        for module in self._modules(dist):
            if module in REMOVED_STDLIB_MODULES:
                detail = f"restores `{module}`, removed from the standard library in Python 3.12/3.13"
                return [Evidence("backport", detail)]
        return []

    def _plugin_evidence(self, dist: str) -> list[Evidence]:
        found: list[Evidence] = []
        for rule in knowledge.plugins():
            if rule.package != dist or not self._requirement_met(rule.requires_any):
                continue
            found += self._rule_matches(rule)
        return found

    def _requirement_met(self, requires_any: tuple[str, ...]) -> bool:
        if not requires_any:
            return True
        return any(
            name in self.declared_names or self.direct_evidence(name) for name in requires_any
        )

    def _rule_matches(self, rule: knowledge.PluginRule) -> list[Evidence]:
        why = rule.why
        for prefix in rule.imports:
            for imp in self._imported_prefixes.get(prefix, []):
                return [Evidence("plugin", why, imp.location, is_dev_path(imp.location.path))]
        for pattern in rule.patterns:
            for text in self.project.texts:
                match = pattern.search(text.text)
                if match:
                    line = text.text.count("\n", 0, match.start()) + 1
                    return [Evidence("plugin", why, Location(text.path, line), text.dev)]
        for glob in rule.files:
            for path in self.project.files:
                if fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path.rsplit("/", 1)[-1], glob):
                    return [Evidence("plugin", why, Location(path, 1))]
        return []

    def _entry_point_evidence(self, dist: str) -> list[Evidence]:
        for group in self.names.facts(dist).entry_point_groups:
            host = knowledge.PLUGIN_HOSTS.get(group)
            # Libraries that merely also register a plugin (hypothesis for pytest) are
            # needed only if used as libraries; plugins are named after their host.
            if not host or not dist.startswith(f"{host}-"):
                continue
            if self.direct_evidence(host):
                first = self.direct_evidence(host)[0]
                detail = f"a {host} plugin ({group}), loaded whenever {host} runs"
                return [Evidence("entry-point", detail, first.location, first.dev)]
        return []

    def _metapackage_evidence(self, dist: str) -> list[Evidence]:
        facts = self.names.facts(dist)
        if facts.modules or facts.scripts or not self.names.knows(dist):
            return []
        for member in facts.requires:
            if self.direct_evidence(member):
                return [Evidence("metapackage", f"installs {member}, which is used")]
        return []

    @cached_property
    def used(self) -> frozenset[str]:
        """Declared distributions with any evidence of use."""
        return frozenset(name for name in self.declared_names if self.evidence(name))

    @cached_property
    def needed_by_used(self) -> dict[str, str]:
        """Every distribution some used declared distribution needs, directly or not, mapped
        to the used declared distribution that brings it in."""
        extras = self._declared_extras
        needed: dict[str, str] = {}
        for root in sorted(self.used):
            stack = list(self.names.requires(root, extras.get(root, ())))
            while stack:
                name = stack.pop()
                if name in needed or name == root:
                    continue
                needed[name] = root
                stack.extend(self.names.requires(name))
        return needed

    def needed_by(self, dist: str) -> str | None:
        """The used declared distribution that needs ``dist`` (or a variant of it providing
        the same modules, like pillow-simd for pillow or triton-windows for triton)."""
        needed = self.needed_by_used
        if dist in needed:
            return needed[dist]
        for module in self._modules(dist):
            for variant in self.names.dists_for_module(module):
                if variant != dist and variant in needed:
                    return needed[variant]
        return None

    @cached_property
    def _declared_extras(self) -> dict[str, set[str]]:
        extras: dict[str, set[str]] = {}
        for item in self.project.declared:
            extras.setdefault(item.name, set()).update(item.extras)
        return extras

    def is_unused(self, item: Declared) -> bool:
        return not item.native and not item.transitive and not self.evidence(item.name)

    def is_dev_only(self, dist: str) -> bool:
        found = self.evidence(dist)
        return bool(found) and all(evidence.dev for evidence in found)

