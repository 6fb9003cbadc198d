"""``maybe_parse``: the one way a public function takes a filter, as text or an expression.

Every public function that takes a filter (:func:`~scale_query.evaluate`,
:func:`~scale_query.validate`, :func:`~scale_query.to_sql`, ``Query.where``)
passes it through here, as sqlglot's ``maybe_parse`` does, so they all take
the same things and refuse the rest in the same words.

>>> maybe_parse('Nom $eq "x"') == maybe_parse(maybe_parse('Nom $eq "x"'))
True
"""

from __future__ import annotations

from ._ast import And, Condition, Expr, Or
from ._parser import parse

__all__ = ["maybe_parse"]


def maybe_parse(expr_or_text: Expr | str) -> Expr:
    """``expr_or_text`` as an expression: text is parsed, an expression is kept.

    Raises :class:`~scale_query.FilterSyntaxError` for text that does not
    parse and TypeError for anything else.

    >>> maybe_parse("Pays $in [FR, BE]").field
    'Pays'
    """
    if isinstance(expr_or_text, str):
        return parse(expr_or_text)
    if isinstance(expr_or_text, (Condition, And, Or)):
        return expr_or_text
    raise TypeError(
        f"expected a filter as text or an expression, not {type(expr_or_text).__name__}"
    )
