"""Filters to parameterised SQLite SQL, with the semantics of :mod:`scale_query._evaluate`.

No value is ever written into the SQL text: every literal becomes a ``?``
parameter. Field names never reach SQL either: the caller maps each field to
the column expressions it stores (see :class:`Column`), and a field it does
not know is an :class:`UnknownFieldError`.

>>> from scale_query._ast import Condition, Op
>>> columns = {"Nom": Column("text", fold='"f0"', key='"f0"', raw='"r0"')}
>>> compile_filter(Condition("Nom", Op.EQ, "Dupont"), columns)
('"f0" = ?', ['dupont'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..language._ast import And, Condition, Expr, Op, Or, Span
from ._reading import compile_regex, literal_key
from ._schema import FieldKind

__all__ = [
    "REGEX_FUNCTION",
    "Column",
    "FilterValueError",
    "UnknownFieldError",
    "compile_filter",
    "glob_pattern",
    "order_by",
    "quote_identifier",
]

#: The name of the SQL function ``(pattern, value) -> 0/1`` the connection must register.
REGEX_FUNCTION = "sq_regex"

_COMPARE = {Op.EQ: "=", Op.NEQ: "<>", Op.GT: ">", Op.GTE: ">=", Op.LT: "<", Op.LTE: "<="}


class UnknownFieldError(ValueError):
    """A filter or sort key names a field the object does not have."""

    def __init__(self, field: str, span: Span | None = None) -> None:
        self.field = field
        self.span = span
        super().__init__(f"unknown field {field!r}")


class FilterValueError(ValueError):
    """A literal that does not fit its field, or a refused ``$regex``; ``span`` locates it."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        self.span = span
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Column:
    """How one field is stored: SQL expressions chosen by the store, never by a user.

    ``fold`` gives the casefolded text, ``key`` the typed key (the folded text
    for text fields; a number or a normalised date, NULL when empty, for the
    others) and ``raw`` the value as written.
    """

    kind: FieldKind
    fold: str
    key: str
    raw: str


def quote_identifier(name: str) -> str:
    """An SQLite identifier in double quotes, inner quotes doubled.

    >>> quote_identifier('a"b')
    '"a""b"'
    """
    if "\x00" in name:
        raise ValueError("an SQL identifier cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def glob_pattern(pattern: str) -> str:
    """A ``$like`` pattern as an SQLite GLOB over casefolded text.

    Only ``*`` stays a wildcard; GLOB's own ``?`` and ``[`` (and a literal
    ``*``, which ``$like`` cannot express) are put in brackets.

    >>> glob_pattern("*a?b[c*")
    '*a[?]b[[]c*'
    """
    escaped = (
        "".join(f"[{ch}]" if ch in "?[" else ch for ch in part)
        for part in pattern.casefold().split("*")
    )
    return "*".join(escaped)


def _column(columns: Mapping[str, Column], node: Condition) -> Column:
    column = columns.get(node.field)
    if column is None:
        raise UnknownFieldError(node.field, node.field_span)
    return column


def _condition(node: Condition, columns: Mapping[str, Column], params: list[object]) -> str:
    column = _column(columns, node)
    try:
        return _test(node, column, params)
    except ValueError as error:
        raise FilterValueError(str(error), node.value_span) from None


def _test(node: Condition, column: Column, params: list[object]) -> str:
    op = node.op
    if op.takes_pattern:
        if not isinstance(node.value, str):
            raise ValueError(f"{op.value} takes a string pattern")
        if op is Op.REGEX:
            compile_regex(node.value)  # refused here, not halfway through a query
            params.append(node.value)
            test = f"{REGEX_FUNCTION}(?, {column.raw})"
        else:
            params.append(glob_pattern(node.value))
            test = f"{column.fold} GLOB ?" if op is Op.LIKE else f"{column.fold} NOT GLOB ?"
        # An empty number or date matches no comparison, $notlike included.
        return test if column.kind == "text" else f"({column.key} IS NOT NULL AND {test})"
    if op.takes_list:
        items = node.value if isinstance(node.value, tuple) else (node.value,)
        keys = list(dict.fromkeys(literal_key(column.kind, item, node.field) for item in items))
        params.extend(keys)
        marks = ", ".join("?" * len(keys))
        # NULL NOT IN (...) is NULL: an empty number or date is never "not in".
        return f"{column.key} {'IN' if op is Op.IN else 'NOT IN'} ({marks})"
    if isinstance(node.value, tuple):
        raise ValueError(f"{op.value} takes a single value, not a list")
    params.append(literal_key(column.kind, node.value, node.field))
    return f"{column.key} {_COMPARE[op]} ?"


def _join(parts: Sequence[str], word: str) -> str:
    # SQLite parses "a AND b AND c ..." into a left-deep tree and caps expression
    # depth at 1000; splitting in halves keeps the depth logarithmic.
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({_join(parts[:middle], word)} {word} {_join(parts[middle:], word)})"


def _compile(node: Expr, columns: Mapping[str, Column], params: list[object]) -> str:
    if isinstance(node, Condition):
        return _condition(node, columns, params)
    if not isinstance(node, (And, Or)):
        raise TypeError(f"expected a filter expression, not {type(node).__name__}")
    parts = [_compile(operand, columns, params) for operand in node.operands]
    return _join(parts, "AND" if isinstance(node, And) else "OR")


def compile_filter(expr: Expr, columns: Mapping[str, Column]) -> tuple[str, list[object]]:
    """The SQL condition for ``expr`` and its parameters, in order.

    Raises :class:`UnknownFieldError` for a field missing from ``columns`` and
    :class:`FilterValueError` for a literal that does not fit its field or a
    refused ``$regex`` pattern.
    """
    params: list[object] = []
    return _compile(expr, columns, params), params


def order_by(
    keys: Sequence[tuple[str, bool]], columns: Mapping[str, Column], id_column: str
) -> str:
    """An ORDER BY list for ``(field, descending)`` keys, ties broken by ``id_column``.

    Text sorts by its casefolded value; an empty number or date sorts first
    ascending and last descending (SQLite's NULL order).

    >>> order_by([("Nom", True)], {"Nom": Column("text", '"f0"', '"f0"', '"r0"')}, '"id"')
    '"f0" DESC, "id" ASC'
    """
    terms = []
    for name, descending in keys:
        column = columns.get(name)
        if column is None:
            raise UnknownFieldError(name)
        terms.append(f"{column.key} {'DESC' if descending else 'ASC'}")
    terms.append(f"{id_column} ASC")
    return ", ".join(terms)
