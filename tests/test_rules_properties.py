"""SQ205 on numbers: reported exactly when no number satisfies the $and."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query import And, Condition, Op, validate

_SCALAR_OPS = [Op.EQ, Op.NEQ, Op.GT, Op.GTE, Op.LT, Op.LTE]
_small = st.integers(0, 6).map(Decimal)


@st.composite
def _conditions(draw: st.DrawFn) -> Condition:
    op = draw(st.sampled_from([*_SCALAR_OPS, Op.IN, Op.NOTIN]))
    if op.takes_list:
        return Condition("x", op, tuple(draw(st.lists(_small, min_size=1, max_size=3))))
    return Condition("x", op, draw(_small))


def _holds(node: Condition, x: Decimal) -> bool:
    v = node.value
    checks = {
        Op.EQ: lambda: x == v,
        Op.NEQ: lambda: x != v,
        Op.GT: lambda: x > v,  # type: ignore[operator]
        Op.GTE: lambda: x >= v,  # type: ignore[operator]
        Op.LT: lambda: x < v,  # type: ignore[operator]
        Op.LTE: lambda: x <= v,  # type: ignore[operator]
        Op.IN: lambda: x in v,  # type: ignore[operator]
        Op.NOTIN: lambda: x not in v,  # type: ignore[operator]
    }
    return bool(checks[node.op]())


# Every integer and half-integer around the values covers every region of the line.
_CANDIDATES = [Decimal(k) / 2 for k in range(-2, 16)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_conditions(), min_size=2, max_size=4))
def test_impossible_and_reported_exactly_when_unsatisfiable(conditions: list[Condition]) -> None:
    expr = And(tuple(conditions))
    reported = any(d.code == "SQ205" for d in validate(expr))
    satisfiable = any(all(_holds(c, x) for c in conditions) for x in _CANDIDATES)
    assert reported == (not satisfiable), expr
