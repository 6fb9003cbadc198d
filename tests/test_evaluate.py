"""The pure-Python evaluator: its semantics, and the same answers as SQLite."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query import parse
from scale_query.language._ast import And, Condition, Expr, Op, Or
from scale_query.semantics._evaluate import compile_regex, evaluate
from scale_query.semantics._reading import like_key, stored_key, stored_text
from scale_query.semantics._schema import FieldInfo, ObjectSchema
from scale_query.semantics._sql import REGEX_FUNCTION, Column, compile_filter, quote_identifier

SCHEMA = ObjectSchema(
    {
        "Nom": FieldInfo("Nom", type="text"),
        "Montant": FieldInfo("Montant", type="decimal"),
        "Stock": FieldInfo("Stock", type="int"),
        "Naissance": FieldInfo("Naissance", type="date"),
        "Quand": FieldInfo("Quand", type="datetime"),
    }
)


@pytest.mark.parametrize(
    ("text", "record", "expected"),
    [
        ('Nom $eq "dupont"', {"Nom": "DUPONT"}, True),
        ('Nom $eq "Elodie"', {"Nom": "Élodie"}, True),  # accents ignored (ai_ci)
        ('Nom $eq "helene"', {"Nom": "Hélène"}, True),
        ('Nom $eq "STRASSE"', {"Nom": "straße"}, True),  # ß = ss by weight
        ('Nom $eq "fin"', {"Nom": "ﬁn"}, True),  # a ligature is its letters
        ('Nom $eq "ae"', {"Nom": "Æ"}, True),
        ('Nom $eq "a"', {"Nom": "a "}, False),  # NO PAD: a trailing space counts
        ('Nom $lt "a"', {"Nom": "_x"}, True),  # punctuation sorts before letters
        ('Nom $lt "f"', {"Nom": "É"}, True),  # É sorts with E
        ('Nom $eq ""', {"Nom": ""}, True),
        ('Nom $neq "x"', {"Nom": ""}, True),  # an empty text is a value
        ('Nom $neq "x"', {}, False),  # a text never set is NULL
        ('Nom $notin ["x"]', {}, False),
        ('Nom $like "*"', {}, False),
        ('Nom $regex "^$"', {}, False),
        ('Nom $eq ""', {}, False),
        ("Montant $eq 9007199254740992", {"Montant": "9007199254740993"}, False),  # exact
        ("Montant $eq 0.3", {"Montant": "0.30"}, True),
        ('Montant $like "12.50"', {"Montant": "12.5"}, True),  # stored at scale 2
        ('Stock $like "7"', {"Stock": "007"}, True),  # stored without leading zeros
        ('Quand $like "*00:00:00"', {"Quand": "2020-12-19"}, True),  # stored with its time
        ('Naissance $eq "1990-6-12"', {"Naissance": "1990-06-12"}, True),  # converted
        ("Naissance $eq 19900612", {"Naissance": "1990-06-12"}, True),
        ('Quand $eq "2020-12-19T12:50:50"', {"Quand": "2020-12-19 12:50:50"}, True),
        ('Quand $eq "2020-12-19 12:50"', {"Quand": "2020-12-19 12:50:00"}, True),
        ('Naissance $lt "1990-06-12 12:00"', {"Naissance": "1990-06-12"}, True),  # as datetime
        ('Naissance $eq "2000-02-30"', {"Naissance": "2000-03-01"}, False),  # no such day
        ('Naissance $neq "2000-02-30"', {"Naissance": "2000-03-01"}, False),
        ('Nom $like "d*t"', {"Nom": "Dupont"}, True),
        ('Nom $like "h*l*ne"', {"Nom": "Hélène"}, True),  # accents ignored in LIKE too
        ('Nom $like "ss"', {"Nom": "ß"}, False),  # LIKE goes character by character
        ('Nom $like "oeuvre*"', {"Nom": "œuvre"}, False),
        ('Nom $like "œ*"', {"Nom": "Œuvre"}, True),
        ('Nom $like "d*"', {"Nom": "a dupont"}, False),  # whole value
        ('Nom $like "a?c"', {"Nom": "abc"}, False),  # ? is not a wildcard
        ('Nom $like "a?c"', {"Nom": "A?C"}, True),
        ('Nom $notlike "*x*"', {"Nom": "Dupont"}, True),
        ('Nom $regex "^du"', {"Nom": "DUPONT"}, True),
        ('Nom $regex "pon"', {"Nom": "Dupont"}, True),  # unanchored
        ("Montant $gt 9.5", {"Montant": "10"}, True),  # as numbers, not text
        ("Montant $lt 100", {"Montant": "9.99"}, True),
        ("Montant $neq 1", {"Montant": ""}, False),  # empty number: no comparison holds
        ("Montant $notin [1, 2]", {"Montant": ""}, False),
        ('Montant $notlike "*9*"', {"Montant": ""}, False),
        ("Stock $in [1, 2]", {"Stock": "2"}, True),
        ('Naissance $gt "1990-06-12"', {"Naissance": "1990-06-13"}, True),
        ('Naissance $lte "1990-06-12"', {"Naissance": ""}, False),
        ('Quand $eq "2020-12-19"', {"Quand": "2020-12-19 00:00:00"}, True),
        ('Quand $gt "2020-12-19"', {"Quand": "2020-12-19 12:50:50"}, True),
        ('Nom $eq "a" $or Nom $eq "b" $and Stock $eq 1', {"Nom": "a", "Stock": "2"}, True),
    ],
)
def test_semantics(text: str, record: dict[str, str], expected: bool) -> None:
    assert evaluate(parse(text), record, schema=SCHEMA) is expected


def test_without_schema_every_field_is_text() -> None:
    assert evaluate(parse("Montant $gt 9"), {"Montant": "10"}) is False  # "10" < "9" as text
    assert evaluate(parse('Pays $eq ""'), {}) is False  # missing is NULL


def test_takes_text_and_records() -> None:
    class Record:
        data = {"Nom": "Dupont"}  # noqa: RUF012

    assert evaluate('Nom $eq "dupont"', Record()) is True
    assert evaluate('Nom $eq "dupont"', {"Nom": "x"}, schema={"Nom": {"attribs": {}}}) is False
    with pytest.raises(TypeError, match="expected a filter"):
        evaluate(42, {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('Montant $gt "abc"', "not a number"),
        ('Naissance $eq "12/06/1990"', "not a date"),
        ('Inconnu $eq "x"', "unknown field"),
        ('Nom $regex "(" ', "never closed"),
        ('Nom $regex "a{2,}b\\\\1"', "back-reference"),
        ('Nom $regex "(?=a)"', "look-ahead"),
    ],
)
def test_refusals_say_what(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate(parse(text), {}, schema=SCHEMA)


def test_long_regex_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        compile_regex("a" * 1000)


def test_stored_keys() -> None:
    assert stored_key("number", "12,50") is None  # decimal comma is not a number
    assert stored_key("date", "1990-02-30") is None
    assert stored_key("datetime", "2020-12-19 12:50:50") == "2020-12-19 12:50:50"


# --- SQLite and the evaluator agree -----------------------------------------------

TEXTS = [
    None,
    "",
    "a",
    "A",
    "é",
    "É",
    "e",
    "straße",
    "STRASSE",
    "*",
    "a*b",
    "x?y",
    "[z]",
    "ab",
    "a ",
]
NUMBERS = [None, "", "0", "1", "-1", "2.5", "10", "10.25", "-0.5", "007", "2.505"]
DATES = ["", "1990-06-12", "1990-06-13", "2001-01-01", "1989-12-31", "bad"]
DATETIMES = ["", "2020-12-19 12:50:50", "2020-12-19 00:00:00", "2021-01-01 08:00:00", "2020-12-19"]
VALUES = {
    "Nom": TEXTS,
    "Montant": NUMBERS,
    "Stock": ["", "0", "1", "2", "10", "-3"],
    "Naissance": DATES,
    "Quand": DATETIMES,
}
LITERALS = {
    "Nom": st.sampled_from([*TEXTS[1:-1], "*a*", "a*", "*É", "s*e", "[", "?", "ss"]),
    "Montant": st.sampled_from([Decimal("0"), Decimal("1"), Decimal("2.5"), Decimal("-1"), "10"]),
    "Stock": st.sampled_from([Decimal("1"), Decimal("0"), Decimal("10"), Decimal("1.5")]),
    "Naissance": st.sampled_from(["1990-06-12", "2001-1-1", "1980-01-01", "2000-02-30"]),
    "Quand": st.sampled_from(["2020-12-19", "2020-12-19 12:50:50", "2021-01-01 08:00:00"]),
}
REGEXES = st.sampled_from(["^a", "b$", "é", "S{2}", "[0-9]", "^$", "a|e", "."])

records = st.lists(
    st.fixed_dictionaries({name: st.sampled_from(values) for name, values in VALUES.items()}),
    min_size=1,
    max_size=12,
)


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    name = draw(st.sampled_from(sorted(VALUES)))
    op = draw(st.sampled_from(list(Op)))
    if op is Op.REGEX:
        return Condition(name, op, draw(REGEXES))
    if op.takes_list:
        items = draw(st.lists(LITERALS[name], min_size=1, max_size=3))
        return Condition(name, op, tuple(items))
    value = draw(LITERALS[name])
    if op.takes_pattern:
        value = str(value)
    return Condition(name, op, value)


filters = st.recursive(
    conditions(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=6,
)


def _sqlite(rows: list[dict[str, str | None]]) -> tuple[sqlite3.Connection, dict[str, Column]]:
    # The same layout as the emulator's store: stored text, its collation key
    # and the typed key, NULL for a field never set.
    conn = sqlite3.connect(":memory:")
    conn.create_function(
        REGEX_FUNCTION,
        2,
        lambda p, v: int(v is not None and compile_regex(p).search(v) is not None),
    )
    columns = {}
    defs = ["id INTEGER PRIMARY KEY"]
    for i, (name, info) in enumerate(SCHEMA.items()):
        raw, fold, key = (quote_identifier(f"{c}{i}") for c in "rfk")
        defs += [f"{raw} TEXT", f"{fold} TEXT", f"{key}"]
        columns[name] = Column(info.kind, fold, key, raw)
    conn.execute(f"CREATE TABLE t ({', '.join(defs)})")
    for n, row in enumerate(rows):
        values: list[object] = [n]
        for name, info in SCHEMA.items():
            raw = row[name]
            text = None if raw is None else stored_text(info.kind, raw)
            fold = None if text is None or (info.kind != "text" and not text) else like_key(text)
            values += [text, fold, stored_key(info.kind, text)]
        conn.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(values))})", values)
    return conn, columns


def _matches_sqlite(expr: Expr, rows: list[dict[str, str | None]]) -> set[int]:
    conn, columns = _sqlite(rows)
    where, params = compile_filter(expr, columns)
    return {n for (n,) in conn.execute(f"SELECT id FROM t WHERE {where}", params)}


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(filters, records)
def test_sqlite_and_evaluator_agree(expr: Expr, rows: list[dict[str, str | None]]) -> None:
    try:
        expected = {
            n
            for n, row in enumerate(rows)
            if evaluate(expr, {k: v for k, v in row.items() if v is not None}, schema=SCHEMA)
        }
    except ValueError:
        # A literal that does not fit its field: SQL compilation refuses it too.
        with pytest.raises(ValueError, match=r"is a|regex"):
            compile_filter(expr, _sqlite(rows)[1])
        return
    assert _matches_sqlite(expr, rows) == expected
