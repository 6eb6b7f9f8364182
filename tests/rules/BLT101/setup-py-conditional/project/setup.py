import sys

from setuptools import setup

setup(
    name="pkg",
    packages=["pkg"],
    install_requires=[
        "requests",
        "torchvision<=0.13.0" if sys.version_info <= (3, 7, 2) else "torchvision",
        "pillow<10" if sys.platform == "win32" else "pillow",
    ],
    extras_require={
        "onnx": ["onnx"] + (["onnxruntime-gpu"] if sys.platform != "darwin" else ["onnxruntime"]),
        "plot": ["seaborn"] if sys.version_info >= (3, 9) else ["matplotlib"],
    },
)
