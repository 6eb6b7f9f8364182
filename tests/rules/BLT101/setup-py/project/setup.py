from setuptools import find_packages, setup

REQUIRED = [
    "numpy>=1.24",
    "fire",  # bloatlint reads this list without running setup.py
]

setup(
    name="shapes",
    packages=find_packages(),
    install_requires=REQUIRED + ["tqdm"],
    extras_require={
        "dev": ["pytest"],
        "viz": ["matplotlib", 'humanize'],
    },
)
