"""Filters to parameterised SQLite SQL for the emulator's store, with the semantics of evaluate().

No value is ever written into the SQL text: every literal becomes a ``?``
parameter. Field names never reach SQL either: the caller maps each field to
the column expressions it stores (see :class:`Column`), and a field it does
not know is an :class:`UnknownFieldError`.

>>> from scale_query.language._ast import Condition, Op
>>> columns = {"Nom": Column("text", fold='"f0"', key='"f0"', raw='"r0"')}
>>> compile_filter(Condition("Nom", Op.EQ, "Dupont"), columns)
('"f0" = ?', ['dupont'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..language._ast import Expr
from ._plan import (
    AllOf,
    AnyOf,
    Compare,
    Const,
    FilterValueError,
    Like,
    Member,
    Regex,
    Test,
    UnknownFieldError,
    plan,
)
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


def _leaf(test: Compare | Member | Like | Regex, column: Column, params: list[object]) -> str:
    # The store keeps text fields NOT NULL (the empty text is ''), so a text
    # test answers for the empty value by itself; a number or date with no
    # value has a NULL key, which no comparison (NOT IN included) accepts.
    if isinstance(test, Compare):
        params.append(test.value)
        return f"{column.key} {test.op} ?"
    if isinstance(test, Member):
        params.extend(test.values)
        marks = ", ".join("?" * len(test.values))
        return f"{column.key} {'NOT IN' if test.negated else 'IN'} ({marks})"
    if isinstance(test, Like):
        params.append(glob_pattern("*".join(test.parts)))
        sql = f"{column.fold} {'NOT GLOB' if test.negated else 'GLOB'} ?"
    else:
        params.append(test.pattern)
        sql = f"{REGEX_FUNCTION}(?, {column.raw})"
    # Patterns read the written text, which is '' when a number or date is
    # empty: the key says whether there is a value at all.
    return sql if column.kind == "text" else f"({column.key} IS NOT NULL AND {sql})"


def _join(parts: Sequence[str], word: str) -> str:
    # SQLite parses "a AND b AND c ..." into a left-deep tree and caps expression
    # depth at 1000; splitting in halves keeps the depth logarithmic.
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({_join(parts[:middle], word)} {word} {_join(parts[middle:], word)})"


def _render(test: Test, columns: Mapping[str, Column], params: list[object]) -> str:
    if isinstance(test, Const):
        return "1" if test.value else "0"
    if isinstance(test, (AllOf, AnyOf)):
        parts = [_render(part, columns, params) for part in test.tests]
        return _join(parts, "AND" if isinstance(test, AllOf) else "OR")
    return _leaf(test, columns[test.field], params)


def compile_filter(expr: Expr, columns: Mapping[str, Column]) -> tuple[str, list[object]]:
    """The SQL condition for ``expr`` and its parameters, in order.

    The meaning of each condition comes from the semantic core shared with
    :func:`~scale_query.to_sql` (:mod:`._plan`); this only writes it for the
    emulator's store. Raises :class:`UnknownFieldError` for a field missing
    from ``columns`` and :class:`FilterValueError` for a literal that does not
    fit its field or a refused ``$regex`` pattern.
    """

    def kind_of(name: str) -> FieldKind | None:
        column = columns.get(name)
        return None if column is None else column.kind

    params: list[object] = []
    return _render(plan(expr, kind_of), columns, params), params


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
