"""The semantic core: a filter lowered to tests on stored values, for every back-end.

:func:`~scale_query.evaluate` (:mod:`._evaluate`), the emulator's SQLite
compiler (:mod:`._sql`) and the warehouse compiler behind
:func:`~scale_query.to_sql` (:mod:`._warehouse`) all start here. Every
decision about what a condition means is taken once, in this module, with
:mod:`._reading`'s key functions, so the back-ends only say how to run each
test:

- a literal becomes its key (:func:`~._reading.literal_key`): a collation key
  for text, an exact number key, a normalised datetime; a date that does not
  exist matches nothing (:class:`Const`);
- a ``$like`` pattern becomes its literal pieces and their like keys (each
  character by its own weights, as MySQL's ``LIKE``), any run between them;
- a ``$regex`` pattern is checked by :func:`~._reading.compile_regex` here, so
  it is refused before any test runs;
- a field with no value (NULL: a text never set, an empty number or date)
  fails every test, ``$neq``, ``$notin`` and ``$notlike`` included.

>>> from scale_query.language import parse
>>> plan(parse('Nom $neq "Dupont"'), lambda name: "text").op
'<>'
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from ..language import And, Condition, Expr, Op, Or, Span, format_number
from ._reading import LiteralError, compile_regex, like_key, literal_key
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
    "compare",
    "plan",
]

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
    """``key(field) op value``; ``literal`` is the value's text (canonical for typed fields)."""

    field: str
    kind: FieldKind
    op: str
    value: str
    literal: str


@dataclass(frozen=True, slots=True)
class Member:
    """The key is (``negated``: is not) one of ``values`` (no duplicates).

    ``literals`` are their texts, in the same order.
    """

    field: str
    kind: FieldKind
    values: tuple[str, ...]
    literals: tuple[str, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Like:
    """The whole (stored) text is ``parts`` joined by any runs; ``keys``: their like keys."""

    field: str
    kind: FieldKind
    parts: tuple[str, ...]
    keys: tuple[str, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Regex:
    """``pattern`` (as written, checked) is found in the (stored) text, case-insensitively."""

    field: str
    kind: FieldKind
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


def _literal_text(kind: FieldKind, key: str, value: str | Decimal) -> str:
    if kind in ("date", "datetime"):
        return key  # the canonical datetime
    if kind == "text":
        return value if isinstance(value, str) else format_number(value)
    return format_number(value if isinstance(value, Decimal) else Decimal(value.strip()))


def _text_as_key(kind: FieldKind, value: str | Decimal, field: str) -> str:
    return value if isinstance(value, str) else format_number(value)


def _leaf(node: Condition, kind: FieldKind, keyed: bool) -> Leaf | Const:
    op = node.op
    # Without keys (to_sql: the dialect compares the literals' text) a text
    # literal is its own "key": the collation's table is never loaded.
    text_key_of = literal_key if keyed or kind != "text" else _text_as_key
    if op.takes_pattern:
        assert isinstance(node.value, str)  # the AST allows nothing else
        if op is Op.REGEX:
            compile_regex(node.value)  # refused here, before any test runs
            return Regex(node.field, kind, node.value)
        parts = tuple(node.value.split("*"))
        keys = tuple(like_key(part) for part in parts) if keyed else parts
        return Like(node.field, kind, parts, keys, op is Op.NOTLIKE)
    if op.takes_list:
        items = node.value if isinstance(node.value, tuple) else (node.value,)
        found: dict[str, str] = {}
        impossible = False
        for item in items:
            key = text_key_of(kind, item, node.field)
            if key is None:
                impossible = True
            else:
                found.setdefault(key, _literal_text(kind, key, item))
        negated = op is Op.NOTIN
        if (impossible and negated) or not found:
            # NOT IN a list holding a value that converts to nothing is NULL in MySQL.
            return Const(False)
        return Member(node.field, kind, tuple(found), tuple(found.values()), negated)
    if isinstance(node.value, tuple):
        raise ValueError(f"{op.value} takes a single value, not a list")
    value = text_key_of(kind, node.value, node.field)
    if value is None:
        return Const(False)
    return Compare(node.field, kind, COMPARISONS[op], value, _literal_text(kind, value, node.value))


def _condition(
    node: Condition, kind_of: Callable[[str], FieldKind | None], keyed: bool
) -> Leaf | Const:
    kind = kind_of(node.field)
    if kind is None:
        raise UnknownFieldError(node.field, node.field_span)
    try:
        return _leaf(node, kind, keyed)
    except ValueError as error:
        without_value = error.without_value if isinstance(error, LiteralError) else None
        raise FilterValueError(str(error), node.value_span, without_value=without_value) from None


def plan(expr: Expr, kind_of: Callable[[str], FieldKind | None], *, keyed: bool = True) -> Test:
    """Lower ``expr`` to tests; ``kind_of`` gives each field's kind, None if unknown.

    ``keyed=False`` leaves text literals as written (``to_sql``, whose
    dialects compare the text itself): the collation's table is not loaded.

    Raises :class:`UnknownFieldError` for a field ``kind_of`` does not know and
    :class:`FilterValueError` for a literal that does not fit its field or a
    refused ``$regex`` pattern, both with the position in the parsed text.
    """
    if isinstance(expr, Condition):
        return _condition(expr, kind_of, keyed)
    if not isinstance(expr, (And, Or)):
        raise TypeError(f"expected a filter expression, not {type(expr).__name__}")
    tests = tuple(plan(operand, kind_of, keyed=keyed) for operand in expr.operands)
    return AllOf(tests) if isinstance(expr, And) else AnyOf(tests)


def compare(op: str, found: str, wanted: str) -> bool:
    """``found op wanted`` on two keys, as the SQL comparison ``op`` does."""
    return _PYTHON[op](found, wanted)
