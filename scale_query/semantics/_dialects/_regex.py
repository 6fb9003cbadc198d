"""What a ``$regex`` pattern means, as a small syntax tree of code point sets.

scale-query runs ``$regex`` with RE2, case-insensitively, after translating
MySQL's word boundaries (``[[:<:]]``, ``[[:>:]]``). Warehouses run other
engines (Java, ICU, Joni, Postgres ARE, POSIX) whose case-insensitive modes,
``.``, ``$``, ``\\b`` and ``\\d`` all differ in small ways. So the pattern is
parsed here into what RE2 means by it:

- every character and class becomes the set of code points it matches,
  closed under RE2's case folding (``k`` is ``[kKK]``, ``s`` is ``[sSſ]``);
- ``.`` is any character but a newline, ``^``/``$`` the start and end of the
  text, ``\\b`` a boundary between ASCII word characters and the rest;
- the Unicode classes the translation writes for ICU's (``[[:alpha:]]`` is
  ``[\\p{L}\\p{Nl}]``) keep their general categories by name (``props``), to be
  read by each engine's own tables; :func:`case_extras` gives the case
  variants outside them that RE2's case-insensitive class also takes;

and :mod:`._regex_write` writes that meaning in each engine's syntax, with
the engine matching case-sensitively. What is outside this subset (scripts,
inline flags, lookaround, back-references), and what an engine cannot write
(categories, boundaries: all but ICU), is refused with
:class:`~scale_query.UnsupportedSQL`. Patterns are at most
:data:`~scale_query.MAX_REGEX_LENGTH` characters: parsing is linear, and a
set is at most a few thousand ranges.

>>> tree = parse_regex("^du[a-c]")
>>> [type(node).__name__ for node in tree.items]
['Anchor', 'Chars', 'Chars', 'Chars']
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

from .._regex import translate

__all__ = [
    "Alt",
    "Anchor",
    "Chars",
    "Group",
    "Node",
    "Ranges",
    "RegexRefused",
    "Repeat",
    "Seq",
    "boundary_refused",
    "case_extras",
    "closure",
    "complement",
    "divergent",
    "parse_regex",
    "unicode_class",
]

#: Inclusive code point ranges, sorted and disjoint.
Ranges: TypeAlias = tuple[tuple[int, int], ...]

MAX_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


class RegexRefused(ValueError):
    """A construct outside the subset every engine can be given exactly; names it.

    (Not :class:`.._regex.RegexRefused`, which refuses a pattern for every use:
    this one refuses it for SQL only, and becomes UnsupportedSQL.)"""

    def __init__(self, construct: str, reason: str) -> None:
        self.construct = construct
        self.reason = reason
        super().__init__(f"{construct}: {reason}")


@dataclass(frozen=True, slots=True)
class Chars:
    """One character from a set: ``items`` as written, ``negated`` for ``[^...]``.

    ``notation`` is the RE2 spelling when it is a named class (``\\d``, ``.``).
    """

    items: Ranges
    negated: bool = False
    notation: str | None = None
    folds: bool = True  # False for '.', whose meaning does not depend on case
    #: Unicode general categories (``L``, ``Nd``) the set also holds, kept by
    #: name: each engine reads them by its own Unicode tables, as ICU does.
    props: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Anchor:
    """A zero-width test: ``start``/``end`` of the text, word ``boundary``/``inside``."""

    kind: Literal["start", "end", "boundary", "inside"]


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
    """A parenthesised node (its capture is never used)."""

    body: Node


@dataclass(frozen=True, slots=True)
class Repeat:
    """``body`` from ``low`` to ``high`` times (None: no bound). Laziness is dropped:
    whether a pattern is found does not depend on it."""

    body: Node
    low: int
    high: int | None


Node: TypeAlias = "Chars | Anchor | Seq | Alt | Group | Repeat"


# -- code point sets ----------------------------------------------------------


def normalize(pairs: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, merged ranges."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(pairs):
        if out and low <= out[-1][1] + 1:
            if high > out[-1][1]:
                out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    """Every code point (surrogates excepted: text never holds them) not in ``ranges``."""
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return _without_surrogates(tuple(out))


def _without_surrogates(ranges: Ranges) -> Ranges:
    first, last = _SURROGATES
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        if high < first or low > last:
            out.append((low, high))
            continue
        if low < first:
            out.append((low, first - 1))
        if high > last:
            out.append((last + 1, high))
    return tuple(out)


def contains(ranges: Ranges, point: int) -> bool:
    """Whether ``point`` is in ``ranges``."""
    index = bisect.bisect_right(ranges, (point, MAX_CODE_POINT + 1)) - 1
    return index >= 0 and ranges[index][0] <= point <= ranges[index][1]


@functools.cache
def _orbits() -> dict[int, tuple[int, ...]]:
    """Each cased character's case-folding orbit, as RE2 (Unicode 15) groups them:
    the characters with the same full case folding (``k``, ``K``, ``K``)."""
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for point in range(0x20000):  # no cased character lies above (a test checks)
        char = chr(point)
        if 0xD800 <= point <= 0xDFFF:
            continue
        fold = char.casefold()
        if fold != char or char.lower() != char or char.upper() != char:
            groups[fold].append(point)
    for fold, members in groups.items():
        if len(fold) == 1 and ord(fold) not in members:
            members.append(ord(fold))
    return {point: tuple(members) for members in groups.values() for point in members}


@functools.cache
def _cased_points() -> tuple[int, ...]:
    return tuple(sorted(_orbits()))


def closure(ranges: Ranges) -> Ranges:
    """``ranges`` with every character's case variants (RE2's ``(?i)``)."""
    orbits, cased = _orbits(), _cased_points()
    extra: list[tuple[int, int]] = []
    for low, high in ranges:
        start = bisect.bisect_left(cased, low)
        stop = bisect.bisect_right(cased, high)
        for point in cased[start:stop]:
            extra.extend((other, other) for other in orbits[point])
    return normalize([*ranges, *extra]) if extra else ranges


def _simple_key(point: int) -> str:
    # The grouping of older Unicode tables: by simple case folding, which is
    # the full folding when that is one character, else the lowercase.
    char = chr(point)
    for candidate in (char.casefold(), char.lower()):
        if len(candidate) == 1:
            return candidate
    return char


@functools.cache
def divergent() -> frozenset[int]:
    """Characters whose orbit older RE2 builds (DuckDB's) draw smaller: for them
    an engine's own ``(?i)`` cannot be trusted (``ΐ``/``ΐ``, ``ﬅ``/``ﬆ``)."""
    return frozenset(
        point
        for point, orbit in _orbits().items()
        if len({_simple_key(other) for other in orbit}) > 1
    )


def meaning(node: Chars) -> Ranges:
    """The code points ``node`` matches under RE2's case-insensitive mode."""
    base = closure(node.items) if node.folds else node.items
    return complement(base) if node.negated else _without_surrogates(base)


# -- the parser ---------------------------------------------------------------

_DIGIT: Ranges = ((0x30, 0x39),)
_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE: Ranges = ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20))
_PERL = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
_POSIX: dict[str, Ranges] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": _DIGIT,
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_CONTROL_ESCAPES = {"n": 0x0A, "t": 0x09, "r": 0x0D, "f": 0x0C, "v": 0x0B, "a": 0x07}
#: MySQL's word boundaries, which scale-query reads as RE2's \b.
_MYSQL_BOUNDARIES = ("[[:<:]]", "[[:>:]]")


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0

    def peek(self, ahead: int = 0) -> str:
        index = self.at + ahead
        return self.text[index] if index < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise RegexRefused("the pattern", "it ends inside a construct")
        self.at += 1
        return char

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Alt(tuple(branches))

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() and self.peek() not in "|)":
            atom = self.atom()
            if isinstance(atom, Seq):  # \Q...\E: a quantifier takes its last character
                if not atom.items:
                    continue
                items.extend(atom.items[:-1])
                atom = atom.items[-1]
            items.append(self.quantified(atom))
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def quantified(self, atom: Node) -> Node:
        bounds = self.quantifier()
        if bounds is None:
            return atom
        if isinstance(atom, Anchor):
            raise RegexRefused("a repeated anchor", "repeat characters or groups instead")
        node = Repeat(atom, *bounds)
        if self.peek() == "?":
            self.at += 1  # lazy: the same rows match
        if self.quantifier(consume=False) is not None:
            raise RegexRefused("a repeated repetition", "write one quantifier, e.g. a* not a**")
        return node

    def quantifier(self, consume: bool = True) -> tuple[int, int | None] | None:
        char = self.peek()
        bounds: tuple[int, int | None] | None = None
        width = 1
        if char == "*":
            bounds = (0, None)
        elif char == "+":
            bounds = (1, None)
        elif char == "?":
            bounds = (0, 1)
        elif char == "{":
            end = self.text.find("}", self.at)
            inside = self.text[self.at + 1 : end] if end > 0 else ""
            low, comma, high = inside.partition(",")
            if (
                low.isascii()
                and low.isdigit()
                and (not high or (high.isascii() and high.isdigit()))
            ):
                bounds = (int(low), int(high) if high else (None if comma else int(low)))
                width = end - self.at + 1
        if bounds is not None and consume:
            self.at += width
        return bounds

    def atom(self) -> Node:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            for boundary in _MYSQL_BOUNDARIES:
                if self.text.startswith(boundary, self.at - 1):
                    raise boundary_refused()
            return self.char_class()
        if char == ".":
            return Chars(((0x0A, 0x0A),), negated=True, notation=".", folds=False)
        if char == "^":
            return Anchor("start")
        if char == "$":
            return Anchor("end")
        if char == "\\":
            return self.escape()
        if char in "*+?":
            raise RegexRefused(f"{char!r} with nothing to repeat", "escape it as \\" + char)
        return _literal(ord(char))

    def group(self) -> Node:
        if self.peek() == "?":
            self.at += 1
            kind = self.take()
            if kind == ":":
                pass
            elif (kind == "P" and self.peek() == "<") or (kind == "<" and self.peek() not in "=!"):
                close = self.text.find(">", self.at)
                if close < 0:
                    raise RegexRefused("a named group", "its name is not closed by '>'")
                self.at = close + 1
            elif kind in "=!<":
                raise RegexRefused("lookaround", "RE2, scale-query's engine, has none")
            else:
                # Flags: (?i) and (?i:...) say what matching does anyway.
                end = min(
                    i
                    for i in (
                        self.text.find(")", self.at),
                        self.text.find(":", self.at),
                        len(self.text),
                    )
                    if i >= 0
                )
                flags = kind + self.text[self.at : end]
                if set(flags) != {"i"}:
                    raise RegexRefused(
                        f"the inline flags (?{flags})",
                        "only (?i) is read alike everywhere (matching is case-insensitive)",
                    )
                self.at = end + 1
                if self.text[end : end + 1] == ")":
                    return Seq(())
        body = self.alternation()
        if self.peek() != ")":
            raise RegexRefused("a group", "it is not closed by ')'")
        self.at += 1
        return Group(body)

    def escape(self) -> Node:
        char = self.take()
        if char.lower() in _PERL:
            raise _unicode_class(f"\\{char}")
        if char in "bB":  # RE2's ASCII boundary (translate spells the Unicode ones)
            return Anchor("boundary" if char == "b" else "inside")
        if char in "pP":
            name = self.property_name(char)
            return Chars((), negated=char == "P", notation=f"\\{char}{{{name}}}", props=(name,))
        if char == "A":
            return Anchor("start")
        if char == "z":
            return Anchor("end")
        if char == "Q":
            end = self.text.find("\\E", self.at)
            quoted = self.text[self.at : end if end >= 0 else len(self.text)]
            self.at = end + 2 if end >= 0 else len(self.text)
            return Seq(tuple(_literal(ord(c)) for c in quoted))
        return _literal(self.escaped_char(char))

    def property_name(self, char: str) -> str:
        """The general category after ``\\p`` (``L``, ``{Nd}``); others are refused."""
        if self.peek() == "{":
            end = self.text.find("}", self.at)
            name = self.text[self.at + 1 : end] if end > 0 else ""
            self.at = end + 1 if end > 0 else len(self.text)
        else:
            name = self.take()
        if name not in _CATEGORIES:
            raise _unicode_class(f"\\{char}")
        return name

    def escaped_char(self, char: str) -> int:
        """The code point of an escape (after the backslash) that stands for one character."""
        if char in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[char]
        if char == "x":
            if self.peek() == "{":
                end = self.text.find("}", self.at)
                digits = self.text[self.at + 1 : end] if end > 0 else ""
                self.at = end + 1
            else:
                digits = self.text[self.at : self.at + 2]
                self.at += 2
            try:
                point = int(digits, 16)
            except ValueError:
                raise RegexRefused(f"\\x{digits}", "not a hexadecimal character code") from None
            if point > MAX_CODE_POINT:
                raise RegexRefused(f"\\x{{{digits}}}", "beyond the last Unicode character")
            return point
        if char.isascii() and char.isalnum():
            what = {
                "p": "a Unicode class (\\p)",
                "P": "a Unicode class (\\P)",
                "C": "\\C (one byte)",
            }.get(char, f"the escape \\{char}")
            reason = (
                "its meaning depends on each engine's Unicode version"
                if char in "pP"
                else "not part of the regular expressions every engine reads alike"
            )
            raise RegexRefused(what, reason)
        return ord(char)

    def char_class(self) -> Chars:
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        items: list[tuple[int, int]] = []
        props: list[str] = []
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            if char == "[" and self.peek() == ":":
                end = self.text.find(":]", self.at + 1)
                name = self.text[self.at + 1 : end] if end > 0 else ""
                negate_posix = name.startswith("^")
                ranges = _POSIX.get(name.lstrip("^"))
                if ranges is None:
                    raise RegexRefused(f"[:{name}:]", "not a POSIX class RE2 knows")
                if name.lstrip("^") in _UNICODE_POSIX:
                    raise _unicode_class(f"[[:{name}:]]")
                self.at = end + 2
                items.extend(complement(ranges) if negate_posix else ranges)
                continue
            if char == "\\":
                escape = self.take()
                if escape.lower() in _PERL or escape == "P":
                    raise _unicode_class(f"\\{escape}")
                if escape == "p":
                    props.append(self.property_name(escape))
                    continue
                low = self.escaped_char(escape)
            else:
                low = ord(char)
            high = low
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.at += 1
                end_char = self.take()
                high = self.escaped_char(self.take()) if end_char == "\\" else ord(end_char)
                if high < low:
                    raise RegexRefused("a class range", f"{chr(low)!r}-{chr(high)!r} is backwards")
            items.append((low, high))
        return Chars(normalize(items), negated=negated, props=tuple(props))


#: The POSIX classes MySQL 8 (ICU) reads by Unicode: \\w, \\d and \\s too.
_UNICODE_POSIX = frozenset(
    ("alpha", "alnum", "digit", "upper", "lower", "space", "blank", "cntrl", "punct", "word")
)


#: The Unicode general categories a class may name (those that do not depend
#: on which characters a Unicode version has yet to assign).
_CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp Cc Cf".split()  # noqa: SIM905, E501
)


def unicode_class(node: Chars) -> RegexRefused:
    """The refusal of a class naming Unicode categories, for an engine that cannot read them."""
    return _unicode_class("\\P" if (node.notation or "").startswith("\\P") else "\\p")


def case_extras(props: tuple[str, ...]) -> Ranges:
    """The case variants of the characters in the categories ``props`` that lie outside them.

    RE2's case-insensitive ``[\\p{Lu}]`` takes ``a``: the class is closed over case,
    and an engine matching case-sensitively is given these characters beside it.
    """
    orbits = _orbits()
    inside = {point for point in orbits if _in_categories(point, props)}
    return normalize(
        (other, other) for point in inside for other in orbits[point] if other not in inside
    )


def _in_categories(point: int, props: tuple[str, ...]) -> bool:
    category = unicodedata.category(chr(point))
    return any(category.startswith(name) for name in props)


def _unicode_class(construct: str) -> RegexRefused:
    return RegexRefused(
        f"a Unicode class ({construct})",
        "MySQL 8 reads it by Unicode (ICU), which each engine's regex does its own way; "
        "spell the characters out, as [a-zA-Zéè] or [0-9]",
    )


def boundary_refused() -> RegexRefused:
    return RegexRefused(
        "a word boundary (\\b, [[:<:]])",
        "MySQL 8 places it by Unicode word characters; spell the neighbours out",
    )


def _literal(point: int) -> Chars:
    return Chars(((point, point),))


@functools.lru_cache(maxsize=256)
def parse_regex(pattern: str) -> Node:
    """The meaning of ``pattern`` (already accepted by ``compile_regex``).

    The pattern is first translated as scale-query's engine reads it
    (:func:`.._regex.translate`: MySQL's word boundaries, ``\\é``), then
    parsed. Raises :class:`RegexRefused` for what is outside the portable subset.
    """
    parser = _Parser(translate(pattern).text)
    tree = parser.alternation()
    if parser.at != len(parser.text):
        raise RegexRefused("an unbalanced ')'", "it closes no group")
    return tree
