"""The fluent builder: ``Q("Nom").like("*S*") & Q("DateNaissance").gt(date(1990, 6, 12))``.

Every method returns the same AST that :func:`scale_query.parse` makes from the
rendered text, so built and parsed filters compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._ast import And, Condition, Expr, Op, Or, _check_field
from ._values import FilterValue, filter_value

__all__ = ["FilterValue", "Q", "and_", "or_"]


class Q:
    """A field to build conditions on.

    >>> import datetime
    >>> print(Q("Nom").like("*S*") & Q("DateNaissance").gt(datetime.date(1990, 6, 12)))
    Nom $like "*S*" $and DateNaissance $gt "1990-06-12"
    >>> print(Q("Pays").in_(["FR", "BE"]) | ~Q("CP").startswith("75"))
    Pays $in ["FR","BE"] $or CP $notlike "75*"
    """

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = _check_field(field)

    def __repr__(self) -> str:
        return f"Q({self.field!r})"

    def _scalar(self, op: Op, value: object) -> Condition:
        return Condition(self.field, op, filter_value(value))

    def eq(self, value: FilterValue) -> Condition:
        """``field $eq value``: equal (text compared case-insensitively by the server)."""
        return self._scalar(Op.EQ, value)

    def neq(self, value: FilterValue) -> Condition:
        """``field $neq value``: not equal."""
        return self._scalar(Op.NEQ, value)

    def gt(self, value: FilterValue) -> Condition:
        """``field $gt value``: greater than."""
        return self._scalar(Op.GT, value)

    def gte(self, value: FilterValue) -> Condition:
        """``field $gte value``: greater than or equal."""
        return self._scalar(Op.GTE, value)

    def lt(self, value: FilterValue) -> Condition:
        """``field $lt value``: lower than."""
        return self._scalar(Op.LT, value)

    def lte(self, value: FilterValue) -> Condition:
        """``field $lte value``: lower than or equal."""
        return self._scalar(Op.LTE, value)

    def _pattern(self, op: Op, pattern: object) -> Condition:
        if not isinstance(pattern, str):
            raise TypeError(
                f"{op.value} takes a str pattern, not {type(pattern).__name__}; "
                f"pass str(value) to match its text"
            )
        return Condition(self.field, op, pattern)

    def like(self, pattern: str) -> Condition:
        """``field $like pattern``: the whole value matches; ``*`` is any run of characters."""
        return self._pattern(Op.LIKE, pattern)

    def notlike(self, pattern: str) -> Condition:
        """``field $notlike pattern``: the value does not match the pattern."""
        return self._pattern(Op.NOTLIKE, pattern)

    def regex(self, pattern: str) -> Condition:
        """``field $regex pattern``: a MySQL regular expression found anywhere in the value."""
        return self._pattern(Op.REGEX, pattern)

    def _affix(self, text: object, before: str, after: str) -> Condition:
        if not isinstance(text, str):
            raise TypeError(f"pass a str, not {type(text).__name__}")
        if "*" in text:
            raise ValueError(
                "the filter language cannot escape '*': use like() with your own pattern"
            )
        return Condition(self.field, Op.LIKE, f"{before}{text}{after}")

    def startswith(self, prefix: str) -> Condition:
        """``field $like "prefix*"``."""
        return self._affix(prefix, "", "*")

    def endswith(self, suffix: str) -> Condition:
        """``field $like "*suffix"``."""
        return self._affix(suffix, "*", "")

    def contains(self, text: str) -> Condition:
        """``field $like "*text*"``."""
        return self._affix(text, "*", "*")

    def _list(self, op: Op, values: Iterable[object]) -> Condition:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(
                f"{op.value} takes a list of values, such as ['FR', 'BE'], "
                f"not {type(values).__name__}"
            )
        items = tuple(filter_value(v) for v in values)
        if not items:
            raise ValueError(f"{op.value} needs at least one value")
        return Condition(self.field, op, items)

    def in_(self, values: Iterable[FilterValue]) -> Condition:
        """``field $in [a,b]``: the value is one of ``values``."""
        return self._list(Op.IN, values)

    def notin(self, values: Iterable[FilterValue]) -> Condition:
        """``field $notin [a,b]``: the value is none of ``values``."""
        return self._list(Op.NOTIN, values)


def _gather(exprs: tuple[object, ...], name: str) -> tuple[Expr, ...]:
    first = exprs[0] if len(exprs) == 1 else None
    if isinstance(first, Iterable) and not isinstance(first, (Condition, And, Or, str)):
        exprs = tuple(first)
    if not exprs:
        raise ValueError(f"{name}() needs at least one expression")
    for expr in exprs:
        if not isinstance(expr, (Condition, And, Or)):
            raise TypeError(f"{name}() takes filter expressions, not {type(expr).__name__}")
    return exprs  # type: ignore[return-value]


def and_(*exprs: Expr | Iterable[Expr]) -> Expr:
    """All of ``exprs`` (one expression is returned as it is).

    >>> print(and_(Q("a").eq(1), Q("b").eq(2), Q("c").eq(3)))
    a $eq 1 $and b $eq 2 $and c $eq 3
    """
    operands = _gather(exprs, "and_")
    return operands[0] if len(operands) == 1 else And(operands)


def or_(*exprs: Expr | Iterable[Expr]) -> Expr:
    """Any of ``exprs`` (one expression is returned as it is).

    >>> print(or_([Q("a").eq(1), Q("b").eq(2)]))
    a $eq 1 $or b $eq 2
    """
    operands = _gather(exprs, "or_")
    return operands[0] if len(operands) == 1 else Or(operands)
