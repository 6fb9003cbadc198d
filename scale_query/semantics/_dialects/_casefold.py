"""Unicode case folding written with SQL's LOWER and REPLACE, exactly.

scale-query compares text after ``str.casefold()``; SQL engines only have
``LOWER``, which differs on a few hundred characters (``ß`` folds to ``ss``,
``µ`` to ``μ``, ``ς`` to ``σ``, the ligatures ``ﬁ`` to ``fi``, Cherokee
small letters to capitals, ...), and SQLite's ``LOWER`` only knows ASCII.
Case folding is exactly: replace a few characters before ``LOWER`` (those
whose lowercase is shared with characters that fold differently, as ``İ``'s
``i``), ``LOWER``, then replace the characters ``LOWER`` leaves unfolded.

Writing every replacement around every column would make each condition
hundreds of ``REPLACE`` calls deep. :func:`needed_fixes` keeps only those that
can change the answer of one comparison:

- for equality and membership, a replacement matters only if its folding
  (or, replaced before LOWER, its lowercase) occurs in the literal: a text
  holding the character holds that, so it differs from the literal either way;
- for ``$like`` (whose only wildcard is ``%``), it matters if a character
  involved (its source, lowercase or folding) occurs in the literal parts:
  any other character can only fall under a ``%``, folded or not;
- for an ordering (``$gt`` ...), the first difference with the literal
  decides, so a replacement matters if a character of the literal lies
  between the first character of its folding and that of its lowercase.

``tests/test_warehouse_casefold.py`` checks both claims, and the tables
against ``str.casefold`` for every character; the DuckDB and SQLite property
tests check them on real engines.

>>> [(f.source, f.target) for f in needed_fixes("unicode", "strasse", "equal")][:2]
[('ß', 'ss'), ('ſ', 's')]
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["Fix", "LowerModel", "Mode", "apply", "fixes", "needed_fixes"]

#: How an engine's LOWER maps a character: "unicode" (the simple or full
#: Unicode lowercase, as DuckDB, Postgres, BigQuery and the JVM engines) or
#: "ascii" (A-Z only, as SQLite without ICU).
LowerModel: TypeAlias = Literal["unicode", "ascii"]
#: The comparison a replacement is chosen for (see :func:`needed_fixes`).
Mode: TypeAlias = Literal["equal", "like", "order"]

# Every cased character lies below U+20000 (checked by a test for the
# running Python's Unicode version); scanning only these is 10 times faster.
_LAST_CASED = 0x1FFFF


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace ``source`` by ``target`` before LOWER (``before_lower``) or after."""

    source: str
    target: str
    before_lower: bool
    #: The characters of source, lowercase and folding: a literal holding none
    #: of them cannot tell the replaced text from the unreplaced one.
    involved: frozenset[str]
    #: First characters of the folding and of the lowercase(s): an ordering
    #: changes only for a literal character between the two.
    low: str
    high: str
    #: What LOWER may give for ``source`` (a fix before LOWER stands for these).
    lowered: tuple[str, ...] = ()


def _characters() -> Iterator[str]:
    for point in range(_LAST_CASED + 1):
        if not 0xD800 <= point <= 0xDFFF:
            yield chr(point)


def _lowercases(model: LowerModel, char: str) -> tuple[str, ...]:
    """What LOWER may give for ``char``: the simple and the full mapping."""
    if model == "ascii":
        return (char.lower() if char.isascii() else char,)
    full = char.lower()
    # Only U+0130 (İ) lowercases to two characters; its simple mapping is "i".
    return (full,) if len(full) == 1 else (full[0], full)


@functools.cache
def fixes(model: LowerModel) -> tuple[Fix, ...]:
    """Every replacement that makes LOWER under ``model`` into case folding."""
    folds_of: defaultdict[str, set[str]] = defaultdict(set)
    special = []
    for char in _characters():
        fold, lowers = char.casefold(), _lowercases(model, char)
        if fold == char and lowers == (char,):
            continue  # most characters: nothing to do, nothing to conflict with
        for lower in lowers:
            folds_of[lower].add(fold)
        if any(lower != fold for lower in lowers):
            special.append((char, fold, lowers))

    def folds(lower: str) -> set[str]:
        # A lowercase that is also a character left alone (i) folds to itself.
        alone = lower.casefold() == lower and _lowercases(model, lower) == (lower,)
        return folds_of[lower] | {lower} if alone else folds_of[lower]

    before: dict[str, Fix] = {}
    after: dict[str, Fix] = {}
    for char, fold, lowers in special:
        involved = frozenset(char + fold + "".join(lowers))
        ends = sorted({fold[0], *(lower[0] for lower in lowers)})
        if all(len(lower) == 1 and folds(lower) == {fold} for lower in lowers):
            for lower in lowers:
                if lower != fold:
                    after[lower] = Fix(lower, fold, False, involved, ends[0], ends[-1])
        else:
            # Its lowercase is also the lowercase of characters that fold
            # differently (İ and I both lower to i): replace it first.
            before[char] = Fix(char, fold, True, involved, ends[0], ends[-1], lowers)
    return (*before.values(), *after.values())


@functools.cache
def _by_character(model: LowerModel) -> dict[str, tuple[Fix, ...]]:
    """The replacements each character is involved in (for :func:`needed_fixes`)."""
    index: defaultdict[str, list[Fix]] = defaultdict(list)
    for fix in fixes(model):
        for char in fix.involved:
            index[char].append(fix)
    return {char: tuple(found) for char, found in index.items()}


@functools.lru_cache(maxsize=4096)
def needed_fixes(model: LowerModel, literal: str, mode: Mode) -> tuple[Fix, ...]:
    """The replacements a comparison with ``literal`` (casefolded text) needs.

    ``mode`` is "equal" (``=``, ``<>``, ``IN``: ``literal`` holds every item),
    "like" (``literal`` holds the pattern's literal parts) or "order".
    """
    chars = set(literal)
    if not chars:
        return ()
    if mode == "order":
        ordered = sorted(chars)
        return tuple(
            fix for fix in fixes(model) if any(fix.low <= char <= fix.high for char in ordered)
        )
    index = _by_character(model)
    candidates = {fix for char in chars for fix in index.get(char, ())}
    if mode == "equal":
        # A text holding the character folds to a text holding its folding
        # (LOWER: its lowercase): unless that is part of the literal, the
        # text differs from it with or without the replacement.
        candidates = {
            fix
            for fix in candidates
            if fix.target in literal or any(lower in literal for lower in fix.lowered)
        }
    # In the tables' order, so the SQL is the same from one run to the next.
    return tuple(fix for fix in fixes(model) if fix in candidates)


def apply(model: LowerModel, text: str, chosen: tuple[Fix, ...] | None = None) -> str:
    """What the SQL writes for ``text``, computed in Python (for the tests).

    >>> apply("ascii", "STRAßE")
    'strasse'
    """
    chosen = fixes(model) if chosen is None else chosen
    for fix in chosen:
        if fix.before_lower:
            text = text.replace(fix.source, fix.target)
    text = "".join(_lowercases(model, char)[0] for char in text)
    for fix in chosen:
        if not fix.before_lower:
            text = text.replace(fix.source, fix.target)
    return text
