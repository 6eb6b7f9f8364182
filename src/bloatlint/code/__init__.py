"""The code side of a project: what its Python files and notebooks import, which of those names
are its own modules, and which commands its scripts, Makefiles, CI files and READMEs run.

``imports`` reads ``.py`` files and notebooks into :class:`~bloatlint.code.imports.CodeScan`;
``first_party`` tells the project's own modules from third-party ones; ``commands`` finds
packages used as commands (``uvicorn``, ``python -m pytest``, pre-commit hook ids). Nothing here
imports or executes project code.
"""
