from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent


def load_requirements(name):
    return [line.strip() for line in open(HERE / name) if not line.startswith("#")]


REQUIRED = load_requirements("requirements_minimal.txt")

setup(
    name="separator",
    version="1.0",
    packages=["separator"],
    install_requires=REQUIRED,
    extras_require={"dev": load_requirements("requirements.txt")},
)
