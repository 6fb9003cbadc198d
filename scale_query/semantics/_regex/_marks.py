"""Word boundaries by Unicode beside other pattern text, without look-around.

MySQL 8 (ICU) places ``\\b``, ``[[:<:]]`` and ``[[:>:]]`` by Unicode word
characters (ICU's ``\\w``: letters, marks, digits, connector punctuation,
ZWNJ, ZWJ); RE2 has no look-around and its ``\\b`` is ASCII. So when a
pattern has such a boundary beside other pattern text, the value is read
with its word edges marked, and the pattern is written to read the marks:

- the value gets one mark between any two characters and at both ends
  (``S`` where a word starts, ``E`` where one ends, ``N`` elsewhere:
  U+FDD0, U+FDD1 and U+FDD2, noncharacters, by default): 2n+1 characters
  for n, so still linear;
- every character of the pattern may take the mark before it, and never
  takes a mark itself (``.`` and negated classes leave the marks out);
  ``$`` may take the last mark; ``\\b`` takes an ``S`` or an ``E``, ``\\B``
  an ``N``, MySQL 5's ``[[:<:]]`` an ``S`` and ``[[:>:]]`` an ``E``.

RE2 follows every path at once, so this stays exact and linear. Two
anchors at one place (``\\b\\b``, ``$\\b``) would need one mark twice, and a
class that could take a mark (``[\\x{FDD0}]``, a script, ``\\P`` inside
brackets) or the flags ``s``/``m`` cannot be written so: such patterns keep
RE2's ASCII ``\\b`` (docs/semantics.md). A value that holds the marks is read
with other noncharacters (10 triples, U+FDD0 to U+FDED). DuckDB marks the
value the same way in SQL (``_dialects/duckdb.py``, with :func:`word_ranges`).

>>> from ._syntax import parse
>>> marked_pattern(parse("[^a-z][[:<:]]x"), ("S", "E", "N")) is not None
True
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ._sets import MAX_CODE_POINT, Ranges, closure, contains, normalize
from ._tree import WORD, Alt, Anchor, Chars, Flags, Group, Node, Repeat, Seq

__all__ = ["MARKS", "has_word_anchor", "mark_value", "marked_pattern", "word_ranges"]

#: The marks (word start, word end, neither), noncharacters, tried in turn.
MARKS = tuple((chr(p), chr(p + 1), chr(p + 2)) for p in range(0xFDD0, 0xFDEE, 3))
_WORD_ANCHORS = frozenset(("boundary", "inside", "word_start", "word_end"))


class _Unmarkable(Exception):
    pass


def has_word_anchor(node: Node) -> bool:
    """Whether ``node`` holds a word anchor beside other pattern text (``x\\b-``)."""
    return any(isinstance(n, Anchor) and n.kind in _WORD_ANCHORS for n in _walk(node))


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Seq):
        for item in node.items:
            yield from _walk(item)
    elif isinstance(node, Alt):
        for branch in node.branches:
            yield from _walk(branch)
    elif isinstance(node, (Group, Repeat)):
        yield from _walk(node.body)


@dataclass(frozen=True)
class _Shape:
    """What may stand at a node's ends without a character between: anchor kinds."""

    nullable: bool
    head: frozenset[str]  # anchors that may come before its first character
    tail: frozenset[str]  # anchors that may come after its last character
    clash: bool  # two anchors needing one mark may meet inside it


_NONE: frozenset[str] = frozenset()


def _clash(tail: frozenset[str], head: frozenset[str]) -> bool:
    # A word anchor or $ takes a mark; a word anchor or ^ after it needs it still there.
    return bool(tail & (_WORD_ANCHORS | {"end"})) and bool(head & (_WORD_ANCHORS | {"start"}))


def _shape(node: Node) -> _Shape:
    if isinstance(node, Anchor):
        kinds = frozenset((node.kind,))
        return _Shape(True, kinds, kinds, False)
    if isinstance(node, Chars):
        return _Shape(False, _NONE, _NONE, False)
    if isinstance(node, Flags):
        return _Shape(True, _NONE, _NONE, False)
    if isinstance(node, Group):
        return _shape(node.body)
    if isinstance(node, Alt):
        shapes = [_shape(branch) for branch in node.branches]
        return _Shape(
            any(s.nullable for s in shapes),
            frozenset().union(*(s.head for s in shapes)),
            frozenset().union(*(s.tail for s in shapes)),
            any(s.clash for s in shapes),
        )
    if isinstance(node, Repeat):
        body = _shape(node.body)
        again = node.high is None or node.high >= 2
        clash = body.clash or (again and _clash(body.tail, body.head))
        return _Shape(body.nullable or node.low == 0, body.head, body.tail, clash)
    shape = _Shape(True, _NONE, _NONE, False)
    for item in node.items:
        right = _shape(item)
        shape = _Shape(
            shape.nullable and right.nullable,
            shape.head | (right.head if shape.nullable else _NONE),
            right.tail | (shape.tail if right.nullable else _NONE),
            shape.clash or right.clash or _clash(shape.tail, right.head),
        )
    return shape


#: A class written another way, given the marks' code points to leave out, or None.
Spelling = Callable[[Chars, tuple[int, ...]], "str | None"]


def marked_pattern(
    tree: Node, marks: tuple[str, str, str], spelling: Spelling | None = None
) -> str | None:
    """The RE2 pattern reading ``tree`` on a value marked with ``marks``, or None
    when it cannot be written so (see the module's docstring); ``spelling``
    may write a class otherwise (an engine whose case folding differs)."""
    if _shape(tree).clash:
        return None
    try:
        return _Writer(marks, spelling).node(tree)
    except _Unmarkable:
        return None


class _Writer:
    def __init__(self, marks: tuple[str, str, str], spelling: Spelling | None = None) -> None:
        self.spelling = spelling
        self.points = tuple(ord(mark) for mark in marks)
        start, end, inside = (f"\\x{{{point:X}}}" for point in self.points)
        self.marks = start + end + inside
        self.mark = f"[{self.marks}]"
        self.anchors = {
            "boundary": f"[{start}{end}]",
            "inside": inside,
            "word_start": start,
            "word_end": end,
        }

    def node(self, node: Node) -> str:
        if isinstance(node, Chars):
            return f"(?:{self.mark}?{self.chars(node)})"
        if isinstance(node, Anchor):
            if node.kind == "start":
                return node.re2
            if node.kind == "end":
                return f"{self.mark}?{node.re2}"
            return self.anchors[node.kind]
        if isinstance(node, Flags):
            if set(node.flags) & {"s", "m"}:
                raise _Unmarkable
            return node.re2
        if isinstance(node, Seq):
            return "".join(map(self.node, node.items))
        if isinstance(node, Alt):
            return "|".join(map(self.node, node.branches))
        if isinstance(node, Group):
            if set(node.flags) & {"s", "m"}:
                raise _Unmarkable
            return f"{node.opener}{self.node(node.body)})"
        body = self.node(node.body)
        return (f"(?:{body})" if isinstance(node.body, Repeat) else body) + node.op

    def chars(self, node: Chars) -> str:
        """``node`` in RE2's syntax, never taking a mark."""
        marks = self.marks
        spelled = self.spelling(node, self.points) if self.spelling is not None else None
        if spelled is not None:
            return spelled
        if node.notation == ".":
            return f"[^\\n{marks}]"
        if node.negated and node.re2.startswith("[^"):
            return f"{node.re2[:-1]}{marks}]"
        if node.negated and node.notation is not None and node.notation.startswith("\\P"):
            return f"[^\\p{node.notation[2:]}{marks}]"
        folded = closure(node.items) if node.folds else node.items
        if node.negated or node.unreadable or any(contains(folded, p) for p in self.points):
            raise _Unmarkable
        return node.re2


@functools.lru_cache(maxsize=65536)
def _is_word(char: str) -> bool:
    return contains(WORD.items, ord(char)) or unicodedata.category(char).startswith(WORD.props)


@functools.cache
def word_ranges() -> Ranges:
    """The word characters :func:`mark_value` reads, as code point ranges (by
    this Python's Unicode tables): for engines that mark values themselves.

    >>> from ._sets import contains
    >>> [contains(word_ranges(), ord(c)) for c in "é_-\u0301"]
    [True, True, False, True]
    """
    category, props = unicodedata.category, WORD.props
    # One pass over every code point (surrogates are never text), about a second, once.
    points = (p for p in range(MAX_CODE_POINT + 1) if category(chr(p)).startswith(props))
    runs: list[tuple[int, int]] = []
    for point in points:
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return normalize([*runs, *WORD.items])


def mark_value(value: str, marks: tuple[str, str, str]) -> str:
    """``value`` with a mark at each place: at a word's start, at its end, or neither."""
    start, end, inside = marks
    out: list[str] = []
    before = False
    for char in value:
        word = _is_word(char)
        out.append(inside if word == before else start if word else end)
        out.append(char)
        before = word
    out.append(end if before else inside)
    return "".join(out)
