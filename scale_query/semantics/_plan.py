"""The semantic core of the SQL compilers: a filter lowered to tests on stored values.

Both SQL back-ends start here: the emulator's SQLite compiler (:mod:`._sql`)
and the warehouse compiler behind :func:`~scale_query.to_sql`
(:mod:`._warehouse`). Every decision about what a condition means is taken
once, in this module, with :mod:`._reading`'s key functions, so the two
back-ends only say how to write each test in SQL:

- a text literal is casefolded, a number becomes a float, a date or datetime
  its normalised text (:func:`~._reading.literal_key`);
- a ``$like`` pattern becomes its casefolded literal parts, any run of
  characters between them;
- a ``$regex`` pattern is checked by :func:`~._reading.compile_regex` here, so
  it is refused before any SQL is written;
- each test carries ``when_empty``: what it answers for an empty value (the
  empty text, or a number or date with no value, which answers False to
  everything, ``$neq`` and ``$notin`` included).

>>> from scale_query.language import parse
>>> plan(parse('Nom $neq "Dupont"'), lambda name: "text")
Compare(field='Nom', kind='text', when_empty=True, op='<>', value='dupont')
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from ..language._ast import And, Condition, Expr, Op, Or, Span
from ._reading import LiteralError, compile_regex, like_regex, literal_key
from ._schema import FieldKind

__all__ = [
    "AllOf",
    "AnyOf",
    "Compare",
    "Const",
    "FilterValueError",
    "Like",
    "Member",
    "Regex",
    "Test",
    "UnknownFieldError",
    "plan",
]

#: A literal made comparable: casefolded text, a float, or a normalised date.
Literal_: TypeAlias = "str | float"

#: The SQL comparison of each scalar operator.
COMPARISONS = {Op.EQ: "=", Op.NEQ: "<>", Op.GT: ">", Op.GTE: ">=", Op.LT: "<", Op.LTE: "<="}
_PYTHON: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class UnknownFieldError(ValueError):
    """A filter or sort key names a field the object does not have."""

    def __init__(self, field: str, span: Span | None = None) -> None:
        self.field = field
        self.span = span
        super().__init__(f"unknown field {field!r}")


class FilterValueError(ValueError):
    """A literal that does not fit its field, or a refused ``$regex``; ``span`` locates it.

    ``without_value`` is the message without the literal's text (a server's
    answer, which may be logged, points at the value instead of quoting it).
    """

    def __init__(
        self, message: str, span: Span | None = None, *, without_value: str | None = None
    ) -> None:
        self.span = span
        self.without_value = message if without_value is None else without_value
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Compare:
    """``value(field) op value``: on the casefolded text, or on the number or date."""

    field: str
    kind: FieldKind
    when_empty: bool
    op: str
    value: Literal_


@dataclass(frozen=True, slots=True)
class Member:
    """The value is (``negated``: is not) one of ``values`` (no duplicates)."""

    field: str
    kind: FieldKind
    when_empty: bool
    values: tuple[Literal_, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Like:
    """The whole casefolded text is ``parts`` joined by any runs of characters."""

    field: str
    kind: FieldKind
    when_empty: bool
    parts: tuple[str, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Regex:
    """``pattern`` (as written, checked) is found in the text, case-insensitively."""

    field: str
    kind: FieldKind
    when_empty: bool
    pattern: str


@dataclass(frozen=True, slots=True)
class Const:
    """A test that does not depend on the record."""

    value: bool


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every test holds (at least two)."""

    tests: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one test holds (at least two)."""

    tests: tuple[Test, ...]


Leaf: TypeAlias = "Compare | Member | Like | Regex"
Test: TypeAlias = "Compare | Member | Like | Regex | Const | AllOf | AnyOf"


def _leaf(node: Condition, kind: FieldKind) -> Leaf:
    op, text = node.op, kind == "text"
    if op.takes_pattern:
        assert isinstance(node.value, str)  # the AST allows nothing else
        if op is Op.REGEX:
            search = compile_regex(node.value).search  # refused here, before any SQL
            return Regex(node.field, kind, text and search("") is not None, node.value)
        empty = like_regex(node.value).fullmatch("") is not None
        negated = op is Op.NOTLIKE
        parts = tuple(node.value.casefold().split("*"))
        return Like(node.field, kind, text and empty is not negated, parts, negated)
    if op.takes_list:
        items = node.value if isinstance(node.value, tuple) else (node.value,)
        values = tuple(dict.fromkeys(literal_key(kind, item, node.field) for item in items))
        negated = op is Op.NOTIN
        return Member(node.field, kind, text and ("" in values) is not negated, values, negated)
    if isinstance(node.value, tuple):
        raise ValueError(f"{op.value} takes a single value, not a list")
    value = literal_key(kind, node.value, node.field)
    sql_op = COMPARISONS[op]
    return Compare(node.field, kind, text and _PYTHON[sql_op]("", value), sql_op, value)


def _condition(node: Condition, kind_of: Callable[[str], FieldKind | None]) -> Leaf:
    kind = kind_of(node.field)
    if kind is None:
        raise UnknownFieldError(node.field, node.field_span)
    try:
        return _leaf(node, kind)
    except ValueError as error:
        without_value = error.without_value if isinstance(error, LiteralError) else None
        raise FilterValueError(str(error), node.value_span, without_value=without_value) from None


def plan(expr: Expr, kind_of: Callable[[str], FieldKind | None]) -> Test:
    """Lower ``expr`` to tests; ``kind_of`` gives each field's kind, None if unknown.

    Raises :class:`UnknownFieldError` for a field ``kind_of`` does not know and
    :class:`FilterValueError` for a literal that does not fit its field or a
    refused ``$regex`` pattern, both with the position in the parsed text.
    """
    if isinstance(expr, Condition):
        return _condition(expr, kind_of)
    if not isinstance(expr, (And, Or)):
        raise TypeError(f"expected a filter expression, not {type(expr).__name__}")
    tests = tuple(plan(operand, kind_of) for operand in expr.operands)
    return AllOf(tests) if isinstance(expr, And) else AnyOf(tests)


def on_nonempty(leaf: Leaf) -> Leaf | Const:
    """``leaf`` for a text value known not to be empty: the empty literal drops out.

    Back-ends that store an empty text as NULL (or cannot write the empty
    string, as Oracle) test emptiness apart and use this for the rest.

    >>> on_nonempty(Compare("Nom", "text", True, "<>", ""))
    Const(value=True)
    """
    if leaf.kind != "text":
        return leaf
    if isinstance(leaf, Compare) and leaf.value == "":
        # Every non-empty text is greater than the empty one.
        return Const(leaf.op in ("<>", ">", ">="))
    if isinstance(leaf, Member) and "" in leaf.values:
        values = tuple(v for v in leaf.values if v != "")
        if not values:
            return Const(leaf.negated)
        return Member(leaf.field, leaf.kind, leaf.when_empty, values, leaf.negated)
    if isinstance(leaf, Like) and leaf.parts == ("",):
        return Const(leaf.negated)  # "" matches the empty text only
    if isinstance(leaf, Like) and not any(leaf.parts):
        return Const(not leaf.negated)  # "*", "**": any text
    return leaf
