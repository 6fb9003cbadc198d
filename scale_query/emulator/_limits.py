"""Every bound a request to the emulator meets, and the checks that hold it.

docs/emulator.md ("Security and limits") lists these values; the OpenAPI
document (:mod:`._openapi`) is written from them, so the three never drift.
Each check costs time linear in its input and answers a clear message
(an :class:`InputError`), never an exception the server would turn into a 500.

>>> whole_number("limit", "50", 0)
50
>>> try:
...     whole_number("page", "²", 1, 99)
... except InputError as error:
...     print(error)
page must be a whole number from 1 to 99 (ASCII digits), not '²'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "MAX_ADMIN_BODY_BYTES",
    "MAX_BODY_BYTES",
    "MAX_CONNECTIONS",
    "MAX_FORM_FIELDS",
    "MAX_HEAD_BYTES",
    "MAX_INT64",
    "MAX_JSON_DEPTH",
    "MAX_RECORDS_PER_WRITE",
    "MAX_URL_BYTES",
    "InputError",
    "excerpt",
    "json_depth_exceeds",
    "lone_surrogate",
    "surrogate_path",
    "whole_number",
]

#: The largest integer SQLite stores (64-bit signed): ids and paging values.
MAX_INT64 = 2**63 - 1
#: The request target (path and query string, as sent) may hold at most this
#: many bytes; past it the answer is 414. Common web servers stop near here
#: too (nginx's and Apache's default request line is about 8 KiB), so a filter
#: that passes the emulator also passes the real API's front end.
MAX_URL_BYTES = 8192
#: The whole request head (request line and headers): past it, the HTTP
#: server refuses the request (400) before the app sees it.
MAX_HEAD_BYTES = 64 * 1024
#: A request body (a ``put_objects`` form) may hold at most this many bytes (413).
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Open connections at once (each may be sending a body up to MAX_BODY_BYTES).
MAX_CONNECTIONS = 256
#: A body on the admin paths may hold at most this many bytes (fault switches are tiny).
MAX_ADMIN_BODY_BYTES = 64 * 1024
#: A ``put_objects`` form may hold at most this many fields (the API reads one).
MAX_FORM_FIELDS = 16
#: A ``put_objects`` body may hold at most this many records.
MAX_RECORDS_PER_WRITE = 10_000
#: Arrays and objects in ``objects`` may nest this deep (a record needs 3:
#: the array, the record, its ``data``).
MAX_JSON_DEPTH = 8

# ASCII digits only: str.isdigit() and int() also take "²" and "٣". Twenty
# digits are refused before int() sees them, so a 5,000-digit value costs nothing.
_DIGITS = re.compile(r"[0-9]{1,19}")
# A JSON string (skipped whole, an unterminated one to the end) or a bracket.
# The alternatives in the repeated group start with different characters, so
# matching never backtracks: linear in the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


class InputError(ValueError):
    """A request value out of bounds; the message says which and what is allowed."""


def excerpt(text: str, limit: int = 40) -> str:
    """``repr(text)``, shortened to about ``limit`` characters (a hostile value may be huge).

    >>> excerpt("9" * 5000, 10)
    "'9999999999'... (5000 characters)"
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def whole_number(name: str, raw: str, minimum: int, maximum: int = MAX_INT64) -> int:
    """``raw`` read as a whole number in ``[minimum, maximum]``, ASCII digits only."""
    text = raw.strip(" ")
    if _DIGITS.fullmatch(text):
        value = int(text)
        if minimum <= value <= maximum:
            return value
    raise InputError(
        f"{name} must be a whole number from {minimum} to {maximum} (ASCII digits), "
        f"not {excerpt(raw)}"
    )


def lone_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text`` (not encodable as UTF-8), or None.

    >>> lone_surrogate("ok"), lone_surrogate("a\\udc80")
    (None, 1)
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _walk(item, f"{path}[{n}]")


def surrogate_path(value: Any, root: str = "") -> str | None:
    """Where a parsed JSON value holds a lone surrogate (``objects[1].data.Nom``), or None.

    A key holding one is named by its parent's path.

    >>> surrogate_path([{"data": {"Nom": "ok"}}, {"data": {"Nom": "\\udc80"}}], "objects")
    'objects[1].data.Nom'
    """
    for path, text in _walk(value, root):
        if lone_surrogate(text) is not None:
            return path.encode("utf-8", "backslashreplace").decode()
    return None


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
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
