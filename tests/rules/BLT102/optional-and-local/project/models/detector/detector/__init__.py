"""A model with its own setup.py, installed with pip install -e models/detector."""
