"""A line-level pre-scan that returns exactly what the ``ast`` scanner returns, faster.

Parsing every file with ``ast`` costs about 10 µs a line; most of a file holds nothing the
scan looks for. This scanner instead:

1. lexes only strings and comments, with one regular expression (the regex engine does the
   work in C; Python sees one match per string or comment);
2. keeps the string constants that look like module paths, deciding from their neighbours
   whether each is a bare statement (a docstring: ignored) or part of an implicit
   concatenation (ambiguous: give up);
3. finds, outside strings and comments, every word that can start something the scan reports
   (``import``, ``import_module(``, ``subprocess.run(``, ...), and parses with ``ast`` only the
   top-level statements (column-0 "chunks") that hold one: a module-level import block, a
   ``try:``/``if TYPE_CHECKING:`` block, or the function or class an import is nested in. In a
   large ``def`` or ``class`` only the members holding one are parsed (a lazy import in one
   method of a 2,000-line class parses that method). The same walk as the reference then gives
   imports, ``optional``, calls and bindings.

It returns ``None`` (the caller then parses the whole file) when it cannot decide safely:
backslash continuations, lone CR line ends, a BOM, an unterminated string, an escaped or
concatenated module-like string, an f-string holding a call it looks for, a chunk that does
not parse on its own.

Syntax errors: a file that fails to lex or whose parsed chunks fail is handed to the full parse,
which reports BLT001 exactly. An error inside a chunk that holds no import (``def f(:`` in a
function without imports) is not seen: seeing it takes a full parse, 4-5 times the cost of this
scan (measured with benchmarks/bench.py). ``scan_python_ast`` keeps the exact behaviour.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from dataclasses import dataclass

from bloatlint.code.imports import (
    _CALLEE_NAMES,
    _MAX_STRING,
    _MODULE_PATH,
    _Collector,
    _Found,
    _FoundImport,
)

# Bump when what the scanner returns changes: it is part of the cache key.
SCANNER_VERSION = 3

# Strings and comments; the single leading character keeps the regex engine's search fast.
_LEX = re.compile(
    r"""[#'"\\](?:(?<=\#)[^\r\n]*+"""
    r"""|(?<=')(?:''(?:[^'\\]++|\\.|'(?!''))*+'''|(?:[^'\\\r\n]++|\\.)*+')"""
    r"""|(?<=")(?:""(?:[^"\\]++|\\.|"(?!""))*+\"\"\"|(?:[^"\\\r\n]++|\\.)*+"))?""",
    re.DOTALL,
)
_PREFIX_CHARS = frozenset("rRbBuUfF")
_TRIGGERS = "|".join(sorted(_CALLEE_NAMES - {"__import__"}))
_TRIGGER = re.compile(rf"\b(?:import|__import__)\b|\b(?:{_TRIGGERS})\s*\(")
# Inside a string only a call in an f-string's field is code; the word "import" is prose.
_CALL_TRIGGER = re.compile(rf"\b(?:__import__|{_TRIGGERS})\s*\(")
# Literal prefixes keep these searches fast; a false hit only parses one more chunk.
_IMPORT_WORD = re.compile("import")
_FIND_CALL = re.compile("find_")
# A physical line starting a top-level statement: code at column 0.
_TOP_LEVEL = re.compile(r"\n(?=[^\s#)\]}])")
_INDENTED_LINE = re.compile(r"\n([ \t]+)(?=[^\s#)\]}])")
_BLOCK_HEADER = re.compile(r"@|(?:async[ \t]+)?def\b|class\b")
# Below this size a statement parses faster whole than split (measured on diffusers).
_SPLIT_MIN_CHARS = 2000
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")
_HEADER_KEYWORD = re.compile(
    r"\s*(?:if|elif|else|try|except|finally|while|for|with|def|class|async|match|case|lambda)\b"
)
_OPERAND_KEYWORDS = frozenset(
    {"and", "or", "not", "in", "is", "if", "else", "lambda", "await", "from", "import", "as"}
    | {"assert", "del"}
)
_STRING_KEYWORDS = frozenset(
    {"return", "yield", "raise", "case", "match", "elif", "while", "with", "for", "except"}
)
_AMBIGUOUS_KEYWORDS = frozenset({"return", "yield", "raise"})
_OPERAND_AFTER = re.compile(r"[ \t]*[,)\]}:.+%*=<>!&|^/@~\[-]")
_OPERATOR_BEFORE = frozenset("([{,=:+-*/%<>!&|^~@")
_LAST_WORD = re.compile(r"(\w+)\s*$")
_ESCAPED_CANDIDATE = re.compile(r"[\w.\\'\"{}\n -]*")


@dataclass(frozen=True)
class _Group:
    """A top-level statement and the ranges inside it to parse (itself when ``whole``)."""

    start: int
    end: int
    units: list[tuple[int, int]]

    @property
    def whole(self) -> bool:
        return self.units == [(self.start, self.end)]


class _Undecided(Exception):
    """The pre-scan cannot decide this file safely; the full parse will."""


def scan_source(text: str, lines: list[str]) -> _Found | None:
    """What the reference walk finds in ``text``, or ``None`` to ask for a full parse."""
    if "\r" in text or text.startswith("\ufeff"):
        return None
    try:
        return _Scanner(text, lines).run()
    except _Undecided:
        return None


class _Scanner:
    def __init__(self, text: str, lines: list[str]) -> None:
        self.text = text
        self.lines = lines
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.comment: list[bool] = []
        self.done: set[int] = set()
        self.fstrings: list[str] = []  # parsed together at the end: one parse per file

    def run(self) -> _Found:
        text = self.text
        interesting = self._lex()
        found, ranges = self._parse_groups(self._parsed_groups())
        strings = found.strings
        range_starts = [start for start, _ in ranges]
        for index in interesting:
            start = self.starts[index]
            slot = bisect.bisect_right(range_starts, start) - 1
            if slot >= 0 and start < ranges[slot][1]:
                continue  # the chunk's own walk already decided it
            strings.update(self._strings_of(index))
        strings.update(_strings_in_fstrings(self.fstrings))
        del text
        return found

    # --- lexing --------------------------------------------------------------------------------

    def _lex(self) -> list[int]:
        """Fill the token tables; return the indices of strings that may matter."""
        text = self.text
        starts, ends, comment = self.starts, self.ends, self.comment
        interesting: list[int] = []
        code: list[str] = []
        previous = 0
        for match in _LEX.finditer(text):
            start, end = match.span()
            code.append(text[previous:start])
            previous = end
            first = text[start]
            if first == "#":
                starts.append(start)
                ends.append(end)
                comment.append(True)
                continue
            if end - start == 1:
                raise _Undecided  # a backslash continuation or an unterminated string
            prefix = start
            while prefix > 0 and text[prefix - 1] in _PREFIX_CHARS and start - prefix < 2:
                prefix -= 1
            if prefix < start and prefix > 0 and _is_word_char(text[prefix - 1]):
                prefix = start  # ``if"x"``: the letters belong to a name
            starts.append(prefix)
            ends.append(end)
            comment.append(False)
            kind = text[prefix:start].lower()
            if "b" in kind:
                continue
            quote = 3 if text.startswith(first * 3, start) and end - start >= 6 else 1
            body = text[start + quote : end - quote]
            if "f" in kind:
                if "{" in body or "}" in body or _MODULE_PATH.fullmatch(body):
                    interesting.append(len(starts) - 1)
            elif len(body) <= _MAX_STRING and _MODULE_PATH.fullmatch(body):
                interesting.append(len(starts) - 1)
            elif "\\" in body and "r" not in kind and _ESCAPED_CANDIDATE.fullmatch(body):
                interesting.append(len(starts) - 1)  # an escape could spell a module path
        code.append(text[previous:])
        _check_code("".join(code))
        return interesting

    def _inside_string(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]

    # --- chunks parsed with ast ----------------------------------------------------------------

    def _parsed_groups(self) -> list[_Group]:
        """Top-level statements that hold something only a parse can read, each with the
        smaller ranges inside it that hold those things (see ``_split``)."""
        text = self.text
        boundaries = [0]
        decorated = text.startswith("@")
        for match in _TOP_LEVEL.finditer(text):
            position = match.end()
            if self._inside_string(position) or _CONTINUES.match(text, position):
                continue
            if decorated:
                if text.startswith("@", position):
                    continue
                decorated = False
                continue  # the decorated def or class
            decorated = text.startswith("@", position)
            boundaries.append(position)
        boundaries.append(len(text))
        hits: dict[int, list[int]] = {}
        patterns = [_IMPORT_WORD, _FIND_CALL]
        if "subprocess" in text or "system" in text or "popen" in text:
            patterns.append(_TRIGGER)  # a shell call can only be bound through these imports
        for pattern in patterns:
            for match in pattern.finditer(text):
                start = match.start()
                if pattern is _IMPORT_WORD and _inside_a_name(text, start):
                    continue  # ``_import_structure``: a dict of names, often thousands of lines
                if not self._inside_string(start):
                    chunk = bisect.bisect_right(boundaries, start) - 1
                    hits.setdefault(chunk, []).append(start)
        groups: list[_Group] = []
        for chunk in sorted(hits):
            start, end = boundaries[chunk], boundaries[chunk + 1]
            units = self._split(start, end, hits[chunk])
            if groups and groups[-1].end == start and groups[-1].whole and units == [(start, end)]:
                groups[-1] = _Group(groups[-1].start, end, [(groups[-1].start, end)])
            else:
                groups.append(_Group(start, end, units))
        return groups

    def _split(self, start: int, end: int, hits: list[int]) -> list[tuple[int, int]]:
        """The members of a large ``def`` or ``class`` statement that hold the hits, found
        the same way inside them: a lazy import in one method of a 2,000-line class then
        parses that method, not the class. A def or class never makes an import optional,
        so the members parse on their own. A wrong split (a line inside brackets that looks
        like a member) leaves brackets unbalanced and fails to parse; then the whole
        statement is parsed instead."""
        header = _indent_end(self.text, start)
        if end - start < _SPLIT_MIN_CHARS or not _BLOCK_HEADER.match(self.text, header):
            return [(start, end)]
        members = self._member_starts(start, end)
        if not members or hits[0] < members[0]:
            return [(start, end)]  # a hit in the header itself
        units: list[tuple[int, int]] = []
        for slot, member in enumerate(members):
            following = members[slot + 1] if slot + 1 < len(members) else end
            inside = [hit for hit in hits if member <= hit < following]
            if inside:
                units.extend(self._split(member, following, inside))
        return units

    def _member_starts(self, start: int, end: int) -> list[int]:
        """Where the statements of a block start: lines indented like its first statement,
        outside strings, not continuing a statement (``else:``), decorators with their
        definition."""
        text = self.text
        header_indent = _indent_end(text, start) - start
        lines: list[tuple[str, int]] = []
        for match in _INDENTED_LINE.finditer(text, start, end):
            indent = match.group(1)
            if len(indent) > header_indent and not self._inside_string(match.end()):
                lines.append((indent, match.end()))
        if not lines:
            return []
        body = min((indent for indent, _ in lines), key=len)
        members: list[int] = []
        decorated = False
        for indent, position in lines:
            if indent != body or _CONTINUES.match(text, position):
                continue
            if decorated:
                decorated = text.startswith("@", position)
                continue
            decorated = text.startswith("@", position)
            members.append(position - len(indent))
        return members

    def _parse_groups(self, groups: list[_Group]) -> tuple[_Found, list[tuple[int, int]]]:
        """Parse each group's ranges (its whole statement when a range fails); return what
        the walks found and the ranges they covered."""
        found = _Found()
        collectors: list[tuple[int, _Collector]] = []
        covered: list[tuple[int, int]] = []
        for group in groups:
            try:
                parsed = [self._parse_range(start, end) for start, end in group.units]
                covered.extend(group.units)
            except _Undecided:
                if group.whole:
                    raise
                parsed = [self._parse_range(group.start, group.end)]
                covered.append((group.start, group.end))
            collectors.extend(parsed)
        bindings: dict[str, str] = {}
        for _, collector in reversed(collectors):  # the earliest import of a name wins
            bindings.update(collector.bindings)
        for offset, collector in collectors:
            part = collector.finish(bindings)
            found.imports.extend(_shifted(item, offset) for item in part.imports)
            found.shell.extend((text, line + offset, column) for text, line, column in part.shell)
            found.strings |= part.strings
        found.imports.sort(key=lambda item: (item.line, item.column))
        found.shell.sort(key=lambda entry: (entry[1], entry[2]))
        covered.sort()
        return found, covered

    def _parse_range(self, start: int, end: int) -> tuple[int, _Collector]:
        """Walk one range; an indented one is parsed as the body of ``if 1:``, which keeps
        every line and column as in the file."""
        offset = self.text.count("\n", 0, start)
        chunk = self.text[start:end]
        if chunk[:1] in (" ", "\t"):
            chunk = "if 1:\n" + chunk
            offset -= 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(chunk)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            raise _Undecided from error
        collector = _Collector(self.lines[offset:])
        collector.walk(tree)
        return offset, collector

    # --- module-like strings -------------------------------------------------------------------

    def _strings_of(self, index: int) -> set[str]:
        text = self.text
        start, end = self.starts[index], self.ends[index]
        operand = self._between_operators(start, end)
        before: str | None = ""
        after: str | None = ""
        if not operand:
            before, after = self._neighbour(index, -1), self._neighbour(index, +1)
        if before is None or after is None:
            return self._group_strings(index)
        quote_at = start
        while text[quote_at] not in "'\"":
            quote_at += 1
        kind = text[start:quote_at].lower()
        if "f" in kind:
            if _CALL_TRIGGER.search(text, start, end):
                raise _Undecided  # a call the walk would see inside the f-string
            self.fstrings.append(text[start:end])
            return set()
        quote = 3 if text.startswith(text[quote_at] * 3, quote_at) and end - quote_at >= 6 else 1
        body = text[quote_at + quote : end - quote]
        if "\\" in body and "r" not in kind:
            value = _literal(text[start:end])
            if not (len(value) <= _MAX_STRING and _MODULE_PATH.fullmatch(value)):
                return set()
            body = value
        if not operand and self._is_statement(index, before, after):
            return set()
        return {body}

    def _between_operators(self, start: int, end: int) -> bool:
        """Whether punctuation on the same line sits on both sides of the string (``("x",``,
        ``= "x")``): then it is an operand and no other string is concatenated with it, which
        most strings show without the search for their neighbours."""
        text = self.text
        if not _OPERAND_AFTER.match(text, end):
            return False
        position = start - 1
        while position >= 0 and text[position] in " \t":
            position -= 1
        return position >= 0 and text[position] in _OPERATOR_BEFORE

    def _group_strings(self, index: int) -> set[str]:
        """Strings of an implicit concatenation, parsed as one expression when it is sure to
        be one (inside brackets, or all on one line and not a statement)."""
        first = last = index
        while self._neighbour(first, -1) is None:
            first -= 1
            while self.comment[first]:
                first -= 1
        while self._neighbour(last, +1) is None:
            last += 1
            while self.comment[last]:
                last += 1
        if first in self.done:
            return set()
        self.done.add(first)
        members = [i for i in range(first, last + 1) if not self.comment[i]]
        tokens = [self.text[self.starts[i] : self.ends[i]] for i in members]
        before = self._neighbour(first, -1)
        after = self._neighbour(last, +1)
        if before is None or after is None:
            raise _Undecided
        code = before.rstrip()
        opener = code[-1:] in ("(", "[", "{", ",")
        one_line = "\n" not in self.text[self.starts[first] : self.ends[last]]
        if not opener and not (one_line and not before.endswith("\n") and code):
            raise _Undecided  # separate statements or one concatenation: it depends on brackets
        if any(_CALL_TRIGGER.search(token) for token in tokens):
            raise _Undecided
        is_fstring = any("f" in re.split("['\"]", token, maxsplit=1)[0].lower() for token in tokens)
        if not opener and not is_fstring and self._is_statement(first, before, after):
            return set()
        return _parsed_strings("(" + " ".join(tokens) + ")")

    def _neighbour(self, index: int, step: int) -> str | None:
        """The code text between this string and the next significant token on one side (or
        ``None`` when that token is another string: the two are concatenated or ambiguous)."""
        text = self.text
        position = index
        pieces: list[str] = []
        while True:
            other = position + step
            if step < 0:
                gap_start = self.ends[other] if other >= 0 else 0
                gap = text[gap_start : self.starts[position]]
            else:
                gap_end = self.starts[other] if other < len(self.starts) else len(text)
                gap = text[self.ends[position] : gap_end]
            pieces.append(gap)
            if gap.strip() or not 0 <= other < len(self.starts):
                break
            if not self.comment[other]:
                return None
            pieces.append("\n")  # a comment ends its line
            position = other
        if step < 0:
            pieces.reverse()
        return "".join(pieces)

    def _is_statement(self, index: int, before: str, after: str) -> bool:
        """Whether the string is a whole expression statement (docstrings and the like)."""
        following = after.lstrip(" \t\f")
        if following and following[0] not in "\n;":
            return False  # an operand: ``"x".join``, ``"x",``, ``"x")``
        preceding = before.rstrip(" \t\f")
        if not preceding.strip():
            return True  # the first thing in the file
        last = preceding[-1]
        if last == "\n":
            code = preceding.rstrip()
            last = code[-1] if code else ""
            if not last:
                return True
            if last == ":":
                return True  # a block's first statement (a docstring)
            if last == ";":
                return True
            if last in "([{,=+-*/%&|^<>~@.!":
                return False
            word = _LAST_WORD.search(code)
            if word:
                if word.group(1) in _OPERAND_KEYWORDS:
                    return False
                if word.group(1) in _AMBIGUOUS_KEYWORDS:
                    raise _Undecided
            return True  # after a complete line: a new statement
        if last == ";":
            return True
        if last == ":":
            line_start = self.text.rfind("\n", 0, self.starts[index]) + 1
            if _HEADER_KEYWORD.match(self.text, line_start):
                raise _Undecided  # ``else: "x"`` or ``lambda: "x"``?
            return False  # an annotation or a dictionary value
        word = _LAST_WORD.search(preceding)
        if word and word.group(1) not in _OPERAND_KEYWORDS | _STRING_KEYWORDS:
            raise _Undecided  # ``print "x"``: two atoms in a row do not parse
        return False


_CONFLICT_MARKER = re.compile(r"\n(?:<<<<<<<|=======|>>>>>>>)(?:[ \n]|$)")
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


def _inside_a_name(text: str, position: int) -> bool:
    """Whether the ``import`` at ``position`` is part of a longer name other than the calls
    the walk reads (``__import__``, ``import_module``)."""
    after = position + len("import")
    joined = (position > 0 and _is_word_char(text[position - 1])) or (
        after < len(text) and _is_word_char(text[after])
    )
    if not joined:
        return False
    return not (
        (position >= 2 and text.startswith("__import__", position - 2))
        or text.startswith("import_module", position)
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _indent_end(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _check_code(code: str) -> None:
    """Cheap syntax checks on the code outside strings and comments: a file that fails them
    is left to the full parse, which reports the error exactly."""
    if any(code.count(opening) != code.count(closing) for opening, closing in _PAIRS):
        raise _Undecided
    if _CONFLICT_MARKER.search("\n" + code):
        raise _Undecided


def _shifted(item: _FoundImport, offset: int) -> _FoundImport:
    return _FoundImport(
        item.module,
        item.line + offset,
        item.column,
        item.end_line + offset,
        item.optional,
        item.names,
    )


def _literal(token: str) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(token)
    except (SyntaxError, ValueError) as error:
        raise _Undecided from error
    if not isinstance(value, str):
        raise _Undecided
    return value


def _strings_in_fstrings(tokens: list[str]) -> set[str]:
    """The module-like parts of f-strings, parsed as one tuple; one at a time if that fails,
    so that the one that does not parse decides."""
    if not tokens:
        return set()
    try:
        return _parsed_strings("(" + ",\n".join(tokens) + ",)")
    except _Undecided:
        return set().union(*(_parsed_strings(token) for token in tokens))


def _parsed_strings(token: str) -> set[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(token, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise _Undecided from error
    collector = _Collector([])
    collector.walk(tree)
    return collector.finish().strings
