"""Rewrites the pins in base.txt."""
