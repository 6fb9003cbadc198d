"""How a literal is read: the one meaning of values for every part of scale-query.

Rules and :func:`~scale_query.validate`, :func:`~scale_query.evaluate`, the SQL
compiler and the emulator's store all call this module, so a value that one of
them accepts, the others accept too, with the same meaning:

- text compares after ``str.casefold()`` (case-insensitive, accents count);
- a number is ``-?[0-9]+(.[0-9]+)?`` in US notation (ASCII digits only), an
  integer the same without a fraction, compared as numbers;
- a date is ``yyyy-mm-dd``, a datetime ``yyyy-mm-dd hh:mm:ss`` (a date alone is
  its midnight), both real calendar values, ASCII digits only;
- spaces around a number or a date are ignored, as MySQL ignores them;
- a number or date field whose stored value cannot be read (empty, say) has
  no key: it matches no comparison at all, as SQL NULL does;
- ``$like`` matches the whole casefolded value, ``*`` standing for any run of
  characters; ``$regex`` is the policy of :func:`compile_regex` (see ``_regex``).

>>> literal_key("number", " 12"), stored_key("date", "1990-06-12 "), stored_key("number", "")
(12.0, '1990-06-12', None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import TypeAlias

from ..language._values import format_number
from ._regex import MAX_REGEX_LENGTH, compile_regex
from ._schema import FieldKind

__all__ = [
    "MAX_REGEX_LENGTH",
    "Key",
    "LiteralError",
    "Value",
    "a_kind",
    "compile_regex",
    "like_regex",
    "literal_key",
    "read_value",
    "stored_key",
]

#: A stored value read by its field's kind (:func:`read_value`); None when empty.
Value: TypeAlias = "str | int | Decimal | dt.date | dt.datetime | None"

#: A value made comparable: casefolded text, a float, a normalised date, or
#: None for an empty (or unreadable) number or date.
Key: TypeAlias = "str | float | None"


# ASCII digits only: re's \d would also take "²" and Arabic-Indic digits. No
# pattern here nests a quantifier, so each reads in time linear in the text.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def _number_key(text: str, pattern: re.Pattern[str] = _NUMBER) -> float | None:
    text = text.strip()
    if not pattern.fullmatch(text):
        return None
    key = float(Decimal(text))
    # Past a double's range (about 1.8e308) float() gives inf, which engines
    # read apart (SQLite's CAST('inf' AS REAL) is 0.0): no such number.
    return key if math.isfinite(key) else None


def _date_key(text: str) -> str | None:
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:  # not a real day: 1990-02-30
        return None


def _datetime_key(text: str) -> str | None:
    text = text.strip()
    if _DATE.fullmatch(text):
        day = _date_key(text)
        return None if day is None else f"{day} 00:00:00"
    if not _DATETIME.fullmatch(text):
        return None
    try:
        # isoformat, not strftime: glibc's %Y drops the zeros of years before 1000.
        return dt.datetime.fromisoformat(text).isoformat(sep=" ", timespec="seconds")
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
        raise LiteralError(field, kind, text)
    return key


class LiteralError(ValueError):
    """A filter literal that does not fit its field's kind.

    ``str()`` quotes the value, for whoever wrote it; ``without_value`` says
    the same without it, for answers that may end up in logs (the value is
    often personal data).

    >>> LiteralError("DateNaissance", "date", "jo@example.net").without_value
    'DateNaissance is a date field: the value is not a date such as "1990-06-12"'
    """

    def __init__(self, field: str, kind: FieldKind, text: str) -> None:
        #: A number in the language's notation, but too large for a double.
        self.out_of_range = kind in ("number", "integer") and bool(_NUMBER.fullmatch(text.strip()))
        why = "is beyond the range of numbers (±1.8e308)" if self.out_of_range else "is not"
        expected = "" if self.out_of_range else f" {_EXPECTED[kind]}"
        self.without_value = f"{field} is {a_kind(kind)} field: the value {why}{expected}"
        super().__init__(f"{field} is {a_kind(kind)} field: {text!r} {why}{expected}")


def a_kind(kind: FieldKind) -> str:
    """The kind with its article, for messages.

    >>> a_kind("integer"), a_kind("date")
    ('an integer', 'a date')
    """
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


_EXPECTED = {
    "number": "a number such as 12.50",
    "integer": "a number such as 12",
    "date": 'a date such as "1990-06-12"',
    "datetime": 'a datetime such as "2020-12-19 12:50:50"',
}


def read_value(kind: FieldKind, raw: str) -> Value:
    """A stored value as the Python value of its field's kind: what typed records hold.

    Empty (or, for numbers and dates, blank) is None; text is kept as it is;
    an integer is an ``int``, a number a ``Decimal`` (exact), a date a
    ``date``, a datetime a ``datetime`` (a date alone is its midnight). A
    value that cannot be read as its kind is a ValueError saying what was
    expected, never a silent None.

    >>> read_value("number", "12.50"), read_value("date", ""), read_value("integer", " 7")
    (Decimal('12.50'), None, 7)
    """
    if kind == "text":
        return raw if raw else None
    text = raw.strip()
    if not text:
        return None
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return Decimal(text)
    # The patterns of _date_key/_datetime_key, then the calendar: the same test,
    # without building the key text (exports read every date this way).
    if kind in ("date", "datetime") and (
        _DATE.fullmatch(text) or (kind == "datetime" and _DATETIME.fullmatch(text))
    ):
        try:
            if kind == "date":
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text)  # a date alone is its midnight
        except ValueError:
            pass  # not a real day: 1990-02-30
    raise ValueError(f"{text!r} is not {_EXPECTED[kind]}")


def like_regex(pattern: str) -> re.Pattern[str]:
    """The whole-value, case-insensitive match of a ``$like`` pattern (``*``: any run).

    Time linear in the value: each piece between two ``*`` is found at its
    first place after the previous one, in an atomic group, so a failed
    match never tries another split (``.*a.*a.*b`` would: O(n³) on "aaa...").
    The first place is the right one: it leaves the most room for the rest.

    >>> bool(like_regex("*ont").fullmatch("dupont"))
    True
    """
    parts = [re.escape(part) for part in pattern.casefold().split("*")]
    if len(parts) == 1:
        return re.compile(parts[0], re.DOTALL)
    found = "".join(f"(?>.*?{part})" for part in parts[1:-1] if part)
    return re.compile(f"{parts[0]}{found}.*{parts[-1]}", re.DOTALL)
