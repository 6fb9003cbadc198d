"""A filter found in a file, and where each of its characters sits there.

Both readers (``_filterfile`` for ``*.filter`` files, ``_pysource`` for string
literals in Python) describe a filter the same way: its text, the object it
queries when the file says so, and a list of *segments*. A segment is a run
of the filter's text and the place in the file it came from:

- a *plain* run: ``text[offset:offset + length]`` is written as is at
  ``line``, columns ``column`` to ``column + length - 1``;
- an *escape*: the text from ``offset`` up to the next segment comes from the
  ``length`` characters at ``line``:``column`` (``\\u00e9`` in Python, say).

Lines and columns are 1-based and count characters, as editors do.

>>> f = Filter('a $eq "é"', 3, 3, [Segment(0, 3, 9, 7, True, 0), Segment(7, 3, 16, 6, False, 0),
...     Segment(8, 3, 22, 1, True, 0)])
>>> f.position(2), f.position(7), f.position(8, end=True)
((3, 11), (3, 16), (3, 22))
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

__all__ = ["Filter", "Literal", "Segment"]


class Segment(NamedTuple):
    """A run of a filter's text and where it was written (see the module docstring)."""

    offset: int
    line: int
    column: int
    length: int
    plain: bool
    literal: int = 0


class Literal(NamedTuple):
    """How a Python string piece is written: its quote (``'``, ``\"\"\"``...) and rawness."""

    quote: str
    raw: bool


class Filter:
    """One filter's text, its object, and its segments in the file.

    ``literals`` describes the Python string pieces the segments point into
    (by index); it is empty for a filter file, whose text is written plainly.
    """

    # A plain class: dataclasses cost start-up time that `check` cannot spare.
    __slots__ = ("_offsets", "first_line", "last_line", "literals", "object", "segments", "text")

    def __init__(
        self,
        text: str,
        first_line: int,
        last_line: int,
        segments: list[Segment] | None = None,
        *,
        object: str | None = None,
        literals: list[Literal] | None = None,
    ) -> None:
        self.text = text
        self.first_line = first_line
        self.last_line = last_line
        self.segments = segments or []
        self.object = object
        self.literals = literals or []
        self._offsets = [s.offset for s in self.segments]

    def __repr__(self) -> str:
        return f"Filter({self.text!r}, {self.first_line}, {self.last_line}, object={self.object!r})"

    def _segment(self, offset: int) -> Segment | None:
        if not self.segments:
            return None
        return self.segments[max(bisect_right(self._offsets, offset) - 1, 0)]

    def position(self, offset: int, *, end: bool = False) -> tuple[int, int]:
        """Line and column in the file of character ``offset`` of ``text``.

        With ``end``, the position just after character ``offset - 1``: the
        end of a span that stops before ``offset``.
        """
        if end and offset > 0:
            seg = self._segment(offset - 1)
            if seg is None:
                return self.first_line, 1
            if seg.plain:
                return seg.line, seg.column + offset - seg.offset
            return seg.line, seg.column + seg.length
        seg = self._segment(offset)
        if seg is None:
            return self.first_line, 1
        if seg.plain:
            return seg.line, seg.column + min(offset - seg.offset, seg.length)
        return seg.line, seg.column

    def plain_span(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        """``(line, column, length, literal)`` of ``text[start:end]`` written plainly on one line.

        A fix can then replace those characters of the file directly; None when
        the span crosses an escape, a line break or two string pieces.
        """
        seg = self._segment(start)
        if seg is None or not seg.plain or start < seg.offset:
            return None
        if end > seg.offset + seg.length:
            return None
        if "\n" in self.text[start:end]:
            return None
        return seg.line, seg.column + start - seg.offset, end - start, seg.literal
