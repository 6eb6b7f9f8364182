"""Tests of the code scanners: imports, first-party modules, commands."""
