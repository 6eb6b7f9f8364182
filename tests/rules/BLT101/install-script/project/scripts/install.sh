#!/bin/bash
# bash scripts/install.sh: the environment this repository runs in
pip install torch==2.4.0 einops pandas
case "$CUDA" in
    11.8) pip install xformers==0.0.27 --index-url https://index.example/simple ;;
    12.1) pip install xformers==0.0.28 --index-url https://index.example/simple ;;
esac
