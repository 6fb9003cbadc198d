"""The tests of the semantic core (:mod:`.._plan`) as one sqlglot condition.

Every condition written here is two-valued: it is TRUE or FALSE for every
row, never NULL, so that a caller's ``NOT (...)`` around it selects exactly
the other rows. A column with no value (NULL) fails every test, as the
datamart's MySQL answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlglot import exp

from .._plan import AllOf, AnyOf, Compare, Const, Leaf, Like, Member, Regex, Test
from ._base import _COMPARISON, Rules, is_null

__all__ = ["build"]

#: Wider AND/OR chains are written as balanced groups: engines parse a flat
#: chain into a tree as deep as it is long (SQLite stops at depth 1,000).
FLAT_CHAIN = 64

# The stored text of a number or date holds digits, '-', '.', ':' and ' ':
# against such text a pattern of printable ASCII matches by code points
# exactly as by the collation (no two of these share a weight, none is
# ignorable), so a plain LIKE is exact.
_PRINTABLE_ASCII = re.compile(r"[ -~]*")

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


def _text(leaf: Leaf, column: exp.Expr, rules: Rules) -> exp.Expr:
    if isinstance(leaf, Regex):
        return rules.regex(column, leaf.pattern)
    if isinstance(leaf, Like):
        return rules.like_text(column, leaf.parts, leaf.negated)
    key = rules.text_key(column, True)
    if isinstance(leaf, Compare):
        value = rules.text_key(rules.text_value(leaf.literal), False)
        return _COMPARISON[leaf.op](this=key, expression=value)
    values = [rules.text_key(rules.text_value(text), False) for text in leaf.literals]
    test: exp.Expr = exp.In(this=key, expressions=values)
    return exp.Not(this=test) if leaf.negated else test


def _as_datetime(leaf: Compare | Member) -> bool:
    """A date field compared with a datetime compares as a datetime at midnight (MySQL)."""
    literals = (leaf.literal,) if isinstance(leaf, Compare) else leaf.literals
    return leaf.kind == "date" and not all(text.endswith(" 00:00:00") for text in literals)


def _typed_value(leaf: Compare | Member, rules: Rules, literal: str) -> exp.Expr:
    if leaf.kind in ("number", "integer"):
        return rules.number_value(literal)
    if leaf.kind == "date" and not _as_datetime(leaf):
        return rules.date_value(literal[:10], "date")
    return rules.date_value(literal, "datetime")


def _typed_column(leaf: Compare | Member, rules: Rules, column: exp.Expr) -> exp.Expr:
    if leaf.kind in ("number", "integer"):
        return rules.number(column)
    return rules.date_as_datetime(column) if _as_datetime(leaf) else column


def _typed_text(leaf: Like | Regex, column: exp.Expr, rules: Rules) -> exp.Expr:
    if leaf.kind == "integer":
        return rules.integer_text(column)
    if leaf.kind == "number":
        return rules.decimal_text(column)
    return rules.date_text(column, leaf.kind)


def _typed(leaf: Leaf, column: exp.Expr, rules: Rules) -> exp.Expr:
    if isinstance(leaf, Like):
        if not all(_PRINTABLE_ASCII.fullmatch(part) for part in leaf.parts):
            rules.refuse(
                f"$like with non-ASCII text on {leaf.kind} field {leaf.field!r}",
                "the stored text of a number or date holds ASCII only, and the collation "
                "would match other characters to it (a full-width digit is a digit)",
            )
        return rules.like(_typed_text(leaf, column, rules), leaf.parts, leaf.negated)
    if isinstance(leaf, Regex):
        return rules.regex(_typed_text(leaf, column, rules), leaf.pattern)
    value = _typed_column(leaf, rules, column)
    if isinstance(leaf, Compare):
        literal = _typed_value(leaf, rules, leaf.literal)
        return _COMPARISON[leaf.op](this=value, expression=literal)
    items = [_typed_value(leaf, rules, text) for text in leaf.literals]
    test: exp.Expr = exp.In(this=value, expressions=items)
    return exp.Not(this=test) if leaf.negated else test


def _build(test: Test, rules: Rules) -> _Built:
    if isinstance(test, Const):
        return test.value
    if isinstance(test, (AllOf, AnyOf)):
        return _combine([_build(part, rules) for part in test.tests], isinstance(test, AllOf))
    column = rules.column(test.field)
    built = (
        _text(test, column.copy(), rules)
        if test.kind == "text"
        else _typed(test, column.copy(), rules)
    )
    # NULL (a field never set, or no value) fails every test, NOT IN and <> included.
    return exp.and_(is_null(column, False), built, copy=False)


def build(test: Test, rules: Rules) -> exp.Expr:
    """The condition for ``test``, written by ``rules``."""
    built = _build(test, rules)
    return rules.boolean(built) if isinstance(built, bool) else built
