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

Up to :data:`INDEXED` names, every name is compared with difflib, as
``difflib.get_close_matches`` does. Above (a schema of 50,000 fields), a
comparison of each name costs 0.1 s to 2 s per misspelt name, so the names
are indexed (by character and count, as misspelt names need them, cached
for the last few name lists): the index gives each name's share of characters with the misspelt
one, which bounds difflib's ratio from above (it is difflib's own
``quick_ratio``), and only the :data:`COMPARED` names with the highest bounds
get the full ratio, best bound first, stopping once no bound can beat the
best ratio found. The answer is difflib's unless more than :data:`COMPARED`
names share characters as well as the best one; :func:`only_match` then
answers "not the only one", so that no fix is called safe on a guess.
"""

from __future__ import annotations

import operator
from array import array
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress, count, repeat

__all__ = ["COMPARED", "CUTOFF", "INDEXED", "closest", "only_match"]

#: How alike two names must be (difflib's ratio, 0 to 1) to be suggested.
CUTOFF = 0.6

#: Above this many names, they are indexed rather than each compared.
INDEXED = 1000

#: With an index, at most this many names (those sharing most characters) get difflib's ratio.
COMPARED = 200

# At most this many answers are kept per index.
_ANSWERS = 10_000

# difflib compares in time quadratic in the lengths; names longer than this
# are not typos of a known name, and would only cost time.
_LONGEST = 100


def closest(name: str, known: Iterable[str], *, exclude: str | None = None) -> str | None:
    """The known name closest to ``name`` (compared casefolded), or None.

    ``exclude`` is a known name not to suggest (to ask whether a suggestion
    is the only one):

    >>> closest("Nomm", ["Nom", "Nome"], exclude="Nom")
    'Nome'
    """
    if len(name) > _LONGEST:
        return None
    names = known if isinstance(known, tuple) else tuple(known)
    word = name.casefold()
    if len(names) <= INDEXED:
        return _compared(word, names, exclude)
    return _index(names).closest(word, exclude)[0]


def only_match(name: str, best: str, known: Iterable[str]) -> bool:
    """Whether ``best`` is the only known name close to ``name`` (a fix can then be safe).

    Unlike ``closest(...) is None``, this says False when the index could not
    compare every name that might be close (see the module docstring).

    >>> only_match("Nmo", "Nom", ["Nom", "Age"]), only_match("Nomm", "Nom", ["Nom", "Nome"])
    (True, False)
    """
    if len(name) > _LONGEST:
        return False
    names = known if isinstance(known, tuple) else tuple(known)
    word = name.casefold()
    if len(names) <= INDEXED:
        return _compared(word, names, best) is None
    other, complete = _index(names).closest(word, best)
    return other is None and complete


def _compared(word: str, names: tuple[str, ...], exclude: str | None) -> str | None:
    # Imported here: suggestions are made only for faulty filters, and difflib
    # would add to every start of `scale-query check`.
    from difflib import get_close_matches

    folded: dict[str, str] = {}
    for candidate in names:
        if candidate != exclude:
            folded.setdefault(candidate.casefold(), candidate)
    found = get_close_matches(word, list(folded), n=1, cutoff=CUTOFF)
    return folded[found[0]] if found else None


class _Index:
    """Many names, casefolded, with which names hold each character at least n times."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        folded = list(map(str.casefold, names))
        # Folded name -> the first name folding to it (the last write wins, reversed).
        self.first = dict(zip(reversed(folded), reversed(names), strict=True))
        self.folds = Counter(folded)
        self.folded = list(self.first)
        self.lengths = list(map(len, self.folded))
        # (character, n) -> the names holding that character at least n times,
        # made when a misspelt name first holds it n times.
        self.postings: dict[tuple[str, int], array[int]] = {}
        # Answers already given: check --fix asks again after each round of fixes.
        self.answers: dict[str, tuple[list[str], bool]] = {}

    def choice(self, key: str, exclude: str | None) -> str | None:
        """The first name folding to ``key`` that is not ``exclude``."""
        first = self.first[key]
        if first != exclude:
            return first
        if self.folds[key] == 1:
            return None
        return next((n for n in self.names if n != exclude and n.casefold() == key), None)

    def posting(self, char: str, n: int) -> array[int]:
        """The numbers of the names holding ``char`` at least ``n`` times."""
        found = self.postings.get((char, n))
        if found is None:
            # Each name looked at in C (map, compress), not in a Python loop.
            if n == 1:
                holds: Iterable[object] = map(operator.contains, self.folded, repeat(char))
            else:
                counts = map(str.count, self.folded, repeat(char))
                holds = map(operator.ge, counts, repeat(n))
            found = self.postings[char, n] = array("l", compress(count(), holds))
        return found

    def closest(self, word: str, exclude: str | None) -> tuple[str | None, bool]:
        """The closest name, and whether every name that might be closer was compared."""
        found = self.answers.get(word)
        if found is None:
            if len(self.answers) >= _ANSWERS:
                self.answers.clear()
            found = self.answers[word] = self.search(word)
        best, complete = found
        for key in best:
            choice = self.choice(key, exclude)
            if choice is not None:
                return choice, complete
        return None, complete

    def search(self, word: str) -> tuple[list[str], bool]:
        """The two closest folded names, best first, and whether the search was complete."""
        from difflib import SequenceMatcher
        from heapq import nlargest

        shared: Counter[int] = Counter()
        for char, times in Counter(word).items():
            for n in range(1, times + 1):
                posting = self.posting(char, n)
                if not posting:
                    break
                shared.update(posting)  # counted in C: the bulk of the work
        size = len(word)
        folded, lengths = self.folded, self.lengths
        # 2 * shared / total is difflib's quick_ratio: no ratio is higher.
        # A name needs 2s/(l + size) >= CUTOFF with s <= l: at least this many shared.
        least = CUTOFF * size / (2 - CUTOFF) - 1e-9  # 0.6 * 7 / 1.4 is 3.0000000000000004
        bounds = [(2 * s / (lengths[i] + size), i) for i, s in shared.items() if s >= least]
        eligible = [b for b in bounds if b[0] >= CUTOFF]
        ranked = nlargest(COMPARED, eligible)
        complete = len(eligible) <= COMPARED
        matcher = SequenceMatcher()
        matcher.set_seq2(word)
        best: list[tuple[float, str]] = []  # the two best (ratio, name), best first
        for bound, number in ranked:
            if len(best) == 2 and bound < best[1][0]:
                complete = True
                break
            matcher.set_seq1(folded[number])
            ratio = matcher.ratio()
            # Ties go to the greater name, as difflib.get_close_matches does.
            if ratio >= CUTOFF:
                best = sorted([*best, (ratio, folded[number])], reverse=True)[:2]
        return [key for _, key in best], complete


@lru_cache(maxsize=4)
def _index(names: tuple[str, ...]) -> _Index:
    # Keyed by the names themselves: a tuple of strings hashes in C, at the
    # cost of one pass, and a schema's names are the same tuple each time.
    return _Index(names)
