"""The tests of the semantic core (:mod:`.._plan`) as one sqlglot condition.

Every condition written here is two-valued: it is TRUE or FALSE for every
row, never NULL, so that a caller's ``NOT (...)`` around it selects exactly
the other rows. An empty number or date (NULL) fails every test; an empty
text (NULL or '') answers what :func:`~scale_query.evaluate` answers for "".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._plan import AllOf, AnyOf, Compare, Const, Leaf, Like, Member, Regex, Test, on_nonempty
from ._base import Rules, is_null
from ._casefold import Mode

__all__ = ["build"]

#: Wider AND/OR chains are written as balanced groups: engines parse a flat
#: chain into a tree as deep as it is long (SQLite stops at depth 1,000).
FLAT_CHAIN = 64

_Built = exp.Expr | bool


def _chain(parts: Sequence[exp.Expr], conjunction: bool) -> exp.Expr:
    make = exp.and_ if conjunction else exp.or_
    # copy=False: every part is built fresh for this tree (sqlglot copies by default).
    if len(parts) <= FLAT_CHAIN:
        return make(*parts, copy=False)
    middle = len(parts) // 2
    halves = (_chain(parts[:middle], conjunction), _chain(parts[middle:], conjunction))
    return make(*(exp.Paren(this=half) for half in halves), copy=False)


def _combine(parts: Sequence[_Built], conjunction: bool) -> _Built:
    # A constant decides the whole (FALSE in an AND) or drops out (TRUE in an AND).
    kept: list[exp.Expr] = []
    for part in parts:
        if isinstance(part, bool):
            if part is not conjunction:
                return part
        else:
            kept.append(part)
    if not kept:
        return conjunction
    return kept[0] if len(kept) == 1 else _chain(kept, conjunction)


def _text_test(leaf: Leaf, column: exp.Expr, rules: Rules) -> exp.Expr:
    if isinstance(leaf, Regex):
        return rules.regex(column, leaf.pattern)
    if isinstance(leaf, Compare):
        assert isinstance(leaf.value, str)
        mode: Mode = "equal" if leaf.op in ("=", "<>") else "order"
        folded = rules.fold(column, leaf.value, mode)
        return rules.compare_text(folded, leaf.op, rules.text_value(leaf.value))
    if isinstance(leaf, Member):
        texts = [value for value in leaf.values if isinstance(value, str)]
        folded = rules.fold(column, "".join(texts), "equal")
        return rules.member_text(folded, [rules.text_value(t) for t in texts], leaf.negated)
    folded = rules.fold(column, "".join(leaf.parts), "like")
    return rules.like(folded, leaf.parts, leaf.negated)


def _text(leaf: Leaf, rules: Rules) -> _Built:
    column = rules.column(leaf.field)
    core = on_nonempty(leaf)
    if core is leaf:
        # The test answers `when_empty` for '' by itself: only NULL needs a word.
        test = _text_test(leaf, column, rules)
        return _combine([is_null(column, leaf.when_empty), test], not leaf.when_empty)
    # The empty literal dropped out: the empty text is tested apart.
    built: _Built = core.value if isinstance(core, Const) else _text_test(core, column, rules)
    if leaf.when_empty:
        return _combine([rules.is_empty(column), built], False)
    return _combine([rules.is_not_empty(column), built], True)


def _typed_value(leaf: Compare | Member, rules: Rules, value: str | float) -> exp.Expr:
    if leaf.kind in ("number", "integer"):
        assert isinstance(value, float)
        return rules.number_value(value)
    assert isinstance(value, str)
    return rules.date_value(value, leaf.kind)


def _typed_text(leaf: Leaf, column: exp.Expr, rules: Rules) -> exp.Expr:
    if leaf.kind == "integer":
        return rules.integer_text(column)
    if leaf.kind == "number":
        operator = "$regex" if isinstance(leaf, Regex) else "$like"
        rules.refuse(
            f"{operator} on number field {leaf.field!r}",
            "a column of numbers does not keep the datamart's text (12.50 or 12.5?); "
            "compare with $gte/$lt, or leave the schema out to treat the field as text",
        )
    return rules.date_text(column, leaf.kind)


def _typed(leaf: Leaf, rules: Rules) -> exp.Expr:
    column = rules.column(leaf.field)
    test: exp.Expr
    if isinstance(leaf, (Like, Regex)):
        text = _typed_text(leaf, column.copy(), rules)
        if isinstance(leaf, Like):
            # Dates and numbers are written with digits, '-', ':' and ' ':
            # casefolding leaves them as they are.
            test = rules.like(text, leaf.parts, leaf.negated)
        else:
            test = rules.regex(text, leaf.pattern)
    else:
        value = column.copy() if leaf.kind in ("date", "datetime") else rules.number(column.copy())
        if isinstance(leaf, Compare):
            operator = {"=": exp.EQ, "<>": exp.NEQ, ">": exp.GT, ">=": exp.GTE}
            operator |= {"<": exp.LT, "<=": exp.LTE}
            test = operator[leaf.op](this=value, expression=_typed_value(leaf, rules, leaf.value))
        else:
            items = [_typed_value(leaf, rules, item) for item in leaf.values]
            test = exp.In(this=value, expressions=items)
            test = exp.Not(this=test) if leaf.negated else test
    # NULL (no value) fails every test, NOT IN and <> included.
    return exp.and_(is_null(column, False), test, copy=False)


def _build(test: Test, rules: Rules) -> _Built:
    if isinstance(test, Const):
        return test.value
    if isinstance(test, (AllOf, AnyOf)):
        return _combine([_build(part, rules) for part in test.tests], isinstance(test, AllOf))
    return _text(test, rules) if test.kind == "text" else _typed(test, rules)


def build(test: Test, rules: Rules) -> exp.Expr:
    """The condition for ``test``, written by ``rules``."""
    built = _build(test, rules)
    return rules.boolean(built) if isinstance(built, bool) else built
