from setuptools import setup

setup(
    name="dreamer",
    packages=["dreamer"],
    install_requires=[
        "torch",
        "blobfile",
        "pynvml",
    ],
)
