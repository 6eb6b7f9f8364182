from setuptools import find_packages, setup

setup(name="detector", packages=find_packages())
