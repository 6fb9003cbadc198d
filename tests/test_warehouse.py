"""to_sql and `scale-query sql`: what they promise, on DuckDB where it runs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from scale_query import FieldInfo, ObjectSchema, UnsupportedSQL, evaluate, to_sql
from scale_query.cli import main
from scale_query.cli._sql import NO_SCHEMA

SCHEMA = ObjectSchema(
    {
        "Nom": FieldInfo("Nom"),
        "Montant": FieldInfo("Montant", type="decimal"),
        "DateNaissance": FieldInfo("DateNaissance", type="date"),
    }
)


def test_import_scale_query_loads_neither_sqlglot_nor_duckdb() -> None:
    code = (
        "import sys, scale_query; scale_query.to_sql; "
        "print(sorted(m for m in ('sqlglot', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_to_sql_never_loads_the_collation_table() -> None:
    # The dialects compare the literals' text: the web page's SQL panel runs
    # to_sql in Pyodide, where pyuca's table need not be shipped.
    code = (
        "import sys, scale_query; "
        "scale_query.to_sql('Nom $eq \"é\" $and Nom $like \"a*\"', 'mysql'); "
        "print('pyuca' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _duckdb_ids(where: str, names: list[str]) -> list[int]:
    conn = duckdb.connect()
    conn.execute('CREATE TABLE t ("#" INTEGER, "Nom" VARCHAR)')
    conn.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(names)))
    rows = conn.execute(f'SELECT "#" FROM t WHERE {where} ORDER BY "#"').fetchall()
    return [n for (n,) in rows]


def _record(name: str | None) -> dict[str, str]:
    # A NULL column is a field the record never had.
    return {} if name is None else {"Nom": name}


def test_like_keeps_percent_literal_under_the_collation() -> None:
    # The example: 50% literally, then anything, in MySQL's own collation.
    sql = to_sql('Nom $like "50%*"', "mysql")
    assert sql == (
        r"`Nom` IS NOT NULL AND `Nom` COLLATE utf8mb4_0900_ai_ci LIKE '50\\%%' ESCAPE '\\'"
    )
    names = ["50%", "50% off", "50X off", "5", "", "50", "x50% off", "50%OFF", None]
    expected = [n for n, name in enumerate(names) if evaluate('Nom $like "50%*"', _record(name))]
    assert expected == [0, 1, 7]
    # DuckDB: character by character, each by its ICU primary key, as MySQL's LIKE.
    assert _duckdb_ids(to_sql('Nom $like "50%*"', "duckdb"), names) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ('Nom $eq "helene"', ["Hélène", "HELENE", "helen", None], [0, 1]),  # accents ignored
        ('Nom $eq "STRASSE"', ["straße", "STRASSE", "strase", None], [0, 1]),  # ß = ss
        ('Nom $eq "i"', ["I", "İ", "ı", "i"], [0, 1, 3]),  # ı is a letter of its own
        ('Nom $eq "a"', ["a ", "A", "á", ""], [1, 2]),  # NO PAD: a trailing space counts
        ('Nom $neq "x"', ["x", "y", "", None], [1, 2]),  # NULL matches no comparison
        ('Nom $notin ["x", ""]', ["x", "y", "", None], [1]),
        ('Nom $lt "b"', ["_x", "É", "a", "B", None], [0, 2]),  # the collation's order
        ('Nom $regex "^du"', ["Dupont", "dUPONT", "edu", None], [0, 1]),
        ('Nom $like "hel*"', ["Hélène", "HELENE", "help", None], [0, 1, 2]),
        ('Nom $like "*ss*"', ["Straße", "STRASSE", "s", None], [1]),  # LIKE: ß is one letter
        ('Nom $notlike "a_c"', ["abc", "a_c", "A_C", None], [0]),  # _ is no wildcard
    ],
)
def test_duckdb_answers_as_evaluate(
    text: str, names: list[str | None], expected: list[int]
) -> None:
    assert [n for n, name in enumerate(names) if evaluate(text, _record(name))] == expected
    assert _duckdb_ids(to_sql(text, "duckdb"), names) == expected
    # Two-valued: NOT (condition) selects exactly the other rows, NULLs included.
    others = [n for n in range(len(names)) if n not in expected]
    assert _duckdb_ids(f"NOT ({to_sql(text, 'duckdb')})", names) == others


TEXT_COMPARISON = "a text comparison ($eq, $neq, $in, $notin, $gt ...)"


def test_mysql_gets_unicode_classes_by_name_beside_any_text() -> None:
    # ICU reads the categories by name; the case variants of a class's letters
    # that lie outside it (U+0345 for a letter class, 'a' for [[:upper:]]) and
    # of every character are spelled out, matched case-sensitively.
    sql = to_sql('Nom $regex "[[:<:]]é[[:alpha:]]"', "mysql", schema=SCHEMA)
    assert "'(?:^|[^\u200c\u200d\\\\p{L}\\\\p{Nl}\\\\p{M}\\\\p{Nd}\\\\p{Pc}])[Éé]" in sql
    assert sql.endswith("[\u0345\\\\p{L}\\\\p{Nl}]', 'c')")
    upper = to_sql('Nom $regex "[[:upper:]]"', "mysql", schema=SCHEMA)
    assert "[a-zµß-ö" in upper and upper.endswith("\\\\p{Lu}]', 'c')")
    # A boundary beside other pattern text, by Unicode word characters (as
    # evaluate reads it), with look-around.
    inner = to_sql('Nom $regex "x\\\\b-"', "mysql", schema=SCHEMA)
    assert "[Xx](?:(?<=[\u200c\u200d\\\\p{L}\\\\p{Nl}\\\\p{M}\\\\p{Nd}\\\\p{Pc}])(?!" in inner


@pytest.mark.parametrize(
    ("text", "dialect", "construct"),
    [
        ('Nom $gt "m"', "postgres", TEXT_COMPARISON),
        ('Nom $eq "m"', "sqlite", TEXT_COMPARISON),
        ('Nom $like "x*"', "postgres", "$like on a text field"),
        ('Montant $like "１*"', "duckdb", "$like with non-ASCII text on number field 'Montant'"),
        ("Montant $gt 2.5", "sqlite", "the number 2.5"),
        ('Nom $regex "x\\\\bdu"', "snowflake", "$regex a word boundary (\\b, [[:<:]])"),
        # MySQL 8 reads these by Unicode (ICU): RE2's \p classes, which no
        # other engine reads alike; MySQL gets the general categories by name.
        ('Nom $regex "\\\\p{Greek}"', "mysql", "$regex a Unicode class (\\p)"),
        ('Nom $regex "\\\\w"', "postgres", "$regex a Unicode class (\\p)"),
        ('Nom $regex "a{300}"', "postgres", "$regex a repetition count of 300"),
        ('Nom $regex "\\\\pL"', "trino", "$regex a Unicode class (\\p)"),
        ('Nom $regex "(?s)a.b"', "spark", "$regex the inline flags (?s)"),
        ('Nom $eq "x"', "clickhouse", "any filter"),
    ],
)
def test_what_a_dialect_cannot_express_is_refused_by_name(
    text: str, dialect: str, construct: str
) -> None:
    with pytest.raises(UnsupportedSQL) as info:
        to_sql(text, dialect, schema=SCHEMA)
    assert (info.value.dialect, info.value.construct) == (dialect, construct)
    assert str(info.value).startswith(f"{dialect} cannot express {construct} exactly: ")
    assert isinstance(info.value, ValueError)


def test_refusals_keep_values_out_of_the_message() -> None:
    with pytest.raises(UnsupportedSQL) as info:
        to_sql('Nom $gt "jean.dupont@example.com"', "postgres")
    assert "dupont" not in str(info.value)


def test_fields_and_values_are_checked_against_the_schema() -> None:
    with pytest.raises(ValueError, match="unknown field 'Prenom'"):
        to_sql('Prenom $eq "x"', schema=SCHEMA)
    with pytest.raises(ValueError, match="not a date"):
        to_sql('DateNaissance $gt "12/06/1990"', schema=SCHEMA)
    assert to_sql('Prenom $eq "x"') == (
        '"Prenom" IS NOT NULL AND ICU_SORT_KEY("Prenom", \'und-u-ks-level1\') '
        "= ICU_SORT_KEY('x', 'und-u-ks-level1')"
    )


def test_schema_may_be_the_object_info_json() -> None:
    info = {"Montant": {"attribs": {"type": "decimal"}}}
    assert to_sql("Montant $gt 9", schema=info) == to_sql(
        "Montant $gt 9", schema=ObjectSchema.from_api(info)
    )


ONE, TWO = Decimal(1), Decimal(2)


@pytest.mark.parametrize(
    ("dialect", "sql", "values"),
    [
        ("duckdb", '"Stock" IS NOT NULL AND "Stock" IN (?, ?)', [ONE, TWO]),
        ("postgres", '"Stock" IS NOT NULL AND "Stock" IN (%s, %s)', [ONE, TWO]),
        ("spark", "`Stock` IS NOT NULL AND `Stock` IN (:p1, :p2)", {"p1": ONE, "p2": TWO}),
        ("oracle", '"Stock" IS NOT NULL AND "Stock" IN (:p1, :p2)', {"p1": ONE, "p2": TWO}),
    ],
)
def test_params_use_each_drivers_placeholders(dialect: str, sql: str, values: Any) -> None:
    schema = {"Stock": {"attribs": {"type": "int"}}}
    assert to_sql("Stock $in [1, 2]", dialect, schema=schema, params=True) == (sql, values)


def test_params_bind_every_value_and_paste_none() -> None:
    secret = "x' OR 1=1 --"
    sql, values = to_sql(
        f"Nom $eq {json.dumps(secret)} $or Montant $gt 3", "duckdb", schema=SCHEMA, params=True
    )
    assert secret not in sql and values == [secret, Decimal(3)]
    # A literal % in the SQL text is doubled for psycopg's %s style, not for DuckDB.
    assert to_sql('[50%] $regex "a"', "postgres", params=True)[0].startswith('"50%%"')
    assert to_sql('[50%] $regex "a"', "duckdb", params=True)[0].startswith('"50%"')


def test_postgres_params_keep_the_date_format_whole() -> None:
    # The format's % was doubled before sqlglot turned %Y into YYYY: psycopg
    # then refused '%Y'. Now the whole SQL text is escaped once, at the end.
    sql, values = to_sql('DateNaissance $like "1990-*"', "postgres", schema=SCHEMA, params=True)
    assert sql == (
        '"DateNaissance" IS NOT NULL AND TO_CHAR("DateNaissance", \'YYYY-MM-DD\') '
        "LIKE %s ESCAPE '\\'"
    )
    assert values == ["1990-%"]


def test_table_makes_a_select_with_quoted_parts() -> None:
    assert to_sql('Nom $regex "a"', "bigquery", table="proj.ds.contact").startswith(
        "SELECT * FROM `proj`.`ds`.`contact` WHERE "
    )
    with pytest.raises(ValueError, match=r"table 'a\.\.b'"):
        to_sql('Nom $eq "a"', table="a..b")


@pytest.mark.slow
def test_wide_filters_stay_within_sqlite_parser_limits() -> None:
    import sqlite3

    text = " $and ".join(f"Stock $neq {i}" for i in range(1, 2000))
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t ("Stock" INTEGER)')
    conn.execute("INSERT INTO t VALUES (0)")
    schema = {"Stock": {"attribs": {"type": "int"}}}
    sql, values = to_sql(text, "sqlite", schema=schema, params=True)
    assert conn.execute(f"SELECT count(*) FROM t WHERE {sql}", values).fetchone() == (1,)


def test_cli_prints_sql_and_params(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    schema = tmp_path / "contact.json"
    schema.write_text(json.dumps(SCHEMA.to_api()), encoding="utf-8")
    assert main(["sql", "Montant $gt 9", "--dialect", "bigquery", "--schema", str(schema)]) == 0
    assert capsys.readouterr().out == ("`Montant` IS NOT NULL AND `Montant` > 9\n")
    assert main(["sql", 'Nom $eq "a"', "--table", "contact", "--params"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {
        "sql": 'SELECT * FROM "contact" WHERE "Nom" IS NOT NULL AND '
        "ICU_SORT_KEY(\"Nom\", 'und-u-ks-level1') = ICU_SORT_KEY(?, 'und-u-ks-level1')",
        "params": ["a"],
    }


@pytest.mark.parametrize(
    ("data", "code", "out", "err"),
    [
        (
            'Nom $eq "é"'.encode(),
            0,
            "= ICU_SORT_KEY('é', 'und-u-ks-level1')",
            f"scale-query sql: {NO_SCHEMA}\n",
        ),
        (b'Nom $eq "\xe9"', 2, "", "<stdin>: cannot read (not UTF-8 text)\n"),
    ],
)
def test_cli_reads_stdin_as_utf8_whatever_the_locale(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    code: int,
    out: str,
    err: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), errors="surrogateescape"))
    assert main(["sql", "-"]) == code
    printed = capsys.readouterr()
    assert out in printed.out and printed.err == err


def test_cli_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", 'Nom $gt "a"', "-d", "tsql"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("scale-query sql: tsql cannot express")
    assert main(["sql", "Nom $ge 3"]) == 1
    assert "did you mean '$gte'?" in capsys.readouterr().err


def test_cli_shows_filter_errors_as_check_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "contact.json").write_text(json.dumps(SCHEMA.to_api()), encoding="utf-8")
    (folder / "orders.json").write_text(json.dumps(SCHEMA.to_api()), encoding="utf-8")
    # A folder, as check takes it: the table names the object.
    args = ["sql", 'Nmo $eq "a"', "--schema", str(folder), "--table", "contact"]
    assert main(args) == 1
    assert capsys.readouterr().err.splitlines() == [
        "scale-query sql: filter:1:1: SQ101 unknown field 'Nmo' in object 'contact'",
        '  Nmo $eq "a"',
        "  ^^^",
        "  hint: did you mean 'Nom'?",
    ]
    assert main(["sql", "Montant $gt 9", "--schema", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scale-query sql: --schema ") and "--table OBJECT" in err
    assert main(["sql", "Montant $gt 9", "--schema", str(folder), "--table", "orders"]) == 0
    assert '"Montant" > 9' in capsys.readouterr().out  # a number: the schema was read


def test_cli_suggests_a_dialect_and_says_text_without_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sql", 'Nom $eq "a"', "--dialect", "duckbd"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scale-query sql: duckbd ") and "(did you mean 'duckdb'?)" in err
    assert main(["sql", 'Nom $eq "a"']) == 0
    assert capsys.readouterr().err == f"scale-query sql: {NO_SCHEMA}\n"


def test_cli_quotes_a_file_table_as_one_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", 'Nom $eq "a"', "--table", "be_optin.parquet"]) == 0
    assert capsys.readouterr().out.startswith('SELECT * FROM "be_optin.parquet" WHERE ')
    assert main(["sql", 'Nom $eq "a"', "--table", "crm.contact"]) == 0
    assert capsys.readouterr().out.startswith('SELECT * FROM "crm"."contact" WHERE ')


def test_sqlite_converts_every_date_of_a_list_and_keeps_whole_numbers_whole() -> None:
    import sqlite3

    schema = {"D": {"attribs": {"type": "date"}}, "A": {"attribs": {"type": "int"}}}
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t ("#" INTEGER, "D" TEXT, "A" INTEGER)')
    rows = [(0, "1990-06-12", 123456789012345678), (1, "1990-06-13", 123456789012345677)]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    for text in (
        'D $in ["1990-6-12", "1990-06-13 10:00"]',  # a datetime in the list: compared as datetimes
        "A $gte 123456789012345678.0",  # an integer column against a whole number, not a REAL
    ):
        where = to_sql(text, "sqlite", schema=schema)
        found = [n for (n,) in conn.execute(f'SELECT "#" FROM t WHERE {where} ORDER BY "#"')]
        records = [{"D": d, "A": str(a)} for _, d, a in rows]
        assert found == [n for n, r in enumerate(records) if evaluate(text, r, schema=schema)]
        assert found == [0]
