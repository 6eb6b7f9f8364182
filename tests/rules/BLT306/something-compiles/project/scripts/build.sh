#!/bin/bash
set -e
export CMAKE_ARGS="-DGGML_CUDA=on"
pip install --no-cache-dir llama-cpp-python
