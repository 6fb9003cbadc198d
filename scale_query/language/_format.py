"""Canonical, wrapped filter text for filter files (``scale-query fmt``).

A filter that fits the width stays on one line, in canonical form
(:func:`scale_query.render`). A longer one breaks before each top-level
``$or`` (continuation lines indented by 4), and an operand still too long
breaks before its ``$and`` (indented by 8, or by 4 when the filter has no
top-level ``$or``). Groups in parentheses are never broken. In a filter file a
line that starts with whitespace continues the filter above, so the lines
joined by newlines parse back to the same expression.

>>> from scale_query import parse
>>> print("\\n".join(format_filter(parse("a $eq 1 $and b $eq 2 $or c $eq 3"), line_length=20)))
a $eq 1 $and b $eq 2
    $or c $eq 3
"""

from __future__ import annotations

from ._ast import And, Expr, Or
from ._render import render

__all__ = ["DEFAULT_LINE_LENGTH", "format_filter"]

#: The width ``fmt`` wraps at unless told otherwise.
DEFAULT_LINE_LENGTH = 88

_OR = "    $or "
_AND_IN_OR = "        $and "
_AND = "    $and "


def _operand(node: Expr) -> str:
    # An $or inside an $and is the one place that needs its parentheses.
    text = render(node)
    return f"({text})" if isinstance(node, Or) else text


def _and_lines(node: Expr, first: str, rest: str, width: int) -> list[str]:
    text = first + render(node)
    if len(text) <= width or not isinstance(node, And):
        return [text]
    parts = [_operand(o) for o in node.operands]
    return [first + parts[0], *(rest + p for p in parts[1:])]


def format_filter(expr: Expr, *, line_length: int = DEFAULT_LINE_LENGTH) -> list[str]:
    """The lines of ``expr`` in canonical form, wrapped at ``line_length``.

    >>> from scale_query import parse
    >>> format_filter(parse('a $eq 1 $and b $eq 2'), line_length=10)
    ['a $eq 1', '    $and b $eq 2']
    """
    if line_length < 1:
        raise ValueError(f"line_length must be positive, not {line_length}")
    if isinstance(expr, Or):
        one = render(expr)
        if len(one) <= line_length:
            return [one]
        lines: list[str] = []
        for i, operand in enumerate(expr.operands):
            lines += _and_lines(operand, _OR if i else "", _AND_IN_OR, line_length)
        return lines
    return _and_lines(expr, "", _AND, line_length)
