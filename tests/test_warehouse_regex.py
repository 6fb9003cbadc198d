"""$regex read as RE2 reads it, and spelled out for engines that fold case otherwise."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query import Q, evaluate, to_sql
from scale_query.semantics._dialects._base import Rules
from scale_query.semantics._regex import (
    ARE,
    ICU,
    JAVA,
    POSIX,
    RE2,
    divergent,
    orbits,
    parse,
    translate,
)

re2 = pytest.importorskip("re2")

# RE2 syntax, written case-sensitively with every case variant spelled out:
# run by RE2 itself, it must match exactly what (?i) and the pattern match.
EXPLICIT_RE2 = dataclasses.replace(RE2, case="explicit")
# (The Unicode classes \\w, [[:alpha:]] and the word boundaries are refused for
# every dialect but MySQL: tests/test_warehouse.py; MySQL's below.)
PIECES = [
    "^", "$", ".", "[a-z]", "[^a-c]", "[[:xdigit:]]",
    "(a|ß)", "k", "s", "ǅ", "i", "x?", "e*", "[éß-ẞ]", "\\.", "a{1,2}",
    "(?:ΐ|ﬅ)", "\\x{212A}", "\\Qa.b\\E", "[]a-]", "[^]^]", "σ",
]  # fmt: skip
TEXT = st.text(st.sampled_from("aAbBeEkKKsSſßẞiIİıǅǄǆσςΣΐΐﬅﬆxX0 9.\n_-]^é"), max_size=8)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=4), text=TEXT)
def test_spelled_out_case_variants_match_as_re2_folds(pieces: list[str], text: str) -> None:
    pattern = "".join(pieces)
    spelled = EXPLICIT_RE2.render(pattern, Rules())
    folded = re2.search("(?i)" + pattern.replace("[[:<:]]", "\\b"), text) is not None
    assert (re2.search(spelled, text) is not None) is folded, spelled


def test_case_orbits_are_re2s() -> None:
    cased = "".join(chr(p) for p in sorted(orbits()))
    for point, orbit in orbits().items():
        found = re2.findall("(?i)" + re2.escape(chr(point)), cased)
        assert sorted(found) == sorted(chr(p) for p in orbit), chr(point)


def test_divergent_characters_are_spelled_out_even_for_re2() -> None:
    assert divergent() == {0x390, 0x3B0, 0x1FD3, 0x1FE3, 0xFB05, 0xFB06}
    assert RE2.render("\u0390x", Rules()) == "[\u0390\u1fd3]x"


@pytest.mark.parametrize(
    ("pattern", "are", "java", "posix"),
    [
        ("^du", "^[Dd][Uu]", "^[Dd][Uu]", "^[Dd][Uu]"),
        ("a.b$", "[Aa][^\\u000A][Bb]$", "[Aa][^\\x{A}][Bb]\\z", "[Aa][^\n][Bb]$"),
        ("[0-9]{5}", "[0-9]{5}", "[0-9]{5}", "[0-9]{5}"),
        ("(ab|)c", "(?:[Aa][Bb]|)[Cc]", "(?:[Aa][Bb]|)[Cc]", "(([Aa][Bb])?)[Cc]"),
        ("[-^]", "[\\-\\^]", "[\\-\\^]", "[-^]"),
        ("x+?", "[Xx]+", "[Xx]+", "[Xx]+"),
    ],
)
def test_each_engine_syntax(pattern: str, are: str, java: str, posix: str) -> None:
    assert ARE.render(pattern, Rules()) == are
    assert JAVA.render(pattern, Rules()) == java
    assert POSIX.render(pattern, Rules()) == posix


def test_nested_repetition_is_refused_for_backtracking_engines() -> None:
    from scale_query import UnsupportedSQL

    with pytest.raises(UnsupportedSQL, match="exponential"):
        JAVA.render("(a+)+b", Rules(name="spark"))
    assert RE2.render("(a+)+b", Rules()) == "(?:a+)+b"


def test_parse_is_linear_on_the_longest_pattern() -> None:
    tree = parse("[a-z]" * 40)
    assert type(tree).__name__ == "Seq"


# ICU's way with Unicode classes (categories by name, the case variants of
# their letters outside them spelled out), run by RE2 case-sensitively: it
# must match what evaluate's case-insensitive translation matches.
NAMED_RE2 = dataclasses.replace(RE2, case="explicit", properties=True, boundary=None)
CLASSES = [
    "[[:alpha:]]", "[[:upper:]]", "[[:lower:]]", "\\w", "\\W", "\\d", "\\D", "\\s",
    "[^[:upper:]x]", "[[:digit:]é]", "\\pL", "\\p{Lu}", "k", "ß", "(a|\\S)",
]  # fmt: skip
CASED = st.text(st.sampled_from("aAkKKsSſßẞiIİıǅǄǆσςΣͅιΙ1١ é\u200c_-Ⅰⅰ"), max_size=6)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(CLASSES), min_size=1, max_size=3), text=CASED)
def test_named_unicode_classes_match_as_re2_folds(pieces: list[str], text: str) -> None:
    pattern = "".join(pieces)
    named = NAMED_RE2.render(pattern, Rules())
    folded = re2.search("(?i)" + translate(pattern).text, text) is not None
    assert (re2.search(named, text) is not None) is folded, named


def test_icu_spells_a_boundary_by_unicode_word_characters_with_lookaround() -> None:
    word = "[\u200c\u200d\\p{L}\\p{Nl}\\p{M}\\p{Nd}\\p{Pc}]"
    assert ICU.render("a\\bb", Rules()) == (
        f"[Aa](?:(?<={word})(?!{word})|(?<!{word})(?={word}))[Bb]"
    )


# Word boundaries beside other pattern text: DuckDB marks the value in SQL as
# evaluate marks it (_regex/_marks.py), so both answer alike on every value,
# including values holding the marks themselves (U+FDD0...) and empty ones;
# with the characters whose case folding changed since DuckDB's RE2 too.
BOUNDED = [
    "[^a-z][[:<:]]lo", "x\\b-", "\\Bé", "[[:>:]]_", "o\\b", "(a|\\b)\\d", "\\w\\b\\W",
    "^\\b.", "[[:<:]]\\w+[[:>:]]$", "e\\B\u0301", "\\b\\b", "\\d\\B_", ".\\b.",
    "\u0390\\b-", "[^\ufb06]\\b-", "x\\b[\u03b0a]", "[^\ufb06]\\b\\w", "\ufb05\\w",
    "[^\u0390\\w]\\b-", "\\W\\b\u0390", "[\ufb06[:alpha:]]\\b.", "[^\ufb05[:alpha:]]",
]  # fmt: skip
MARKED_TEXT = st.text(
    st.sampled_from(
        "aXléÉ\u0301o0٣_- x.\u200d\U0001f600"  # accents, a mark, digits, a joiner
        "\ufdd0\ufdd1\ufdd2\ufdd3\ufde0\ufded"  # the marks themselves
        "\u0390\u1fd3\u1fe3\ufb05\ufb06"  # case folding that changed since DuckDB's RE2
    ),
    max_size=7,
)


@pytest.fixture(scope="module")
def duck() -> Iterator[Any]:
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect()
    conn.execute('CREATE TABLE t ("#" INTEGER, "Nom" VARCHAR)')
    yield conn
    conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("params", [False, True])
@settings(max_examples=200, deadline=None)
@given(pattern=st.sampled_from(BOUNDED), values=st.lists(MARKED_TEXT, max_size=12))
def test_duckdb_places_inner_word_boundaries_as_evaluate(
    duck: Any, params: bool, pattern: str, values: list[str]
) -> None:
    values = [*values, "", "\ufdd0" * 2 + "".join(chr(p) for p in range(0xFDD3, 0xFDEE)) + "a-"]
    duck.execute("DELETE FROM t")
    duck.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate([*values, None])))
    where = Q("Nom").regex(pattern)
    expected = [n for n, value in enumerate(values) if evaluate(where, {"Nom": value})]
    sql = to_sql(where, "duckdb", params=params)
    text, args = sql if isinstance(sql, tuple) else (sql, [])
    rows = duck.execute(f'SELECT "#" FROM t WHERE {text} ORDER BY "#"', args).fetchall()
    assert [n for (n,) in rows] == expected, pattern
