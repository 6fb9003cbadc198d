"""Spark's pushed filters as one Scal-e filter, never dropping a row Spark would keep.

Spark hands a data source the conjuncts of a query's ``WHERE`` it can
express (``pyspark.sql.datasource``'s ``EqualTo``, ``GreaterThan``, ``In``,
``StringStartsWith``...). Each becomes a condition of the API's filter when
every row Spark keeps matches it:

- on integer, number, date and datetime fields the meanings agree (exact
  values, an empty value matching no comparison on both sides): pushed as
  is, and Spark need not check it again;
- on text, the datamart compares accent- and case-insensitively (SPEC
  section 6: ``helene`` = ``Hélène``) and Spark byte for byte: ``=``, ``IN``
  and the ``LIKE`` prefixes, suffixes and substrings are pushed as wider
  pre-filters (whatever Spark keeps, the datamart returns), and Spark checks
  them again; ``<``/``>`` (orders differ) and ``NOT`` (negating a wider
  filter makes it narrower) stay with Spark;
- anything else (``IS NULL``: an empty text and a missing one differ on the
  datamart, null-safe equality, a float, a ``*`` in a ``LIKE`` value, a
  datetime with fractions of a second) stays with Spark.

>>> from pyspark.sql.datasource import EqualTo, GreaterThan
>>> kinds = {"Pays": "text", "Age": "integer"}
>>> spark_filters = [EqualTo(("Pays",), "BE"), GreaterThan(("Age",), 30)]
>>> expr, spark_checks = pushed_filter(spark_filters, kinds)
>>> print(expr), spark_checks
Pays $eq "BE" $and Age $gt 30
(None, [EqualTo(attribute=('Pays',), value='BE')])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..language import Condition, Expr, Op, Q, and_

__all__ = ["pushed_filter", "translate"]

_COMPARISONS: dict[str, Callable[[Q, Any], Condition]] = {
    "EqualTo": Q.eq,
    "GreaterThan": Q.gt,
    "GreaterThanOrEqual": Q.gte,
    "LessThan": Q.lt,
    "LessThanOrEqual": Q.lte,
}
_LIKES = {
    "StringStartsWith": "{}*",
    "StringEndsWith": "*{}",
    "StringContains": "*{}*",
}


def _value(kind: str, value: object) -> object | None:
    """The filter value for a field of ``kind``, or None when it cannot be pushed exactly."""
    if value is None or isinstance(value, bool):
        return None
    if kind == "text":
        return value if isinstance(value, str) else None
    if kind == "integer":
        return value if isinstance(value, int) else None
    if kind == "number":
        return value if isinstance(value, (int, Decimal)) else None  # never a float
    if kind == "datetime":
        if isinstance(value, dt.datetime) and value.tzinfo is None and not value.microsecond:
            return value
        return None
    if kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        return None
    return None


def _values(kind: str, values: Sequence[object]) -> list[Any] | None:
    found = [_value(kind, v) for v in values if v is not None]
    return found if found and all(v is not None for v in found) else None


def translate(
    spark_filter: Any, kinds: Mapping[str, str], names: Mapping[str, str] | None = None
) -> tuple[Expr, bool] | None:
    """One Spark filter as ``(condition, exact)``; None when it stays with Spark.

    ``kinds`` maps each column to its field's kind (text, integer, number,
    date, datetime), ``names`` a column to its field when they differ (``id``
    to ``id_contact``); ``exact`` says whether Spark may drop its own check.
    """
    kind_name = type(spark_filter).__name__
    if kind_name == "Not":
        inner = spark_filter.child
        found = translate(inner, kinds, names)
        # Only an exact condition can be negated: a wider one would become narrower.
        if found is None or not found[1] or not isinstance(found[0], Condition):
            return None
        condition = found[0]
        field = Q(condition.field)
        if condition.op is Op.EQ:
            return field.neq(condition.value), True  # type: ignore[arg-type]
        if condition.op is Op.IN:
            return field.notin(condition.value), True  # type: ignore[arg-type]
        return None
    attribute = getattr(spark_filter, "attribute", None)
    if not isinstance(attribute, tuple) or len(attribute) != 1:
        return None  # a nested column: none in a datamart
    column = attribute[0]
    kind = kinds.get(column)
    if kind is None:
        return None
    field = Q((names or {}).get(column, column))
    if kind_name in _COMPARISONS:
        value = _value(kind, spark_filter.value)
        if value is None or (kind == "text" and kind_name != "EqualTo"):
            return None  # text orders differ: < and > stay with Spark
        return _COMPARISONS[kind_name](field, value), kind != "text"
    if kind_name == "In":
        values = _values(kind, spark_filter.value)
        return None if values is None else (field.in_(values), kind != "text")
    if kind_name in _LIKES and kind == "text":
        text = spark_filter.value
        if not isinstance(text, str) or not text or "*" in text:
            return None  # '*' is the datamart's wildcard, and has no escape
        return field.like(_LIKES[kind_name].format(text)), False
    if kind_name == "IsNotNull" and kind == "text":
        # An empty text reads as null: Spark's non-null is the datamart's non-empty.
        return field.neq(""), True
    return None


def pushed_filter(
    filters: Sequence[Any], kinds: Mapping[str, str], names: Mapping[str, str] | None = None
) -> tuple[Expr | None, list[Any]]:
    """The API filter for Spark's ``filters`` (their AND) and the filters Spark must still check.

    Every filter not pushed exactly is in the second list, by reference, as
    ``DataSourceReader.pushFilters`` must return them.
    """
    conditions: list[Expr] = []
    remaining: list[Any] = []
    for spark_filter in filters:
        found = translate(spark_filter, kinds, names)
        if found is None:
            remaining.append(spark_filter)
            continue
        conditions.append(found[0])
        if not found[1]:
            remaining.append(spark_filter)
    return (and_(*conditions) if conditions else None), remaining
