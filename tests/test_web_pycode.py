"""The playground's Python builder code: running it gives the same expression back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from strategies import exprs

from scale_query import And, Condition, Op, Or, Q, parse, render
from scale_query.language._ast import MAX_DEPTH, Expr
from scale_query.language._pycode import python_code


def _run(code: str) -> Expr:
    scope: dict[str, object] = {}
    exec(compile(code, "<playground>", "exec"), scope)
    value = scope["expr"]
    assert isinstance(value, (Condition, And, Or))
    return value


@pytest.mark.slow
@settings(max_examples=150)
@given(exprs)
def test_code_builds_an_equal_expression(expr: Expr) -> None:
    built = _run(python_code(expr))
    assert built == expr
    assert render(built) == render(expr)


def test_code_reads_like_the_builder() -> None:
    expr = parse('Nom $like "*S*" $and (Age $gt 30 $or Pays $in [FR,BE]) $and M $lte 12.50')
    assert python_code(expr).splitlines() == [
        "from decimal import Decimal",
        "from scale_query import Q",
        "",
        'expr = Q("Nom").like("*S*") & (Q("Age").gt(30) | Q("Pays").in_(["FR", "BE"]))'
        ' & Q("M").lte(Decimal("12.50"))',
    ]


def test_unprintable_text_and_odd_numbers_survive() -> None:
    items = ("\x00\n\t\u2028é\U0001f600", Decimal("-0"), Decimal("1E+3"), Decimal("007"))
    expr = Condition("a b", Op.IN, items)
    code = python_code(expr)
    assert "é\U0001f600" in code  # what prints stays readable
    assert "\\u2028" in code and "\\x00" in code and "\\n" in code
    built = _run(code)
    assert built == expr and render(built) == render(expr)


def test_the_deepest_filter_compiles() -> None:
    expr: Expr = Q("a").eq(0)
    for i in range(MAX_DEPTH):
        expr = (expr | Q("b").eq(i)) if i % 2 else (expr & Q("c").eq(i))
    assert expr.depth == MAX_DEPTH
    code = python_code(expr)
    assert "part1 = " in code
    assert _run(code) == expr


@pytest.mark.slow  # compiles and runs 5,000 groups
def test_long_groups_use_and_or() -> None:
    wide = Or(tuple(Q(f"f{i}").eq(i) & Q("g").lt(i) for i in range(5000)))
    code = python_code(wide)
    assert code.splitlines()[-5002:-5000] == [
        "expr = or_(",
        '    Q("f0").eq(0) & Q("g").lt(0),',
    ]
    assert _run(code) == wide
