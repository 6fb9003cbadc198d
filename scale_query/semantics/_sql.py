"""Filters to parameterised SQLite SQL for the emulator's store, with the semantics of evaluate().

No value is ever written into the SQL text: every literal becomes a ``?``
parameter. Field names never reach SQL either: the caller maps each field to
the column expressions it stores (see :class:`Column`), and a field it does
not know is an :class:`UnknownFieldError`.

Every key is computed in Python by :mod:`._reading` (collation keys, exact
number keys, normalised datetimes), stored beside the value, and compared in
SQL with SQLite's own operators: ``=``, ``<``, ``IN`` and ``GLOB`` on keys
answer as the collation does, without a Python call per row.

>>> from scale_query.language._ast import Condition, Op
>>> from scale_query.semantics._reading import text_key
>>> columns = {"Nom": Column("text", fold='"f0"', key='"k0"', raw='"r0"')}
>>> sql, params = compile_filter(Condition("Nom", Op.EQ, "Dupont"), columns)
>>> sql, params == [text_key("dupont")]
('"k0" = ?', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..language import Expr
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
    "KEY_FUNCTION",
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
#: The SQL function ``(text) -> like key`` the connection must register
#: (for the few columns whose like key is not stored: ids read as text).
KEY_FUNCTION = "sq_like_key"


@dataclass(frozen=True, slots=True)
class Column:
    """How one field is stored: SQL expressions chosen by the store, never by a user.

    ``fold`` gives the like key of the stored text (:func:`~._reading.like_key`),
    ``key`` the comparison key (the collation key for text fields; an exact
    number key or a normalised datetime for the others), both NULL when there
    is no value,
    and ``raw`` the stored text. ``native`` says ``key`` is an SQLite
    integer (a record id), compared with numbers rather than number keys.
    """

    kind: FieldKind
    fold: str
    key: str
    raw: str
    native: bool = False


def quote_identifier(name: str) -> str:
    """An SQLite identifier in double quotes, inner quotes doubled.

    >>> quote_identifier('a"b')
    '"a""b"'
    """
    if "\x00" in name:
        raise ValueError("an SQL identifier cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def glob_pattern(keys: Sequence[str]) -> str:
    """A ``$like`` pattern's piece keys as an SQLite GLOB over like keys.

    Like keys never hold ``*``, ``?`` or ``[`` (:mod:`._collation`): only the
    joints are wildcards.

    >>> glob_pattern(["a", "", "b"])
    'a**b'
    """
    return "*".join(keys)


#: SQLite's integers, which a record id is and a bound parameter must be.
_INT64 = (-(2**63), 2**63 - 1)


def _native(literal: str) -> int | None:
    # A record id compared with a number: the number as an SQLite integer, or
    # None when it is none (a fraction, or past 64 bits, which SQLite cannot bind).
    number = Decimal(literal)
    if number != number.to_integral_value() or not _INT64[0] <= number <= _INT64[1]:
        return None
    return int(number)


def _native_compare(op: str, literal: str, key: str, params: list[object]) -> str:
    # An integer id against any number, exactly: a bound that is no SQLite
    # integer becomes the integer threshold it implies (id >= 2.5 is id > 2).
    exact = _native(literal)
    if exact is not None:
        params.append(exact)
        return f"{key} {op} ?"
    number = Decimal(literal)
    if op == "=":
        return "0"
    above = op in (">", ">=")
    if op == "<>" or (number < _INT64[0] and above) or (number > _INT64[1] and not above):
        return f"{key} IS NOT NULL"  # every id
    if not _INT64[0] <= number <= _INT64[1]:
        return "0"  # no id
    # A fraction within 64 bits: the integers beside it are SQLite integers too.
    low = int(number.to_integral_value(ROUND_FLOOR))
    high = int(number.to_integral_value(ROUND_CEILING))
    if above:  # id >= 2.5 is id > 2, as id > 2.5 is
        params.append(low)
        return f"{key} > ?"
    params.append(high)  # id <= 2.5 is id < 3, as id < 2.5 is
    return f"{key} < ?"


def _leaf(test: Compare | Member | Like | Regex, column: Column, params: list[object]) -> str:
    # Keys are NULL when there is no value, which no comparison (NOT IN and
    # NOT GLOB included) accepts: SQL's NULL is the datamart's NULL.
    if isinstance(test, Compare):
        if column.native:
            return _native_compare(test.op, test.literal, column.key, params)
        params.append(test.value)
        return f"{column.key} {test.op} ?"
    if isinstance(test, Member):
        if column.native:  # a number that is no SQLite integer equals no id
            values: list[object] = [n for n in map(_native, test.literals) if n is not None]
        else:
            values = list(test.values)
        params.extend(values)
        marks = ", ".join("?" * len(values))
        return f"{column.key} {'NOT IN' if test.negated else 'IN'} ({marks})"
    if isinstance(test, Like):
        params.append(glob_pattern(test.keys))
        return f"{column.fold} {'NOT GLOB' if test.negated else 'GLOB'} ?"
    params.append(test.pattern)
    sql = f"{REGEX_FUNCTION}(?, {column.raw})"
    # A number or date with no value is stored as '': its key says it is NULL.
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

    Text sorts by its collation key; no value (NULL) sorts first ascending
    and last descending, as in MySQL.

    >>> order_by([("Nom", True)], {"Nom": Column("text", '"f0"', '"k0"', '"r0"')}, '"id"')
    '"k0" DESC, "id" ASC'
    """
    terms = []
    for name, descending in keys:
        column = columns.get(name)
        if column is None:
            raise UnknownFieldError(name)
        terms.append(f"{column.key} {'DESC' if descending else 'ASC'}")
    terms.append(f"{id_column} ASC")
    return ", ".join(terms)
