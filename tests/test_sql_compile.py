"""The SQL compiler: parameters only, identifiers quoted, SQLite's limits respected."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from scale_query import parse
from scale_query.language._ast import And, Condition, Op, Or
from scale_query.semantics._reading import like_key, number_key, text_key
from scale_query.semantics._sql import (
    Column,
    FilterValueError,
    UnknownFieldError,
    compile_filter,
    glob_pattern,
    order_by,
    quote_identifier,
)

COLUMNS = {
    "Nom": Column("text", '"f0"', '"k0"', '"r0"'),
    "Montant": Column("number", '"f1"', '"k1"', '"r1"'),
}


def test_values_become_parameters_never_sql_text() -> None:
    evil = "x' OR 1=1 --"
    sql, params = compile_filter(Condition("Nom", Op.EQ, evil), COLUMNS)
    assert evil not in sql and "OR" not in sql
    assert params == [text_key(evil)]


def test_unknown_field_is_refused_with_its_position() -> None:
    expr = parse('Nom $eq "a" $and [Nom" OR 1=1 --] $eq "b"')
    with pytest.raises(UnknownFieldError) as info:
        compile_filter(expr, COLUMNS)
    assert info.value.field == 'Nom" OR 1=1 --'
    assert info.value.span is not None and info.value.span.start == 17


def test_literal_that_does_not_fit_points_at_the_value() -> None:
    with pytest.raises(FilterValueError, match="not a number") as info:
        compile_filter(parse('Montant $gt "douze"'), COLUMNS)
    assert info.value.span is not None and info.value.span.start == 12


def test_identifier_quoting() -> None:
    assert quote_identifier('a"; DROP TABLE t; --') == '"a""; DROP TABLE t; --"'
    with pytest.raises(ValueError, match="NUL"):
        quote_identifier("a\x00")


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("*a?b[c*", "XA?B[CY", True),
        ("*a?b[c*", "xazb[cy", False),
        ("[x]", "[X]", True),
        ("a]", "A]", True),
        ("*", "", True),
        ("", "", True),
        ("", "a", False),
        ("h*l*ne", "Hélène", True),
        ("*SS*", "Strasse", True),
        ("*SS*", "Straße", False),  # LIKE: character by character, as MySQL
    ],
)
def test_glob_pattern_only_star_is_a_wildcard(pattern: str, value: str, matches: bool) -> None:
    conn = sqlite3.connect(":memory:")
    glob = glob_pattern([like_key(part) for part in pattern.split("*")])
    (found,) = conn.execute("SELECT ? GLOB ?", (like_key(value), glob)).fetchone()
    assert bool(found) is matches


def test_wide_and_deep_filters_stay_within_sqlite_limits() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, "k0", "k1", "r0", "r1", "f1")')
    conn.execute(
        "INSERT INTO t VALUES (1, ?, ?, 'a', '1', ?)", (text_key("a"), number_key(Decimal(1)), "")
    )
    wide = And(tuple(Condition("Nom", Op.NEQ, f"v{i}") for i in range(3000)))
    deep = Condition("Nom", Op.EQ, "a")
    # SQLite's parser stack holds about 25 nested groups; deeper is a 400 in the emulator.
    for i in range(10):
        deep = And((Or((deep, Condition("Nom", Op.EQ, f"z{i}"))), Condition("Montant", Op.GT, "0")))
    for expr in (wide, deep):
        sql, params = compile_filter(expr, COLUMNS)
        assert conn.execute(f"SELECT id FROM t WHERE {sql}", params).fetchall() == [(1,)]


def test_order_by_breaks_ties_by_id() -> None:
    assert order_by([("Montant", False), ("Nom", True)], COLUMNS, '"id"') == (
        '"k1" ASC, "k0" DESC, "id" ASC'
    )
    with pytest.raises(UnknownFieldError):
        order_by([("Prix", False)], COLUMNS, '"id"')
