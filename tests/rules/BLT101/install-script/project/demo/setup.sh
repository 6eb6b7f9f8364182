#!/bin/bash
git clone https://index.example/extension.git
pip install ./extension ninja
