"""The builder, the AST's own guarantees and the canonical rendering."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

import scale_query as sq
from scale_query import And, Condition, Op, Or, Q, and_, or_, parse, render
from scale_query.language._ast import MAX_DEPTH
from scale_query.language._render import MAX_EXPANDED_CONDITIONS


def test_issue_example() -> None:
    expr = Q("Nom").like("*S*") & Q("DateNaissance").gt(dt.date(1990, 6, 12))
    assert str(expr) == 'Nom $like "*S*" $and DateNaissance $gt "1990-06-12"'
    assert expr == parse('Nom $like "*S*" $and DateNaissance $gt "1990-06-12"')


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (Q("a").eq("x"), 'a $eq "x"'),
        (Q("a").neq(3), "a $neq 3"),
        (Q("a").gt(Decimal("12.50")), "a $gt 12.50"),
        (Q("a").gte(0.1), "a $gte 0.1"),
        (Q("a").lt(dt.datetime(2020, 12, 19, 12, 50, 50)), 'a $lt "2020-12-19 12:50:50"'),
        (Q("a").lte(-7), "a $lte -7"),
        (Q("a").like("*x*"), 'a $like "*x*"'),
        (Q("a").notlike("x*"), 'a $notlike "x*"'),
        (Q("a").regex("^a|b$"), 'a $regex "^a|b$"'),
        (Q("a").in_(["FR", 2, dt.date(2020, 1, 2)]), 'a $in ["FR",2,"2020-01-02"]'),
        (Q("a").notin(("x",)), 'a $notin ["x"]'),
        (Q("a").startswith("Du"), 'a $like "Du*"'),
        (Q("a").endswith("mont"), 'a $like "*mont"'),
        (Q("a").contains("@"), 'a $like "*@*"'),
        (Q("Date de naissance").eq("x"), '[Date de naissance] $eq "x"'),
        (Q("Civilité").eq('a"b\\c\né'), 'Civilité $eq "a\\"b\\\\c\\né"'),
    ],
)
def test_each_builder_method(built: Condition, text: str) -> None:
    assert str(built) == text
    assert parse(text) == built


def test_combinators_flatten_and_precedence() -> None:
    a, b, c = Q("a").eq(1), Q("b").eq(2), Q("c").eq(3)
    assert (a & b) & c == And((a, b, c)) == and_(a, b, c) == and_([a, b, c])
    assert (a | b) | c == Or((a, b, c)) == or_(a, b, c)
    assert str((a | b) & c) == "(a $eq 1 $or b $eq 2) $and c $eq 3"
    assert str(a | b & c) == "a $eq 1 $or b $eq 2 $and c $eq 3"
    assert and_(a) is a


def test_negation_by_de_morgan_and_complements() -> None:
    expr = ~((Q("a").gt(1) | Q("b").like("x*")) & Q("c").in_(["x"]))
    assert str(expr) == 'a $lte 1 $and b $notlike "x*" $or c $notin ["x"]'
    for op in Op:
        if op.complement is not None:
            assert op.complement.complement is op


def test_refusals_say_what_to_pass_instead() -> None:
    cases: list[tuple[object, type[Exception], str]] = [
        (lambda: Q("a").eq(None), TypeError, 'compare with ""'),
        (lambda: Q("a").eq(True), TypeError, "no booleans"),
        (lambda: Q("a").eq(math.nan), ValueError, "finite"),
        (lambda: Q("a").eq(Decimal("Infinity")), ValueError, "finite"),
        (lambda: Q("a").eq(dt.datetime(2020, 1, 1, tzinfo=dt.UTC)), ValueError, "tzinfo=None"),
        (lambda: Q("a").eq(dt.datetime(2020, 1, 1, 0, 0, 0, 5)), ValueError, "microsecond=0"),
        (lambda: Q("a").eq([1]), TypeError, "pass a str, int"),
        (lambda: Q("a").in_("FR"), TypeError, "list of values"),
        (lambda: Q("a").in_([]), ValueError, "at least one"),
        (lambda: Q("a").like(3), TypeError, "str pattern"),
        (lambda: Q("a").startswith("a*"), ValueError, "cannot escape '*'"),
        (lambda: ~Q("a").regex("x"), ValueError, "no negation"),
        (lambda: Q(""), ValueError, "empty"),
        (lambda: Q("a]b"), ValueError, "']'"),
        (lambda: and_(), ValueError, "at least one"),
        (lambda: or_(Q("a").eq(1), "b"), TypeError, "filter expressions"),
    ]
    for call, kind, fragment in cases:
        with pytest.raises(kind) as caught:
            call()  # type: ignore[operator]
        assert fragment in str(caught.value)


def test_expressions_have_no_truth_value() -> None:
    a, b = Q("a").eq(1), Q("b").eq(2)
    with pytest.raises(TypeError, match="no truth value"):
        _ = a and b
    with pytest.raises(TypeError):
        bool(a | b)


def test_nodes_are_frozen_and_validated() -> None:
    cond = Q("a").eq(1)
    with pytest.raises(AttributeError):
        cond.field = "b"  # type: ignore[misc]
    with pytest.raises(ValueError, match="at least two"):
        And((cond,))
    with pytest.raises(TypeError):
        Condition("a", Op.IN, "x")
    with pytest.raises(TypeError):
        Condition("a", Op.EQ, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Condition("a", Op.LIKE, Decimal(3))


def test_builder_nesting_is_bounded_and_deep_trees_stay_safe() -> None:
    expr: sq.Expr = Q("a").eq(0)
    for i in range(MAX_DEPTH):
        expr = (expr & Q("b").eq(i)) if i % 2 else (expr | Q("c").eq(i))
    # Equality, hashing, repr and rendering all work at the limit.
    twin = parse(render(expr))
    assert twin == expr and hash(twin) == hash(expr)
    assert repr(expr).startswith("Or(") or repr(expr).startswith("And(")
    assert expr.depth == MAX_DEPTH
    with pytest.raises(ValueError, match="limit"):
        _ = expr & Q("z").eq(1) if isinstance(expr, Or) else expr | Q("z").eq(1)


def test_render_canonical_spacing_numbers_and_strings() -> None:
    text = '  a   $eq   12.50 $and [b c]$in[ x,"é" , -0.5 ]  '
    assert render(parse(text)) == 'a $eq 12.50 $and [b c] $in ["x","é",-0.5]'
    assert render(Q("a").eq(Decimal("1E-7"))) == "a $eq 0.0000001"
    assert str(Q("a").eq("\u0001")) == 'a $eq "\\u0001"'


def test_render_without_parentheses() -> None:
    expr = parse("(a $eq 1 $or b $eq 2) $and (c $eq 3 $or d $eq 4)")
    assert render(expr, parens="never") == (
        "a $eq 1 $and c $eq 3 $or a $eq 1 $and d $eq 4 "
        "$or b $eq 2 $and c $eq 3 $or b $eq 2 $and d $eq 4"
    )
    blowup = and_(*(Q(f"f{i}").eq(1) | Q(f"g{i}").eq(2) for i in range(20)))
    with pytest.raises(ValueError, match=str(MAX_EXPANDED_CONDITIONS)):
        render(blowup, parens="never")
    with pytest.raises(ValueError, match="parens"):
        render(expr, parens="sometimes")  # type: ignore[arg-type]
