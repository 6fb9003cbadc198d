"""``to_sql``: a filter as SQL for a warehouse, with exactly the meaning of ``evaluate``.

The filter is lowered once by the semantic core (:mod:`._plan`, shared with
the emulator's SQLite compiler), then written by the rules of one dialect
(:mod:`._dialects`) with sqlglot's expression builders. sqlglot and the
dialect rules are imported on the first call, never by ``import scale_query``
(they come with the ``sql`` extra: ``pip install 'scale-query[sql]'``).

What a dialect cannot say exactly is refused with :class:`UnsupportedSQL`,
never written approximately. docs/warehouse.md has the table of dialects.

>>> print(to_sql('Nom $like "50%*"', "mysql"))
`Nom` IS NOT NULL AND `Nom` COLLATE utf8mb4_0900_ai_ci LIKE '50\\\\%%' ESCAPE '\\\\'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from ..language import Expr, maybe_parse
from ._plan import plan
from ._reading import compile_regex
from ._schema import ObjectSchema, kind_reader, maybe_schema
from ._unsupported import UnsupportedSQL

if TYPE_CHECKING:
    from ._dialects import Params

__all__ = ["UnsupportedSQL", "sqlite_regexp", "to_sql"]

SQL_EXTRA_HINT = "to_sql needs sqlglot: pip install 'scale-query[sql]'"


@overload
def to_sql(
    expr_or_text: Expr | str,
    dialect: str = ...,
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = ...,
    table: str | tuple[str, ...] | None = ...,
    params: Literal[False] = ...,
) -> str: ...
@overload
def to_sql(
    expr_or_text: Expr | str,
    dialect: str = ...,
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = ...,
    table: str | tuple[str, ...] | None = ...,
    params: Literal[True],
) -> tuple[str, Params]: ...
def to_sql(
    expr_or_text: Expr | str,
    dialect: str = "duckdb",
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = None,
    table: str | tuple[str, ...] | None = None,
    params: bool = False,
) -> str | tuple[str, Params]:
    """The filter as an SQL condition in ``dialect`` (a whole SELECT with ``table``).

    Rows are selected exactly as :func:`~scale_query.evaluate` selects records
    (docs/semantics.md): text compared by MySQL 8's ``utf8mb4_0900_ai_ci``,
    ``$like`` a whole-value match where only ``*`` is a wildcard, ``$regex`` an
    unanchored case-insensitive search, numbers (exactly) and dates compared as
    values when ``schema`` (an :class:`ObjectSchema` or a ``get_object_info``
    response) says so, NULL matching no comparison. Each field is the column
    of the same name (quoted); see docs/warehouse.md for the table layout and
    the dialects. ``table`` is split at dots (``db.schema.table``), each part
    quoted; a tuple gives the parts as they are (``("be_optin.parquet",)``: one
    name, a file DuckDB reads).

    With ``params=True`` the result is ``(sql, values)``: every value of the
    filter is a placeholder in the style of the dialect's usual driver, and
    ``values`` a list (a dict for named placeholders).

    Raises :class:`~scale_query.FilterSyntaxError` for a bad filter, ValueError
    for an unknown field or a value that does not fit its field, and
    :class:`UnsupportedSQL` for what the dialect cannot express exactly.

    >>> sql = to_sql('Pays $in [FR, BE]', "mysql", table="contact")
    >>> print(sql.replace(" AND ", "\\n  AND "))
    SELECT * FROM `contact` WHERE `Pays` IS NOT NULL
      AND `Pays` COLLATE utf8mb4_0900_ai_ci IN ('FR', 'BE')
    """
    expr = maybe_parse(expr_or_text)
    test = plan(expr, kind_reader(maybe_schema(schema)), keyed=False)
    try:
        from . import _dialects
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] == "sqlglot":
            raise ImportError(SQL_EXTRA_HINT) from None
        raise
    rules = _dialects.rules_for(dialect, params)
    sql, values = _dialects.compile_test(test, rules, table)
    return (sql, values) if params else sql


def sqlite_regexp(pattern: str, value: str | None) -> bool:
    """SQLite's ``regexp(pattern, value)`` with scale-query's ``$regex`` meaning.

    SQLite has no regular expressions of its own: ``x REGEXP p`` calls the
    application's ``regexp`` function, which ``to_sql(..., "sqlite")`` needs
    registered when a filter holds a ``$regex``:

    >>> import sqlite3
    >>> conn = sqlite3.connect(":memory:")
    >>> conn.create_function("regexp", 2, sqlite_regexp, deterministic=True)
    >>> conn.execute("SELECT 'Dupont' REGEXP '^du'").fetchone()
    (1,)
    """
    return value is not None and compile_regex(pattern).search(value) is not None
