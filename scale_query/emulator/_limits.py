"""Every bound a request to the emulator meets, and the checks that hold it.

docs/emulator.md ("Security and limits") lists these values; the OpenAPI
document (:mod:`._openapi`) is written from them, so the three never drift.
The bounds of the URL itself (its length, the page size cap, the counts'
range) are the API's, shared with the client: they live with the URL's
rules in :mod:`scale_query.semantics._url_rules` and are re-exported here.
Each check costs time linear in its input and answers a clear message
(a ``ValueError``, :class:`InputError` for the emulator's own checks), never
an exception the server would turn into a 500. The API's parameters
(whole numbers, ``sort_by``) are read by the same module, as
``Query.from_url`` reads them.

>>> lone_surrogate("a\\udc80")
1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# The API's parameters read as Query.from_url reads them: one reading, one wording.
from ..semantics import (
    MAX_INT64,
    MAX_PAGE_SIZE,
    MAX_URL_BYTES,
    excerpt,
    json_depth_exceeds,
    whole_number,
)

__all__ = [
    "MAX_ADMIN_BODY_BYTES",
    "MAX_BODY_BYTES",
    "MAX_BOUNDARY_BYTES",
    "MAX_CONCURRENT_QUERIES",
    "MAX_CONNECTIONS",
    "MAX_FORM_FIELDS",
    "MAX_HEAD_BUFFER_BYTES",
    "MAX_HEAD_BYTES",
    "MAX_INT64",
    "MAX_JSON_DEPTH",
    "MAX_JSON_VALUES",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_STEPS",
    "MAX_RECORDS_PER_WRITE",
    "MAX_URL_BYTES",
    "InputError",
    "excerpt",
    "json_depth_exceeds",
    "lone_surrogate",
    "surrogate_path",
    "whole_number",
]

#: The request's headers, names and values together, may hold at most this
#: many bytes; past it the answer is 431 in JSON.
MAX_HEAD_BYTES = 64 * 1024
#: A request head (request line and headers) not finished within this many
#: bytes is refused by the HTTP server itself (h11: 400 in plain text, or the
#: connection closed), so that memory stays bounded; twice MAX_HEAD_BYTES, so a
#: head a little past that bound still reaches the app and gets its 431.
MAX_HEAD_BUFFER_BYTES = 2 * MAX_HEAD_BYTES
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
#: ``objects`` may hold at most this many JSON values in all (records, their
#: values, keys not counted): 100 per record at the record limit. Counted as
#: the body arrives, before it is parsed, so memory stays bounded (a body of
#: 16 MiB of ``{},`` would otherwise cost about 500 MB).
MAX_JSON_VALUES = 1_000_000
#: A multipart boundary may hold at most this many bytes (RFC 2046).
MAX_BOUNDARY_BYTES = 70
#: Arrays and objects in ``objects`` may nest this deep (a record needs 3:
#: the array, the record, its ``data``).
MAX_JSON_DEPTH = 8


#: A read of records (``get_objects``) may run this many SQLite virtual-machine
#: steps (SQLite's progress handler counts them); past it the read stops, a
#: 400. The demo's costliest full scan takes about 250,000; a step of a
#: ``$regex`` filter costs about 0.7 microseconds here, so the bound is a few
#: seconds of CPU at most.
MAX_QUERY_STEPS = 5_000_000
#: ``get_objects`` requests whose SQL runs at once; more wait their turn
#: without holding a worker thread, which stay free for cheap requests.
MAX_CONCURRENT_QUERIES = 8


class InputError(ValueError):
    """A request value out of bounds; the message says which and what is allowed."""


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
