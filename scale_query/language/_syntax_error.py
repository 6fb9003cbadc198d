"""``FilterSyntaxError``: what is wrong with a filter, where, and what to write."""

from __future__ import annotations

import re
from bisect import bisect_right

from ._errors import ScaleError

__all__ = [
    "FilterSyntaxError",
    "LineIndex",
    "caret_block",
    "caret_lines",
    "excerpt",
    "for_terminal",
    "line_and_column",
]

_SURROGATE = re.compile("[\ud800-\udfff]")

# The widest part of a faulty line that str(error) shows.
_WINDOW = 100


def _printable(words: str) -> str:
    if _SURROGATE.search(words) is None:
        return words
    return words.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# What a terminal would act on rather than show: C0 (but the tab) and DEL, C1,
# the bidirectional controls (which reorder what follows: "Trojan Source"), the
# line and paragraph separators, and lone surrogates (no terminal can encode them).
_CONTROLS = [
    *range(0x00, 0x09),
    *range(0x0A, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x2028, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
]
_TERMINAL = {code: _escape(code) for code in _CONTROLS}
_TERMINAL_LINES = {code: shown for code, shown in _TERMINAL.items() if code != 0x0A}
# JSON text: the same characters as JSON escapes (its line breaks are its layout).
_TERMINAL_JSON = {code: f"\\u{code:04x}" for code in _CONTROLS if code != 0x0A}
# One scan for any of them first: most text holds none, and the regex scan is
# far faster than str.translate's per-character lookup.
_ANY = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_ANY_BUT_NEWLINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def for_terminal(text: str, *, newlines: bool = False, json: bool = False) -> str:
    """``text`` safe to print: every control character shown as its escape, in linear time.

    The one escaping of the command line: values, field names and filter text
    from a server or a file never drive the terminal (colours, cursor moves,
    a title, a bell, text reordered by bidirectional controls), on a terminal
    or not. ``newlines=True`` keeps line breaks (for multi-line messages);
    ``json=True`` writes the escapes as JSON's (``\\u001b``), for JSON text
    (which then decodes to the very same values).

    >>> print(for_terminal("Dupont\x1b[2J\x07 \u202eabc"))
    Dupont\\x1b[2J\\x07 \\u202eabc
    """
    if (_ANY_BUT_NEWLINE if newlines or json else _ANY).search(text) is None:
        return text
    if json:
        return text.translate(_TERMINAL_JSON)
    return text.translate(_TERMINAL_LINES if newlines else _TERMINAL)


def excerpt(row: str, start: int, width: int) -> tuple[str, str]:
    """A faulty line as shown under its message, and the caret line under the fault.

    ``start`` is the fault's 0-based column in ``row`` and ``width`` its length;
    the caret never runs past the end of the line. A line longer than 100
    characters is cut to a window around the fault, with ``...`` where it was
    cut. Tabs show as spaces and control characters as their escapes
    (:func:`for_terminal`), the caret moved to stay under the fault.

    >>> excerpt("Nom\t$ge 1", 4, 3)
    ('Nom $ge 1', '    ^^^')
    >>> print(*excerpt("N\x1bm $ge 1", 4, 3), sep="\\n")
    N\\x1bm $ge 1
           ^^^
    """
    width = max(1, min(width, len(row) - start))
    if len(row) > _WINDOW:
        full = len(row)
        left = max(0, min(start - _WINDOW // 3, full + 1 - _WINDOW))
        row = row[left : left + _WINDOW]
        start -= left
        width = max(1, min(width, _WINDOW - start))
        if left:
            row = "..." + row[3:]
        if left + _WINDOW < full:
            row = row[:-3] + "..."
    row = row.replace("\t", " ")
    before = for_terminal(row[:start])
    fault = for_terminal(row[start : start + width])
    shown = before + fault + for_terminal(row[start + width :])
    return shown, " " * len(before) + "^" * max(1, len(fault))


def caret_lines(row: str, column: int, end_column: int | None = None) -> str:
    """The faulty ``row`` and, under it, a caret from ``column`` to before ``end_column``.

    Columns are 1-based; ``end_column`` None runs the caret to the end of the
    row (a fault that goes on past it). The one caret renderer, on
    :func:`excerpt`: check, export, sql, syntax errors and the page draw theirs here.

    >>> print(caret_lines('Nom $like "x"', 5, 10))
    Nom $like "x"
        ^^^^^
    """
    start = column - 1
    width = len(row) - start if end_column is None else end_column - column
    return "\n".join(excerpt(row, start, width))


def caret_block(
    where: str,
    message: str,
    row: str | None,
    column: int,
    end_column: int | None,
    hint: str | None,
) -> str:
    """``where: message``, the faulty ``row`` with its caret (:func:`caret_lines`), the hint.

    The one layout of a located message: a syntax error's ``str()`` and
    ``check``'s findings (and so ``export --where`` and ``sql``). ``row`` None
    leaves the row and caret out (a finding with no text to point at).

    >>> print(caret_block("f.filter:1:5", "SQ202 no wildcard", 'Nom $like "x"', 5, 10, "$eq"))
    f.filter:1:5: SQ202 no wildcard
      Nom $like "x"
          ^^^^^
      hint: $eq
    """
    lines = [f"{where}: {message}"]
    if row is not None:
        lines += [f"  {line}" for line in caret_lines(row, column, end_column).split("\n")]
    if hint:
        lines.append(f"  hint: {hint}")
    return "\n".join(lines)


class LineIndex:
    """Where each line of a text starts, found once: a position then costs a bisection.

    The one conversion of offsets to lines and columns (syntax errors,
    ``validate``, the emulator's messages, the page). Finding each position by
    scanning the text again made ``validate`` quadratic in the number of
    findings (20,000 duplicate list items: 1 s).

    >>> LineIndex("ab\\ncd").position(4), LineIndex("ab").position(2)
    ((2, 2), (1, 3))
    """

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of the 0-based ``offset``; past the end, columns go on.

        The end of a span just after the text (a caret under "the end of the
        filter") is one column past its last character, as ``check`` shows it.
        """
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the 0-based ``offset`` in ``text`` (kept within the text)."""
    return LineIndex(text).position(max(0, min(offset, len(text))))


class FilterSyntaxError(ScaleError, ValueError):
    """A filter that does not parse.

    ``line`` and ``column`` are 1-based; ``offset`` and ``end_offset`` are
    0-based offsets into the text (``end_offset`` excluded); ``expected`` names,
    in words, what would have been valid there; ``hint`` says what to write.
    ``replacement``, when set, is that exact text: it stands in place of
    ``text[offset:end_offset]`` (``AND`` -> ``$and``), so ``check --fix`` can
    write it.

    >>> from scale_query import parse
    >>> try:
    ...     parse('DateNaissance $ge "1990-06-12"')
    ... except FilterSyntaxError as error:
    ...     print(error.column, error.hint)
    15 did you mean '$gte'?
    """

    def __init__(
        self,
        message: str,
        *,
        text: str,
        offset: int,
        end_offset: int | None = None,
        expected: tuple[str, ...] = (),
        hint: str | None = None,
        replacement: str | None = None,
    ) -> None:
        # A message or hint may quote the text, and the text may hold a lone
        # surrogate, which no terminal or log can encode: such a character is
        # written as its escape (\udcc7), so every error can be printed.
        message = _printable(message)
        self.message = message
        self.text = text
        self.offset = offset
        self.end_offset = max(offset + 1, end_offset if end_offset is not None else offset + 1)
        self.expected = expected
        self.hint = None if hint is None else _printable(hint)
        self.replacement = replacement
        self.line, self.column = line_and_column(text, offset)
        super().__init__(message)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"FilterSyntaxError({self.message!r}, line={self.line}, column={self.column})"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (
                self.message,
                self.text,
                self.offset,
                self.end_offset,
                self.expected,
                self.hint,
                self.replacement,
            ),
        )

    def format(self, source: str = "filter") -> str:
        """The message with the faulty line and a caret, as ``str()`` shows it.

        ``source`` names where the text came from (a file path, say).
        """
        line_start = self.offset - (self.column - 1)
        line_end = self.text.find("\n", self.offset)
        row = self.text[line_start : len(self.text) if line_end < 0 else line_end]
        where = f"{source}:{self.line}:{self.column}"
        end_column = self.column + self.end_offset - self.offset
        return caret_block(where, self.message, row, self.column, end_column, self.hint)


def _rebuild(
    message: str,
    text: str,
    offset: int,
    end_offset: int,
    expected: tuple[str, ...],
    hint: str | None,
    replacement: str | None = None,
) -> FilterSyntaxError:
    return FilterSyntaxError(
        message,
        text=text,
        offset=offset,
        end_offset=end_offset,
        expected=expected,
        hint=hint,
        replacement=replacement,
    )
