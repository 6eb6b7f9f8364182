"""Imports, strings and shell commands found in Python source, with exact positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bloatlint.code.imports import scan_file, scan_python
from bloatlint.model import Location, ParseProblem

Found = list[tuple[str, int, int, bool]]

CASES: list[tuple[str, str, Found]] = [
    (
        "plain forms",
        "import a.b\nfrom c.d import e\n",
        [("a.b", 1, 1, False), ("c.d", 2, 1, False)],
    ),
    (
        "several names on one line",
        "import a, b as bee\n",
        [("a", 1, 1, False), ("b", 1, 1, False)],
    ),
    (
        "parentheses and backslash continuation",
        "from a import (\n    b,\n    c,\n)\nimport d, \\\n    e\n",
        [("a", 1, 1, False), ("d", 5, 1, False), ("e", 5, 1, False)],
    ),
    (
        "relative imports are the project's own",
        "from . import a\nfrom ..b import c\nfrom .d import e\nimport f\n",
        [("f", 4, 1, False)],
    ),
    (
        "nested functions and classes",
        "def f():\n    import a\n    class C:\n        def g(self):\n            from b import c\n",
        [("a", 2, 5, False), ("b", 5, 13, False)],
    ),
    (
        "if, else, with, while",
        "if x:\n    import a\nelse:\n    import b\nwith ctx():\n    import c\n"
        "while True:\n    import d\n",
        [("a", 2, 5, False), ("b", 4, 5, False), ("c", 6, 5, False), ("d", 8, 5, False)],
    ),
    (
        "async def and match",
        "async def f():\n    import a\nmatch x:\n    case 1:\n        import b\n",
        [("a", 2, 5, False), ("b", 5, 9, False)],
    ),
    (
        "try/except ImportError",
        "try:\n    import a\nexcept ImportError:\n    a = None\n",
        [("a", 2, 5, True)],
    ),
    (
        "ModuleNotFoundError in a tuple",
        "try:\n    import a\nexcept (ValueError, ModuleNotFoundError):\n    pass\n",
        [("a", 2, 5, True)],
    ),
    (
        "bare except and except Exception",
        "try:\n    import a\nexcept:\n    pass\ntry:\n    import b\nexcept Exception:\n    pass\n",
        [("a", 2, 5, True), ("b", 6, 5, True)],
    ),
    (
        "an unrelated exception does not guard",
        "try:\n    import a\nexcept KeyError:\n    pass\n",
        [("a", 2, 5, False)],
    ),
    (
        "a handler that re-raises makes the import required",
        "try:\n    import a\nexcept ImportError as error:\n"
        "    raise SystemExit('pip install a') from error\n",
        [("a", 2, 5, False)],
    ),
    (
        "a handler that re-raises saying the module is optional keeps it optional",
        "def connect():\n    try:\n        import a\n"
        "    except (ImportError, ModuleNotFoundError) as e:\n"
        "        raise ValueError(\n            'a-client is an optional dependency. '\n"
        "            f'Install with {HINT}'\n        ) from e\n",
        [("a", 3, 9, True)],
    ),
    (
        "only the try body is guarded",
        "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\n"
        "finally:\n    import d\n",
        [("a", 2, 5, True), ("b", 4, 5, False), ("c", 6, 5, False), ("d", 8, 5, False)],
    ),
    (
        "TYPE_CHECKING, bare and qualified",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\nelse:\n    import b\n"
        "import typing\nif typing.TYPE_CHECKING:\n    from c import d\n",
        [
            ("typing", 1, 1, False),
            ("a", 3, 5, True),
            ("b", 5, 5, False),
            ("typing", 6, 1, False),
            ("c", 8, 5, True),
        ],
    ),
    (
        "importlib.import_module with a literal",
        "import importlib\nmod = importlib.import_module('a.b')\n"
        "importlib.import_module('.rel', 'pkg')\nimportlib.import_module(name)\n",
        [("importlib", 1, 1, False), ("a.b", 2, 7, False)],
    ),
    (
        "import_module imported from importlib",
        'from importlib import import_module\nx = import_module("a")\n',
        [("importlib", 1, 1, False), ("a", 2, 5, False)],
    ),
    (
        "import_module from elsewhere is not importlib's",
        "from mylib import import_module\nimport_module('a')\n",
        [("mylib", 1, 1, False)],
    ),
    (
        "importlib under an alias",
        "import importlib as il\nil.import_module(name='a')\n",
        [("importlib", 1, 1, False), ("a", 2, 1, False)],
    ),
    (
        "__import__",
        "m = __import__('a.b')\n",
        [("a.b", 1, 5, False)],
    ),
    (
        "find_spec probes, so it is optional",
        "import importlib.util\nif importlib.util.find_spec('a') is not None:\n    pass\n",
        [("importlib.util", 1, 1, False), ("a", 2, 4, True)],
    ),
    (
        "import statements inside strings and docstrings never count",
        '"""import a\nfrom b import c\n"""\ndef f():\n    "import d"\n    return "import e"\n'
        "x = '''\nimport g\n'''\n# import h\n",
        [],
    ),
    (
        "columns count characters, not UTF-8 bytes",
        'x = "é"; import a\n',
        [("a", 1, 10, False)],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_imports(source: str, expected: Found) -> None:
    scan = scan_python(source, "m.py")
    found = [(i.module, i.location.line, i.location.column, i.optional) for i in scan.imports]
    assert found == expected
    assert scan.problems == ()
    assert {i.location.path for i in scan.imports} <= {"m.py"}


def test_suppression_comments_on_the_import_lines() -> None:
    source = (
        "import a  # noqa: BLT102\n"
        "import b  # bloatlint: ignore[BLT101, BLT102]\n"
        "import c  # noqa\n"
        "from d import (  # noqa: BLT103\n"
        "    e,\n"
        ")\n"
        "import f\n"
    )
    scan = scan_python(source, "m.py")
    assert [(i.module, i.suppressed) for i in scan.imports] == [
        ("a", frozenset({"BLT102"})),
        ("b", frozenset({"BLT101", "BLT102"})),
        ("c", frozenset({"*"})),
        ("d", frozenset({"BLT103"})),
        ("f", frozenset()),
    ]


def test_strings_that_name_modules_but_not_docstrings() -> None:
    source = (
        '"""sphinx is documented here."""\n'
        "def f():\n"
        '    """docstring_word"""\n'
        '    return BeautifulSoup(html, "lxml")\n'
        'worker_class = "uvicorn.workers.UvicornWorker"\n'
        'nlp = spacy.load("en_core_web_sm")\n'
        'title = "two words"\n'
        'path = "data/train.csv"\n'
        f'long = "{"x" * 101}"\n'
    )
    assert scan_python(source, "m.py").strings == {
        "lxml",
        "uvicorn.workers.UvicornWorker",
        "en_core_web_sm",
    }


def test_literal_commands_for_subprocess_and_os_system() -> None:
    source = (
        "import os, subprocess, sys\n"
        "import subprocess as sp\n"
        "from subprocess import check_call\n"
        'subprocess.run(["uvicorn", "app:app"], check=True)\n'
        'sp.Popen(("black", "."))\n'
        'check_call([sys.executable, "-m", "pip", "install", package])\n'
        'os.system("ruff check . && mypy src")\n'
        'subprocess.run(f"pytest {args}", shell=True)\n'
        "subprocess.run(command)\n"
        'runner.run(["not", "subprocess"])\n'
    )
    assert scan_python(source, "m.py").shell == (
        ("uvicorn app:app", Location("m.py", 4, 18)),
        ("black .", Location("m.py", 5, 12)),
        ("python -m pip install", Location("m.py", 6, 13)),
        ("ruff check . && mypy src", Location("m.py", 7, 12)),
        ("pytest ", Location("m.py", 8, 18)),
    )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        pytest.param(
            'print "hello"\nimport a\n',
            ParseProblem(
                Location("m.py", 1, 1),
                "cannot parse Python: Missing parentheses in call to 'print'. "
                "Did you mean print(...)?",
            ),
            id="python 2",
        ),
        pytest.param(
            "import a\nx = (1,\n",
            ParseProblem(Location("m.py", 2, 5), "cannot parse Python: '(' was never closed"),
            id="unclosed bracket",
        ),
        pytest.param(
            "import a\n<<<<<<< HEAD\nimport b\n=======\nimport c\n>>>>>>> branch\n",
            ParseProblem(Location("m.py", 2, 1), "cannot parse Python: invalid syntax"),
            id="merge conflict",
        ),
    ],
)
def test_unparsable_source_is_a_problem(source: str, problem: ParseProblem) -> None:
    scan = scan_python(source, "m.py")
    assert scan.problems == (problem,)
    assert scan.imports == ()


def test_invalid_escape_warnings_are_not_raised() -> None:
    # pytest turns warnings into errors: an invalid escape in project code must stay silent.
    assert [i.module for i in scan_python('import re\nre.compile("\\d")\n', "m.py").imports] == [
        "re"
    ]


def test_coding_cookie_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "pkg" / "legacy.py"
    path.parent.mkdir()
    path.write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'; import a\nimport b\n")
    scan = scan_file(path, tmp_path)
    assert [(i.module, str(i.location)) for i in scan.imports] == [
        ("a", "pkg/legacy.py:2:15"),
        ("b", "pkg/legacy.py:3:1"),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            b"import a\n\x00\x01\x02",
            ParseProblem(Location("x.py", 2), "cannot decode file: binary content (NUL byte)"),
            id="binary",
        ),
        pytest.param(
            b"import a\n\n\nx = '\xff'\n",
            ParseProblem(Location("x.py", 4), "cannot decode file: invalid start byte"),
            id="not utf-8 after line two",
        ),
        pytest.param(
            b"x = '\xff'\n",
            ParseProblem(
                Location("x.py", 1), "cannot decode file: invalid or missing encoding declaration"
            ),
            id="not utf-8 in line one",
        ),
        pytest.param(
            b"# coding: no-such-codec\nimport a\n",
            ParseProblem(
                Location("x.py", 1), "cannot decode file: unknown encoding: no-such-codec"
            ),
            id="unknown codec",
        ),
    ],
)
def test_undecodable_files_are_problems(
    tmp_path: Path, content: bytes, problem: ParseProblem
) -> None:
    (tmp_path / "x.py").write_bytes(content)
    assert scan_file(tmp_path / "x.py", tmp_path).problems == (problem,)


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    scan = scan_file(tmp_path / "missing.py", tmp_path)
    assert scan.problems == (
        ParseProblem(Location("missing.py", 1), "cannot read file: No such file or directory"),
    )
