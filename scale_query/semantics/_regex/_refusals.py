"""Refusals of a ``$regex`` pattern: RE2's words, a hint for each, a place in the pattern.

A refusal never quotes the pattern: a pattern is a filter value (an e-mail
address, say), kept out of errors and logs.

>>> in_words(SyntaxProblem("missing ]", "[c", 2), 2).hint
'close the bracket expression with ]; a literal [ is written \\\\['
"""

from __future__ import annotations

from typing import NamedTuple

from ._tree import ASCII_CLASSES

__all__ = ["RegexRefused", "SyntaxProblem", "in_words", "refused_at"]

_POSIX_NAMES = sorted(name for name in ASCII_CLASSES if len(name) > 1 and name != "ascii")

# RE2's error messages (their start) and what to write instead.
_HINTS = (
    ("missing ]", "close the bracket expression with ]; a literal [ is written \\["),
    ("missing )", "balance the parentheses; a literal ( is written \\("),
    ("unexpected )", "balance the parentheses; a literal ) is written \\)"),
    (
        "no argument for repetition operator",
        "*, + and ? repeat what stands before them; a literal * is written \\*",
    ),
    (
        "bad repetition operator",
        "write one quantifier (a* rather than a** or the possessive a*+, which needs "
        "a backtracking engine)",
    ),
    (
        "invalid repetition size",
        "counts go up to 1000, nested counts included; use + or * for long runs",
    ),
    (
        "invalid character class range: [:",
        "the POSIX classes are " + ", ".join(f"[:{name}:]" for name in _POSIX_NAMES),
    ),
    (
        "invalid character class range: \\p",
        "write a POSIX class such as [[:alpha:]]; \\p{...} takes Unicode general "
        "categories and scripts only (\\p{L}, \\p{Greek})",
    ),
    (
        "invalid character class range",
        "a range goes from the lower character to the higher, as in a-z",
    ),
    (
        "invalid escape sequence",
        "\\d, \\w, \\s, \\b and a backslash before punctuation are understood; "
        "write $ for the end of the value",
    ),
    ("trailing \\", "end the pattern with a character; a literal backslash is \\\\"),
    (
        "invalid perl operator",
        "groups are (...), (?:...) and (?P<name>...), flags (?i), (?s), (?m), (?U)",
    ),
    ("invalid named capture group", "name a group as (?P<name>...)"),
)


class RegexRefused(ValueError):
    """A ``$regex`` pattern refused: what, where, and what to write instead.

    ``reason`` says what is wrong, ``hint`` what to write instead, ``offset``
    is the index in the pattern where the problem starts (None when the
    whole pattern is at fault). ``str()`` is the message a 400 answer or an
    SQ203 diagnostic shows. A warehouse engine that cannot express a part
    refuses it too, its ``reason`` naming the part (``to_sql`` turns that
    into :class:`~scale_query.UnsupportedSQL`).

    >>> str(RegexRefused("a group", "close it"))
    'a group; hint: close it'
    """

    def __init__(self, reason: str, hint: str, offset: int | None = None) -> None:
        self.reason = reason
        self.hint = hint
        self.offset = offset
        super().__init__(f"{reason}; hint: {hint}")


def refused_at(what: str, offset: int, hint: str) -> RegexRefused:
    """A refusal placed in the pattern (``offset`` from 0, said from 1)."""
    return RegexRefused(f"$regex pattern refused at character {offset + 1}: {what}", hint, offset)


class SyntaxProblem(NamedTuple):
    """Why RE2 would refuse a pattern, in its words."""

    #: RE2's message: "missing ]", "invalid escape sequence"...
    what: str
    #: The part of the pattern it shows ("" when it shows none).
    fragment: str
    #: Where that part starts in the pattern.
    offset: int


class _Refused(Exception):
    def __init__(self, what: str, fragment: str, offset: int) -> None:
        self.problem = SyntaxProblem(what, fragment, offset)


def in_words(problem: SyntaxProblem, offset: int, what: str | None = None) -> RegexRefused:
    """RE2's ``problem`` (or ``what`` for it) with a hint, placed at ``offset``.

    The part of the pattern RE2 shows picks the hint; it is not shown.
    """
    message = f"{problem.what}: {problem.fragment}" if problem.fragment else problem.what
    hint = next(
        (hint for start, hint in _HINTS if message.startswith(start)),
        "see docs/language.md for the patterns $regex accepts",
    )
    return refused_at(what or problem.what, offset, hint)
