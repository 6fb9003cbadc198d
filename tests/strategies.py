"""Hypothesis strategies for filter ASTs, shared by the property tests."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import strategies as st

from scale_query import And, Condition, Op, Or
from scale_query.language._ast import Expr

# Characters that stress escaping and tokenising: quotes, backslashes,
# operator and list syntax, wildcards, line breaks and non-ASCII text.
_TRICKY = [*'"\\$[](),*\n\t é日ß', "$and", "$or", "$eq", "]", "\u2028", "\x00", "\x1f"]

texts = st.one_of(
    st.text(max_size=12),
    st.lists(st.sampled_from(_TRICKY) | st.text(max_size=3), max_size=6).map("".join),
)
names = st.from_regex(re.compile(r"[^\W\d]\w{0,6}(\.[^\W\d]\w{0,4}){0,2}"), fullmatch=True)
fields = st.one_of(names, texts.map(lambda s: s.replace("]", "")).filter(bool))
numbers = st.one_of(
    st.integers(-(10**15), 10**15).map(Decimal),
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=3),
    st.sampled_from([Decimal("-0"), Decimal("1E+3"), Decimal("0.000"), Decimal("12.50")]),
)
scalars = st.one_of(texts, numbers)


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    op = draw(st.sampled_from(list(Op)))
    field = draw(fields)
    value: object
    if op.takes_list:
        value = tuple(draw(st.lists(scalars, min_size=1, max_size=4)))
    elif op.takes_pattern:
        value = draw(texts)
    else:
        value = draw(scalars)
    return Condition(field, op, value)  # type: ignore[arg-type]


def _combine(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    operands = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(operands.map(And), operands.map(Or))


exprs: st.SearchStrategy[Expr] = st.recursive(conditions(), _combine, max_leaves=12)
