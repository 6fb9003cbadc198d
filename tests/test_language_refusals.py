"""Text the language refuses although a token pattern lets it through, and literals at the edges."""

from __future__ import annotations

import datetime

import pytest

import scale_query as sq


@pytest.mark.parametrize(
    ("text", "column", "hint"),
    [
        ("²a $eq 1", 1, "put other names in brackets: [²a]"),
        ("a.Ⅻb $eq 1", 3, "put other names in brackets: [Ⅻb]"),
        ("a $in [x, ²]", 11, 'quote it: "²"'),
    ],
)
def test_a_name_starts_with_a_letter_or_underscore(text: str, column: int, hint: str) -> None:
    with pytest.raises(sq.FilterSyntaxError) as caught:
        sq.parse(text)
    assert (caught.value.column, caught.value.hint) == (column, hint)
    assert "must start with a letter or '_'" in caught.value.message


@pytest.mark.parametrize("name", ["Civilité", "_x", "Ärger.Öl", "名前"])
def test_unicode_letters_start_names(name: str) -> None:
    assert sq.parse(f"{name} $eq 1") == sq.Q(name).eq(1)


def test_a_name_that_cannot_be_bare_renders_in_brackets_and_reads_back() -> None:
    expr = sq.Q("²a").eq(1)
    assert sq.render(expr) == "[²a] $eq 1"
    assert sq.parse(sq.render(expr)) == expr


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('a $eq "\\ud800"', 6),
        ('a $eq "x\udc80"', 6),
        ('a $in ["ok", "\\udfff"]', 13),
        ("[a\udc80] $eq 1", 0),
        ('x $eq 1 $or [\ud800] $eq "y"', 12),
    ],
)
def test_a_lone_surrogate_is_a_syntax_error_that_prints(text: str, start: int) -> None:
    with pytest.raises(sq.FilterSyntaxError) as caught:
        sq.parse(text)
    assert caught.value.offset == start
    assert "lone surrogate" in caught.value.message
    str(caught.value).encode("utf-8")  # the message itself can be printed and logged


@pytest.mark.parametrize(
    "build",
    [
        lambda: sq.Q("Nom").eq("\ud800"),
        lambda: sq.Q("N\udc80").eq(1),
        lambda: sq.Q("a").in_(["\udfff"]),
    ],
)
def test_the_builder_refuses_lone_surrogates(build: object) -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        build()  # type: ignore[operator]


def test_surrogate_pairs_written_as_escapes_are_text() -> None:
    assert sq.parse('a $eq "\\ud83d\\ude00"') == sq.Q("a").eq("😀")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime.datetime(1, 2, 3, 4, 5, 6), "0001-02-03 04:05:06"),
        (datetime.date(999, 12, 31), "0999-12-31"),
    ],
)
def test_early_years_keep_four_digits(value: object, text: str) -> None:
    assert sq.Q("D").gt(value).value == text  # type: ignore[arg-type]
