"""Evaluate a filter against one record in pure Python, with the datamart's semantics.

Built on the same lowering as the SQL (:mod:`._plan`): each test of the plan
becomes a closure over the record's keys (:mod:`._reading`), so
:func:`evaluate`, the emulator and :func:`~scale_query.to_sql` take every
decision in one place. docs/semantics.md has the profile.

>>> from scale_query import Condition, Op
>>> evaluate(Condition("Nom", Op.LIKE, "d*"), {"Nom": "DÜPONT"})
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeAlias

from ..language import Expr, maybe_parse, to_text
from ._plan import (
    AllOf,
    AnyOf,
    Compare,
    Const,
    Like,
    Member,
    Regex,
    Test,
    UnknownFieldError,
    compare,
    plan,
)
from ._reading import compile_regex, like_key, like_match, stored_key, stored_text
from ._schema import ObjectSchema, kind_reader, maybe_schema

__all__ = ["Predicate", "compile_predicate", "evaluate"]

#: A compiled filter: a function of a record (field name to value text).
Predicate: TypeAlias = Callable[[Mapping[str, Any]], bool]


class _HasData(Protocol):
    @property
    def data(self) -> Mapping[str, Any]: ...


def _raw(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    return to_text(value)  # a typed record's int, Decimal or date


def _leaf(test: Compare | Member | Like | Regex, scale: int | None) -> Predicate:
    name, kind = test.field, test.kind

    def key(record: Mapping[str, Any]) -> str | None:
        return stored_key(kind, _raw(record, name), scale)

    if isinstance(test, Compare):
        op, wanted = test.op, test.value
        return lambda record: (found := key(record)) is not None and compare(op, found, wanted)
    if isinstance(test, Member):
        values, negated = frozenset(test.values), test.negated
        return lambda record: (found := key(record)) is not None and (found in values) != negated

    def text(record: Mapping[str, Any]) -> str | None:
        raw = _raw(record, name)
        if raw is None:
            return None
        stored = stored_text(kind, raw, scale)
        # A typed field with no value (or one it cannot hold) is NULL.
        return stored if kind == "text" or stored else None

    if isinstance(test, Like):
        keys, negated = test.keys, test.negated
        return lambda record: (
            (found := text(record)) is not None and (like_match(keys, like_key(found)) != negated)
        )
    search = compile_regex(test.pattern).search
    return lambda record: (found := text(record)) is not None and search(found) is not None


def _compile(test: Test, scales: Mapping[str, int | None]) -> Predicate:
    if isinstance(test, Const):
        answer = test.value
        return lambda record: answer
    if isinstance(test, (AllOf, AnyOf)):
        parts = tuple(_compile(part, scales) for part in test.tests)
        if isinstance(test, AllOf):
            return lambda record: all(part(record) for part in parts)
        return lambda record: any(part(record) for part in parts)
    return _leaf(test, scales.get(test.field))


#: Compiled predicates of the last filters, by (expression, schema): evaluate()
#: is called once per record, and a filter is compiled once. Only immutable
#: schemas (an ObjectSchema, or none) are kept, by identity, with the schema
#: itself so that its id cannot be reused while cached.
_COMPILED: dict[tuple[Expr, int], tuple[ObjectSchema | None, Predicate]] = {}
_COMPILED_MAX = 64


def _cached(expr: Expr | str, schema: ObjectSchema | Mapping[str, Any] | None) -> Predicate:
    if isinstance(expr, str) or not (schema is None or isinstance(schema, ObjectSchema)):
        return compile_predicate(expr, schema)
    key = (expr, id(schema))
    found = _COMPILED.get(key)
    if found is not None and found[0] is schema:
        return found[1]
    predicate = compile_predicate(expr, schema)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))  # the oldest
    _COMPILED[key] = (schema, predicate)
    return predicate


def compile_predicate(
    expr: Expr | str, schema: ObjectSchema | Mapping[str, Any] | None = None
) -> Predicate:
    """Compile ``expr`` once into a function of a record (closures, no ``eval``).

    >>> from scale_query import Condition, Op
    >>> match = compile_predicate(Condition("Pays", Op.IN, ("FR", "BE")))
    >>> match({"Pays": "be"}), match({"Pays": "LU"}), match({})
    (True, False, False)
    """
    fields = maybe_schema(schema)
    kind_of = kind_reader(fields)
    scales = {} if fields is None else {name: info.scale for name, info in fields.items()}
    try:
        test = plan(maybe_parse(expr), kind_of)
    except UnknownFieldError as error:
        raise ValueError(f"unknown field {error.field!r} in filter") from None
    return _compile(test, scales)


def evaluate(
    expr: Expr | str,
    record: Mapping[str, Any] | _HasData,
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = None,
) -> bool:
    """Whether ``record`` matches ``expr`` (filter text or an expression), as the datamart answers.

    ``record`` is a mapping of field names to values (text as the API gives
    it, or typed values) or anything with such a ``.data`` (a
    :class:`~scale_query.Record`). Without a schema every field is text; with
    one (an :class:`ObjectSchema` or a ``get_object_info`` response), numbers
    and dates compare as values. A field missing from the record is NULL and
    matches no comparison (``$neq`` included). Raises ValueError for an
    unknown field (with a schema), a literal that does not fit its field, or
    a refused ``$regex``. The semantics are in docs/semantics.md.

    >>> evaluate('Prenom $eq "helene" $and Pays $in [FR, BE]', {"Prenom": "Hélène", "Pays": "FR"})
    True
    """
    data = record if isinstance(record, Mapping) else record.data
    return _cached(expr, schema)(data)
