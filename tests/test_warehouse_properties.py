"""to_sql on real engines selects exactly the records evaluate() accepts (DuckDB, SQLite).

Each example draws a schema (field kinds), a table of records typed by it,
and filters built from the records' own values (so that equalities and
patterns hit), with every operator, nesting, LIKE and regex metacharacters,
case variants and the characters where the collation's weights differ from
casefolding (ß, İ, ſ, K, µ, ς, ﬁ, ...). The table is loaded with the
warehouse layout of docs/warehouse.md (text as text, NULL when never set;
numbers as DECIMAL at the field's scale, dates and datetimes as values, NULL
when empty) and the SQL must select exactly the ids evaluate() accepts,
inline and with bound parameters, or be refused by name where the engine has
no exact means (docs/warehouse.md has the table).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scale_query import UnsupportedSQL, evaluate, sqlite_regexp, to_sql
from scale_query.language._ast import And, Condition, Expr, Op, Or
from scale_query.language._values import format_number
from scale_query.semantics._schema import FieldInfo, FieldKind, ObjectSchema

# Characters that LOWER and casefold treat differently, LIKE and regex
# metacharacters, quotes, line breaks and plain letters.
ALPHABET = list("aAbBdDeEiIkKsSuUzZ09 -_%*?.\\[]^$'\"\n") + list("éÉßẞİıſKµΜμςΣσﬁǰŉΐΐæÆ日")
TYPES: dict[FieldKind, str] = {
    "text": "text",
    "integer": "int",
    "number": "decimal",
    "date": "date",
    "datetime": "datetime",
}
SQL_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "number": "DECIMAL(18, 2)",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}
NAMES = ["Nom", "Civilité", "Montant", "date naissance", 'we"ird']
REGEX_PIECES = [
    "^", "$", ".", "\\d", "\\w", "\\s", "\\D", "\\b", "[a-z]", "[^a-c]", "[[:alpha:]]",
    "[[:digit:]]+", "(a|ß)", "k", "s", "ǅ", "i", "x?", "e*", "[éß]", "\\.", "\\*", "a{1,2}",
    "[[:<:]]", "[[:>:]]", "\\é",
]  # fmt: skip

texts = st.lists(st.sampled_from(ALPHABET), max_size=6).map("".join)


def _text_value(value: Any) -> str:
    """The datamart's text of a stored value (what evaluate() reads)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _values(kind: FieldKind) -> st.SearchStrategy[Any]:
    return st.none() | _present(kind)


def _present(kind: FieldKind) -> st.SearchStrategy[Any]:
    values: st.SearchStrategy[Any]
    if kind == "text":
        values = texts
    elif kind == "integer":
        values = st.integers(-1000, 1000)
    elif kind == "number":
        values = st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False)
    elif kind == "date":
        values = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
    else:
        values = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)).map(
            lambda d: d.replace(microsecond=0)
        )
    return values


@st.composite
def tables(draw: st.DrawFn) -> tuple[ObjectSchema, list[dict[str, Any]]]:
    kinds = draw(st.lists(st.sampled_from(list(TYPES)), min_size=len(NAMES), max_size=len(NAMES)))
    kinds[0] = "text"
    schema = ObjectSchema(
        {name: FieldInfo(name, type=TYPES[kind]) for name, kind in zip(NAMES, kinds, strict=True)}
    )
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {name: _values(kind) for name, kind in zip(NAMES, kinds, strict=True)}
            ),
            min_size=1,
            max_size=6,
        )
    )
    return schema, rows


VARIANTS = ("same", "upper", "lower", "swap")


def _variant(text: str, how: str) -> str:
    return {"same": text, "upper": text.upper(), "lower": text.lower(), "swap": text.swapcase()}[
        how
    ]


# A filter is drawn as a recipe of plain values (static strategies: cheap to
# draw), then made into conditions with the example's schema and rows, so that
# its literals are the rows' own values, in other cases or cut into patterns.
fresh_values = st.fixed_dictionaries({kind: _present(kind) for kind in TYPES})
literal_recipes = st.tuples(st.integers(0, 7), st.sampled_from(VARIANTS), fresh_values)
condition_recipes = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(list(Op)),
    st.lists(literal_recipes, min_size=1, max_size=3),
    st.lists(st.integers(0, 12), max_size=3),  # where a $like pattern is cut
    st.sampled_from(["*", ""]),
    st.lists(st.sampled_from(REGEX_PIECES), max_size=4),
)
filter_recipes = st.recursive(
    condition_recipes,
    lambda children: st.tuples(st.booleans(), st.lists(children, min_size=2, max_size=3)),
    max_leaves=5,
)


def _source(item: Any, kind: FieldKind, seen: list[Any]) -> Any:
    row, _, fresh = item
    present = [v for v in seen if v is not None]
    # Mostly a value of the table (so that tests hit), sometimes a fresh one.
    return present[row % len(present)] if present and row < 6 else fresh[kind]


def _make(recipe: Any, schema: ObjectSchema, rows: list[dict[str, Any]]) -> Expr:
    if isinstance(recipe[0], bool):
        operands = tuple(_make(child, schema, rows) for child in recipe[1])
        return And(operands) if recipe[0] else Or(operands)
    name, op, items, cuts, star, pieces = recipe
    kind = schema[name].kind
    seen = [row[name] for row in rows]
    first = items[0]
    if op.takes_pattern:
        source = _text_value(_source(first, kind, seen))
        if op is Op.REGEX:
            quoted = "".join(c if c.isalnum() or c == " " else "\\" + c for c in source[:3])
            at = cuts[0] % (len(pieces) + 1) if cuts else 0
            pattern = "".join([*pieces[:at], _variant(quoted, first[1]), *pieces[at:]])
            return Condition(name, op, pattern)
        parts, start = [], 0
        for cut in sorted(c % (len(source) + 1) for c in cuts):
            parts.append(source[start:cut])
            start = cut
        parts.append(source[start:])
        return Condition(name, op, _variant(star.join(parts), first[1]))

    def literal(item: Any) -> str | Decimal:
        value = _source(item, kind, seen)
        if kind in ("integer", "number"):
            return Decimal(value)
        text = _text_value(value)
        return _variant(text, item[1]) if kind == "text" else text

    if op.takes_list:
        return Condition(name, op, tuple(literal(item) for item in items))
    return Condition(name, op, literal(first))


def _expected(expr: Expr, schema: ObjectSchema, rows: list[dict[str, Any]]) -> list[int]:
    return [
        n
        for n, row in enumerate(rows)
        if evaluate(
            expr, {k: _text_value(v) for k, v in row.items() if v is not None}, schema=schema
        )
    ]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect()
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def lite() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.create_function("regexp", 2, sqlite_regexp, deterministic=True)
    yield conn
    conn.close()


TEXT_COMPARISON = "a text comparison ($eq, $neq, $in, $notin, $gt ...)"
REFUSED = {
    # A Unicode class or a word boundary beside a character whose case folding
    # changed since DuckDB's RE2 (ΐ, ﬅ...): it cannot be spelled out, so refused.
    "duckdb": {
        "$regex a Unicode class (\\p)",
        "$regex a Unicode class (\\P)",
        "$regex a word boundary (\\b, [[:<:]])",
    },
    "sqlite": {
        "$like on a text field",
        TEXT_COMPARISON,
        "$like or $regex on a number field",
    },
}


def _check(
    run: Any, dialect: str, expr: Expr, schema: ObjectSchema, rows: list[dict[str, Any]]
) -> None:
    try:
        expected = _expected(expr, schema, rows)
    except ValueError:
        # A refused $regex: to_sql refuses it too.
        with pytest.raises(ValueError, match="regex"):
            to_sql(expr, dialect, schema=schema)
        return
    try:
        where = to_sql(expr, dialect, schema=schema)
        sql, values = to_sql(expr, dialect, schema=schema, table="t", params=True)
    except UnsupportedSQL as error:
        # What these engines refuse by name (docs/warehouse.md): any text
        # comparison and LIKE on text, inexact numbers, Unicode regex classes
        # (SQLite).
        assert error.construct in REFUSED[dialect] or error.construct.startswith(
            ("$like with non-ASCII text", "the number ")
        ), error
        return
    assert run(sql, values) == expected, sql
    assert run(f"SELECT * FROM t WHERE {where}", []) == expected, where
    # Two-valued: NOT (...) selects exactly the other records, NULLs included.
    others = [n for n in range(len(rows)) if n not in expected]
    assert run(f"SELECT * FROM t WHERE NOT ({where})", []) == others, where


SETTINGS = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@SETTINGS
@given(table=tables(), recipes=st.lists(filter_recipes, min_size=3, max_size=3))
def test_duckdb_selects_what_evaluate_accepts(
    duck: duckdb.DuckDBPyConnection,
    table: tuple[ObjectSchema, list[dict[str, Any]]],
    recipes: list[Any],
) -> None:
    schema, rows = table
    columns = ", ".join(f"{_quoted(n)} {SQL_TYPES[schema[n].kind]}" for n in NAMES)
    duck.execute("DROP TABLE IF EXISTS t")
    duck.execute(f'CREATE TABLE t ("#" INTEGER, {columns})')
    for n, row in enumerate(rows):
        # Empty text is NULL or '' (both mean empty); typed values are values.
        values = [row[name] for name in NAMES]
        duck.execute(f"INSERT INTO t VALUES ({', '.join('?' * (len(NAMES) + 1))})", [n, *values])

    def run(sql: str, values: Any) -> list[int]:
        query = f'SELECT "#" FROM ({sql}) ORDER BY "#"'
        return [n for (n,) in duck.execute(query, values).fetchall()]

    for recipe in recipes:
        _check(run, "duckdb", _make(recipe, schema, rows), schema, rows)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return _text_value(value)  # SQLite keeps dates as ISO text
    if isinstance(value, Decimal):
        return float(value)
    return value


@pytest.mark.slow
@SETTINGS
@given(table=tables(), recipes=st.lists(filter_recipes, min_size=3, max_size=3))
def test_sqlite_selects_what_evaluate_accepts(
    lite: sqlite3.Connection, table: tuple[ObjectSchema, list[dict[str, Any]]], recipes: list[Any]
) -> None:
    schema, rows = table
    sqlite_types = {"text": "TEXT", "integer": "INTEGER", "number": "REAL"}
    columns = ", ".join(f"{_quoted(n)} {sqlite_types.get(schema[n].kind, 'TEXT')}" for n in NAMES)
    lite.execute("DROP TABLE IF EXISTS t")
    lite.execute(f'CREATE TABLE t ("#" INTEGER, {columns})')
    lite.executemany(
        f"INSERT INTO t VALUES ({', '.join('?' * (len(NAMES) + 1))})",
        [[n, *(_sqlite_value(row[name]) for name in NAMES)] for n, row in enumerate(rows)],
    )

    def run(sql: str, values: Any) -> list[int]:
        query = f'SELECT "#" FROM ({sql}) ORDER BY "#"'
        return [n for (n,) in lite.execute(query, values).fetchall()]

    for recipe in recipes:
        _check(run, "sqlite", _make(recipe, schema, rows), schema, rows)
