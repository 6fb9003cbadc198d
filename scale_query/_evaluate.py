"""Evaluate a filter against one record in pure Python, with the emulator's semantics.

This module is the reference for what a filter means (docs/emulator.md): the
SQL compiler (:mod:`scale_query._sql`) and the emulator's store use the same
key functions, so SQLite and :func:`evaluate` always agree.

>>> from scale_query._ast import Condition, Op
>>> evaluate(Condition("Nom", Op.LIKE, "d*"), {"Nom": "DUPONT"})
True
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeAlias

from ._ast import And, Condition, Expr, Op, Or
from ._schema import FieldKind, ObjectSchema
from ._values import format_number

__all__ = [
    "MAX_REGEX_LENGTH",
    "Key",
    "Predicate",
    "compile_predicate",
    "compile_regex",
    "evaluate",
    "like_regex",
    "literal_key",
    "stored_key",
]

#: A value made comparable: casefolded text, a float, a normalised date, or
#: None for an empty (or unreadable) number or date.
Key: TypeAlias = "str | float | None"
Predicate: TypeAlias = Callable[[Mapping[str, str]], bool]

#: ``$regex`` patterns longer than this are refused (a guard against slow patterns).
MAX_REGEX_LENGTH = 200

_NUMBER = re.compile(r"\s*-?[0-9]+(?:\.[0-9]+)?\s*")
_INTEGER = re.compile(r"\s*-?[0-9]+\s*")
# A group closed and quantified without bound, e.g. "(a+)+" or "(a|b)*": the
# shapes that make a backtracking engine take exponential time.
_QUANTIFIED_GROUP = re.compile(r"\)(?:[*+]|\{\d*,\})")


def _number_key(text: str, pattern: re.Pattern[str] = _NUMBER) -> float | None:
    return float(Decimal(text.strip())) if pattern.fullmatch(text) else None


def _date_key(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat() if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _datetime_key(text: str) -> str | None:
    text = text.strip()
    if len(text) == 10:
        day = _date_key(text)
        return None if day is None else f"{day} 00:00:00"
    if len(text) != 19 or text[10] != " ":
        return None
    try:
        return dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def stored_key(kind: FieldKind, raw: str) -> Key:
    """The comparable key of a stored value; None when a number or date is empty.

    >>> stored_key("text", "Élodie"), stored_key("number", "12.50"), stored_key("date", "")
    ('élodie', 12.5, None)
    """
    if kind == "text":
        return raw.casefold()
    if kind == "number":
        return _number_key(raw)
    if kind == "integer":
        return _number_key(raw, _INTEGER)
    if kind == "date":
        return _date_key(raw)
    return _datetime_key(raw)


def literal_key(kind: FieldKind, value: str | Decimal, field: str = "field") -> str | float:
    """The key of a filter literal for a field of ``kind``; ValueError when it does not fit.

    >>> literal_key("number", Decimal("12.5")), literal_key("datetime", "2020-12-19")
    (12.5, '2020-12-19 00:00:00')
    """
    text = value if isinstance(value, str) else format_number(value)
    if kind == "text":
        return text.casefold()
    key = _number_key(text) if kind in ("number", "integer") else stored_key(kind, text)
    if key is None:
        expected = {
            "number": "a number such as 12.50",
            "integer": "a number such as 12",
            "date": 'a date such as "1990-06-12"',
            "datetime": 'a datetime such as "2020-12-19 12:50:50"',
        }[kind]
        raise ValueError(f"{field} is a {kind} field: {text!r} is not {expected}")
    return key


def like_regex(pattern: str) -> re.Pattern[str]:
    """The whole-value, case-insensitive match of a ``$like`` pattern (``*``: any run).

    >>> bool(like_regex("*ont").fullmatch("dupont"))
    True
    """
    parts = pattern.casefold().split("*")
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


@functools.lru_cache(maxsize=256)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile a ``$regex`` pattern (case-insensitive), refusing slow or broken ones.

    Raises ValueError for a pattern longer than :data:`MAX_REGEX_LENGTH`, one
    with back-references or an unbounded quantifier on a group (``(a+)+``),
    and one that does not compile.

    >>> compile_regex("^du").search("Dupont") is not None
    True
    """
    if len(pattern) > MAX_REGEX_LENGTH:
        raise ValueError(
            f"$regex pattern is {len(pattern)} characters long; the limit is {MAX_REGEX_LENGTH}"
        )
    if _QUANTIFIED_GROUP.search(pattern) or re.search(r"\\[1-9]", pattern):
        raise ValueError(
            "$regex pattern refused: a repeated group such as '(a+)+' or a back-reference "
            "can take exponential time; repeat single characters or classes instead"
        )
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"$regex pattern {pattern!r} is not valid: {error}") from None


_COMPARE: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq,
    Op.NEQ: operator.ne,
    Op.GT: operator.gt,
    Op.GTE: operator.ge,
    Op.LT: operator.lt,
    Op.LTE: operator.le,
}


def _kind(schema: ObjectSchema | None, name: str) -> FieldKind:
    if schema is None:
        return "text"
    info = schema.get(name)
    if info is None:
        raise ValueError(f"unknown field {name!r} in filter")
    return info.kind


def _condition(node: Condition, schema: ObjectSchema | None) -> Predicate:
    name, op, kind = node.field, node.op, _kind(schema, node.field)

    def key(record: Mapping[str, str]) -> Key:
        return stored_key(kind, record.get(name, ""))

    if op.takes_pattern:
        if not isinstance(node.value, str):
            raise ValueError(f"{op.value} takes a string pattern")
        if op is Op.REGEX:
            search = compile_regex(node.value).search

            def test(raw: str) -> bool:
                return search(raw) is not None
        else:
            fullmatch = like_regex(node.value).fullmatch
            wanted = op is Op.LIKE

            def test(raw: str) -> bool:
                return (fullmatch(raw.casefold()) is not None) is wanted

        # A number or date with no value matches no comparison at all.
        if kind == "text":
            return lambda record: test(record.get(name, ""))
        return lambda record: key(record) is not None and test(record.get(name, ""))

    if op.takes_list:
        items = node.value if isinstance(node.value, tuple) else (node.value,)
        keys = frozenset(literal_key(kind, item, name) for item in items)
        inside = op is Op.IN

        def in_list(record: Mapping[str, str]) -> bool:
            found = key(record)
            return found is not None and (found in keys) is inside

        return in_list
    if isinstance(node.value, tuple):
        raise ValueError(f"{op.value} takes a single value, not a list")
    wanted_key = literal_key(kind, node.value, name)
    compare = _COMPARE[op]

    def compared(record: Mapping[str, str]) -> bool:
        found = key(record)
        return found is not None and compare(found, wanted_key)

    return compared


def compile_predicate(expr: Expr, schema: ObjectSchema | None = None) -> Predicate:
    """Compile ``expr`` once into a function of a record (closures, no ``eval``).

    >>> from scale_query._ast import Condition, Op
    >>> match = compile_predicate(Condition("Pays", Op.IN, ("FR", "BE")))
    >>> match({"Pays": "be"}), match({"Pays": "LU"})
    (True, False)
    """
    if isinstance(expr, Condition):
        return _condition(expr, schema)
    if not isinstance(expr, (And, Or)):
        raise TypeError(f"expected a filter expression, not {type(expr).__name__}")
    parts = tuple(compile_predicate(operand, schema) for operand in expr.operands)
    if isinstance(expr, And):
        return lambda record: all(part(record) for part in parts)
    return lambda record: any(part(record) for part in parts)


def evaluate(expr: Expr, record: Mapping[str, str], schema: ObjectSchema | None = None) -> bool:
    """Whether ``record`` (field name to value text) matches ``expr``.

    Without a schema every field is text; with one, number and date fields
    compare as numbers and dates, and an empty one matches no comparison.
    A field missing from the record counts as empty. Raises ValueError for an
    unknown field (with a schema), a literal that does not fit its field, or
    a refused ``$regex``. The semantics are in docs/emulator.md.

    >>> from scale_query import parse
    >>> evaluate(parse('Nom $eq "dupont" $and Pays $in [FR, BE]'), {"Nom": "Dupont", "Pays": "FR"})
    True
    """
    return compile_predicate(expr, schema)(record)
