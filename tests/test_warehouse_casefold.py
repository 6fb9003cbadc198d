"""Casefolding written as LOWER plus REPLACE: the tables and the choice of replacements."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query.semantics._dialects._casefold import (
    LowerModel,
    _characters,
    _lowercases,
    apply,
    fixes,
    needed_fixes,
)

MODELS: tuple[LowerModel, ...] = ("unicode", "ascii")
# Characters where LOWER and casefolding part ways, and plain ones around them.
SPECIAL = "ßẞİIıiſsSKkKµΜμςσΣǰjﬁfiﬆtŉnΐΰᾳΑαꭰᎠÉéEe"
texts = st.text(st.sampled_from(SPECIAL), max_size=6)


def test_no_cased_character_lies_past_the_scanned_range() -> None:
    # The tables scan U+0000..U+1FFFF; Python's Unicode tables must agree.
    for point in range(0x20000, 0x110000, 1):
        char = chr(point)
        assert char.casefold() == char.lower() == char.upper() == char


@pytest.mark.parametrize("model", MODELS)
def test_the_full_table_is_casefolding_for_every_character(model: LowerModel) -> None:
    # Every character at once, NUL-separated (NUL itself is not cased): a
    # replacement's source is one character, so none spans two of them.
    chars = [c for c in _characters() if c != "\x00"]
    written = apply(model, "\x00".join(chars)).split("\x00")
    assert [c for c, w in zip(chars, written, strict=True) if w != c.casefold()] == []


def test_duckdb_lower_is_the_unicode_model() -> None:
    cased = [c for c in _characters() if c.lower() != c or c.upper() != c]
    rows = duckdb.connect().execute("SELECT c, lower(c) FROM unnest(?) AS t(c)", [cased]).fetchall()
    assert [c for c, low in rows if low not in _lowercases("unicode", c)] == []


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=300, deadline=None)
@given(text=texts, literal=texts)
def test_chosen_replacements_decide_as_casefolding_does(
    model: LowerModel, text: str, literal: str
) -> None:
    literal = literal.casefold()
    folded = text.casefold()
    equal = apply(model, text, needed_fixes(model, literal, "equal"))
    assert (equal == literal) is (folded == literal)
    ordered = apply(model, text, needed_fixes(model, literal, "order"))
    assert (ordered > literal) is (folded > literal) and (ordered < literal) is (folded < literal)
    # $like: the literal cut anywhere into parts joined by any run.
    for cut in range(len(literal) + 1):
        parts = (literal[:cut], literal[cut:])
        pattern = re.compile(".*".join(map(re.escape, parts)), re.DOTALL)
        chosen = needed_fixes(model, "".join(parts), "like")
        written = apply(model, text, chosen)
        assert bool(pattern.fullmatch(written)) is bool(pattern.fullmatch(folded))


def test_a_comparison_with_ascii_text_needs_few_replacements() -> None:
    assert len(needed_fixes("unicode", "dupont", "equal")) == 0
    assert {f.source for f in needed_fixes("unicode", "strasse", "equal")} == {"ß", "ſ", "ﬅ", "ﬆ"}
    assert len(fixes("unicode")) < 200
