"""The "did you mean" helper: difflib's answer, and bounded work on a huge list of names."""

from __future__ import annotations

import difflib
import random

import pytest

from scale_query.language import _suggest
from scale_query.language._suggest import COMPARED, INDEXED, closest, only_match


def _difflib(word: str, names: list[str], exclude: str | None = None) -> str | None:
    folded: dict[str, str] = {}
    for name in names:
        if name != exclude:
            folded.setdefault(name.casefold(), name)
    found = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None


@pytest.fixture
def ratios(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name difflib computed a full ratio for (the costly step)."""
    seen: list[str] = []
    full = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        seen.append(self.a)  # type: ignore[arg-type]
        return full(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    return seen


def test_a_huge_schema_compares_few_names_in_full(ratios: list[str]) -> None:
    # 50,000 fields alike: difflib alone computed the full ratio of thousands of them.
    names = [f"Field{i}" for i in range(50_000)] + ["DateNaissance"]
    assert closest("Feild123", names) == "Field123"
    assert closest("DateNaisance", names) == "DateNaissance"
    assert 0 < len(ratios) <= 2 * COMPARED


@pytest.mark.slow
def test_the_index_gives_difflibs_answer_when_it_compared_every_candidate() -> None:
    rng = random.Random(20)
    for _ in range(2):
        alphabet = "abcdeFGhij_12"
        names = ["".join(rng.choices(alphabet, k=rng.randint(3, 12))) for _ in range(INDEXED + 500)]
        index = _suggest._Index(tuple(names))
        for _ in range(40):
            word = "".join(rng.choices(alphabet, k=rng.randint(2, 12)))
            exclude = rng.choice([None, _difflib(word, names)])
            found, complete = index.closest(word.casefold(), exclude)
            if complete:
                assert found == _difflib(word, names, exclude), (word, exclude)
            else:
                # Not every candidate compared: never called the only match.
                assert exclude is None or not only_match(word, exclude, names)


def test_only_match_with_names_differing_in_case_only() -> None:
    many = [f"x{i}" for i in range(INDEXED)]
    for names in (["Nom", "NOM", "Age"], ["Nom", "NOM", *many]):
        assert closest("Nmo", names) == "Nom"
        assert closest("Nmo", names, exclude="Nom") == "NOM"
        assert not only_match("Nmo", "Nom", names)
    assert only_match("Nmo", "Nom", ["Nom", *many])
