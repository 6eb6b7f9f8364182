"""bloatlint: find the packages an ML project installs but never uses, before the image is built."""

__version__ = "0.1.0"
