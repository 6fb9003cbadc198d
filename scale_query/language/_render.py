"""Expressions back to canonical filter text.

>>> from scale_query import parse
>>> render(parse('(a $eq 1 $or b $in [x ,"y"]) $and c $like "*S*"'))
'(a $eq 1 $or b $in ["x","y"]) $and c $like "*S*"'
"""

from __future__ import annotations

from typing import Literal

from ._ast import And, Condition, Expr, Or
from ._canonical import canonical_text

__all__ = ["MAX_EXPANDED_CONDITIONS", "render"]

#: ``parens="never"`` refuses to write out more conditions than this.
MAX_EXPANDED_CONDITIONS = 10_000


def _dnf_shape(node: Expr) -> tuple[list[list[Condition]], int]:
    """The disjunctive normal form, a list of conjunctions, and its condition count.

    Sizes are checked as the form grows (counted as it goes, never summed
    again), so a huge expansion is refused before it is built.
    """
    if isinstance(node, Condition):
        return [[node]], 1
    if isinstance(node, Or):
        terms: list[list[Condition]] = []
        size = 0
        for operand in node.operands:
            sub, sub_size = _dnf_shape(operand)
            terms.extend(sub)
            size += sub_size
            _check_size(size)
        return terms, size
    product: list[list[Condition]] = [[]]
    size = 0
    for operand in node.operands:
        factor, factor_size = _dnf_shape(operand)
        # Each left conjunction is repeated once per right one, and vice versa.
        size = size * len(factor) + factor_size * len(product)
        _check_size(size)
        product = [left + right for left in product for right in factor]
    return product, size


def _check_size(size: int) -> None:
    if size > MAX_EXPANDED_CONDITIONS:
        raise _too_big(size)


def _too_big(size: int) -> ValueError:
    return ValueError(
        f"without parentheses this filter would hold {size} or more conditions "
        f"(the limit is {MAX_EXPANDED_CONDITIONS}); render it with parens='minimal'"
    )


def _never(node: Expr) -> Expr:
    terms, _ = _dnf_shape(node)
    conjunctions: list[Expr] = [t[0] if len(t) == 1 else And(tuple(t)) for t in terms]
    return conjunctions[0] if len(conjunctions) == 1 else Or(tuple(conjunctions))


def render(expr: Expr, *, parens: Literal["minimal", "never"] = "minimal") -> str:
    """The canonical text of ``expr``; ``str(expr)`` gives the same.

    ``parens="minimal"`` writes parentheses only where ``$and`` must hold an
    ``$or``. ``parens="never"`` first rewrites the expression into an
    equivalent one without any (distributing ``$and`` over ``$or``), for
    servers that do not accept parentheses, and raises ``ValueError`` when
    that would write more than :data:`MAX_EXPANDED_CONDITIONS` conditions.

    >>> from scale_query import Q
    >>> render((Q("a").eq(1) | Q("b").eq(2)) & Q("c").eq(3), parens="never")
    'a $eq 1 $and c $eq 3 $or b $eq 2 $and c $eq 3'
    """
    if not isinstance(expr, (Condition, And, Or)):
        raise TypeError(f"render() takes a filter expression, not {type(expr).__name__}")
    if parens == "never":
        return canonical_text(_never(expr))
    if parens != "minimal":
        raise ValueError(f"parens must be 'minimal' or 'never', not {parens!r}")
    return canonical_text(expr)
