"""Filters in Python sources: the string literals that scale-query's own API reads as filters.

A constant string is a filter only where the API's signatures say so:

- the first argument (or ``text=``) of ``parse`` and of ``validate``;
- the argument of ``.where(...)`` called on a ``Query``: ``Query("contact")``
  itself, a chain of its methods (``Query("c").limit(3).where(...)``), or a
  name bound to one in the same function or at module level
  (``q = Query("c")`` ... ``q.where(...)``; a parameter annotated ``Query``
  counts too); ``Query.where(q, "...")`` as well;
- the first argument of the user's own wrappers named in the configuration
  (``filter-calls``).

``parse``, ``validate`` and ``Query`` are recognised through the file's
imports only (``import scale_query as sq``, ``from scale_query import Query as
Q2``, ``from scale_query.client import Query``...). Nothing else is checked:
``Client("demo-token", "demo")``, ``Q("Nom")``, the object name of
``Query("contact")``, SQLAlchemy's or pandas' ``.where(...)``, f-strings and
bytes. The object of a ``.where`` filter is the constant first argument of the
``Query(...)`` it was called on.

Positions come from the standard library: :mod:`ast` finds the literal,
:mod:`tokenize` splits it into its string pieces (implicit concatenation,
comments between them) with columns counted in characters, and each escape is
decoded on its own, so every character of the filter knows its line and
column in the file. Files over :data:`WHOLE_FILE` characters are parsed one
top-level statement at a time (found by :mod:`tokenize`, which streams), so
memory stays bounded by the largest statement rather than by the file; names
there are resolved in file order.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import warnings
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import TypeAlias

from ._config import FilterCall
from ._found_filter import Filter, Literal, Segment

__all__ = ["WHOLE_FILE", "python_filters", "source_lines"]

#: Above this many characters a file is parsed one top-level statement at a time.
WHOLE_FILE = 1_000_000
# Statements are grouped into chunks of about this many characters.
_CHUNK = 200_000

_OURS = "scale_query"
# Methods of Query that return a Query (so a chain keeps being one).
_QUERY_METHODS = frozenset({"where", "fields", "sort_by", "limit", "offset", "page"})
# The API's functions taking filter text: name -> keyword of that argument.
_FILTER_FUNCTIONS = {"parse": "text", "validate": "text_or_expr"}
_WHERE_KEYWORD = "expr_or_text"
_CONTINUATIONS = ("else", "elif", "except", "finally")

# One escape of a non-raw literal: a fixed head, then bounded or single-class repeats.
# A name in \N{...} stops at a backslash too, so '\N{\N{\N{...' is read once, not
# once per backslash (found by tests/test_linear_time.py's lint).
_ESCAPE = re.compile(
    r"\\(?:\n|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\\]*\}|.)"
)
_SIMPLE = {
    "\\\\": "\\",
    "\\'": "'",
    '\\"': '"',
    "\\a": "\a",
    "\\b": "\b",
    "\\f": "\f",
    "\\n": "\n",
    "\\r": "\r",
    "\\t": "\t",
    "\\v": "\v",
}
_NUMERIC = frozenset("01234567xuUN")


# What a name or expression is known to hold: a Query of this object (None:
# unknown object), or not a Query at all (_NOT).
_NOT = "\0not-a-query"
_Value: TypeAlias = "str | None"
_ANNOTATED = object()  # a parameter or variable annotated as a Query
_CYCLE = "\0cycle"  # a name met again while working it out (q = q.limit(3)): no news


def source_lines(text: str) -> list[str]:
    """The physical lines of a Python source, split where its parser splits them.

    Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line (``str.splitlines`` would
    also split at form feeds and Unicode separators, which Python does not).

    >>> source_lines("a\\r\\nb\\rc\\u2028d\\n")
    ['a\\n', 'b\\n', 'c\\u2028d\\n']
    """
    return io.StringIO(text, newline=None).readlines()


class _Columns:
    """Byte offsets (as :mod:`ast` gives them) to character columns, per line."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.tables: dict[int, tuple[list[int], list[int]]] = {}

    def char(self, line: int, byte_col: int) -> int:
        row = self.lines[line - 1] if line <= len(self.lines) else ""
        table = self.tables.get(line)
        if table is None:
            if row.isascii():
                return byte_col
            # Byte start of each non-ASCII character, and the extra bytes before it.
            starts: list[int] = []
            extra: list[int] = []
            at = more = 0
            for ch in row:
                if ord(ch) > 127:
                    starts.append(at)
                    extra.append(more)
                    size = len(ch.encode("utf-8", "surrogatepass"))
                    at += size
                    more += size - 1
                else:
                    at += 1
            table = self.tables[line] = (starts, [*extra, more])
        starts, extra = table
        index = bisect_left(starts, byte_col)
        return byte_col - extra[index]


class _Scope:
    """Names bound in one function, class or module body, with what they were bound to."""

    __slots__ = ("bindings", "cache", "is_class", "parent")

    def __init__(self, parent: _Scope | None, *, is_class: bool = False) -> None:
        self.parent = parent
        self.is_class = is_class
        self.bindings: dict[str, list[object]] = {}
        self.cache: dict[str, _Value] = {}

    def bind(self, name: str, value: object) -> None:
        self.bindings.setdefault(name, []).append(value)


class _Frame:
    """A name being worked out: its bindings, the next one to look at, what they held."""

    __slots__ = ("annotated", "at", "found", "index", "key", "name", "values")

    def __init__(self, at: _Scope, name: str, values: list[object], key: tuple[int, str]) -> None:
        self.at = at
        self.name = name
        self.values = values
        self.key = key
        self.index = 0
        self.found: set[_Value] = set()
        self.annotated = False  # says "a Query", not which object


class _Resolver:
    """Which calls of one file take a filter, and of which object."""

    def __init__(self, calls: Sequence[FilterCall]) -> None:
        self.imported: dict[str, str] = {}  # local name -> dotted name it stands for
        self.calls = calls
        self.module = _Scope(None)
        self.module_values: dict[str, _Value] = {}  # from earlier chunks
        self.visiting: set[tuple[int, str]] = set()

    # ---- imports -------------------------------------------------------------

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imported[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.imported[top] = top
            return
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name == "*":
                if node.module.split(".")[0] == _OURS:
                    for name in (*_FILTER_FUNCTIONS, "Query"):
                        self.imported[name] = f"{node.module}.{name}"
                continue
            self.imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def dotted(self, node: ast.expr) -> str | None:
        """The dotted name an expression stands for through the imports, or None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.imported:
            return None
        parts.append(self.imported[node.id])
        return ".".join(reversed(parts))

    @staticmethod
    def ours(dotted: str | None, *names: str) -> bool:
        """Whether ``dotted`` is scale_query's ``names`` (``Query.where``) in any of its modules."""
        if dotted is None or dotted.split(".")[0] != _OURS:
            return False
        return dotted.split(".")[-len(names) :] == list(names)

    # ---- what a name or expression holds -----------------------------------------

    def query(self, node: ast.expr, scope: _Scope) -> _Value:
        """The object of the Query ``node`` evaluates to (None: unknown), or _NOT."""
        step = self._step(node, scope)
        return self.name(*step) if isinstance(step, tuple) else step

    def _step(self, node: ast.expr, scope: _Scope) -> _Value | tuple[str, _Scope]:
        """What ``node`` holds, or the name (and scope) whose value it is."""
        while True:
            # Walk down a method chain without recursion: Query("c").limit(3).where(...)...
            while (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _QUERY_METHODS
                and not self.ours(self.dotted(node.func), "Query", node.func.attr)
            ):
                node = node.func.value
            if isinstance(node, ast.Name):
                return node.id, scope
            if not isinstance(node, ast.Call):
                return _NOT
            dotted = self.dotted(node.func)
            if self.ours(dotted, "Query"):
                return _constant(_argument(node, 0, "object_name"))
            if self.ours(dotted, "Query", "from_url"):
                return None
            if dotted is None or not node.args:
                return _NOT
            # Query.limit(q, 3) and friends, called on the class.
            owner, _, method = dotted.rpartition(".")
            if not (method in _QUERY_METHODS and self.ours(owner, "Query")):
                return _NOT
            node = node.args[0]

    def name(self, name: str, scope: _Scope) -> _Value:
        """What ``name`` holds in ``scope``: worked out with a stack of its own, not
        Python's, since a chain of aliases (``q1 = q0`` ... ``q500 = q499``) may be
        longer than Python's recursion limit."""
        opened = self._open(name, scope)
        if not isinstance(opened, _Frame):
            return opened
        stack = [opened]
        while True:
            frame = stack[-1]
            if frame.index < len(frame.values):
                value = frame.values[frame.index]
                frame.index += 1
                if value is _ANNOTATED:
                    frame.annotated = True
                elif not isinstance(value, ast.expr):
                    frame.found.add(_NOT)
                else:
                    step = self._step(value, frame.at)
                    if isinstance(step, tuple):
                        inner = self._open(*step)
                        if isinstance(inner, _Frame):
                            stack.append(inner)
                            continue
                        step = inner
                    frame.found.add(step)
                continue
            stack.pop()
            result = self._close(frame)
            if not stack:
                return result
            stack[-1].found.add(result)

    def _open(self, name: str, scope: _Scope) -> _Value | _Frame:
        """A name's value when known at once, else the frame that works it out."""
        at: _Scope | None = scope
        while at is not None and name not in at.bindings:
            at = at.parent
            while at is not None and at.is_class:
                at = at.parent
        if at is None:
            return self.module_values.get(name, _NOT)
        if name in at.cache:
            return at.cache[name]
        key = (id(at), name)
        if key in self.visiting:
            return _CYCLE
        self.visiting.add(key)
        return _Frame(at, name, at.bindings[name], key)

    def _close(self, frame: _Frame) -> _Value:
        """A name's value once each of its bindings is known."""
        at, name, found = frame.at, frame.name, frame.found
        self.visiting.discard(frame.key)
        if at is self.module and name in self.module_values:
            found.add(self.module_values[name])
        found.discard(_CYCLE)
        if frame.annotated and not found:
            found.add(None)
        # Flow-insensitive: a Query only when every binding is one; its object when they agree.
        result: _Value = (
            _NOT if _NOT in found or not found else (found.pop() if len(found) == 1 else None)
        )
        if not self.visiting:
            # Worked out from the top: no binding was left undecided by a cycle.
            at.cache[name] = result
        return result

    def annotated_query(self, annotation: ast.expr | None) -> bool:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            name = annotation.value.split(".")[-1]
            return self.ours(self.imported.get(name), "Query")
        return annotation is not None and self.ours(self.dotted(annotation), "Query")

    # ---- the calls that take a filter -------------------------------------------

    def filter_argument(self, call: ast.Call, scope: _Scope) -> tuple[ast.expr | None, _Value]:
        """The argument of ``call`` that is a filter, with its object (or ``(None, _NOT)``)."""
        func = call.func
        dotted = self.dotted(func)
        for name, keyword in _FILTER_FUNCTIONS.items():
            if self.ours(dotted, name):
                return _argument(call, 0, keyword), None
        if self.ours(dotted, "Query", "where"):
            target = self.query(call.args[0], scope) if call.args else None
            return _argument(call, 1, _WHERE_KEYWORD), target
        if isinstance(func, ast.Attribute) and func.attr == "where" and dotted is None:
            target = self.query(func.value, scope)
            if target != _NOT:
                return _argument(call, 0, _WHERE_KEYWORD), target
        for spec in self.calls:
            if _matches(spec.name, func, dotted):
                return _argument(call, spec.argument, None), spec.object
        return None, _NOT


def _matches(name: str, func: ast.expr, dotted: str | None) -> bool:
    if "." in name:
        return dotted == name
    if isinstance(func, ast.Name):
        return func.id == name
    return isinstance(func, ast.Attribute) and func.attr == name


def _argument(call: ast.Call, index: int, keyword: str | None) -> ast.expr | None:
    if index < len(call.args) and not any(
        isinstance(a, ast.Starred) for a in call.args[: index + 1]
    ):
        return call.args[index]
    for kw in call.keywords:
        if keyword is not None and kw.arg == keyword:
            return kw.value
    return None


def _constant(node: ast.expr | None) -> _Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


# ---- walking a chunk's scopes ---------------------------------------------------

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _bind_target(scope: _Scope, target: ast.expr, value: object) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_target(
                scope, element.value if isinstance(element, ast.Starred) else element, None
            )


def _walk(
    resolver: _Resolver, body: Sequence[ast.AST], scope: _Scope
) -> Iterator[tuple[ast.Call, _Scope]]:
    """Every call in ``body`` with its scope, after binding the scope's names.

    Bindings are collected for a whole scope before any of its calls is
    looked at, since a function's names are bound by the time it runs.
    """
    pending: list[tuple[Sequence[ast.AST], _Scope]] = [(body, scope)]
    while pending:
        nodes, here = pending.pop()
        calls: list[ast.Call] = []
        stack = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if isinstance(node, (*_DEFS, ast.Lambda)):
                inner = _Scope(here)
                args = node.args
                for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                    queried = resolver.annotated_query(arg.annotation)
                    inner.bind(arg.arg, _ANNOTATED if queried else None)
                for rest in (args.vararg, args.kwarg):
                    if rest is not None:
                        inner.bind(rest.arg, None)
                outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d)]
                if isinstance(node, ast.Lambda):
                    pending.append(([node.body], inner))
                else:
                    here.bind(node.name, None)
                    outer += node.decorator_list
                    pending.append((node.body, inner))
                stack.extend(reversed(outer))
                continue
            if isinstance(node, ast.ClassDef):
                here.bind(node.name, None)
                pending.append((node.body, _Scope(here, is_class=True)))
                stack.extend(reversed([*node.decorator_list, *node.bases, *node.keywords]))
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                resolver.add_import(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    _bind_target(here, target, node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if resolver.annotated_query(node.annotation):
                    here.bind(node.target.id, _ANNOTATED)
                if node.value is not None:
                    here.bind(node.target.id, node.value)
            elif isinstance(node, ast.NamedExpr):
                here.bind(node.target.id, node.value)
            elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor)):
                _bind_target(here, node.target, None)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                _bind_target(here, node.optional_vars, None)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                here.bind(node.name, None)
            elif isinstance(node, ast.Call):
                calls.append(node)
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
        for call in calls:
            yield call, here


# ---- literals -----------------------------------------------------------------


def _literal_filter(
    lines: Sequence[str], columns: _Columns, node: ast.Constant, offset: int, obj: _Value
) -> Filter:
    """The filter a string constant holds, each character placed in the file."""
    assert isinstance(node.value, str)
    assert node.end_lineno is not None
    assert node.end_col_offset is not None
    first, last = node.lineno + offset, node.end_lineno + offset
    start = columns.char(first, node.col_offset)
    end = columns.char(last, node.end_col_offset)
    target = None if obj == _NOT else obj
    if first == last:
        snippet = lines[first - 1][start:end]
    else:
        snippet = (
            lines[first - 1][start:] + "".join(lines[first : last - 1]) + lines[last - 1][:end]
        )
    pieces = _pieces(snippet, first, start)
    if pieces is not None:
        text, segments, literals = pieces
        if text == node.value:
            return Filter(text, first, last, segments, object=target, literals=literals)
    # Something not modelled here: keep the text and point at the literal.
    return Filter(node.value, first, last, [Segment(0, first, start + 1, 1, False)], object=target)


def _pieces(
    snippet: str, first: int, start: int
) -> tuple[str, list[Segment], list[Literal]] | None:
    """Decode the string pieces of ``snippet`` (which starts at ``first``:``start``)."""
    chars: list[str] = []
    segments: list[Segment] = []
    literals: list[Literal] = []
    size = 0
    readline = io.StringIO("(" + snippet + ")").readline
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type != tokenize.STRING:
                continue
            row, col = token.start
            line = first + row - 1
            column = start + col - 1 if row == 1 else col  # 0-based in the file
            raw_text = token.string
            head = len(raw_text) - len(raw_text.lstrip("bBrRuUfF"))
            prefix = raw_text[:head].lower()
            if "b" in prefix or "f" in prefix:
                return None
            quote = (
                raw_text[head : head + 3]
                if raw_text[head : head + 3] in ('"""', "'''")
                else raw_text[head]
            )
            literals.append(Literal(quote, "r" in prefix))
            body = raw_text[head + len(quote) : len(raw_text) - len(quote)]
            size = _decode(
                body,
                line,
                column + head + len(quote),
                "r" in prefix,
                len(literals) - 1,
                chars,
                segments,
                size,
            )
    except (tokenize.TokenError, SyntaxError):
        return None
    if not segments:
        return "".join(chars), [Segment(0, first, start + 1, 0, True)], literals
    return "".join(chars), segments, literals


def _decode(
    body: str,
    line: int,
    column: int,
    raw: bool,
    literal: int,
    chars: list[str],
    segments: list[Segment],
    size: int,
) -> int:
    """Append the characters of one string body and their segments; return the new size."""

    def plain(text: str, line: int, column: int, size: int) -> tuple[int, int, int]:
        # One segment per physical line of a plain run.
        at = 0
        while at <= len(text):
            newline = text.find("\n", at)
            stop = len(text) if newline < 0 else newline + 1
            if stop > at:
                segments.append(Segment(size, line, column + 1, stop - at, True, literal))
                chars.append(text[at:stop])
                size += stop - at
            if newline < 0:
                column += stop - at
                break
            line, column, at = line + 1, 0, stop
        return line, column, size

    if raw:
        return plain(body, line, column, size)[2]
    at = 0
    for match in _ESCAPE.finditer(body):
        line, column, size = plain(body[at : match.start()], line, column, size)
        escape = match.group()
        at = match.end()
        if escape == "\\\n":
            line, column = line + 1, 0
            continue
        value = _SIMPLE.get(escape)
        if value is None and escape[1] in _NUMERIC:
            try:
                value = codecs.decode(escape.encode("ascii"), "unicode_escape")
            except (UnicodeError, ValueError):
                value = None
        if value is None:
            # An unknown escape keeps its backslash: two plain characters.
            line, column, size = plain(escape, line, column, size)
            continue
        segments.append(Segment(size, line, column + 1, len(escape), False, literal))
        chars.append(value)
        size += len(value)
        column += len(escape)
    return plain(body[at:], line, column, size)[2]


# ---- files ----------------------------------------------------------------------


def _starts_statement(line: str) -> bool:
    """Whether a physical line may start a top-level statement (the parse decides)."""
    if not line or line[0] in " \t\f\r\n#)]}":
        return False
    for word in _CONTINUATIONS:
        if line.startswith(word) and not (line[len(word) : len(word) + 1].isalnum()):
            return False
    return True


def _parse_module(source: str) -> ast.Module:
    # A user's file may hold escapes such as "\e": they are that file's
    # business, not check's, so Python's warnings about them stay silent.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _trees(text: str, lines: Sequence[str]) -> Iterator[tuple[int, ast.Module]]:
    """``(line offset, tree)`` of pieces made of whole top-level statements.

    A piece ends before a line at column 0 that may start a statement; if the
    piece does not parse (the line was inside a string or brackets after
    all), it grows to twice the size and is parsed again, so the work stays
    linear. Raises SyntaxError (line numbers in the file) for invalid Python.
    """
    if len(text) <= WHOLE_FILE:
        yield 0, _parse_module(text)
        return
    start, count = 0, len(lines)
    while start < count:
        want = _CHUNK
        while True:
            end, size = start, 0
            while end < count and (size < want or not _starts_statement(lines[end])):
                size += len(lines[end])
                end += 1
            try:
                tree = _parse_module("".join(lines[start:end]))
            except SyntaxError as error:
                if end < count:
                    want *= 2
                    continue
                error.lineno = (error.lineno or 1) + start
                raise
            break
        yield start, tree
        del tree
        start = end


def _mentions(tree: ast.Module, lines: Sequence[str], words: Sequence[str]) -> bool:
    if not tree.body:
        return False
    first = tree.body[0].lineno
    last = tree.body[-1].end_lineno or first
    return any(word in lines[n - 1] for n in range(first, last + 1) for word in words)


def python_filters(text: str, calls: Sequence[FilterCall] = ()) -> tuple[list[Filter], str | None]:
    """The filters of a Python source, or a reason it could not be read.

    >>> found, _ = python_filters('from scale_query import Query\\n'
    ...     'Query("orders").where("Montant $gt 12")\\n')
    >>> found[0].text, found[0].object, found[0].position(0)
    ('Montant $gt 12', 'orders', (2, 24))
    """
    text = text.removeprefix("\ufeff")
    # A file that never names scale_query (nor a configured wrapper) holds no filter.
    if _OURS not in text and not any(c.name.split(".")[-1] in text for c in calls):
        return [], None
    lines = source_lines(text)
    columns = _Columns(lines)
    resolver = _Resolver(calls)
    found: list[Filter] = []
    # A piece naming none of these holds no call of interest and binds no Query.
    words = (
        "where",
        "parse",
        "validate",
        "Query",
        "import",
        *(c.name.split(".")[-1] for c in calls),
    )
    try:
        for offset, tree in _trees(text, lines):
            if offset and not _mentions(tree, lines, words):
                continue
            resolver.module.bindings.clear()
            resolver.module.cache.clear()
            for call, scope in _walk(resolver, tree.body, resolver.module):
                argument, target = resolver.filter_argument(call, scope)
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.append(_literal_filter(lines, columns, argument, offset, target))
            for name in list(resolver.module.bindings):
                resolver.module_values[name] = resolver.name(name, resolver.module)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        reason = getattr(error, "msg", None) or str(error)
        return [], f"not valid Python (line {line}: {reason}): not checked"
    except (RecursionError, MemoryError):
        # What ast.parse raises for an expression nested thousands deep
        # (x = 1+1+...+1, - - - ... 1): CPython's own limits, not ours.
        return [], "not read: nested too deeply for Python's own parser: not checked"
    found.sort(key=lambda f: (f.first_line, f.position(0)))
    return found, None
