"""Text as MySQL 8's default collation sees it: ``utf8mb4_0900_ai_ci`` primary weights.

The datamart compares, orders and matches text by the primary weights of the
Unicode Collation Algorithm's default table (DUCET 9.0.0, the table MySQL 8's
``utf8mb4_0900_*`` collations are built on), with no variable weighting
(spaces and punctuation weigh) and no padding (NO PAD: a trailing space
counts). Primary weights ignore accents and case, so ``helene`` = ``Hélène``,
``ß`` = ``ss``, ``æ`` = ``ae``; characters without weight (controls, NUL,
combining marks) vanish.

The table comes from pyuca (the DUCET files of the Unicode Consortium, read
as published; docs/architecture.md says why this library), loaded on the
first call only: :func:`~scale_query.validate` and the web page's checker
never need it.

A key is a ``str``: each primary weight ``w`` one character, ``chr(w)``
below the surrogates (every primary weight is at least 0x0200: never an
ASCII character) and ``chr(0x10000 + w)`` from 0xD800 on, so that keys
compare as the collation does with Python's (and SQLite's BINARY) code
point order; no key holds a ``*``, ``?``, ``[``, ``<``, ``>`` or NUL, so
SQLite's GLOB reads like keys as they are. (Most Latin weights take three
bytes in UTF-8: the emulator's keys stay short.)

>>> text_key("helene") == text_key("Hélène"), text_key("a ") == text_key("a")
(True, False)
>>> sorted(["b", "É", "_x", "e"], key=text_key)
['_x', 'b', 'É', 'e']

``LIKE`` is another matter: MySQL matches a pattern character by character,
each character of the value against one of the pattern by its own weights,
so ``ß`` = ``ss`` but ``ß`` does not match ``LIKE 'ss'``, and ``œ`` matches
neither ``o`` nor ``oe``. :func:`like_key` writes each character's weights
between ``<`` and ``>``: a piece of a pattern is found in a value exactly at
whole characters, and GLOB and ``str.find`` need nothing else.

>>> like_key("ß") == like_key("SS"), like_key("é") == like_key("E")
(False, True)
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

__all__ = ["like_key", "text_key"]
#: The Unicode Collation Algorithm version of MySQL 8's ``utf8mb4_0900_*`` collations.
UCA_VERSION = "9.0.0"


def _weight(weight: int) -> str:
    # Order-preserving, and never a surrogate: 0xD800 and up move past the BMP.
    return chr(weight) if weight < 0xD800 else chr(0x10000 + weight)


class _WholeString(Exception):
    """Raised inside ``str.translate`` (not a LookupError, which it would swallow)."""


class _Keys:
    """The loaded table: a per-character cache for ``str.translate`` and the slow path."""

    def __init__(self) -> None:
        from pyuca.collator import Collator_9_0_0

        self.collator: Any = Collator_9_0_0()
        #: Characters whose key depends on their neighbours: the later parts
        #: of a contraction (``·`` in ``l·``); combining marks that weigh are
        #: caught by :meth:`one` (canonical reordering may move them). Strings
        #: holding one take the whole-string path.
        self.contextual: frozenset[str] = frozenset(self._contextual())
        self.table: dict[int, str] = _Table(self)
        self.like_table: dict[int, str] = _LikeTable(self)

    def _contextual(self) -> set[str]:
        found: set[str] = set()
        stack = [(self.collator.table.root, 0)]
        while stack:
            node, depth = stack.pop()
            for point, child in (node.children or {}).items():
                if depth >= 1:  # a contraction needs its later characters
                    found.add(chr(point))
                stack.append((child, depth + 1))
        return found

    def whole(self, text: str) -> str:
        elements = self.collator.collation_elements(unicodedata.normalize("NFD", text))
        return "".join(_weight(e[0]) for e in elements if e[0])

    def one(self, point: int) -> str:
        char = chr(point)
        key = self.whole(char)
        if unicodedata.combining(char) and key:
            raise _WholeString  # a weighing mark (see contextual)
        return key


class _Table(dict[int, str]):
    """``str.translate``'s table, filled on first sight of each character."""

    def __init__(self, keys: _Keys) -> None:
        super().__init__()
        self._keys = keys

    def __missing__(self, point: int) -> str:
        key = self._keys.one(point)
        self[point] = key
        return key


class _LikeTable(dict[int, str]):
    """``str.translate``'s table for :func:`like_key`: each character's own weights."""

    def __init__(self, keys: _Keys) -> None:
        super().__init__()
        self._keys = keys

    def __missing__(self, point: int) -> str:
        key = f"<{self._keys.whole(chr(point))}>"
        self[point] = key
        return key


_loaded: _Keys | None = None
_lock = threading.Lock()


def _keys() -> _Keys:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _Keys()
    return _loaded


def text_key(text: str) -> str:
    """The collation key of ``text``: equal keys for equal texts, ordered as MySQL orders.

    >>> text_key("Straße") == text_key("STRASSE"), text_key("ﬁn") == text_key("fin")
    (True, True)
    """
    keys = _keys()
    if keys.contextual.isdisjoint(text):
        try:
            return text.translate(keys.table)
        except _WholeString:
            pass
    return keys.whole(text)


def like_key(text: str) -> str:
    """``text`` as ``LIKE`` sees it: each character's primary weights, in ``<`` ``>``.

    >>> like_key("Dupont").startswith(like_key("DU")), like_key("a") == like_key("á")
    (True, True)
    """
    return text.translate(_keys().like_table)
