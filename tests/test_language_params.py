"""Bound parameters: ``parse(text, params=...)``, ``placeholders``, ``Query.where``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from strategies import conditions, exprs

from scale_query import (
    Condition,
    FilterSyntaxError,
    Op,
    Placeholder,
    Query,
    Span,
    parse,
    placeholders,
    render,
    walk,
)
from scale_query.language._canonical import quote_field


def test_a_value_with_filter_syntax_stays_one_value() -> None:
    value = 'x" $or Nom $like "*'
    expr = parse("Nom $eq :n", params={"n": value})
    assert expr == Condition("Nom", Op.EQ, value)
    # Its canonical text is escaped, so it reads back as the same single condition.
    assert parse(render(expr)) == expr


def test_lists_items_and_types_go_in_as_literals() -> None:
    expr = parse(
        "Nom $eq :nom $and Pays $in :pays $and Ville $notin [Paris, :autre] $and Age $gt :age"
        " $and Ne $lt :jour",
        params={
            "nom": "Dupont",
            "pays": ("FR", "BE"),
            "autre": "Lyon",
            "age": 30,
            "jour": dt.date(1990, 6, 12),
        },
    )
    assert [c.value for c in walk(expr)] == [
        "Dupont",
        ("FR", "BE"),
        ("Paris", "Lyon"),
        Decimal(30),
        "1990-06-12",
    ]


def test_a_name_used_twice_takes_the_same_value() -> None:
    expr = parse("Nom $eq :n $or Prenom $eq :n", params={"n": "Jo"})
    assert [c.value for c in walk(expr)] == ["Jo", "Jo"]


def test_a_whole_list_placeholder_locates_each_item_at_itself() -> None:
    expr = parse("Pays $in :pays", params={"pays": ["FR", "BE"]})
    assert isinstance(expr, Condition)
    assert expr.value_span == Span(9, 14)
    assert expr.item_spans == (Span(9, 14), Span(9, 14))


@pytest.mark.parametrize(
    ("text", "params", "message", "start", "end"),
    [
        ("Nom $eq :n", None, "parameter :n has no value", 8, 10),
        ("Nom $eq :n", {}, "parameter :n has no value", 8, 10),
        ("Nom $eq :n $and X $eq :m", {"n": "a"}, "parameter :m has no value", 22, 24),
        ("Nom $eq :n", {"n": "a", "m": "b"}, "parameter :m is not used", 0, 10),
        ("Nom $eq :n", {"n": ["a"]}, "is a list, but one value goes here", 8, 10),
        ("Pays $in [:n]", {"n": ["a"]}, "is a list, but one value goes here", 10, 12),
        ("Pays $in :n", {"n": "FR"}, "is a str, but $in and $notin take a list", 9, 11),
        ("Pays $in :n", {"n": []}, "is an empty list", 9, 11),
        ("Pays $in :n", {"n": ["FR", None]}, "parameter :n: None is not a filter value", 9, 11),
        ("Nom $eq :n", {"n": True}, "parameter :n: a bool is not a filter value", 8, 10),
        ("Nom $like :n", {"n": 3}, "parameter :n is a number, but $like takes", 10, 12),
        ("Nom $eq :n", {"n": "\ud800"}, "lone surrogate", 8, 10),
    ],
)
def test_a_bad_parameter_is_a_syntax_error_at_the_placeholder(
    text: str, params: dict[str, object] | None, message: str, start: int, end: int
) -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text, params=params)
    error = caught.value
    assert message in error.message
    assert (error.offset, error.end_offset) == (start, end)
    assert error.hint


def test_an_error_never_shows_the_value() -> None:
    secret = "jean.dupont@example.com"
    with pytest.raises(FilterSyntaxError) as caught:
        parse("Nom $in :n", params={"n": secret})
    assert secret not in str(caught.value) and secret not in caught.value.format()


def test_params_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        parse("Nom $eq :n", params=[("n", "a")])  # type: ignore[arg-type]


def test_errors_about_the_grammar_do_not_name_placeholders() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse('Pays $in "FR"')
    assert caught.value.expected == ("[",)


def test_placeholders_lists_each_with_its_kind_and_span() -> None:
    assert placeholders("Nom $eq :nom $and Pays $in :pays $or X $in [a, :b]") == (
        Placeholder("nom", Span(8, 12), False),
        Placeholder("pays", Span(27, 32), True),
        Placeholder("b", Span(47, 49), False),
    )
    with pytest.raises(FilterSyntaxError):
        placeholders("Nom $eq :n $and")


def test_a_placeholder_outside_a_value_position_is_a_syntax_error() -> None:
    for text in (":n $eq 1", "Nom :op 1", "Nom $eq 1 :n"):
        with pytest.raises(FilterSyntaxError):
            parse(text, params={"n": "1", "op": "$eq"})


def test_query_where_takes_the_parameters() -> None:
    query = Query("contact").where("Nom $eq :nom", nom='a" $or 1').where("Pays $in :p", p=["FR"])
    assert query.filter == parse('Nom $eq "a\\" $or 1" $and Pays $in ["FR"]')
    with pytest.raises(FilterSyntaxError, match=":nom has no value"):
        Query("contact").where("Nom $eq :nom")
    with pytest.raises(TypeError, match="only with a filter text"):
        Query("contact").where(parse("Nom $eq 1"), nom="a")


@given(conditions())
def test_any_value_fills_a_placeholder_exactly(condition: Condition) -> None:
    text = f"{quote_field(condition.field)} {condition.op.value} :v"
    value = condition.value
    assert parse(text, params={"v": list(value) if isinstance(value, tuple) else value}) == (
        condition
    )


@pytest.mark.slow
@given(exprs)
def test_placeholders_in_every_value_position_read_back(expr: object) -> None:
    # Every literal of the canonical text replaced by a placeholder, then filled.
    conditions = list(walk(parse(render(expr))))  # type: ignore[arg-type]
    params: dict[str, object] = {}
    text = render(expr)  # type: ignore[arg-type]
    pieces: list[str] = []
    at = 0
    for i, condition in enumerate(conditions):
        span = condition.value_span
        assert span is not None
        pieces.append(text[at : span.start])
        pieces.append(f":p{i}")
        value = condition.value
        params[f"p{i}"] = list(value) if isinstance(value, tuple) else value
        at = span.end
    pieces.append(text[at:])
    assert parse("".join(pieces), params=params) == expr
