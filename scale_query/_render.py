"""Expressions back to canonical filter text.

>>> from scale_query import parse
>>> render(parse('(a $eq 1 $or b $in [x ,"y"]) $and c $like "*S*"'))
'(a $eq 1 $or b $in ["x","y"]) $and c $like "*S*"'
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Literal

from . import _tables
from ._ast import And, Condition, Expr, Or
from ._values import format_number

__all__ = ["MAX_EXPANDED_CONDITIONS", "quote_field", "quote_string", "render"]

#: ``parens="never"`` refuses to write out more conditions than this.
MAX_EXPANDED_CONDITIONS = 10_000

_BARE_FIELD = re.compile(_tables.TERMINALS["FIELD"])


def quote_string(value: str) -> str:
    """A JSON string literal, non-ASCII kept as it is: ``"Ren\\u00e9"`` stays ``"René"``."""
    return json.dumps(value, ensure_ascii=False)


def quote_field(name: str) -> str:
    """A field name as written in a filter: bare when it can be, else in brackets."""
    return name if _BARE_FIELD.fullmatch(name) else f"[{name}]"


def _literal(value: str | Decimal) -> str:
    return quote_string(value) if isinstance(value, str) else format_number(value)


def _condition(node: Condition) -> str:
    value = node.value
    if isinstance(value, tuple):
        text = "[" + ",".join(_literal(item) for item in value) + "]"
    else:
        text = _literal(value)
    return f"{quote_field(node.field)} {node.op.value} {text}"


def _minimal(expr: Expr) -> str:
    # A loop over an explicit stack rather than recursion: any depth renders.
    out: list[str] = []
    todo: list[str | Expr] = [expr]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Condition):
            out.append(_condition(item))
        else:
            joiner = " $and " if isinstance(item, And) else " $or "
            for i in range(len(item.operands) - 1, -1, -1):
                operand = item.operands[i]
                # An Or inside an And is the only place precedence needs parentheses.
                grouped = joiner == " $and " and isinstance(operand, Or)
                if grouped:
                    todo.append(")")
                todo.append(operand)
                if grouped:
                    todo.append("(")
                if i:
                    todo.append(joiner)
    return "".join(out)


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
        return _minimal(_never(expr))
    if parens != "minimal":
        raise ValueError(f"parens must be 'minimal' or 'never', not {parens!r}")
    return _minimal(expr)
