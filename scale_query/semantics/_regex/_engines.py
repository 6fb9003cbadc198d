"""A ``$regex`` tree (:mod:`._syntax`) written in one warehouse engine's syntax.

Each :class:`Engine` says how its regex dialect writes an anchor, a word
boundary, "any character but a newline" and a class, and whether it can be
trusted with case-insensitivity. RE2 engines (DuckDB, BigQuery, SQL Server)
run the pattern with their own ``(?i)``; all others get every character and
class written out with its case variants (``[Dd][Uu]``) and match
case-sensitively, because their case-insensitive modes differ from RE2's
(Java's ``(?iu)`` matches ``İ`` for ``i``, Postgres' ``~*`` follows the
database locale). ICU (MySQL 8) also gets Unicode general categories by name
(``[\\p{L}\\p{Nl}]``, with the case variants outside them spelled out) and
a word boundary written with look-around by Unicode word characters (as
evaluate reads it, :mod:`._marks`); DuckDB reads a boundary on the value
marked in SQL (:func:`marked_re2` writes the pattern for it); the other
engines refuse them (their meaning depends on each engine's Unicode version). A refusal is a
:class:`RegexRefused` naming the construct, which ``render`` hands to the
dialect's ``refuse`` (an :class:`~scale_query.UnsupportedSQL`).

>>> POSIX.write(parse("^du"))
'^[Dd][Uu]'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NoReturn, Protocol

from ._marks import marked_pattern
from ._sets import (
    Ranges,
    case_extras,
    closure,
    complement,
    contains,
    divergent,
    normalize,
    without_surrogates,
)
from ._syntax import RegexRefused, parse
from ._tree import WORD, Alt, Anchor, Chars, Flags, Group, Node, Repeat, Seq

__all__ = [
    "ARE",
    "DUCKDB_RE2",
    "ICU",
    "JAVA",
    "JONI",
    "POSIX",
    "RE2",
    "Engine",
    "Refuser",
    "marked_re2",
    "meaning",
]

#: What a backslash keeps literal outside a class, and inside one (where
#: Java and ICU also read '&&', nested '[', and ICU '{...}' and '$').
_META = frozenset(".^$*+?()[]{}|\\")
_CLASS_META = frozenset("\\[]^-&{}$")
#: Characters that a POSIX bracket expression cannot hold just anywhere.
_POSIX_SPECIAL = frozenset("]^-[\\")
_POSIX_META = frozenset(".[]()*+?{}|^$\\")


@dataclass(frozen=True, slots=True)
class Engine:
    """How one regex engine is written to; ``render`` gives the pattern text."""

    name: str
    #: "flag": the engine folds case as RE2 does; "explicit": write every variant.
    case: Literal["flag", "explicit"]
    start: str
    end: str
    #: "lookaround": spelled with look-around by Unicode word characters;
    #: "ascii": RE2's own ``\\b`` (evaluate's reading of an unmarked value); None: refused.
    boundary: Literal["lookaround", "ascii"] | None
    #: "escape": a backslash before any punctuation; "posix": placement rules, no escapes.
    classes: Literal["escape", "posix"]
    #: How a control character is written: \x{..}, \uXXXX, or as itself.
    control: Literal["braces", "u", "raw"]
    group: str
    max_repeat: int | None
    #: A backtracking engine: nested repetition can take exponential time.
    backtracking: bool
    #: Whether a class may name Unicode categories (``[\\p{L}]``), read by the
    #: engine's own tables as MySQL 8 reads its classes (RE2's, for DuckDB).
    properties: bool = False

    def render(self, pattern: str, rules: Refuser) -> str:
        """``pattern`` in this engine's syntax, or ``rules.refuse`` naming what cannot be."""
        try:
            return self.write(parse(pattern))
        except RegexRefused as error:
            rules.refuse(f"$regex {error.reason}", f"{error.hint} ({self.name})")

    def write(self, tree: Node) -> str:
        """``tree`` in this engine's syntax; :class:`RegexRefused` names what cannot be."""
        return _Writer(self).node(tree)

    def char(self, point: int, in_class: bool) -> str:
        """One character, escaped as the engine needs it."""
        char = chr(point)
        if point < 0x20 or point == 0x7F:
            if point == 0 and self.control != "braces":
                raise RegexRefused("the NUL character", "this engine cannot hold it in a pattern")
            if self.control == "braces":
                return f"\\x{{{point:X}}}"
            if self.control == "u":
                return f"\\u{point:04X}"
            return char
        if self.classes == "posix":
            meta = _POSIX_SPECIAL if in_class else _POSIX_META
            return char if in_class or char not in meta else "\\" + char
        return "\\" + char if char in (_CLASS_META if in_class else _META) else char

    def chars(self, ranges: Ranges) -> str:
        """A character from ``ranges``: one character, or the shorter class."""
        if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
            return self.char(ranges[0][0], in_class=False)
        inverse = complement(ranges)
        # The negated form when it is shorter, or when the set holds NUL.
        negate = len(inverse) < len(ranges) or (
            bool(ranges) and ranges[0][0] == 0 and self.control != "braces"
        )
        body = self.bracket(inverse if negate else ranges, negate)
        return f"[{'^' if negate else ''}{body}]"

    def bracket(self, ranges: Ranges, negated: bool = False) -> str:
        """The inside of a bracket expression."""
        if not ranges:
            raise RegexRefused("a class that matches nothing", "no engine writes it alike")
        if self.classes == "escape":
            return "".join(self._range(low, high) for low, high in ranges)
        # POSIX: ']' first, '-' last, '^' not first (unless negated), no escapes.
        special = {ch for ch in _POSIX_SPECIAL if contains(ranges, ord(ch))}
        if "\\" in special:
            raise RegexRefused("a class holding a backslash", "POSIX engines read it differently")
        plain = _remove(ranges, {ord(ch) for ch in special})
        body = ("]" if "]" in special else "") + "".join(
            self._range(low, high) for low, high in plain
        )
        dash = "-" if "-" in special else ""
        bracket = "[" if "[" in special else ""  # then never followed by ':', '.' or '='
        if "^" not in special:
            return body + bracket + dash
        if body or negated:
            return body + "^" + bracket + dash
        if not dash and not bracket:
            raise RegexRefused("a class of '^' alone", "write it as \\^")
        return dash + bracket + "^"  # '^' last: "[-^]", "[[^]"

    def _range(self, low: int, high: int) -> str:
        first = self.char(low, in_class=True)
        if low == high:
            return first
        last = self.char(high, in_class=True)
        return first + ("" if high == low + 1 else "-") + last


def _remove(ranges: Ranges, points: set[int]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        start = low
        for point in sorted(p for p in points if low <= p <= high):
            if point > start:
                out.append((start, point - 1))
            start = point + 1
        if start <= high:
            out.append((start, high))
    return normalize(out)


class Refuser(Protocol):
    """What ``render`` refuses through: a dialect's rules (``Rules.refuse``)."""

    def refuse(self, construct: str, reason: str) -> NoReturn:
        """Raise the dialect's error naming ``construct``."""


class _Writer:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def node(self, node: Node) -> str:
        if isinstance(node, Chars):
            return self.chars(node)
        if isinstance(node, Anchor):
            return self.anchor(node)
        if isinstance(node, Flags):
            _only_case(node.flags)
            return ""
        if isinstance(node, Seq):
            return "".join(self.node(item) for item in node.items)
        if isinstance(node, Alt):
            return self.alternation(node)
        if isinstance(node, Group):
            _only_case(node.flags)
            body = self.node(node.body)
            return f"{self.engine.group}{body})" if body else ""
        return self.repeat(node)

    def chars(self, node: Chars) -> str:
        engine = self.engine
        if node.unreadable is not None:
            raise _unicode_class(node.unreadable)
        if node.props:
            if engine.case == "flag" and engine.properties:
                # The engine's own (?i) and tables, as evaluate's RE2, but for
                # characters whose folding diverges there.
                return _folded_class(node) if _touches_divergent(node) else node.re2
            if not engine.properties or engine.case != "explicit":
                raise _unicode_class("\\P" if (node.notation or "").startswith("\\P") else "\\p")
            # The categories by name, their case variants outside them spelled out.
            ranges = normalize([*closure(node.items), *case_extras(node.props)])
            inside = engine.bracket(ranges) if ranges else ""
            names = "".join(f"\\p{{{name}}}" for name in node.props)
            return f"[{'^' if node.negated else ''}{inside}{names}]"
        if engine.case == "flag" and not _touches_divergent(node):
            # The engine's own (?i) folds this as scale-query does.
            if node.notation is not None:
                return node.notation
            if not node.negated:
                return engine.chars(node.items)
            return f"[^{engine.bracket(node.items, True)}]"
        return engine.chars(meaning(node))

    def anchor(self, node: Anchor) -> str:
        engine = self.engine
        if node.kind == "start":
            return engine.start
        if node.kind == "end":
            return engine.end
        if engine.boundary is None:
            raise RegexRefused(
                "a word boundary (\\b, [[:<:]])",
                "MySQL 8 places it by Unicode word characters; spell the neighbours out",
            )
        if engine.boundary == "ascii":
            return node.re2
        # By Unicode word characters, as evaluate reads it (_marks) and MySQL 8 does.
        names = "".join(f"\\p{{{name}}}" for name in WORD.props)
        word = f"[{engine.bracket(WORD.items)}{names}]"
        after, not_after = f"(?<={word})", f"(?<!{word})"
        before, not_before = f"(?={word})", f"(?!{word})"
        if node.kind == "word_start":
            return f"{not_after}{before}"
        if node.kind == "word_end":
            return f"{after}{not_before}"
        if node.kind == "boundary":
            return f"(?:{after}{not_before}|{not_after}{before})"
        return f"(?:{after}{before}|{not_after}{not_before})"

    def alternation(self, node: Alt) -> str:
        branches = [self.node(branch) for branch in node.branches]
        if self.engine.classes == "posix" and "" in branches:
            # POSIX leaves an empty branch undefined: (a|) is (a)?.
            kept = [branch for branch in branches if branch]
            if not kept:
                return ""
            return f"{self.engine.group}{'|'.join(kept)})?"
        return "|".join(branches)

    def repeat(self, node: Repeat) -> str:
        engine = self.engine
        if isinstance(node.body, Anchor):
            raise RegexRefused("a repeated anchor", "repeat characters or groups instead")
        for bound in (node.low, node.high):
            if engine.max_repeat is not None and bound is not None and bound > engine.max_repeat:
                raise RegexRefused(
                    f"a repetition count of {bound}", f"the limit is {engine.max_repeat}"
                )
        if engine.backtracking and node.high is None and _has_repeat(node.body):
            raise RegexRefused(
                "a repeated group holding a repetition",
                "a backtracking engine can take exponential time on it",
            )
        body = self.node(node.body)
        if not body:
            return ""
        if not (isinstance(node.body, (Chars, Group))):
            body = f"{engine.group}{body})"
        low, high = node.low, node.high
        if (low, high) == (0, None):
            return body + "*"
        if (low, high) == (1, None):
            return body + "+"
        if (low, high) == (0, 1):
            return body + "?"
        if high is None:
            return f"{body}{{{low},}}"
        return f"{body}{{{low}}}" if low == high else f"{body}{{{low},{high}}}"


def _has_repeat(node: Node) -> bool:
    if isinstance(node, Repeat):
        return node.high is None or node.high > 1
    if isinstance(node, Group):
        return _has_repeat(node.body)
    if isinstance(node, (Seq, Alt)):  # Chars, Anchor, Flags: no repetition
        items = node.items if isinstance(node, Seq) else node.branches
        return any(_has_repeat(item) for item in items)
    return False


def meaning(node: Chars) -> Ranges:
    """The code points ``node`` (without Unicode categories) matches, case ignored as RE2 does."""
    base = closure(node.items) if node.folds else node.items
    return complement(base) if node.negated else without_surrogates(base)


def marked_re2(pattern: str, marks: tuple[str, str, str], rules: Refuser) -> str | None:
    """``pattern`` read on a value marked with ``marks`` (:mod:`._marks`), for
    an RE2 engine (DuckDB's): a class whose case folding changed since its RE2
    is spelled out, the marks left out; None when it cannot be written so.

    >>> from ._marks import MARKS
    >>> "[\u0390\u1fd3]" in marked_re2("\u0390\\\\b-", MARKS[0], rules=None)  # none refused
    True
    """
    try:
        return marked_pattern(parse(pattern), marks, _spelled)
    except RegexRefused as error:
        rules.refuse(f"$regex {error.reason}", f"{error.hint} ({RE2.name})")


def _spelled(node: Chars, marks: tuple[int, ...]) -> str | None:
    # As the RE2 engine writes it (_Writer.chars): RE2's own (?i) unless the
    # class holds a character whose folding diverges; then every variant.
    if not _touches_divergent(node):
        return None
    if node.unreadable is not None:
        raise _unicode_class(node.unreadable)
    if not node.negated and any(contains(closure(node.items), mark) for mark in marks):
        return None  # a class that could take a mark: not written marked (_marks)
    if node.props:
        return _folded_class(node, marks)
    return RE2.chars(_remove(meaning(node), set(marks)))


def _folded_class(node: Chars, marks: tuple[int, ...] = ()) -> str:
    """A class with Unicode categories for RE2's (?i): its characters with their
    case variants spelled out (their folding diverges), the categories by name
    (RE2 folds them alike: no diverging character is cased otherwise), a
    negated one leaving ``marks`` out."""
    names = "".join(f"\\p{{{name}}}" for name in node.props)
    folded = closure(node.items)
    if node.negated:
        inside = RE2.bracket(normalize([*folded, *((mark, mark) for mark in marks)]))
        return f"[^{inside}{names}]"
    return f"[{RE2.bracket(folded)}{names}]"


def _only_case(flags: str) -> None:
    if flags and set(flags) != {"i"}:
        raise RegexRefused(
            f"the inline flags (?{flags})",
            "only (?i) is read alike everywhere (matching is case-insensitive)",
        )


def _unicode_class(construct: str) -> RegexRefused:
    return RegexRefused(
        f"a Unicode class ({construct})",
        "MySQL 8 reads it by Unicode (ICU), which each engine's regex does its own way; "
        "spell the characters out, as [a-zA-Zéè] or [0-9]",
    )


def _touches_divergent(node: Chars) -> bool:
    if not node.folds:
        return False
    folded = closure(node.items)
    return any(contains(folded, point) for point in divergent())


#: RE2, as DuckDB, BigQuery and SQL Server run it: the pattern as scale-query reads it.
RE2 = Engine("RE2", "flag", "^", "$", None, "escape", "braces", "(?:", 1000, False)
#: RE2 as DuckDB runs scale-query's translation: Unicode classes by RE2's own
#: tables, as evaluate reads them, and RE2's own ASCII ``\\b`` (what evaluate runs
#: when it cannot mark a value, :mod:`._marks`).
DUCKDB_RE2 = Engine(
    "RE2", "flag", "^", "$", "ascii", "escape", "braces", "(?:", 1000, False, properties=True
)
#: java.util.regex (Spark, Databricks): '$' also matches before a final newline.
JAVA = Engine("Java regex", "explicit", "^", "\\z", None, "escape", "braces", "(?:", None, True)
#: Joni (Trino, Presto): Ruby's '^' and '$' match at every line.
JONI = Engine("Joni", "explicit", "\\A", "\\z", None, "escape", "braces", "(?:", None, True)
#: ICU (MySQL 8): '$' also matches before a final line terminator; it reads the
#: Unicode categories as MySQL does, and a word boundary is spelled with look-around.
ICU = Engine(
    "ICU regex", "explicit", "^", "\\z", "lookaround", "escape", "braces", "(?:", None, True, True
)
#: Postgres' ARE: '.' matches a newline, \b is a backspace, 255 repetitions at most.
ARE = Engine("Postgres ARE", "explicit", "^", "$", None, "escape", "u", "(?:", 255, False)
#: POSIX extended expressions (Oracle, Snowflake): no lookaround, no escapes in classes.
POSIX = Engine("POSIX ERE", "explicit", "^", "$", None, "posix", "raw", "(", 255, True)
