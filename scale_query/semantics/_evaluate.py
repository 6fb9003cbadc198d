"""Evaluate a filter against one record in pure Python, with the emulator's semantics.

This module is the reference for what a filter means (docs/emulator.md): the
SQL compiler (:mod:`scale_query._sql`) and the emulator's store use the same
key functions, so SQLite and :func:`evaluate` always agree.

>>> from scale_query import Condition, Op
>>> evaluate(Condition("Nom", Op.LIKE, "d*"), {"Nom": "DUPONT"})
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from ..language._ast import And, Condition, Expr, Op, Or
from ._reading import Key, compile_regex, like_regex, literal_key, stored_key
from ._schema import FieldKind, ObjectSchema

__all__ = ["Predicate", "compile_predicate", "evaluate"]

Predicate: TypeAlias = Callable[[Mapping[str, str]], bool]


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

    >>> from scale_query import Condition, Op
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
