"""SQ205: conditions joined by ``$and`` that can never hold together.

For each field, the ``$and``-ed conditions on it narrow what values it may
take (an allowed set from ``$eq``/``$in``, exclusions from ``$neq``/``$notin``,
bounds from ``$gt``/``$gte``/``$lt``/``$lte``); when nothing is left, the
whole ``$and`` matches nothing. Values are compared as the one semantics reads
them (:mod:`._reading`): text casefolded, numbers and dates as values when
the schema says so, everything as text without a schema.

>>> from scale_query import parse
>>> [f.code for f in contradictions(parse('Pays $eq "FR" $and Pays $eq "BE"'), None)]
['SQ205']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..language import And, Condition, Op, format_number, render
from ._finding import Finding
from ._reading import literal_key, stored_key

if TYPE_CHECKING:
    from ._schema import FieldKind, ObjectSchema

__all__ = ["contradictions"]


_PRINTABLE_ASCII = re.compile(r"[ -~]*")


class _Bound(NamedTuple):
    key: object
    strict: bool
    node: Condition


def _order_key(value: str | Decimal, kind: FieldKind | None) -> object | None:
    """The value as the one semantics orders it, or None when the order is unknown.

    With a schema, :func:`literal_key` decides. Without one the field's kind
    is unknown, so only what holds whatever the kind counts: numbers order as
    numbers and dates as dates; the order of other text is unknown. Text is
    never ordered here: the collation's table is not loaded for a lint.
    """
    if kind == "text":
        return None
    if kind is not None:
        try:
            return literal_key(kind, value)
        except ValueError:  # reported by SQ103-SQ105; it orders nothing
            return None
    if isinstance(value, Decimal):
        return value
    day = stored_key("datetime", value)
    return None if day is None else ("date", day)


def _equal_key(value: str | Decimal, kind: FieldKind | None) -> object | None:
    """The value as the one semantics tests it for equality (None: unreadable or unknown)."""
    if kind is not None and kind != "text":
        return _order_key(value, kind)
    ordered = None if kind == "text" else _order_key(value, None)
    if ordered is not None:
        return ordered
    if not isinstance(value, str):
        return value if kind is None else format_number(value).lower()
    # Printable ASCII is equal under the collation exactly when equal ignoring
    # case (no two such characters share a primary weight, none is ignorable);
    # for other text the lint does not load the collation's table to know.
    return value.lower() if _PRINTABLE_ASCII.fullmatch(value) else None


class _Field:
    """What the ``$and``-ed conditions on one field allow, gathered one by one."""

    def __init__(self, kind: FieldKind | None) -> None:
        self.kind = kind
        self.allowed: set[object] | None = None
        self.allowed_by: Condition | None = None
        self.excluded: dict[object, Condition] = {}
        self.low: _Bound | None = None
        self.high: _Bound | None = None

    def add(self, node: Condition) -> Finding | None:
        op, kind = node.op, self.kind
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        keys = {_equal_key(v, kind) for v in values}
        if None in keys:  # a literal the field cannot hold: SQ103-SQ105 say so
            return None
        if op in (Op.EQ, Op.IN):
            if self.allowed is not None and not keys & self.allowed:
                return _impossible(node, self.allowed_by)
            self.allowed = keys if self.allowed is None else keys & self.allowed
            self.allowed_by = node
        elif op in (Op.NEQ, Op.NOTIN):
            for key in keys:
                self.excluded.setdefault(key, node)
        elif op in (Op.GT, Op.GTE, Op.LT, Op.LTE):
            key = _order_key(values[0], kind)
            if key is None:
                return None
            bound = _Bound(key, op in (Op.GT, Op.LT), node)
            if op in (Op.GT, Op.GTE):
                self.low = _tighter(self.low, bound, low=True)
            else:
                self.high = _tighter(self.high, bound, low=False)
        else:
            return None
        return self._empty(node)

    def _empty(self, node: Condition) -> Finding | None:
        low, high = self.low, self.high
        if low is not None and high is not None and not _fits(low, high):
            return _impossible(node, low.node if node is high.node else high.node)
        allowed = self.allowed
        if allowed is None:
            if low is None or high is None or low.key != high.key:
                return None
            # The bounds leave one value: the $and is dead if that one is excluded.
            allowed = {low.key}
        left = {k for k in allowed if k not in self.excluded}
        left = {k for k in left if _within(k, low, high)}
        if left:
            return None
        others = [b.node for b in (low, high) if b is not None]
        others += list(self.excluded.values())
        other = next((n for n in others if n is not node), self.allowed_by)
        return _impossible(node, other)


def _comparable(a: object, b: object) -> bool:
    return type(a) is type(b)


def _tighter(old: _Bound | None, new: _Bound, *, low: bool) -> _Bound | None:
    if old is None:
        return new
    if not _comparable(old.key, new.key):
        return old
    if old.key == new.key:
        return new if new.strict and not old.strict else old
    newer_wins = new.key > old.key if low else new.key < old.key  # type: ignore[operator]
    return new if newer_wins else old


def _fits(low: _Bound, high: _Bound) -> bool:
    if not _comparable(low.key, high.key):
        return True
    if low.key == high.key:
        return not (low.strict or high.strict)
    return bool(low.key < high.key)  # type: ignore[operator]


def _within(key: object, low: _Bound | None, high: _Bound | None) -> bool:
    for bound, sign in ((low, 1), (high, -1)):
        if bound is None or not _comparable(key, bound.key):
            continue
        if key == bound.key:
            if bound.strict:
                return False
        elif (key > bound.key) != (sign > 0):  # type: ignore[operator]
            return False
    return True


def _impossible(node: Condition, other: Condition | None) -> Finding:
    against = f" together with `{render(other)}`" if other is not None else ""
    return Finding(
        "SQ205",
        f"`{render(node)}`{against} can never hold: the $and matches nothing",
        node.span,
        "did you mean $or, or another value?",
    )


def contradictions(node: And, schema: ObjectSchema | None) -> Iterator[Finding]:
    """An SQ205 finding per field whose ``$and``-ed conditions leave no value."""
    names = [o.field.casefold() for o in node.operands if isinstance(o, Condition)]
    if len(set(names)) == len(names):
        return
    fields: dict[str, _Field] = {}
    # One finding per field is enough to show that the $and is dead.
    reported: set[str] = set()
    for operand in node.operands:
        if not isinstance(operand, Condition):
            continue
        info = schema.lookup(operand.field) if schema is not None else None
        name = info.name if info is not None else operand.field
        if name in reported:
            continue
        state = fields.get(name)
        if state is None:
            state = fields[name] = _Field(info.kind if info is not None else None)
        found = state.add(operand)
        if found is not None:
            reported.add(name)
            yield found
