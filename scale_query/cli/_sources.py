"""Where ``check`` and ``fmt`` find filters: filter files, Python sources, folders.

A filter file (``*.filter``) holds one filter per line; a line starting with
whitespace continues the filter above; a line whose first non-blank character
is ``#`` is a comment; blank lines are ignored (neither comments nor blank lines
end a filter). A filter line may end with ``# noqa`` or ``# noqa: SQ201,SQ107``.

In Python sources the filters are the constant strings passed first to
``parse(...)``, ``validate(...)`` (bare, or through the ``scale_query`` module)
and ``.where(...)``. Each filter knows where every one of its characters
sits in the file, escapes and implicit concatenation included, so that
findings point at the exact character.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from typing import NamedTuple

__all__ = [
    "Entry",
    "Filter",
    "Noqa",
    "SourceFile",
    "discover",
    "filter_entries",
    "python_filters",
    "read_source",
]

#: Codes a noqa comment suppresses; None suppresses every code.
Noqa = frozenset[str] | None

_NOQA = re.compile(
    r"[#]\s*(?i:noqa)(?:\s*:\s*(?P<codes>[A-Za-z]+[0-9]*(?:\s*,\s*[A-Za-z]+[0-9]*)*))?"
)
# A noqa comment at the end of a filter line (filter syntax has no comments).
_TRAILING_NOQA = re.compile(r"(?:^|\s+)" + _NOQA.pattern + r"\s*$")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def _codes(match: re.Match[str]) -> Noqa:
    codes = match.group("codes")
    if not codes:
        return None
    return frozenset(c.strip().upper() for c in codes.split(","))


class Filter:
    """One filter's text and where each of its characters sits in its file.

    ``starts[i]`` is the (line, column) of character ``i`` (1-based),
    ``ends[i]`` the position just after it; a filter file's filters use
    ``lines`` instead: (text offset, file line) of each physical line.
    """

    # A plain class: dataclasses cost start-up time that `check` cannot spare.
    __slots__ = ("ends", "first_line", "last_line", "lines", "starts", "text")

    def __init__(
        self,
        text: str,
        first_line: int,
        last_line: int,
        lines: list[tuple[int, int]] | None = None,
        starts: list[tuple[int, int]] | None = None,
        ends: list[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self.first_line = first_line
        self.last_line = last_line
        self.lines = lines or []
        self.starts = starts or []
        self.ends = ends or []

    def __repr__(self) -> str:
        return f"Filter({self.text!r}, {self.first_line}, {self.last_line})"

    def position(self, offset: int, *, end: bool = False) -> tuple[int, int]:
        """Line and column in the file of ``offset`` in ``text``."""
        if self.lines:
            row = bisect_right(self.lines, (offset, 1 << 62)) - 1
            start, line = self.lines[max(row, 0)]
            return line, offset - start + 1
        if not self.starts:
            return self.first_line, 1
        if end and offset > 0:
            return self.ends[min(offset, len(self.ends)) - 1]
        if offset >= len(self.starts):
            return self.ends[-1]
        return self.starts[offset]


class Entry:
    """A filter of a filter file, with the physical lines it spans (0-based)."""

    __slots__ = ("filter", "first", "interrupted", "last", "noqa")

    def __init__(self, filter: Filter, first: int, last: int) -> None:
        self.filter = filter
        self.first = first
        self.last = last
        self.noqa = ""
        self.interrupted = False


class SourceFile(NamedTuple):
    """A file's lines, its filters, and its ``# noqa`` comments by line."""

    path: str
    lines: list[str]
    filters: list[Filter]
    noqa: dict[int, Noqa]
    problem: str | None = None


def filter_entries(text: str) -> tuple[list[str], list[Entry], dict[int, Noqa]]:
    """Split filter-file text into lines, filters and ``# noqa`` comments."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    entries: list[Entry] = []
    noqa: dict[int, Noqa] = {}
    current: Entry | None = None
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    size = 0

    def close() -> None:
        if current is not None:
            current.filter.text = "\n".join(parts)
            current.filter.lines = list(offsets)

    gap = False
    for index, raw in enumerate(lines):
        line = raw.removesuffix("\r")
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            gap = True
            continue
        match = _TRAILING_NOQA.search(line)
        suffix = ""
        if match is not None:
            noqa[index + 1] = _codes(match)
            suffix = match.group(0).strip()
            line = line[: match.start()]
        if current is None or not line[0].isspace():
            close()
            current = Entry(Filter("", index + 1, index + 1), index, index)
            entries.append(current)
            parts, offsets, size = [], [], 0
        elif gap:
            # A comment or blank line inside a filter: fmt leaves this one alone.
            current.interrupted = True
        gap = False
        offsets.append((size, index + 1))
        parts.append(line)
        size += len(line) + 1
        current.last = index
        current.filter.last_line = index + 1
        if suffix:
            current.noqa = suffix
    close()
    return lines, entries, noqa


# ---- Python sources --------------------------------------------------------

_SIMPLE_ESCAPES = {
    "\n": "",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}


class _Scanner:
    """Reads string literals from source lines, tracking each character's place."""

    def __init__(self, lines: Sequence[str], line: int, column: int) -> None:
        self.lines = lines
        self.line = line  # 1-based
        self.col = column  # 0-based, in characters
        self.chars: list[str] = []
        self.starts: list[tuple[int, int]] = []
        self.ends: list[tuple[int, int]] = []

    def peek(self, ahead: int = 0) -> str:
        row = self.lines[self.line - 1] if self.line <= len(self.lines) else ""
        at = self.col + ahead
        if at < len(row):
            return row[at]
        return "\n" if at == len(row) and self.line < len(self.lines) else ""

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            row = self.lines[self.line - 1]
            if self.col >= len(row):
                self.line, self.col = self.line + 1, 0
            else:
                self.col += 1

    def emit(self, text: str, start: tuple[int, int]) -> None:
        end = (self.line, self.col + 1)
        for ch in text:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    def skip_between(self, end: tuple[int, int]) -> None:
        while (self.line, self.col) < end:
            ch = self.peek()
            if ch == "#":
                self.col = len(self.lines[self.line - 1])
            elif ch in " \t\f\\\n\r":
                self.advance()
            else:
                return

    def literal(self) -> bool:
        """Read one literal; False when it is bytes or an f-string."""
        prefix = ""
        while self.peek().isalpha():
            prefix += self.peek().lower()
            self.advance()
        if "b" in prefix or "f" in prefix:
            return False
        quote = self.peek()
        if self.peek(1) == quote and self.peek(2) == quote:
            quote *= 3
        self.advance(len(quote))
        raw = "r" in prefix
        while True:
            here = (self.line, self.col + 1)
            if self._closes(quote):
                self.advance(len(quote))
                return True
            ch = self.peek()
            if ch == "":
                return True
            if ch == "\\":
                self._escape(here, raw)
                continue
            self.advance()
            self.emit(ch, here)

    def _closes(self, quote: str) -> bool:
        return all(self.peek(i) == q for i, q in enumerate(quote))

    def _escape(self, here: tuple[int, int], raw: bool) -> None:
        nxt = self.peek(1)
        if raw:
            self.advance()
            self.emit("\\", here)
            if nxt in ("\\", "'", '"'):
                self.advance()
                self.emit(nxt, (self.line, self.col))
            return
        if nxt in _SIMPLE_ESCAPES:
            self.advance(2)
            self.emit(_SIMPLE_ESCAPES[nxt], here)
            return
        if nxt in _HEX_WIDTH:
            width = _HEX_WIDTH[nxt]
            digits = "".join(self.peek(2 + i) for i in range(width))
            self.advance(2 + width)
            self.emit(_chr(int(digits, 16)), here)
            return
        if nxt in "01234567" and nxt:
            digits = ""
            while len(digits) < 3 and self.peek(1 + len(digits)) in "01234567":
                if not self.peek(1 + len(digits)):
                    break
                digits += self.peek(1 + len(digits))
            self.advance(1 + len(digits))
            self.emit(_chr(int(digits, 8)), here)
            return
        if nxt == "N" and self.peek(2) == "{":
            name = ""
            i = 3
            while self.peek(i) not in ("}", ""):
                name += self.peek(i)
                i += 1
            self.advance(i + 1)
            import unicodedata

            try:
                self.emit(unicodedata.lookup(name), here)
            except KeyError:
                self.emit("?", here)
            return
        # An unknown escape keeps its backslash.
        self.advance()
        self.emit("\\", here)


def _chr(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "?"


def _char_column(row: str, byte_col: int) -> int:
    return len(row.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _literal_filter(lines: Sequence[str], node: object) -> Filter | None:
    import ast

    assert isinstance(node, ast.Constant)
    assert isinstance(node.value, str)
    assert node.end_lineno is not None
    assert node.end_col_offset is not None
    start_col = _char_column(lines[node.lineno - 1], node.col_offset)
    end = (node.end_lineno, _char_column(lines[node.end_lineno - 1], node.end_col_offset))
    scanner = _Scanner(lines, node.lineno, start_col)
    while (scanner.line, scanner.col) < end:
        if not scanner.literal():
            return None
        scanner.skip_between(end)
    text = "".join(scanner.chars)
    if text != node.value:
        # Something this scanner does not model: keep the text, point at the literal.
        return Filter(node.value, node.lineno, node.end_lineno, [(0, node.lineno)])
    return Filter(text, node.lineno, node.end_lineno, [], scanner.starts, scanner.ends)


def _filter_calls(tree: object) -> Iterator[object]:
    """The first arguments of the calls that take a filter."""
    import ast

    assert isinstance(tree, ast.Module)
    modules = {"scale_query"}
    ours: set[str] = set()
    foreign: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "scale_query":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom):
            is_ours = (node.module or "").split(".")[0] == "scale_query"
            for alias in node.names:
                (ours if is_ours else foreign).add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Name):
            wanted = func.id in ours or (
                func.id in ("parse", "validate") and func.id not in foreign
            )
        elif isinstance(func, ast.Attribute):
            wanted = func.attr == "where" or (
                func.attr in ("parse", "validate")
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            )
        else:
            wanted = False
        first = node.args[0]
        if wanted and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first


def python_filters(text: str) -> tuple[list[Filter], str | None]:
    """The filters of a Python source, or a reason it could not be read."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        return [], f"not valid Python ({getattr(error, 'msg', error)}), skipped"
    lines = text.splitlines()
    found: list[Filter] = []
    for node in _filter_calls(tree):
        one = _literal_filter(lines, node)
        if one is not None:
            found.append(one)
    found.sort(key=lambda f: f.first_line)
    return found, None


def _python_noqa(lines: Sequence[str]) -> dict[int, Noqa]:
    noqa: dict[int, Noqa] = {}
    for number, line in enumerate(lines, 1):
        if "noqa" in line.lower():
            match = _NOQA.search(line)
            if match is not None:
                noqa[number] = _codes(match)
    return noqa


def read_source(path: str, text: str) -> SourceFile:
    """The filters of one file's text: Python when it ends in ``.py``."""
    if path.endswith(".py"):
        lines = text.splitlines()
        filters, problem = python_filters(text)
        return SourceFile(path, lines, filters, _python_noqa(lines), problem)
    lines, entries, noqa = filter_entries(text)
    return SourceFile(
        path, [ln.removesuffix("\r") for ln in lines], [e.filter for e in entries], noqa
    )


# ---- folders ---------------------------------------------------------------


def _skipped_dir(path: str, name: str) -> bool:
    return (
        name.startswith(".")
        or name in _SKIPPED_DIRS
        or os.path.exists(os.path.join(path, "pyvenv.cfg"))
    )


def _excluded(path: str, root: str | None, exclude: Sequence[str]) -> bool:
    if not exclude:
        return False
    candidates = [path.replace(os.sep, "/"), os.path.basename(path)]
    if root is not None:
        relative = os.path.relpath(os.path.abspath(path), root)
        if not relative.startswith(".."):
            candidates.append(relative.replace(os.sep, "/"))
    return any(
        fnmatch(c, pattern) or fnmatch(c, pattern.rstrip("/") + "/*")
        for c in candidates
        for pattern in exclude
    )


def discover(
    paths: Sequence[str],
    *,
    suffixes: tuple[str, ...] = (".filter", ".py"),
    exclude: Sequence[str] = (),
    root: str | None = None,
) -> Iterator[str]:
    """Files to read: given files as they are, folders searched for ``suffixes``.

    Hidden folders, virtual environments (any folder holding ``pyvenv.cfg``),
    ``node_modules`` and ``__pycache__`` are skipped, and so is anything that
    matches an ``exclude`` glob (relative to ``root``). Raises
    ``FileNotFoundError`` for a path that does not exist.
    """
    for given in paths:
        if given == "-" or os.path.isfile(given):
            yield given
            continue
        if not os.path.isdir(given):
            raise FileNotFoundError(given)
        found: list[str] = []
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(
                d
                for d in dirs
                if not _skipped_dir(os.path.join(folder, d), d)
                and not _excluded(os.path.join(folder, d), root, exclude)
            )
            for name in files:
                path = os.path.join(folder, name)
                if name.endswith(suffixes) and not _excluded(path, root, exclude):
                    found.append(os.path.normpath(path))
        yield from sorted(found)
