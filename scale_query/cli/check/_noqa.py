"""``# noqa`` comments: which codes a line suppresses.

``# noqa`` suppresses every code on its line; ``# noqa: SQ201, SQ107`` (codes
or code prefixes, separated by commas or spaces, any case) suppresses those.
In a Python source the comment may follow another one (``# type: ignore  #
noqa: SQ107``). Reading a line costs time linear in its length: the only
pattern is a ``#`` followed by blanks and the word, and the codes are split,
not matched.

>>> sorted(line_noqa('q.where("Nom $eq 1")  # noqa: sq107, SQ2'))
['SQ107', 'SQ2']
>>> line_noqa("x = 1  # noqa") is ALL, line_noqa("x = 1") is None
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

__all__ = ["ALL", "Noqa", "codes_after", "line_noqa", "suppressed"]

#: Codes a noqa comment suppresses; :data:`ALL` (an empty set) suppresses every code.
Noqa = frozenset[str]
ALL: Final[Noqa] = frozenset()

# One '#', blanks, the word: no nested or adjacent overlapping quantifiers.
_MARK = re.compile(r"#[ \t]*noqa", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+[0-9]*")
_SEPARATORS = re.compile(r"[\s,]+")


def codes_after(text: str) -> Noqa:
    """The codes of a noqa comment, given the text after its ``noqa`` word."""
    rest = text.lstrip(" \t")
    if not rest.startswith(":"):
        return ALL
    codes = []
    for word in _SEPARATORS.split(rest[1:].strip()):
        if not _CODE.fullmatch(word):
            break  # free text after the codes, as ruff allows
        codes.append(word.upper())
    return frozenset(codes) if codes else ALL


def line_noqa(line: str) -> Noqa | None:
    """The codes a ``# noqa`` comment on this Python line suppresses, or None without one."""
    if "noqa" not in line.lower():
        return None
    match = _MARK.search(line)
    if match is None:
        return None
    return codes_after(line[match.end() :])


def suppressed(code: str, noqa: Mapping[int, Noqa], lines: Iterable[int]) -> bool:
    """Whether a noqa comment on one of ``lines`` covers ``code``."""
    for line in lines:
        codes = noqa.get(line)
        if codes is not None and (not codes or any(code.startswith(c) for c in codes)):
            return True
    return False
