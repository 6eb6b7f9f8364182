import re

from setuptools import find_packages, setup

# One table of pins; install_requires and the extras take entries from it by name.
_deps = [
    "accelerate>=0.29.2",
    "einops>=0.6.0",
    "pytest",
    "ruff>=0.5.0",
    "scipy",
    "torch>=2.1.2",
]

deps = {b: a for a, b in (re.findall(r"^(([^!=<>~ ]+)(?:[!=<>~ ].*)?$)", x)[0] for x in _deps)}


def deps_list(*pkgs):
    return [deps[pkg] for pkg in pkgs]


def parse_requirements(path):
    with open(path) as lines:
        return [line.strip() for line in lines if line.strip()]


extras = {}
extras["tests"] = deps_list("pytest")
extras["quality"] = deps_list("ruff")
extras["dev"] = extras["quality"] + extras["tests"]
extras["notebooks"] = parse_requirements("notebooks/requirements.txt")

install_requires = [
    deps["accelerate"],
    deps["einops"],
    deps["scipy"],
    deps["torch"],
]

setup(
    name="handbook-demo",
    packages=find_packages("src"),
    package_dir={"": "src"},
    install_requires=list(install_requires),
    extras_require=extras,
)
