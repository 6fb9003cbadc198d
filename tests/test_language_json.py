"""to_json / from_json: the AST exactly, and react-querybuilder's rule groups."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import _combine, exprs, fields, scalars, texts

from scale_query import (
    JSON_VERSION,
    MAX_DEPTH,
    Condition,
    Expr,
    FilterSyntaxError,
    Op,
    Q,
    from_json,
    parse,
    to_json,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/react-querybuilder/rule-groups.json"
RQB = "react-querybuilder"


@pytest.mark.slow
@given(exprs)
def test_the_ast_form_round_trips_exactly(expr: Expr) -> None:
    data = to_json(expr)
    assert data["version"] == JSON_VERSION
    assert from_json(data) == expr
    # Through JSON text too: the data is plain JSON.
    assert from_json(json.dumps(data)) == expr


_RQB_SCALAR_OPS = [Op.EQ, Op.NEQ, Op.GT, Op.GTE, Op.LT, Op.LTE]
_inner = texts.filter(lambda s: "*" not in s)


@st.composite
def rqb_conditions(draw: st.DrawFn) -> Condition:
    kind = draw(st.sampled_from(["scalar", "list", "pattern"]))
    field = draw(fields)
    if kind == "scalar":
        return Condition(field, draw(st.sampled_from(_RQB_SCALAR_OPS)), draw(scalars))
    if kind == "list":
        items = tuple(draw(st.lists(scalars, min_size=1, max_size=4)))
        return Condition(field, draw(st.sampled_from([Op.IN, Op.NOTIN])), items)
    shape = draw(st.sampled_from(["*{}*", "{}*", "*{}"]))
    return Condition(
        field, draw(st.sampled_from([Op.LIKE, Op.NOTLIKE])), shape.format(draw(_inner))
    )


rqb_exprs: st.SearchStrategy[Expr] = st.recursive(rqb_conditions(), _combine, max_leaves=12)


@pytest.mark.slow
@given(rqb_exprs)
def test_the_react_querybuilder_form_round_trips(expr: Expr) -> None:
    data = to_json(expr, format=RQB)
    assert set(data) == {"combinator", "not", "rules"} and data["not"] is False
    assert from_json(json.loads(json.dumps(data)), format=RQB) == expr


def test_rule_groups_written_by_react_querybuilder_read_back() -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert fixture["generator"].startswith("@react-querybuilder/core")
    cases = fixture["cases"]
    assert len(cases) >= 20
    for case in cases:
        expr = from_json(case["rule_group"], format=RQB)
        assert expr == parse(case["filter"]), case["source"]
        # And ours reads back the same, whatever react-querybuilder's key order.
        assert from_json(to_json(expr, format=RQB), format=RQB) == expr


def _doc_filters() -> list[str]:
    text = (ROOT / "docs/language.md").read_text(encoding="utf-8")
    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        try:
            parse(span)
        except FilterSyntaxError:
            continue
        found.append(span)
    return found


def test_every_filter_of_the_language_page_round_trips() -> None:
    filters = _doc_filters()
    assert len(filters) > 20
    representable = 0
    for text in filters:
        expr = parse(text)
        assert from_json(to_json(expr)) == expr, text
        try:
            data = to_json(expr, format=RQB)
        except ValueError:
            continue  # $regex, or a $like pattern react-querybuilder cannot say
        representable += 1
        assert from_json(data, format=RQB) == expr, text
    assert representable > 10


def test_the_ast_form_is_documented_shape() -> None:
    data = to_json(parse('a $eq "x" $and (b $in [1, y] $or c $like "*z")'))
    assert data == {
        "version": 1,
        "filter": {
            "and": [
                {"field": "a", "op": "$eq", "value": "x"},
                {
                    "or": [
                        {"field": "b", "op": "$in", "value": [{"number": "1"}, "y"]},
                        {"field": "c", "op": "$like", "value": "*z"},
                    ]
                },
            ]
        },
    }


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (Q("Nom").regex("^a"), "no operator for $regex"),
        (Q("Nom").like("Smith"), "no operator for this $like pattern"),
        (Q("Nom").notlike("a*b"), "no operator for this $notlike pattern"),
        (Q("Prix").eq(Decimal("0.12345678901234567890")), "more digits than a float"),
    ],
)
def test_an_operator_react_querybuilder_lacks_is_a_clear_error(expr: Expr, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        to_json(expr, format=RQB)


def _deep(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"field": "a", "op": "$eq", "value": "1"}
    for i in range(levels):
        node = {"and" if i % 2 else "or": [node, {"field": "b", "op": "$eq", "value": "2"}]}
    return node


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"filter": {}}, "version: this release reads version 1, not null"),
        ({"version": 2, "filter": {}}, "not 2"),
        ({"version": 1, "filter": []}, "filter: expected an object, found an array"),
        ({"version": 1, "filter": {"and": [{}]}}, "filter.and: expected an array of at least two"),
        ({"version": 1, "filter": {"field": "a", "op": "$ge", "value": "1"}}, "filter.op"),
        ({"version": 1, "filter": {"field": "a", "op": "$in", "value": "1"}}, "takes an array"),
        ({"version": 1, "filter": {"field": "a", "op": "$eq", "value": 1}}, '{"number": "..."}'),
        (
            {"version": 1, "filter": {"field": "a", "op": "$eq", "value": {"number": "1e3"}}},
            "US notation",
        ),
        (
            {"version": 1, "filter": {"field": "a", "op": "$like", "value": {"number": "1"}}},
            "string",
        ),
        ({"version": 1, "filter": {"field": "", "op": "$eq", "value": "1"}}, "cannot be empty"),
        ({"version": 1, "filter": _deep(MAX_DEPTH + 5)}, f"deeper than {MAX_DEPTH}"),
        ("[1,", "not JSON"),
        ("[" * 100_000, "nests too deep"),
    ],
)
def test_bad_ast_data_says_where_and_what(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        from_json(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"combinator": "and", "rules": []}, "an empty group is no filter"),
        (
            {"combinator": "xor", "rules": [{"field": "a", "operator": "=", "value": "1"}]},
            "combinator",
        ),
        (
            {"rules": [{"field": "a", "operator": "between", "value": "1,2"}]},
            "'between' has no filter",
        ),
        (
            {"rules": [{"field": "a", "operator": "=", "value": "b", "valueSource": "field"}]},
            "two fields",
        ),
        (
            {"rules": [{"field": "a", "operator": "=", "value": "1"}, "and"]},
            "independent combinators",
        ),
        ({"rules": [{"field": "a", "operator": "contains", "value": "*"}]}, "literal '*'"),
        ({"rules": [{"field": "a", "operator": "=", "value": True}]}, "found a boolean"),
        ({"rules": [{"field": "a", "operator": "=", "value": "x"}], "not": "yes"}, "true or false"),
        (
            {"rules": [{"field": "a", "operator": "doesNotContain", "value": "x"}], "not": True},
            None,
        ),
    ],
)
def test_bad_rule_groups_say_where_and_what(data: Any, message: str | None) -> None:
    if message is None:
        # not: true negates: doesNotContain "x" is back to $like "*x*".
        assert from_json(data, format=RQB) == Q("a").like("*x*")
        return
    with pytest.raises(ValueError, match=re.escape(message)):
        from_json(data, format=RQB)


def test_a_comma_list_as_react_querybuilder_writes_it() -> None:
    rule = {"field": "Pays", "operator": "in", "value": "FR, BE,a\\,b"}
    assert from_json({"rules": [rule]}, format=RQB) == Q("Pays").in_(["FR", "BE", "a,b"])


def test_messages_never_show_a_value() -> None:
    secret = "jean.dupont@example.com"
    with pytest.raises(ValueError, match="no operator") as caught:
        to_json(Q("EMail").like(secret), format=RQB)
    assert secret not in str(caught.value)


def test_format_and_type_are_checked() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        to_json(Q("a").eq(1), format="sql")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_json("a $eq 1")  # type: ignore[arg-type]
