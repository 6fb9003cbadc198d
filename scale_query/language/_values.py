"""Python values to filter literals and to the API's US-notation text.

One place decides how a date, a number or a string is written, for the
builder (filter literals) and for the client (record values it sends).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TypeAlias

__all__ = ["FilterValue", "filter_value", "format_number", "to_text"]

#: What the builder takes as a value: text, a number (``int``, ``Decimal``, a
#: finite ``float``), a ``date`` or a naive ``datetime``. ``bool`` and ``None``
#: are refused at run time with a message saying what to pass instead.
FilterValue: TypeAlias = str | int | Decimal | float | dt.date | dt.datetime


def format_number(number: Decimal) -> str:
    """A number in plain US notation: ``12.50``, never ``1.25E+1`` or ``12,50``."""
    return format(number, "f")


def filter_value(value: object) -> str | Decimal:
    """Convert a Python value to a filter literal, or say what to pass instead.

    >>> filter_value(dt.date(1990, 6, 12)), filter_value(12.5)
    ('1990-06-12', Decimal('12.5'))
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(
            "a bool is not a filter value: the API has no booleans; "
            "compare with the stored text, such as 'Y'/'N' or 1/0"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a filter value: pass a finite number")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a filter value: pass a finite number")
        # repr() is the shortest text that reads back as the same float.
        return Decimal(repr(value))
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        raise TypeError(
            'None is not a filter value: to match an empty field compare with "" (Q("Pays").eq(""))'
        )
    raise TypeError(
        f"{type(value).__name__} is not a filter value: pass a str, int, Decimal, "
        "finite float, date or naive datetime"
    )


def _datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError(
            "an aware datetime is not a filter value: the API stores local times "
            "without a zone; convert it, then pass value.replace(tzinfo=None)"
        )
    if value.microsecond:
        raise ValueError("the API keeps datetimes to the second: pass value.replace(microsecond=0)")
    # isoformat, not strftime: strftime writes year 1 as "1-01-01" on glibc.
    return value.isoformat(sep=" ")


def to_text(value: object) -> str:
    """A record value as the API wants it: US notation, dates ``yyyy-mm-dd``.

    ``None`` is the empty string.

    >>> to_text(Decimal("12.50")), to_text(dt.datetime(2020, 12, 19, 12, 50, 50))
    ('12.50', '2020-12-19 12:50:50')
    """
    if value is None:
        return ""
    converted = filter_value(value)
    return converted if isinstance(converted, str) else format_number(converted)
