"""Laws of the language core, checked on generated inputs."""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conditions, exprs

from scale_query import And, Condition, FilterSyntaxError, Op, Or, Q, parse, render
from scale_query.language._ast import Expr, walk
from scale_query.language._canonical import quote_field, quote_string
from scale_query.language._values import format_number

# More examples than the session profile's default, for this module's laws only.
many = settings(max_examples=200)


def messy(expr: Expr, rnd: random.Random) -> str:
    """Write ``expr`` as a person might: odd spacing, extra groups, bare words."""

    def space() -> str:
        return rnd.choice(["", " ", "  ", "\n", "\t ", " \n  "])

    def literal(value: str | Decimal, in_list: bool) -> str:
        if isinstance(value, Decimal):
            return format_number(value)
        # Bare only where the parser reads a name: the rule render uses for fields.
        if in_list and "." not in value and quote_field(value) == value and rnd.random() < 0.5:
            return value
        return quote_string(value)

    def cond(node: Condition) -> str:
        if isinstance(node.value, tuple):
            items = (f",{space()}").join(literal(v, True) for v in node.value)
            value = f"[{space()}{items}{space()}]"
        else:
            value = literal(node.value, False)
        return f"{quote_field(node.field)} {node.op.value}{space() or ' '}{value}"

    def go(node: Expr, needs_group: bool) -> str:
        if isinstance(node, Condition):
            text = cond(node)
        else:
            word = " $and " if isinstance(node, And) else " $or "
            text = word.join(
                go(o, isinstance(node, And) and isinstance(o, Or)) for o in node.operands
            )
        if needs_group or rnd.random() < 0.15:
            return f"({space()}{text}{space()})"
        return text

    return space() + go(expr, False) + space()


def test_the_session_hypothesis_profile_is_kept() -> None:
    # conftest.py picks the profile (ci: derandomized); a module must not replace it.
    chosen = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
    assert repr(settings.default) == repr(chosen)


@pytest.mark.parametrize("item", ["¼", "ⅷ", "²a", "١"])
def test_messy_writes_an_item_bare_only_where_the_grammar_allows(item: str) -> None:
    expr = Condition("A", Op.IN, (item,))
    for seed in range(20):
        assert parse(messy(expr, random.Random(seed))) == expr


@pytest.mark.slow
@given(exprs)
@many
def test_parse_of_render_is_identity(expr: Expr) -> None:
    assert parse(render(expr)) == expr


@pytest.mark.slow
@given(exprs, st.randoms(use_true_random=False))
@many
def test_render_of_parse_is_a_fixed_point(expr: Expr, rnd: random.Random) -> None:
    text = messy(expr, rnd)
    parsed = parse(text)
    assert parsed == expr
    canonical = render(parsed)
    assert render(parse(canonical)) == canonical


def truth(expr: Expr, true: set[Condition]) -> bool:
    """``expr`` as a boolean formula over its conditions."""
    if isinstance(expr, Condition):
        return expr in true
    results = (truth(o, true) for o in expr.operands)
    return all(results) if isinstance(expr, And) else any(results)


def is_parenthesis_free(expr: Expr) -> bool:
    """An Or of Ands of conditions: what text without any group parses to."""
    terms = expr.operands if isinstance(expr, Or) else (expr,)
    return all(
        isinstance(t, Condition)
        or (isinstance(t, And) and all(isinstance(o, Condition) for o in t.operands))
        for t in terms
    )


@pytest.mark.slow
@given(exprs, st.randoms(use_true_random=False))
@many
def test_parenthesis_free_rendering_keeps_the_meaning(expr: Expr, rnd: random.Random) -> None:
    try:
        flat = render(expr, parens="never")
    except ValueError as error:
        assert "parens='minimal'" in str(error)
        return
    reparsed = parse(flat)
    assert is_parenthesis_free(reparsed)
    assert render(reparsed) == flat
    atoms = sorted(set(walk(expr)), key=repr)
    for _ in range(20):
        true = {a for a in atoms if rnd.random() < 0.5}
        assert truth(reparsed, true) == truth(expr, true)


_SCALAR_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(-(10**9), 10**9),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6
    ),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(),
    st.datetimes().map(lambda d: d.replace(microsecond=0)),
)


@st.composite
def built(draw: st.DrawFn) -> Expr:
    field = draw(st.sampled_from(["Nom", "DateNaissance", "Montant", "Date de naissance"]))
    q = Q(field)
    method = draw(
        st.sampled_from(
            [
                "eq",
                "neq",
                "gt",
                "gte",
                "lt",
                "lte",
                "like",
                "notlike",
                "regex",
                "in_",
                "notin",
                "startswith",
                "endswith",
                "contains",
            ]
        )
    )
    if method in ("in_", "notin"):
        return getattr(q, method)(draw(st.lists(_SCALAR_VALUES, min_size=1, max_size=3)))  # type: ignore[no-any-return]
    if method in ("startswith", "endswith", "contains"):
        return getattr(q, method)(draw(st.text(max_size=5).filter(lambda s: "*" not in s)))  # type: ignore[no-any-return]
    if method in ("like", "notlike", "regex"):
        return getattr(q, method)(draw(st.text(max_size=6)))  # type: ignore[no-any-return]
    return getattr(q, method)(draw(_SCALAR_VALUES))  # type: ignore[no-any-return]


built_exprs = st.recursive(
    built(),
    lambda kids: st.one_of(
        st.tuples(kids, kids).map(lambda p: p[0] & p[1]),
        st.tuples(kids, kids).map(lambda p: p[0] | p[1]),
    ),
    max_leaves=8,
)


@pytest.mark.slow
@given(built_exprs)
@many
def test_builder_equals_parse_of_its_rendering(expr: Expr) -> None:
    assert parse(str(expr)) == expr


@pytest.mark.slow
@given(built_exprs)
@many
def test_double_negation_is_identity(expr: Expr) -> None:
    if any(c.op.value == "$regex" for c in walk(expr)):
        return
    negated = ~expr
    assert ~negated == expr
    assert parse(str(negated)) == negated
    # Negation reaches every condition: no condition keeps its operator.
    assert all(a.op is b.op.complement for a, b in zip(walk(negated), walk(expr), strict=True))


_TOKENS = st.sampled_from(
    [
        "Nom",
        " ",
        "$eq",
        "$in",
        "$and",
        "$or",
        "(",
        ")",
        "[",
        "]",
        ",",
        '"x"',
        "12",
        "12,5",
        "'",
        '"',
        "$",
        "\\",
        "=",
        "\n",
        "-",
        ".",
        "é",
        "$EQ",
        "AND",
        "[a b]",
        "*",
    ]
)


@pytest.mark.slow
@given(st.one_of(st.text(max_size=40), st.lists(_TOKENS, max_size=25).map("".join)))
@settings(max_examples=500)
def test_any_text_parses_or_raises_filter_syntax_error(text: str) -> None:
    try:
        result = parse(text)
    except FilterSyntaxError as error:
        assert error.line >= 1 and error.column >= 1
        assert 0 <= error.offset < error.end_offset <= len(text) + 1
        assert str(error)  # rendering the message never fails
    else:
        assert isinstance(result, (Condition, And, Or))


@given(conditions())
@many
def test_conditions_are_hashable_values(cond: Condition) -> None:
    assert {cond: 1}[Condition(cond.field, cond.op, cond.value)] == 1


def test_builder_values() -> None:
    assert str(Q("d").eq(dt.datetime(2020, 12, 19, 12, 50, 50))) == 'd $eq "2020-12-19 12:50:50"'
    assert str(Q("m").gt(12.5)) == "m $gt 12.5"
    assert str(Q("m").gt(Decimal("1E+3"))) == "m $gt 1000"
