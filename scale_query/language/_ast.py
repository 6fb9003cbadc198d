"""The filter AST: small, frozen, hashable values.

``Condition`` is a leaf; ``And`` and ``Or`` are n-ary and flattened (an ``And``
never directly holds an ``And``). Nodes made by :func:`scale_query.parse` carry
their source positions; positions never take part in equality or hashing, so a
parsed expression equals the same expression built with ``Q``.

Nesting is bounded (:data:`MAX_DEPTH`) when a node is made, so equality,
hashing, ``repr`` and rendering can recurse without ever meeting Python's
recursion limit.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, NoReturn, TypeAlias

from ._canonical import canonical_text

__all__ = [
    "MAX_DEPTH",
    "And",
    "Condition",
    "Expr",
    "Op",
    "Or",
    "Span",
    "Value",
    "negate",
    "walk",
]

#: The deepest nesting of ``$and``/``$or`` groups an expression may have.
#: Parentheses alone (``((a $eq 1))``) count too when parsing; see docs/language.md.
MAX_DEPTH = 256

Value: TypeAlias = str | Decimal | tuple[str | Decimal, ...]


class Op(enum.Enum):
    """A comparison operator; its value is the token, ``Op.GTE.value == "$gte"``.

    >>> Op("$gte"), Op.GTE.complement, Op.IN.takes_list
    (<Op.GTE: '$gte'>, <Op.LT: '$lt'>, True)
    """

    EQ = "$eq"
    NEQ = "$neq"
    GT = "$gt"
    GTE = "$gte"
    LT = "$lt"
    LTE = "$lte"
    LIKE = "$like"
    NOTLIKE = "$notlike"
    REGEX = "$regex"
    IN = "$in"
    NOTIN = "$notin"

    @property
    def takes_list(self) -> bool:
        """True for ``$in`` and ``$notin``, whose value is a list."""
        return self in _LIST_OPS

    @property
    def takes_pattern(self) -> bool:
        """True for ``$like``, ``$notlike`` and ``$regex``, whose value is a string."""
        return self in _PATTERN_OPS

    @property
    def complement(self) -> Op | None:
        """The operator matching exactly what this one does not (``$regex`` has none)."""
        return _COMPLEMENTS.get(self)

    def __str__(self) -> str:
        return self.value


_LIST_OPS = frozenset({Op.IN, Op.NOTIN})
_PATTERN_OPS = frozenset({Op.LIKE, Op.NOTLIKE, Op.REGEX})
_COMPLEMENTS = {
    Op.EQ: Op.NEQ,
    Op.NEQ: Op.EQ,
    Op.GT: Op.LTE,
    Op.LTE: Op.GT,
    Op.LT: Op.GTE,
    Op.GTE: Op.LT,
    Op.LIKE: Op.NOTLIKE,
    Op.NOTLIKE: Op.LIKE,
    Op.IN: Op.NOTIN,
    Op.NOTIN: Op.IN,
}


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node came from: 0-based offsets into the parsed text, end excluded.

    >>> from scale_query import parse
    >>> parse('Nom $eq "x" $and Age $gt 1').operands[1].span
    Span(start=17, end=26)
    """

    start: int
    end: int


class _Node:
    """Behaviour shared by every node (the dataclasses below hold the data)."""

    __slots__ = ()

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "a filter expression has no truth value: combine expressions with "
            "& and | (not `and`/`or`), and test for None explicitly"
        )

    def __str__(self) -> str:
        return canonical_text(self)

    def __and__(self, other: object) -> And:
        if not isinstance(other, (Condition, And, Or)):
            return NotImplemented
        return And((self, other))  # type: ignore[arg-type]

    def __or__(self, other: object) -> Or:
        if not isinstance(other, (Condition, And, Or)):
            return NotImplemented
        return Or((self, other))  # type: ignore[arg-type]

    def __invert__(self) -> Expr:
        return negate(self)  # type: ignore[arg-type]


def _check_field(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a field name is a str, not {type(name).__name__}")
    if not name:
        raise ValueError("a field name cannot be empty")
    if "]" in name:
        raise ValueError(f"a field name cannot contain ']': {name!r}")
    _check_text(name, "a field name")
    return name


def _check_text(text: str, what: str) -> None:
    # A lone surrogate is not Unicode text: it could not be rendered, sent in a
    # URL or stored, so it is refused where the node is made.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{what} holds a lone surrogate at index {error.start}, which is not Unicode text"
            ) from None


def _check_scalar(op: Op, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (str, Decimal)):
        raise TypeError(
            f"{op.value} takes a str or Decimal value, not {type(value).__name__}; "
            "use Q() to convert dates, ints and floats"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{op.value} takes a finite number, not {value}")
    if isinstance(value, str):
        _check_text(value, f"the {op.value} value")


@dataclass(frozen=True, slots=True)
class Condition(_Node):
    """One test: ``field op value``.

    >>> Condition("Nom", Op.LIKE, "*S*")
    Condition(field='Nom', op=<Op.LIKE: '$like'>, value='*S*')
    """

    field: str
    op: Op
    value: Value
    # Offsets of the parsed text: (start, end, field start, field end, op start,
    # op end, value start, value end, then start and end of each list item).
    _loc: tuple[int, ...] | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _check_field(self.field)
        if not isinstance(self.op, Op):
            raise TypeError(f"op must be an Op, not {type(self.op).__name__}")
        if self.op.takes_list:
            if not isinstance(self.value, tuple):
                raise TypeError(f"{self.op.value} takes a tuple of values")
            if not self.value:
                raise ValueError(f"{self.op.value} needs at least one value")
            for item in self.value:
                _check_scalar(self.op, item)
        else:
            _check_scalar(self.op, self.value)
            if self.op.takes_pattern and not isinstance(self.value, str):
                raise TypeError(f"{self.op.value} takes a string pattern")

    @property
    def depth(self) -> int:
        """Nesting depth: 0 for a condition."""
        return 0

    def _span(self, i: int) -> Span | None:
        loc = self._loc
        return None if loc is None else Span(loc[i], loc[i + 1])

    @property
    def span(self) -> Span | None:
        """The whole condition in the parsed text (None when not parsed)."""
        return self._span(0)

    @property
    def field_span(self) -> Span | None:
        """The field name in the parsed text."""
        return self._span(2)

    @property
    def op_span(self) -> Span | None:
        """The operator in the parsed text."""
        return self._span(4)

    @property
    def value_span(self) -> Span | None:
        """The value (a list with its brackets) in the parsed text."""
        return self._span(6)

    @property
    def item_spans(self) -> tuple[Span, ...]:
        """Each list item in the parsed text (empty when not parsed or not a list)."""
        loc = self._loc
        if loc is None:
            return ()
        return tuple(Span(loc[i], loc[i + 1]) for i in range(8, len(loc), 2))


def _flatten(kind: type[And] | type[Or], operands: object) -> tuple[Expr, ...]:
    if not isinstance(operands, Iterable):
        raise TypeError(f"{kind.__name__} takes a tuple of filter expressions")
    out: list[Expr] = []
    for operand in operands:
        if isinstance(operand, kind):
            out.extend(operand.operands)
        elif isinstance(operand, (Condition, And, Or)):
            out.append(operand)
        else:
            raise TypeError(
                f"{kind.__name__} takes filter expressions, not {type(operand).__name__}"
            )
    if len(out) < 2:
        raise ValueError(f"{kind.__name__} needs at least two operands")
    return tuple(out)


def _depth_of(kind_name: str, operands: tuple[Expr, ...]) -> int:
    depth = 1 + max(o.depth for o in operands)
    if depth > MAX_DEPTH:
        raise ValueError(f"{kind_name} nested {depth} levels deep; the limit is {MAX_DEPTH}")
    return depth


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Group(_Node):
    """What ``And`` and ``Or`` share: flattened operands, depth, cached hash.

    Equality, hashing and ``repr`` walk the tree with a loop, never by
    recursion, so they cost no stack whatever the depth.
    """

    operands: tuple[Expr, ...]
    _loc: tuple[int, ...] | None = None
    depth: int = dataclasses.field(default=0, init=False)
    _hash: int = dataclasses.field(default=0, init=False)

    def __post_init__(self) -> None:
        kind = type(self)
        operands = _flatten(kind, self.operands)  # type: ignore[arg-type]
        object.__setattr__(self, "operands", operands)
        object.__setattr__(self, "depth", _depth_of(kind.__name__, operands))
        object.__setattr__(self, "_hash", hash((kind.__name__, operands)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Group):
            return NotImplemented
        pairs: list[tuple[object, object]] = [(self, other)]
        while pairs:
            left, right = pairs.pop()
            if left is right:
                continue
            if type(left) is not type(right):
                return False
            if isinstance(left, _Group):
                assert isinstance(right, _Group)
                if left._hash != right._hash or len(left.operands) != len(right.operands):
                    return False
                pairs.extend(zip(left.operands, right.operands, strict=True))
            elif left != right:
                return False
        return True

    def __repr__(self) -> str:
        out: list[str] = []
        todo: list[object] = [self]
        while todo:
            item = todo.pop()
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, _Group):
                out.append(f"{type(item).__name__}(operands=(")
                todo.append("))")
                for i in range(len(item.operands) - 1, -1, -1):
                    todo.append(item.operands[i])
                    if i:
                        todo.append(", ")
            else:
                out.append(repr(item))
        return "".join(out)

    @property
    def span(self) -> Span | None:
        """The expression in the parsed text (None when not parsed)."""
        return None if self._loc is None else Span(self._loc[0], self._loc[1])


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class And(_Group):
    """All operands hold (``$and``). Nested ``And`` operands are flattened.

    >>> And((Condition("a", Op.EQ, "1"), Condition("b", Op.EQ, "2"))).operands[1].field
    'b'
    """

    joiner: ClassVar[str] = "$and"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Or(_Group):
    """At least one operand holds (``$or``). Nested ``Or`` operands are flattened.

    >>> len(Or((Condition("a", Op.EQ, "1"), Condition("b", Op.EQ, "2"))).operands)
    2
    """

    joiner: ClassVar[str] = "$or"


# A real union, not a string: annotations naming it resolve at run time
# (typing.get_type_hints, pydantic), and isinstance(x, Expr) works.
Expr: TypeAlias = Condition | And | Or


def walk(expr: Expr) -> Iterator[Condition]:
    """Yield every condition of ``expr``, left to right, without recursion.

    >>> [c.field for c in walk(Or((Condition("a", Op.EQ, "1"), Condition("b", Op.EQ, "2"))))]
    ['a', 'b']
    """
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Condition):
            yield node
        else:
            stack.extend(reversed(node.operands))


def negate(expr: Expr) -> Expr:
    """The expression matching exactly what ``expr`` does not (``~expr``).

    Negation is pushed down to the conditions (De Morgan), each taking its
    complementary operator; ``$regex`` has none, so negating it is refused.

    >>> print(negate(And((Condition("a", Op.EQ, "1"), Condition("b", Op.IN, ("x",))))))
    a $neq "1" $or b $notin ["x"]
    """
    if isinstance(expr, Condition):
        complement = expr.op.complement
        if complement is None:
            raise ValueError(
                f"{expr.op.value} has no negation in the filter language; "
                "write the opposite pattern instead"
            )
        return Condition(expr.field, complement, expr.value)
    if isinstance(expr, And):
        return Or(tuple(negate(o) for o in expr.operands))
    if isinstance(expr, Or):
        return And(tuple(negate(o) for o in expr.operands))
    raise TypeError(f"cannot negate {type(expr).__name__}")
