"""Notebooks: imports and shell lines at the exact line and column of the ``.ipynb`` file.

``fixtures/notebooks/analysis.ipynb`` is written the way Jupyter writes (nbformat 4.5: sorted
keys, indent 1, one source line per file line, non-ASCII kept), with outputs that hold
``"source"`` keys and ``import`` text to prove only code cells' sources are read.
"""

from __future__ import annotations

import json
from pathlib import Path

from bloatlint.code.commands import commands_from_shell
from bloatlint.code.imports import notebook_code, scan_file, scan_notebook
from bloatlint.model import Location, ParseProblem

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_pretty_notebook_imports_at_file_lines() -> None:
    scan = scan_file(FIXTURES / "analysis.ipynb", FIXTURES)
    assert [(i.module, str(i.location), i.optional) for i in scan.imports] == [
        ("numpy", "analysis.ipynb:47:6", False),
        ("scipy", "analysis.ipynb:50:12", False),  # %time import scipy
        ("torch", "analysis.ipynb:53:10", False),  # inside a function
        ("sklearn", "analysis.ipynb:77:6", False),  # %%time cell body is Python
        ("yaml", "analysis.ipynb:100:21", False),  # after JSON escapes \" and \\
        ("json", "analysis.ipynb:101:17", False),  # after a non-ASCII character
        ("requests", "analysis.ipynb:118:15", False),  # source given as one string
        ("httpx", "analysis.ipynb:118:32", False),
        ("ujson", "analysis.ipynb:139:10", True),
    ]


def test_pretty_notebook_problems_strings_and_shell() -> None:
    scan = scan_file(FIXTURES / "analysis.ipynb", FIXTURES)
    assert scan.problems == (
        ParseProblem(
            Location("analysis.ipynb", 89, 17), "cannot parse Python in cell 5: invalid syntax"
        ),
    )
    assert scan.strings == {"lxml"}
    assert scan.shell == (
        ("pip install seaborn", Location("analysis.ipynb", 48, 7)),
        ("ls data", Location("analysis.ipynb", 51, 15)),
        (
            "     pip install -r requirements.txt\n     python -m spacy download en_core_web_sm",
            Location("analysis.ipynb", 65, 1),
        ),
    )


def test_notebook_shell_lines_become_commands_at_file_positions() -> None:
    scan = scan_file(FIXTURES / "analysis.ipynb", FIXTURES)
    commands = [
        (use.name, str(use.location))
        for text, origin in scan.shell
        for use in commands_from_shell(text, origin, dev=False)
    ]
    assert commands == [
        ("pip", "analysis.ipynb:48:7"),
        ("ls", "analysis.ipynb:51:15"),
        ("pip", "analysis.ipynb:65:6"),
        ("python", "analysis.ipynb:66:6"),
        ("-m spacy", "analysis.ipynb:66:6"),
    ]


def _notebook(*sources: str, **metadata: object) -> dict[str, object]:
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        for source in sources
    ]
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def test_minified_notebook_points_into_its_single_line() -> None:
    text = json.dumps(_notebook("import a\nimport b", "x = 1\nfrom c import d"))
    scan = scan_notebook(text, "min.ipynb")
    assert [(i.module, i.location.line) for i in scan.imports] == [("a", 1), ("b", 1), ("c", 1)]
    for found in scan.imports:
        assert text[found.location.column - 1 :].startswith(("import", "from"))


def test_nbformat_3_worksheets_and_input() -> None:
    notebook = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": ["import a\n", "import b"], "outputs": []}]}
        ],
    }
    text = json.dumps(notebook, indent=1, sort_keys=True) + "\n"
    assert text.splitlines()[12:14] == ['      "import a\\n",', '      "import b"']
    scan = scan_notebook(text, "old.ipynb")
    assert [str(i.location) for i in scan.imports] == ["old.ipynb:13:8", "old.ipynb:14:8"]


def test_ipython_syntax_is_skipped_but_brackets_and_strings_are_python() -> None:
    source = (
        "x = (1 +\n"
        "     2)\n"
        "%load_ext autoreload\n"
        "?print\n"
        "np.array??\n"
        "msg = ('a %s'\n"
        "       % x)\n"
        "doc = '''\n"
        "!not shell inside a string\n"
        "'''\n"
        "!!echo twice\n"
        "import a  # what?\n"
        "for name in names:\n"
        "    !pip download {name}\n"
        "if x:\n"
        "    %env A=1\n"
    )
    scan = scan_notebook(json.dumps(_notebook(source), indent=1), "n.ipynb")
    assert scan.problems == ()
    assert [i.module for i in scan.imports] == ["a"]
    assert [text for text, _ in scan.shell] == ["echo twice", "pip download {name}"]


def test_cell_magics_other_than_timing_hide_their_body() -> None:
    cells = ("%%writefile x.py\nimport a", "%%script bash\npytest -q", "%%capture\nimport b")
    scan = scan_notebook(json.dumps(_notebook(*cells), indent=1), "n.ipynb")
    assert [i.module for i in scan.imports] == ["b"]
    assert [text.strip() for text, _ in scan.shell] == ["pytest -q"]


def test_notebook_of_another_language_is_skipped() -> None:
    notebook = _notebook("library(ggplot2)", kernelspec={"language": "R", "name": "ir"})
    assert scan_notebook(json.dumps(notebook), "r.ipynb").problems == ()
    assert scan_notebook(json.dumps(notebook), "r.ipynb").imports == ()


def test_invalid_json_is_a_problem_at_its_line() -> None:
    # The same line, column and message as json.loads gives.
    text = '{\n "cells": [\n  {"cell_type": "code", "source": ["import a"]}\n  {}\n ]\n}\n'
    assert scan_notebook(text, "bad.ipynb").problems == (
        ParseProblem(
            Location("bad.ipynb", 4, 3), "cannot parse notebook JSON: Expecting ',' delimiter"
        ),
    )


def test_truncated_json_is_a_problem() -> None:
    scan = scan_notebook('{"cells": [{"cell_type": "code", "source": ["imp', "cut.ipynb")
    assert scan.problems == (
        ParseProblem(
            Location("cut.ipynb", 1, 45),
            "cannot parse notebook JSON: Unterminated string starting at",
        ),
    )


def test_evidence_text_keeps_each_code_line_with_its_file_line() -> None:
    code, file_lines = notebook_code((FIXTURES / "analysis.ipynb").read_text(encoding="utf-8"))
    rows = code.split("\n")
    assert len(rows) == len(file_lines)
    assert list(zip(rows, file_lines, strict=True))[:3] == [
        ("%matplotlib inline", 46),
        ("import numpy as np", 47),
        ("!pip install seaborn", 48),
    ]
    assert (rows[9], file_lines[9]) == ("%%bash", 64)
    assert (rows[20], file_lines[20]) == ("import requests", 118)  # source given as one string
    assert (rows[21], file_lines[21]) == ("import httpx", 118)
