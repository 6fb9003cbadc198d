"""Code point sets for ``$regex``: ranges, complements, and RE2's closure over case.

A class of a pattern means a set of code points; matching ignores case, so
what it takes is that set closed over case as RE2 (Unicode 15) folds:
``k`` takes ``K`` and ``K`` (Kelvin). Writers that spell every case variant out
for an engine matching case-sensitively (:mod:`._engines`) use these sets.

>>> closure(((ord("k"), ord("k")),)) == ((0x4B, 0x4B), (0x6B, 0x6B), (0x212A, 0x212A))
True
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeAlias

__all__ = [
    "MAX_CODE_POINT",
    "Ranges",
    "case_extras",
    "closure",
    "complement",
    "contains",
    "divergent",
    "normalize",
    "orbits",
]

#: Inclusive code point ranges, sorted and disjoint.
Ranges: TypeAlias = tuple[tuple[int, int], ...]

MAX_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


def normalize(pairs: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, merged ranges."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(pairs):
        if out and low <= out[-1][1] + 1:
            if high > out[-1][1]:
                out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    """Every code point (surrogates excepted: text never holds them) not in ``ranges``."""
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return without_surrogates(tuple(out))


def without_surrogates(ranges: Ranges) -> Ranges:
    """``ranges`` less the surrogate code points."""
    first, last = _SURROGATES
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        if high < first or low > last:
            out.append((low, high))
            continue
        if low < first:
            out.append((low, first - 1))
        if high > last:
            out.append((last + 1, high))
    return tuple(out)


def contains(ranges: Ranges, point: int) -> bool:
    """Whether ``point`` is in ``ranges``."""
    index = bisect.bisect_right(ranges, (point, MAX_CODE_POINT + 1)) - 1
    return index >= 0 and ranges[index][0] <= point <= ranges[index][1]


@functools.cache
def orbits() -> dict[int, tuple[int, ...]]:
    """Each cased character's case-folding orbit, as RE2 (Unicode 15) groups them:
    the characters with the same full case folding (``k``, ``K``, ``K``)."""
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for point in range(0x20000):  # no cased character lies above (a test checks)
        char = chr(point)
        if 0xD800 <= point <= 0xDFFF:
            continue
        fold = char.casefold()
        if fold != char or char.lower() != char or char.upper() != char:
            groups[fold].append(point)
    for fold, members in groups.items():
        if len(fold) == 1 and ord(fold) not in members:
            members.append(ord(fold))
    return {point: tuple(members) for members in groups.values() for point in members}


@functools.cache
def _cased_points() -> tuple[int, ...]:
    return tuple(sorted(orbits()))


def closure(ranges: Ranges) -> Ranges:
    """``ranges`` with every character's case variants (RE2's ``(?i)``)."""
    groups, cased = orbits(), _cased_points()
    extra: list[tuple[int, int]] = []
    for low, high in ranges:
        start = bisect.bisect_left(cased, low)
        stop = bisect.bisect_right(cased, high)
        for point in cased[start:stop]:
            extra.extend((other, other) for other in groups[point])
    return normalize([*ranges, *extra]) if extra else ranges


def case_extras(props: tuple[str, ...]) -> Ranges:
    """The case variants of the characters in the general categories ``props`` outside them.

    RE2's case-insensitive ``[\\p{Lu}]`` takes ``a``: the class is closed over
    case, and an engine matching case-sensitively is given these beside it.
    """
    groups = orbits()
    inside = {point for point in groups if _in_categories(point, props)}
    return normalize(
        (other, other) for point in inside for other in groups[point] if other not in inside
    )


def _in_categories(point: int, props: tuple[str, ...]) -> bool:
    category = unicodedata.category(chr(point))
    return any(category.startswith(name) for name in props)


def _simple_key(point: int) -> str:
    # The grouping of older Unicode tables: by simple case folding, which is
    # the full folding when that is one character, else the lowercase.
    char = chr(point)
    for candidate in (char.casefold(), char.lower()):
        if len(candidate) == 1:
            return candidate
    return char


@functools.cache
def divergent() -> frozenset[int]:
    """Characters whose orbit older RE2 builds (DuckDB's) draw smaller: for them
    an engine's own ``(?i)`` cannot be trusted (``ΐ``/``ΐ``, ``ﬅ``/``ﬆ``)."""
    return frozenset(
        point
        for point, orbit in orbits().items()
        if len({_simple_key(other) for other in orbit}) > 1
    )
