"""How a value is read: the one meaning of values for every part of scale-query.

Rules and :func:`~scale_query.validate`, :func:`~scale_query.evaluate`, the SQL
compilers and the emulator's store all call this module, so a value that one
of them accepts, the others accept too, with the same meaning: MySQL 8's, the
datamart's (docs/semantics.md has the table):

- text compares by the primary weights of ``utf8mb4_0900_ai_ci``
  (:mod:`._collation`): accents and case ignored, ``ß`` = ``ss``, trailing
  spaces significant; a text field a record never had is NULL (no key) and
  matches no comparison, while a stored empty text is ``""``;
- a number is ``-?[0-9]+(.[0-9]+)?`` in US notation (ASCII digits only),
  compared exactly as a decimal (:func:`number_key`), never as a double;
- a typed value is stored as MySQL stores it (:func:`stored_text`): an integer
  without leading zeros, a decimal at its field's scale (``length`` ``M,D``,
  2 when absent), a date as ``yyyy-mm-dd``, a datetime with its time;
- a date or datetime is read as MySQL converts it (:func:`read_moment`):
  ``1990-6-12``, ``19900612``, ``2020-12-19T12:50:50``, ``2020-12-19 12:50``;
  a date field compared with a datetime compares as a datetime at midnight;
  a day that does not exist (``2000-02-30``) matches nothing;
- spaces around a number or a date are ignored, as MySQL ignores them;
- ``$like`` matches character by character by each character's weights
  (:func:`like_key`), ``*`` standing for any run, as MySQL's ``LIKE`` does;
  ``$regex`` is the policy of :func:`compile_regex` (see ``_regex``).

>>> literal_key("number", " 12") == literal_key("number", "12.0"), stored_key("number", "")
(True, None)
>>> stored_text("number", "12.5"), stored_text("integer", "007")
('12.50', '7')
>>> stored_text("datetime", "2020-1-2")
'2020-01-02 00:00:00'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import TypeAlias

from ..language import format_number
from ._collation import like_key, text_key
from ._regex import MAX_REGEX_LENGTH, compile_regex
from ._schema import FieldKind

__all__ = [
    "DEFAULT_SCALE",
    "MAX_REGEX_LENGTH",
    "Key",
    "LiteralError",
    "Moment",
    "StoredValue",
    "a_kind",
    "canonical_moment",
    "compile_regex",
    "like_key",
    "like_match",
    "literal_key",
    "number_key",
    "read_moment",
    "read_value",
    "stored_key",
    "stored_text",
    "text_key",
]

#: A stored value read by its field's kind (:func:`read_value`); None when empty.
StoredValue: TypeAlias = "str | int | Decimal | dt.date | dt.datetime | None"

#: A value made comparable (always a ``str``, compared by code point): a
#: collation key, a :func:`number_key`, or ``yyyy-mm-dd hh:mm:ss``; None for
#: no value (NULL), which matches no comparison.
Key: TypeAlias = "str | None"

#: The scale of a decimal field whose ``length`` gives none (MySQL's DECIMAL(10,2)).
DEFAULT_SCALE = 2

# ASCII digits only: re's \d would also take "²" and Arabic-Indic digits. No
# pattern here nests a quantifier, so each reads in time linear in the text.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+")
_CANONICAL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CANONICAL_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
# The spellings MySQL converts to a date or datetime (docs/semantics.md):
# delimited with one-or-two-digit parts, 'T' or ' ' before an optional time
# (seconds optional), or the digits alone (yyyymmdd, yyyymmddhhmmss).
_DELIMITED = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2}))?)?"
)
_DIGITS = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:([0-9]{2})([0-9]{2})([0-9]{2}))?")
# Positive and negative number keys; "~" sorts after every digit.
_EXPONENT = 10**9


class Moment:
    """A date or datetime as MySQL reads a literal: its canonical text, or impossible."""

    __slots__ = ("has_time", "possible", "text")

    def __init__(self, text: str, has_time: bool, possible: bool) -> None:
        #: ``yyyy-mm-dd hh:mm:ss`` (a date at midnight); "" when impossible.
        self.text = text
        self.has_time = has_time
        self.possible = possible


def read_moment(text: str) -> Moment | None:
    """A date or datetime literal as MySQL converts it; None when it is no such spelling.

    >>> read_moment("1990-6-12").text, read_moment("20201219125050").text
    ('1990-06-12 00:00:00', '2020-12-19 12:50:50')
    >>> read_moment("2000-02-30").possible, read_moment("Dupont")
    (False, None)
    """
    text = text.strip()
    found = _DELIMITED.fullmatch(text) or _DIGITS.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in found.groups())
    has_time = found.group(4) is not None
    try:
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2000-02-30, 25:00
        return Moment("", has_time, False)
    # isoformat, not strftime: glibc's %Y drops the zeros of years before 1000.
    return Moment(moment.isoformat(sep=" ", timespec="seconds"), has_time, True)


def canonical_moment(kind: FieldKind, text: str) -> str | None:
    """The canonical spelling of a date or datetime literal (None: not one, or impossible).

    >>> canonical_moment("date", "1990-6-12"), canonical_moment("datetime", "2020-12-19T12:50")
    ('1990-06-12', '2020-12-19 12:50:00')
    """
    moment = read_moment(text)
    if moment is None or not moment.possible:
        return None
    if kind == "date" and moment.text.endswith(" 00:00:00"):
        return moment.text[:10]
    return moment.text


def number_key(number: Decimal) -> str:
    """A key ordered as the numbers are, exactly (code point order of the texts).

    >>> number_key(Decimal("12.5")) == number_key(Decimal("12.50"))
    True
    >>> sorted(["-2", "-10", "0", "0.5", "9007199254740993", "9007199254740992"],
    ...        key=lambda n: number_key(Decimal(n)))
    ['-10', '-2', '0', '0.5', '9007199254740992', '9007199254740993']
    """
    if not number:
        return "1"
    sign, digits, _ = number.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    exponent = number.adjusted()
    if not sign:
        return f"2{exponent + _EXPONENT:010d}{text}"
    flipped = text.translate(_NINES)
    return f"0{_EXPONENT - exponent:010d}{flipped}~"


_NINES = str.maketrans("0123456789", "9876543210")


def _decimal(text: str, pattern: re.Pattern[str] = _NUMBER) -> Decimal | None:
    text = text.strip()
    if not pattern.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # beyond the context's exponent range: not reachable by text
        return None


# A context wide enough for every digit: quantize never rounds past the scale.
_WIDE = Context(prec=MAX_PREC)


def _rounded(number: Decimal, places: int) -> Decimal:
    """``number`` at ``places`` digits after the point, halves away from zero (MySQL)."""
    rounded = number.quantize(
        _STEPS[places] if places < 31 else Decimal(1).scaleb(-places), ROUND_HALF_UP, _WIDE
    )
    return rounded if rounded else rounded.copy_abs()  # never -0.00


_STEPS = [Decimal(1).scaleb(-places) for places in range(31)]


def stored_text(kind: FieldKind, raw: str, scale: int | None = None) -> str | None:
    """The text MySQL keeps for ``raw`` in a field of ``kind``; None when it cannot be stored.

    Text is kept as written; an empty typed value is "" (no value). The rest
    is normalised: the text ``$like`` and ``$regex`` see.

    >>> stored_text("number", " 3", 1), stored_text("date", "2020-12-19 12:50")
    ('3.0', '2020-12-19')
    """
    if kind == "text":
        return raw
    if not raw.strip():
        return ""
    if kind in ("number", "integer"):
        number = _decimal(raw, _INTEGER if kind == "integer" else _NUMBER)
        if number is None:
            return None
        if kind == "integer":
            return str(int(number))
        places = DEFAULT_SCALE if scale is None else scale
        return format_number(_rounded(number, places))
    moment = canonical_moment(kind, raw)
    # A date field keeps the day of a datetime written to it, as MySQL does.
    return moment[:10] if moment is not None and kind == "date" else moment


def stored_key(kind: FieldKind, raw: str | None, scale: int | None = None) -> Key:
    """The comparable key of a stored value; None for no value (NULL).

    Cached: records repeat their values (a country, a first name), and a
    key costs a collation lookup or a decimal's rounding.

    A text field holding "" has the key ""; a typed field holding "" (or a
    value it cannot read) has none.

    >>> stored_key("text", "Élodie") == stored_key("text", "elodie"), stored_key("date", "")
    (True, None)
    """
    if raw is None:
        return None
    return _cached_key(kind, raw, scale)


def _stored_key(kind: FieldKind, raw: str, scale: int | None) -> Key:
    if kind == "text":
        return text_key(raw)
    text = stored_text(kind, raw, scale)
    if not text:
        return None
    if kind in ("number", "integer"):
        return number_key(Decimal(text))
    return text if len(text) > 10 else f"{text} 00:00:00"


@functools.lru_cache(maxsize=65536)
def _cached_key(kind: FieldKind, raw: str, scale: int | None) -> Key:
    return _stored_key(kind, raw, scale)


def literal_key(kind: FieldKind, value: str | Decimal, field: str = "field") -> Key:
    """The key of a filter literal for a field of ``kind``; ValueError when it does not fit.

    None is a date or datetime that does not exist (``2000-02-30``): MySQL
    converts it to nothing, and it matches no record.

    >>> literal_key("datetime", "2020-12-19") == literal_key("date", Decimal(20201219))
    True
    """
    text = value if isinstance(value, str) else format_number(value)
    if kind == "text":
        return text_key(text)
    if kind in ("number", "integer"):
        number = value if isinstance(value, Decimal) else _decimal(text)
        if number is None:
            raise LiteralError(field, kind, text)
        return number_key(number)
    moment = read_moment(text)
    if moment is None:
        raise LiteralError(field, kind, text)
    return moment.text if moment.possible else None


def like_match(keys: tuple[str, ...], key: str) -> bool:
    """Whether ``key`` is ``keys`` joined by any runs (the pieces of a ``$like`` pattern).

    Linear in the key: each middle piece is found at its first place after
    the previous one (the first place leaves the most room for the rest).

    >>> like_match(("du", "", "t"), "dupont"), like_match(("a", "a"), "a")
    (True, False)
    >>> like_match((like_key("h"), like_key("LENE")), like_key("Hélène"))
    True
    """
    if len(keys) == 1:
        return key == keys[0]
    first, last = keys[0], keys[-1]
    if len(key) < len(first) + len(last) or not key.startswith(first) or not key.endswith(last):
        return False
    at, end = len(first), len(key) - len(last)
    for piece in keys[1:-1]:
        if piece:
            found = key.find(piece, at, end)
            if found < 0:
                return False
            at = found + len(piece)
    return True


class LiteralError(ValueError):
    """A filter literal that does not fit its field's kind.

    ``str()`` quotes the value, for whoever wrote it; ``without_value`` says
    the same without it, for answers that may end up in logs (the value is
    often personal data).

    >>> LiteralError("DateNaissance", "date", "jo@example.net").without_value
    'DateNaissance is a date field: the value is not a date such as "1990-06-12"'
    """

    def __init__(self, field: str, kind: FieldKind, text: str) -> None:
        expected = _EXPECTED[kind]
        self.without_value = f"{field} is {a_kind(kind)} field: the value is not {expected}"
        super().__init__(f"{field} is {a_kind(kind)} field: {text!r} is not {expected}")


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


def read_value(kind: FieldKind, raw: str) -> StoredValue:
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
    # The canonical spellings first (exports read every date this way), then
    # the ones MySQL converts.
    if kind in ("date", "datetime"):
        try:
            if kind == "date" and _CANONICAL_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _CANONICAL_DATE.fullmatch(text) or _CANONICAL_DATETIME.fullmatch(text):
                return dt.datetime.fromisoformat(text)  # a date alone is its midnight
        except ValueError:
            pass  # not a real day: 1990-02-30
        canonical = canonical_moment(kind, text)
        if canonical is not None and kind == "date":
            return dt.date.fromisoformat(canonical[:10])
        if canonical is not None:
            return dt.datetime.fromisoformat(canonical)
    raise ValueError(f"{text!r} is not {_EXPECTED[kind]}")
