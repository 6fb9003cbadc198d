"""The ``get_objects`` URL's rules: its parameters, their bounds, how each reads and writes.

One module for the client and the emulator: :class:`scale_query.Query`
writes its URL with :func:`write_params` and reads one back with
:func:`read_window` and the readers below; the emulator reads the same URL
with the same functions and answers their messages as 400s; the OpenAPI
document describes :data:`PARAMS`. So the client, the emulator and the
document accept the same URLs and refuse the rest in the same words. Every
reading is linear in the text and never echoes more than :func:`excerpt` of
a hostile value. The path's object name and instance id are read by
:func:`check_name`, for the client and the emulator alike.

==========  =======  ===========================================================
parameter   bounds   read as
==========  =======  ===========================================================
filter      text     a filter; blank means none
fields      text     field names separated by commas (spaces around dropped)
sort_by     text     a JSON object of name to ``"asc"``/``"desc"``; blank: none
limit       >= 0     ASCII digits (any leading zeros), spaces around, to ``MAX_INT64``
offset      >= 0     the same
page        >= 1     the same; needs ``pagesize``
pagesize    >= 1     the same; alone it reads page 1; at most the server's cap
==========  =======  ===========================================================

>>> read_window({"limit": " 50 ", "pagesize": "20"})
Window(limit=50, offset=None, page=1, pagesize=20)
>>> write_params(fields=["Nom", "EMail"], order=[("Nom", True)], limit=5)
[('fields', 'Nom,EMail'), ('sort_by', '{"Nom":"desc"}'), ('limit', '5')]
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

__all__ = [
    "MAX_INT64",
    "MAX_PAGE_SIZE",
    "MAX_URL_BYTES",
    "PARAMS",
    "PARAM_NAMES",
    "SORT_DIRECTIONS",
    "Param",
    "Window",
    "check_count",
    "check_name",
    "excerpt",
    "field_name",
    "given",
    "json_depth_exceeds",
    "query_pairs",
    "read_fields",
    "read_window",
    "sort_keys",
    "whole_number",
    "write_params",
]

#: The largest integer the API takes (SQLite's 64-bit signed range): ids and paging.
MAX_INT64 = 2**63 - 1
#: The longest URL (path and query string, percent-encoded, so ASCII) in
#: bytes. Common web servers refuse a request line past about 8 KiB (nginx's
#: and Apache's defaults): the client refuses to send a longer one and the
#: emulator answers it 414, so a filter that passes one passes the other.
MAX_URL_BYTES = 8192
#: The most records one ``get_objects`` response holds (the Scal-e API's cap):
#: the emulator's default ``max_page_size``, the client's ``max_page_size``.
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Param:
    """One query parameter of ``get_objects``: its name, bounds and description.

    ``minimum`` is None for a text parameter; a count runs from ``minimum``
    to :data:`MAX_INT64`. ``description`` and ``example`` are what the
    OpenAPI document says of it.
    """

    name: str
    minimum: int | None
    description: str
    example: str | int


#: The parameters, in the order the client writes them.
PARAMS = (
    Param(
        "filter",
        None,
        "A filter in the datamart's language, e.g. "
        '`DateNaissance $gt "1990-06-12" $and EMail $like "*S*"`. '
        "A bad filter is a 400 with its line, column and a hint.",
        'Nom $like "*du*"',
    ),
    Param(
        "fields",
        None,
        "Field names separated by commas: only these, in this order.",
        "Nom,Prenom,EMail",
    ),
    Param(
        "sort_by",
        None,
        'A JSON object of field name to "asc" or "desc"; ties by ascending id.',
        '{"Nom":"asc"}',
    ),
    Param("limit", 0, "At most this many records of the sorted result.", 50),
    Param("offset", 0, "Skip this many records of the sorted result.", 0),
    Param("page", 1, "1-based page over the limit/offset window; needs pagesize.", 1),
    Param(
        "pagesize",
        1,
        "Records per page, at most the server's cap (a larger pagesize is a 400).",
        30,
    ),
)
PARAM_NAMES = tuple(param.name for param in PARAMS)
_MINIMUM = {param.name: param.minimum for param in PARAMS if param.minimum is not None}

# ASCII digits only: str.isdigit() and int() also take "²" and "٣". More than
# 19 digits are refused before int() sees them, so 5,000 digits cost nothing.
_DIGITS = re.compile(r"[0-9]{1,19}")
#: ``sort_by``'s directions, indexed by "descending" (any case is read).
SORT_DIRECTIONS = ("asc", "desc")
_DIRECTIONS = {word: bool(n) for n, word in enumerate(SORT_DIRECTIONS)}
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


def given(params: Mapping[str, str], name: str) -> str | None:
    """The value of ``filter`` or ``sort_by`` if it holds more than spaces: blank means none.

    >>> given({"filter": "  "}, "filter"), given({"sort_by": '{"a":"asc"}'}, "sort_by")
    (None, '{"a":"asc"}')
    """
    value = params.get(name)
    return value if value is not None and value.strip() else None


def whole_number(name: str, raw: str, minimum: int, maximum: int = MAX_INT64) -> int:
    """``raw`` as a whole number in ``[minimum, maximum]``: spaces around, ASCII digits only."""
    text = raw.strip(" ")
    # Leading zeros do not count toward the 19 digits: "000...05" is 5 at any padding.
    significant = text.lstrip("0") or text[:1]
    if _DIGITS.fullmatch(significant):
        value = int(significant)
        if minimum <= value <= maximum:
            return value
    raise ValueError(
        f"{name} must be a whole number from {minimum} to {maximum} (ASCII digits), "
        f"not {excerpt(raw)}"
    )


def check_count(param: str, value: object, what: str | None = None) -> int:
    """``value``, a Python int, if it is in the bounds of the count ``param``.

    Else a TypeError or ValueError naming ``what`` (``param`` by default).

    >>> check_count("pagesize", 30, "page size")
    30
    >>> try:
    ...     check_count("page", 0)
    ... except ValueError as error:
    ...     print(error)
    page must be at least 1, not 0
    """
    what = what or param
    minimum = _MINIMUM[param]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} is an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, not {value}")
    if value > MAX_INT64:
        raise ValueError(f"{what} must be at most {MAX_INT64} (the API's 64-bit range)")
    return value


def field_name(name: object, what: str = "field name") -> str:
    """``name`` if it can stand in ``fields`` or ``sort_by``: a non-blank str without ``,``.

    >>> field_name("Nom")
    'Nom'
    """
    if not isinstance(name, str):
        raise TypeError(f"a {what} is a str, not {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"a {what} cannot be empty")
    if "," in name:
        raise ValueError(
            f"a {what} cannot contain ',' (the API separates fields with it): {excerpt(name)}"
        )
    return name


def read_fields(raw: str) -> list[str]:
    """``fields``' names, in order, spaces around each dropped; an empty one is a ValueError.

    >>> read_fields("Nom, Prenom")
    ['Nom', 'Prenom']
    """
    names = [name.strip() for name in raw.split(",")]
    if not all(names):
        raise ValueError(f"fields must be field names separated by commas, not {excerpt(raw)}")
    return names


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


@dataclass(frozen=True, slots=True)
class Window:
    """The records a URL asks for: ``limit``, ``offset``, ``page`` and ``pagesize``, as read.

    ``page`` and ``pagesize`` are both set or both None: a lone ``pagesize``
    reads page 1, as the API does.
    """

    limit: int | None = None
    offset: int | None = None
    page: int | None = None
    pagesize: int | None = None

    def rows(self, cap: int = MAX_PAGE_SIZE) -> tuple[int, int]:
        """``(start, count)``: the rows of the sorted result to send, at most ``cap``.

        The page runs over the ``limit``/``offset`` window. A ``pagesize``
        over ``cap`` is a ValueError; a start past :data:`MAX_INT64` (past any
        table SQLite can hold, and past what its OFFSET takes) sends nothing.

        >>> Window(limit=12, offset=5, page=3, pagesize=5).rows()
        (15, 2)
        """
        if self.pagesize is not None and self.pagesize > cap:
            raise ValueError(f"pagesize {self.pagesize} is over the maximum of {cap}")
        offset = self.offset or 0
        start, count = offset, cap
        if self.pagesize is not None:
            start, count = offset + ((self.page or 1) - 1) * self.pagesize, self.pagesize
        if self.limit is not None:
            count = min(count, max(0, offset + self.limit - start))
        if start > MAX_INT64:
            return 0, 0
        return start, min(count, cap)


def _count_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    return None if raw is None else whole_number(name, raw, _MINIMUM[name])


def read_window(params: Mapping[str, str]) -> Window:
    """The window of a URL's parameters; a bad count, or ``page`` alone, is a ValueError.

    >>> try:
    ...     read_window({"page": "2"})
    ... except ValueError as error:
    ...     print(error)
    page needs pagesize: pass both, e.g. page=2&pagesize=50
    """
    limit, offset = _count_param(params, "limit"), _count_param(params, "offset")
    page, size = _count_param(params, "page"), _count_param(params, "pagesize")
    if page is not None and size is None:
        raise ValueError("page needs pagesize: pass both, e.g. page=2&pagesize=50")
    return Window(limit, offset, None if size is None else page or 1, size)


def write_params(
    *,
    filter: str | None = None,
    fields: Iterable[str] = (),
    order: Iterable[tuple[str, bool]] = (),
    limit: int | None = None,
    offset: int | None = None,
    page: int | None = None,
    pagesize: int | None = None,
) -> list[tuple[str, str]]:
    """The query parameters, in :data:`PARAM_NAMES`' order, only those set.

    ``order`` is ``(field, descending)`` pairs, as :func:`sort_keys` reads them.
    """
    params: list[tuple[str, str]] = []
    if filter is not None:
        params.append(("filter", filter))
    if names := ",".join(fields):
        params.append(("fields", names))
    if spec := {name: SORT_DIRECTIONS[down] for name, down in order}:
        params.append(("sort_by", json.dumps(spec, separators=(",", ":"), ensure_ascii=False)))
    for name, value in (
        ("limit", limit),
        ("offset", offset),
        ("page", page),
        ("pagesize", pagesize),
    ):
        if value is not None:
            params.append((name, str(value)))
    return params


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


# An object name or instance id, a segment of the URL's path: letters, digits,
# "_", "." and "-", never starting with "." or "-", so no name can be "..",
# hold a "/" or start a query string, even before percent-encoding. Linear:
# one class repeated, nothing nested.
_NAME = re.compile(r"[^\W][\w.\-]*")


def check_name(kind: str, name: object) -> str:
    """Return ``name`` if it is a safe object name or instance id, else raise ValueError.

    >>> check_name("object name", "contact")
    'contact'
    """
    if not isinstance(name, str):
        raise TypeError(f"the {kind} is a str, not {type(name).__name__}")
    if not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"bad {kind} {excerpt(name)}: use letters, digits, '_', '.' and '-' (not first), "
            "with no '..'"
        )
    return name
