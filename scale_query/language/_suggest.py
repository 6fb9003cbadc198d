"""The one "did you mean" helper: the closest known name to a misspelt one.

The parser (operators), the rules (field names) and the emulator (object and
field names) all suggest through :func:`closest`, so a suggestion is made the
same way everywhere: case-insensitive, with one similarity cutoff.

>>> closest("DateNaisance", ["Nom", "DateNaissance", "EMail"])
'DateNaissance'
>>> closest("$ge", ["$gt", "$gte", "$eq"])
'$gte'
>>> closest("zzz", ["Nom"]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CUTOFF", "closest"]

#: How alike two names must be (difflib's ratio, 0 to 1) to be suggested.
CUTOFF = 0.6

# difflib compares in time quadratic in the lengths; names longer than this
# are not typos of a known name, and would only cost time.
_LONGEST = 100


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (compared casefolded), or None."""
    if len(name) > _LONGEST:
        return None
    # Imported here: suggestions are made only for faulty filters, and difflib
    # would add to every start of `scale-query check`.
    from difflib import get_close_matches

    folded: dict[str, str] = {}
    for candidate in known:
        folded.setdefault(candidate.casefold(), candidate)
    found = get_close_matches(name.casefold(), list(folded), n=1, cutoff=CUTOFF)
    return folded[found[0]] if found else None
