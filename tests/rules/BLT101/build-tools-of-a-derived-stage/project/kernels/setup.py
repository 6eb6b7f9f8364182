from setuptools import setup

setup(name="kernels", version="1.0")
