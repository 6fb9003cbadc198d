"""How the datamart API's query parameters read: one reading for the client and the emulator.

:meth:`scale_query.Query.from_url` and the emulator accept the same URLs and
refuse the rest in the same words, because both read ``limit``, ``offset``,
``page``, ``pagesize`` and ``sort_by`` here. Every reading is linear in the
text and never echoes more than :func:`excerpt` of a hostile value.

>>> whole_number("limit", " 50 ", 0)
50
>>> sort_keys('"{"Nom":"asc","id_contact":"DESC"}')
[('Nom', False), ('id_contact', True)]
>>> try:
...     whole_number("page", "²", 1)
... except ValueError as error:
...     print(error)
page must be a whole number from 1 to 9223372036854775807 (ASCII digits), not '²'
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

__all__ = [
    "MAX_INT64",
    "excerpt",
    "json_depth_exceeds",
    "query_pairs",
    "sort_keys",
    "whole_number",
]

#: The largest integer the API takes (SQLite's 64-bit signed range): ids and paging.
MAX_INT64 = 2**63 - 1

# ASCII digits only: str.isdigit() and int() also take "²" and "٣". More than
# 19 digits are refused before int() sees them, so 5,000 digits cost nothing.
_DIGITS = re.compile(r"[0-9]{1,19}")
_DIRECTIONS = {"asc": False, "desc": True}
# A JSON string (skipped whole, an unterminated one to the end) or a bracket.
# The alternatives in the repeated group start with different characters, so
# matching never backtracks: linear in the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def excerpt(text: str, limit: int = 40) -> str:
    """``repr(text)``, shortened to about ``limit`` characters (a hostile value may be huge).

    >>> excerpt("9" * 5000, 10)
    "'9999999999'... (5000 characters)"
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a URL's query string, percent-decoded as UTF-8.

    A percent-escape that is not UTF-8 (``%FF``, or ``%ED%A0%80``, a lone
    surrogate) is a ValueError naming the parameter, never a silent U+FFFD that
    would match other text than was sent. The value is not echoed: it may be
    personal data.

    >>> query_pairs("filter=Nom%20%24eq%20%22Lo%C3%AFc%22&limit=")
    [('filter', 'Nom $eq "Loïc"'), ('limit', '')]
    >>> try:
    ...     query_pairs("filter=%FF")
    ... except ValueError as error:
    ...     print(error)
    query parameter 'filter' is not UTF-8 text once percent-decoded (an escape such as %FF)
    """
    pairs = parse_qsl(query, keep_blank_values=True, errors="surrogateescape")
    for name, value in pairs:
        # Bytes that are not UTF-8 come out of surrogateescape as lone surrogates.
        if not _is_utf8(name):
            raise ValueError("a query parameter name is not UTF-8 text once percent-decoded")
        if not _is_utf8(value):
            raise ValueError(
                f"query parameter {name!r} is not UTF-8 text once percent-decoded "
                "(an escape such as %FF)"
            )
    return pairs


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def whole_number(name: str, raw: str, minimum: int, maximum: int = MAX_INT64) -> int:
    """``raw`` as a whole number in ``[minimum, maximum]``: spaces around, ASCII digits only."""
    text = raw.strip(" ")
    if _DIGITS.fullmatch(text):
        value = int(text)
        if minimum <= value <= maximum:
            return value
    raise ValueError(
        f"{name} must be a whole number from {minimum} to {maximum} (ASCII digits), "
        f"not {excerpt(raw)}"
    )


def sort_keys(raw: str) -> list[tuple[str, bool]]:
    """``sort_by``'s JSON object as ``(field, descending)`` pairs, in order.

    The reference writes ``sort_by="{...}``, with a stray quote before (and
    maybe after) the object: it is taken too. Anything but a flat object of
    ``"asc"``/``"desc"`` (any case) is a ValueError.
    """
    text = raw.strip()
    if text.startswith('"{'):
        text = text[1:-1] if text.endswith('}"') else text[1:]
    spec: object = None
    # A flat object: anything nested is refused before json reads it (json
    # recurses, and a deep enough text would exhaust it).
    if not json_depth_exceeds(text, 1):
        try:
            spec = json.loads(text)
        except ValueError:  # JSONDecodeError, or a lone surrogate
            spec = None
    if not isinstance(spec, dict):
        raise ValueError(
            f'sort_by must be a JSON object such as {{"Nom":"asc"}}, not {excerpt(raw)}'
        )
    keys = []
    for name, direction in spec.items():
        descending = _DIRECTIONS.get(direction.lower()) if isinstance(direction, str) else None
        if descending is None:
            raise ValueError(f'sort_by: {excerpt(name)} must be "asc" or "desc"')
        keys.append((name, descending))
    return keys


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether arrays and objects in the JSON ``text`` nest deeper than ``limit``.

    Read before ``json.loads``, whose recursion a deep enough text would exhaust.

    >>> json_depth_exceeds('[{"data": {"a": "[[[["}}]', 3), json_depth_exceeds("[[[[]]]]", 3)
    (False, True)
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > limit:
                return True
        elif first in "]}":
            depth -= 1
    return False
