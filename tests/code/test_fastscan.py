"""The fast scanner returns exactly what the reference ``ast`` scanner returns."""

from __future__ import annotations

import importlib.util
import os
import sys
import sysconfig
from pathlib import Path

import pytest

from bloatlint.code.imports import CodeScan, scan_python, scan_python_ast

TRICKY: dict[str, str] = {
    "docstring import": '"""import numpy\nfrom x import y\n"""\nimport a\n',
    "string import": "x = \"import numpy\"\ny = '''\nimport torch\n'''\nimport b\n",
    "comment import": "# import numpy\nimport c  # import d\n",
    "continuation": "import a, \\\n    b\nx = 1 + \\\n    2\n",
    "parentheses": "from a import (\n    b,  # noqa: BLT102\n    c,\n)\n",
    "if try": (
        "try:\n    import a\nexcept ImportError:\n    a = None\n"
        "if TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
        "try:\n    import d\nexcept ImportError:\n    raise\n"
    ),
    "nested defs": (
        "class C:\n    def f(self):\n        def g():\n            import a\n"
        "        try:\n            from b import c\n        except Exception:\n            pass\n"
    ),
    "decorated": "@dec\n@other(\n    1,\n)\ndef f():\n    import a\n",
    "semicolons": 'import a; import b; "lxml"; x = "yaml"\n',
    "relative": "from . import x\nfrom .. import y\nfrom .a import b\nimport z\n",
    "as and several": "import a as b, c\nfrom d import e as f, g\n",
    "tabs": "if x:\n\timport a\n\tif y:\n\t\timport b\n",
    "form feed": "import a\n\x0c\nimport b\n\x0cimport c\n",
    "crlf": "import a\r\nif x:\r\n    import b\r\n",
    "lone cr": "import a\rimport b\r",
    "bom": "\ufeffimport a\n",
    "coding cookie": "# -*- coding: latin-1 -*-\nimport a\n",
    "strings": (
        'x = "lxml"\ny = {"backend": "uvicorn.workers.UvicornWorker"}\n'
        'def f(a: "torch.Tensor") -> "np.ndarray":\n    "docstring"\n    return "cpu"\n'
        '"bare"\nz = ("implicit" "concat")\nw = ("a"\n     "b")\n'
    ),
    "f-strings": (
        'x = f"lxml"\ny = f"{a}mod{b[\'key\']}"\nz = f"{x:fmt}"\n'
        'w = ("one" f"{two}three")\nf"{importlib.import_module(\'q\')}"\n'
    ),
    "f-string prose": (
        'card = f"""\nfrom diffusers import {name}\nimport torch\n"""\n'
        'x = (f"import {a}" "lxml")\nimport b\n'
    ),
    "escapes": 'x = "a\\x2eb"\ny = "tab\\tb"\nz = r"\\d+"\nw = b"bytes"\n',
    "dynamic imports": (
        "import importlib\nm = importlib.import_module('a.b')\nn = __import__(\"c\")\n"
        "from importlib.util import find_spec\nif find_spec('d'):\n    pass\n"
    ),
    "shell": (
        "import subprocess as sp, sys, os\nsp.run(['pip', 'install', 'x'])\n"
        'os.system("uvicorn app:app")\nsp.check_call([sys.executable, "-m", "pytest"])\n'
    ),
    "first binding wins": "import subprocess as s\nimport os as s\ns.run(['ls'])\n",
    "syntax error in a function": "import a\ndef f(:\n    pass\n",
    "unclosed": "import a\nx = (1,\n",
    "python 2": 'print "hello"\nimport a\n',
    "merge conflict": "import a\n<<<<<<< HEAD\nimport b\n=======\nimport c\n>>>>>>> b\n",
    "unterminated": "import a\nx = 'abc\n",
    "exec": "exec('import a')\nimport b\n",
    "non-ascii": 'x = "é"; import a\ny = "ü" + "lxml"\n',
    "return string": 'def f():\n    return \\\n "x"\n',
    "match": 'match x:\n    case "a":\n        import b\n',
    "empty": "",
}

# Statements large enough that the fast scan parses only the members holding an import.
_PADDING = "".join(f"    def m{n}(self):\n        return {n}\n" for n in range(60))
TRICKY |= {
    "large class": (
        f"class C:\n{_PADDING}    def lazy(self):\n        try:\n            import a\n"
        f"        except ImportError:\n            pass\n        x = 'lxml'\n{_PADDING}"
        "    @dec(__import__('b'))\n    def g(self):\n        import c\n"
    ),
    "large class, bracket at member indent": (
        f"class C:\n{_PADDING}    x = f(1,\n    2)\n    import d; y = 'yaml'\n{_PADDING}"
    ),
    "large class, tabs and shell": (
        "import subprocess as sp\nclass C:\n"
        + (_PADDING * 2).replace("    ", "\t")
        + "\tdef run(self):\n\t\tsp.run(['pip', 'install', 'x'])  # é\n"
    ),
    "large function, nested class": (
        f"def outer():\n    class Inner:\n{_PADDING.replace('    ', '        ')}"
        "        def f(self):\n            if TYPE_CHECKING:\n                import e\n"
    ),
}

# Files whose syntax error the fast scan leaves unreported (by design: see fastscan's docstring).
KNOWN_DIFFERENT = {"syntax error in a function"}


def _compare(text: str, where: str) -> str | None:
    fast = scan_python(text, where)
    reference = scan_python_ast(text, where)
    if fast == reference:
        return None
    return _difference(fast, reference, where)


def _difference(fast: CodeScan, reference: CodeScan, where: str) -> str:
    for mine, theirs in zip(fast.imports, reference.imports, strict=False):
        if mine != theirs:
            return f"{where}:{theirs.location.line}: {mine} != {theirs}"
    if len(fast.imports) != len(reference.imports):
        return f"{where}: {len(fast.imports)} imports != {len(reference.imports)}"
    if fast.strings != reference.strings:
        extra = sorted(fast.strings ^ reference.strings)[:5]
        return f"{where}: strings differ in {extra}"
    shell = f"shell {fast.shell} != {reference.shell}"
    return f"{where}: {shell}, problems {fast.problems} != {reference.problems}"


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_cases_agree_with_ast(name: str) -> None:
    if name in KNOWN_DIFFERENT:
        assert scan_python_ast(TRICKY[name], "m.py").problems
        return
    difference = _compare(TRICKY[name], f"{name}.py")
    assert difference is None, difference


def test_notebooks_agree_with_ast() -> None:
    from bloatlint.code import fastscan, imports

    folder = Path(__file__).parent / "fixtures"
    for path in sorted(folder.rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        # Cells use the reference parse; compare with the fast path forced off.
        original = imports._scan_source
        try:
            fast = imports.scan_notebook(text, path.name)
            imports._scan_source = imports._scan_source_ast
            reference = imports.scan_notebook(text, path.name)
        finally:
            imports._scan_source = original
        assert fast == reference, path
    assert fastscan.SCANNER_VERSION >= 1


def _installed_sources() -> list[Path]:
    """Real files from the running environment: the Python standard library and
    site-packages. Every tenth file by default; BLOATLINT_FULL_CORPUS=1 checks them all."""
    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"]}
    files = sorted(path for folder in folders for path in Path(folder).rglob("*.py"))
    stride = 1 if os.environ.get("BLOATLINT_FULL_CORPUS") else 10
    return files[::stride]


def test_installed_files_agree_with_ast() -> None:
    files = _installed_sources()
    if len(files) < 50:
        pytest.skip("no installed corpus to compare on")
    failures: list[str] = []
    for path in files:
        try:
            text = importlib.util.decode_source(path.read_bytes())
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        if sys.getsizeof(text) > 2_000_000:
            continue
        difference = _compare(text, str(path))
        if difference and "problems" not in difference:
            failures.append(difference)
    assert not failures, "\n".join(failures[:20])
