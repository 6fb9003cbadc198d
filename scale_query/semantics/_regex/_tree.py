"""The syntax tree of a ``$regex`` pattern, as :mod:`._syntax` reads it.

Each node says what it means (code point sets, anchors, repetition) and
how RE2 spells it (``re2`` on the leaves, openers and quantifiers as
written), so that one reading serves the RE2 pattern evaluate runs
(:mod:`._re2`) and each warehouse engine's syntax (:mod:`._engines`).

>>> Chars(((0x61, 0x61),), re2="a").negated
False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from ._sets import Ranges

__all__ = [
    "ASCII_CLASSES",
    "UNICODE_CLASSES",
    "WORD",
    "Alt",
    "Anchor",
    "Chars",
    "Flags",
    "Group",
    "Node",
    "Repeat",
    "Seq",
    "UnicodeClass",
]


@dataclass(frozen=True, slots=True)
class Chars:
    """One character from a set: ``items`` (code points) and ``props`` (Unicode
    general categories, kept by name), or their complement when ``negated``.

    ``notation`` is the RE2 spelling of a named class (``.``, ``\\\\P{Nd}``);
    ``unreadable`` names a class no engine but RE2 reads alike (a script,
    ``\\\\P`` inside brackets), refused for SQL.
    """

    items: Ranges
    negated: bool = False
    notation: str | None = None
    folds: bool = True  # False for '.', whose meaning does not depend on case
    props: tuple[str, ...] = ()
    unreadable: str | None = None
    re2: str = ""


@dataclass(frozen=True, slots=True)
class Anchor:
    """A zero-width test: ``start`` or ``end`` of the text, a word ``boundary``
    (``inside``: not one), a word's start (``word_start``, MySQL 5's ``[[:<:]]``)
    or end (``word_end``, ``[[:>:]]``), by Unicode word characters."""

    kind: Literal["start", "end", "boundary", "inside", "word_start", "word_end"]
    re2: str = ""


@dataclass(frozen=True, slots=True)
class Flags:
    """Inline flags, ``(?i)``: they change what follows, and match nothing."""

    flags: str
    re2: str = ""


@dataclass(frozen=True, slots=True)
class Seq:
    """The nodes one after the other (``items`` may be empty: the empty pattern)."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    """One of the branches (at least two)."""

    branches: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A parenthesised node; ``opener`` as written (``(``, ``(?:``, ``(?P<n>``, ``(?i:``)."""

    body: Node
    opener: str = "(?:"
    flags: str = ""


@dataclass(frozen=True, slots=True)
class Repeat:
    """``body`` from ``low`` to ``high`` times (None: no bound); ``op`` as written
    (laziness is kept for RE2 and dropped elsewhere: it does not change whether
    a pattern is found)."""

    body: Node
    low: int
    high: int | None
    op: str = ""


Node: TypeAlias = "Chars | Anchor | Flags | Seq | Alt | Group | Repeat"


@dataclass(frozen=True, slots=True)
class UnicodeClass:
    """One of ICU's classes: its code points and categories, and RE2's spelling
    inside brackets."""

    items: Ranges
    props: tuple[str, ...]
    re2: str


_WORD_RE2 = "\\p{L}\\p{Nl}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}"
_SPACE_RE2 = "\\t\\n\\v\\f\\r \\x{85}\\p{Z}"
#: ICU's word characters (``\\w``, ``[[:word:]]``, a word boundary's neighbours).
WORD: Final = UnicodeClass(((0x200C, 0x200D),), ("L", "Nl", "M", "Nd", "Pc"), _WORD_RE2)
_SPACE = UnicodeClass(((0x09, 0x0D), (0x20, 0x20), (0x85, 0x85)), ("Z",), _SPACE_RE2)
#: The classes MySQL 8 (ICU) reads by Unicode, by POSIX name.
UNICODE_CLASSES: Final = {
    "alpha": UnicodeClass((), ("L", "Nl"), "\\p{L}\\p{Nl}"),
    "alnum": UnicodeClass((), ("L", "Nl", "Nd"), "\\p{L}\\p{Nl}\\p{Nd}"),
    "digit": UnicodeClass((), ("Nd",), "\\p{Nd}"),
    "upper": UnicodeClass((), ("Lu",), "\\p{Lu}"),
    "lower": UnicodeClass((), ("Ll",), "\\p{Ll}"),
    "space": _SPACE,
    "blank": UnicodeClass(((0x09, 0x09),), ("Zs",), "\\t\\p{Zs}"),
    "cntrl": UnicodeClass((), ("Cc",), "\\p{Cc}"),
    "punct": UnicodeClass((), ("P",), "\\p{P}"),
    "word": WORD,
}
#: ``\\d``, ``\\w``, ``\\s`` (inside brackets and out).
PERL_CLASSES: Final = {"d": UNICODE_CLASSES["digit"], "w": WORD, "s": _SPACE}
_DIGITS: Ranges = ((0x30, 0x39),)
_ASCII_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
#: RE2's ASCII classes (by POSIX name, and ``\\D`` ``\\W`` ``\\S`` inside
#: brackets by their letter), which RE2 reads as written.
ASCII_CLASSES: Final[dict[str, Ranges]] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": _DIGITS,
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _ASCII_WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
    "D": _DIGITS,
    "W": _ASCII_WORD,
    "S": ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)),
}
#: RE2's ASCII word characters: its ``\\b`` places a boundary by them.
ASCII_WORD: Final = _ASCII_WORD
