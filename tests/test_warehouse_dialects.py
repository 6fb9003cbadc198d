# ruff: noqa: E501  (the golden SQL reads best one statement a line)
"""The SQL of each operator in each dialect, pinned; and every output parses back.

The table below is the specification of the output: each entry was written
by to_sql once and reviewed by hand against the dialect's documentation
(docs/warehouse.md says why each looks as it does). A change in sqlglot or in
the dialect rules that moves any of them fails here, to be reviewed again.
"""

from __future__ import annotations

import pytest
import sqlglot

from scale_query import FieldInfo, ObjectSchema, UnsupportedSQL, to_sql

SCHEMA = ObjectSchema(
    {
        "Nom": FieldInfo("Nom"),
        "Montant": FieldInfo("Montant", type="decimal"),
        "DateNaissance": FieldInfo("DateNaissance", type="date"),
        "Quand": FieldInfo("Quand", type="datetime"),
        "Stock": FieldInfo("Stock", type="int"),
    }
)
DIALECTS = ("postgres", "mysql", "bigquery", "snowflake", "spark", "trino", "tsql", "oracle")
REFUSED = "UnsupportedSQL: "

# fmt: off
GOLDEN = {
    'Nom $eq "Dupont"': {
        'postgres': '"Nom" IS NOT NULL AND LOWER("Nom") = \'dupont\'',
        'mysql': "`Nom` IS NOT NULL AND LOWER(`Nom`) COLLATE utf8mb4_0900_bin = 'dupont'",
        'bigquery': "`Nom` IS NOT NULL AND LOWER(`Nom`) = 'dupont'",
        'snowflake': '"Nom" IS NOT NULL AND LOWER("Nom") = \'dupont\'',
        'spark': "`Nom` IS NOT NULL AND LOWER(`Nom`) = 'dupont'",
        'trino': '"Nom" IS NOT NULL AND LOWER("Nom") = \'dupont\'',
        'tsql': "[Nom] IS NOT NULL AND LOWER([Nom] COLLATE Latin1_General_100_BIN2) + N'.' = N'dupont' + N'.'",
        'oracle': '"Nom" IS NOT NULL AND LOWER("Nom") = \'dupont\'',
    },
    'Nom $neq "Dupont"': {
        'postgres': '"Nom" IS NULL OR LOWER("Nom") <> \'dupont\'',
        'mysql': "`Nom` IS NULL OR LOWER(`Nom`) COLLATE utf8mb4_0900_bin <> 'dupont'",
        'bigquery': "`Nom` IS NULL OR LOWER(`Nom`) <> 'dupont'",
        'snowflake': '"Nom" IS NULL OR LOWER("Nom") <> \'dupont\'',
        'spark': "`Nom` IS NULL OR LOWER(`Nom`) <> 'dupont'",
        'trino': '"Nom" IS NULL OR LOWER("Nom") <> \'dupont\'',
        'tsql': "[Nom] IS NULL OR LOWER([Nom] COLLATE Latin1_General_100_BIN2) + N'.' <> N'dupont' + N'.'",
        'oracle': '"Nom" IS NULL OR LOWER("Nom") <> \'dupont\'',
    },
    'Nom $eq ""': {
        'postgres': '"Nom" IS NULL OR "Nom" = \'\'',
        'mysql': "`Nom` IS NULL OR `Nom` COLLATE utf8mb4_0900_bin = ''",
        'bigquery': "`Nom` IS NULL OR `Nom` = ''",
        'snowflake': '"Nom" IS NULL OR "Nom" = \'\'',
        'spark': "`Nom` IS NULL OR `Nom` = ''",
        'trino': '"Nom" IS NULL OR "Nom" = \'\'',
        'tsql': '[Nom] IS NULL OR DATALENGTH([Nom]) = 0',
        'oracle': '"Nom" IS NULL',
    },
    'Nom $gt "M"': {
        'postgres': '"Nom" IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER("Nom"), \'ǰ\', \'ǰ\'), \'ẖ\', \'ẖ\'), \'ẚ\', \'aʾ\'), \'ﬀ\', \'ff\'), \'ﬁ\', \'fi\'), \'ﬂ\', \'fl\'), \'ﬃ\', \'ffi\'), \'ﬄ\', \'ffl\') COLLATE "C" > \'m\'',
        'mysql': "`Nom` IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER(`Nom`), 'ǰ', 'ǰ'), 'ẖ', 'ẖ'), 'ẚ', 'aʾ'), 'ﬀ', 'ff'), 'ﬁ', 'fi'), 'ﬂ', 'fl'), 'ﬃ', 'ffi'), 'ﬄ', 'ffl') COLLATE utf8mb4_0900_bin > 'm'",
        'bigquery': "`Nom` IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER(`Nom`), 'ǰ', 'ǰ'), 'ẖ', 'ẖ'), 'ẚ', 'aʾ'), 'ﬀ', 'ff'), 'ﬁ', 'fi'), 'ﬂ', 'fl'), 'ﬃ', 'ffi'), 'ﬄ', 'ffl') > 'm'",
        'snowflake': '"Nom" IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER("Nom"), \'ǰ\', \'ǰ\'), \'ẖ\', \'ẖ\'), \'ẚ\', \'aʾ\'), \'ﬀ\', \'ff\'), \'ﬁ\', \'fi\'), \'ﬂ\', \'fl\'), \'ﬃ\', \'ffi\'), \'ﬄ\', \'ffl\') > \'m\'',
        'spark': "`Nom` IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER(`Nom`), 'ǰ', 'ǰ'), 'ẖ', 'ẖ'), 'ẚ', 'aʾ'), 'ﬀ', 'ff'), 'ﬁ', 'fi'), 'ﬂ', 'fl'), 'ﬃ', 'ffi'), 'ﬄ', 'ffl') > 'm'",
        'trino': '"Nom" IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER("Nom"), \'ǰ\', \'ǰ\'), \'ẖ\', \'ẖ\'), \'ẚ\', \'aʾ\'), \'ﬀ\', \'ff\'), \'ﬁ\', \'fi\'), \'ﬂ\', \'fl\'), \'ﬃ\', \'ffi\'), \'ﬄ\', \'ffl\') > \'m\'',
        'tsql': 'UnsupportedSQL: an ordering ($gt, $gte, $lt, $lte) of [Nom]',
        'oracle': '"Nom" IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER("Nom"), \'ǰ\', \'ǰ\'), \'ẖ\', \'ẖ\'), \'ẚ\', \'aʾ\'), \'ﬀ\', \'ff\'), \'ﬁ\', \'fi\'), \'ﬂ\', \'fl\'), \'ﬃ\', \'ffi\'), \'ﬄ\', \'ffl\') > \'m\'',
    },
    'Nom $in [Dupont, ""]': {
        'postgres': '("Nom" IS NULL OR "Nom" = \'\') OR LOWER("Nom") IN (\'dupont\')',
        'mysql': "(`Nom` IS NULL OR `Nom` COLLATE utf8mb4_0900_bin = '') OR LOWER(`Nom`) COLLATE utf8mb4_0900_bin IN ('dupont')",
        'bigquery': "(`Nom` IS NULL OR `Nom` = '') OR LOWER(`Nom`) IN ('dupont')",
        'snowflake': '("Nom" IS NULL OR "Nom" = \'\') OR LOWER("Nom") IN (\'dupont\')',
        'spark': "(`Nom` IS NULL OR `Nom` = '') OR LOWER(`Nom`) IN ('dupont')",
        'trino': '("Nom" IS NULL OR "Nom" = \'\') OR LOWER("Nom") IN (\'dupont\')',
        'tsql': "([Nom] IS NULL OR DATALENGTH([Nom]) = 0) OR LOWER([Nom] COLLATE Latin1_General_100_BIN2) + N'.' IN (N'dupont' + N'.')",
        'oracle': '"Nom" IS NULL OR LOWER("Nom") IN (\'dupont\')',
    },
    'Nom $notin ["Dupont", "Durand"]': {
        'postgres': '"Nom" IS NULL OR NOT LOWER("Nom") IN (\'dupont\', \'durand\')',
        'mysql': "`Nom` IS NULL OR NOT LOWER(`Nom`) COLLATE utf8mb4_0900_bin IN ('dupont', 'durand')",
        'bigquery': "`Nom` IS NULL OR NOT LOWER(`Nom`) IN ('dupont', 'durand')",
        'snowflake': '"Nom" IS NULL OR NOT LOWER("Nom") IN (\'dupont\', \'durand\')',
        'spark': "`Nom` IS NULL OR NOT LOWER(`Nom`) IN ('dupont', 'durand')",
        'trino': '"Nom" IS NULL OR NOT LOWER("Nom") IN (\'dupont\', \'durand\')',
        'tsql': "[Nom] IS NULL OR NOT LOWER([Nom] COLLATE Latin1_General_100_BIN2) + N'.' IN (N'dupont' + N'.', N'durand' + N'.')",
        'oracle': '"Nom" IS NULL OR NOT LOWER("Nom") IN (\'dupont\', \'durand\')',
    },
    'Nom $like "50%_\\\\*"': {
        'postgres': '"Nom" IS NOT NULL AND LOWER("Nom") LIKE \'50\\%\\_\\\\%\' ESCAPE \'\\\'',
        'mysql': "`Nom` IS NOT NULL AND LOWER(`Nom`) COLLATE utf8mb4_0900_bin LIKE '50\\\\%\\\\_\\\\\\\\%' ESCAPE '\\\\'",
        'bigquery': "`Nom` IS NOT NULL AND LOWER(`Nom`) LIKE '50\\\\%\\\\_\\\\\\\\%'",
        'snowflake': '"Nom" IS NOT NULL AND LOWER("Nom") LIKE \'50\\\\%\\\\_\\\\\\\\%\' ESCAPE \'\\\\\'',
        'spark': "`Nom` IS NOT NULL AND LOWER(`Nom`) LIKE '50\\\\%\\\\_\\\\\\\\%' ESCAPE '\\\\'",
        'trino': '"Nom" IS NOT NULL AND LOWER("Nom") LIKE \'50\\%\\_\\\\%\' ESCAPE \'\\\'',
        'tsql': "[Nom] IS NOT NULL AND LOWER([Nom] COLLATE Latin1_General_100_BIN2) LIKE N'50\\%\\_\\\\%' ESCAPE N'\\'",
        'oracle': '"Nom" IS NOT NULL AND LOWER("Nom") LIKE \'50\\%\\_\\\\%\' ESCAPE \'\\\'',
    },
    'Nom $notlike "du*"': {
        'postgres': '"Nom" IS NULL OR NOT LOWER("Nom") LIKE \'du%\' ESCAPE \'\\\'',
        'mysql': "`Nom` IS NULL OR NOT LOWER(`Nom`) COLLATE utf8mb4_0900_bin LIKE 'du%' ESCAPE '\\\\'",
        'bigquery': "`Nom` IS NULL OR NOT LOWER(`Nom`) LIKE 'du%'",
        'snowflake': '"Nom" IS NULL OR NOT LOWER("Nom") LIKE \'du%\' ESCAPE \'\\\\\'',
        'spark': "`Nom` IS NULL OR NOT LOWER(`Nom`) LIKE 'du%' ESCAPE '\\\\'",
        'trino': '"Nom" IS NULL OR NOT LOWER("Nom") LIKE \'du%\' ESCAPE \'\\\'',
        'tsql': "[Nom] IS NULL OR NOT LOWER([Nom] COLLATE Latin1_General_100_BIN2) LIKE N'du%' ESCAPE N'\\'",
        'oracle': '"Nom" IS NULL OR NOT LOWER("Nom") LIKE \'du%\' ESCAPE \'\\\'',
    },
    'Nom $regex "^du[a-c]$"': {
        'postgres': '"Nom" IS NOT NULL AND "Nom" ~ \'^[Dd][Uu][A-Ca-c]$\'',
        'mysql': "`Nom` IS NOT NULL AND REGEXP_LIKE(`Nom`, '^[Dd][Uu][A-Ca-c]\\\\z', 'c')",
        'bigquery': "`Nom` IS NOT NULL AND REGEXP_CONTAINS(`Nom`, '(?i)^du[a-c]$')",
        'snowflake': '"Nom" IS NOT NULL AND REGEXP_INSTR("Nom", \'^[Dd][Uu][A-Ca-c]$\', 1, 1, 0, \'c\') > 0',
        'spark': "`Nom` IS NOT NULL AND `Nom` RLIKE '^[Dd][Uu][A-Ca-c]\\\\z'",
        'trino': '"Nom" IS NOT NULL AND REGEXP_LIKE("Nom", \'\\A[Dd][Uu][A-Ca-c]\\z\')',
        'tsql': "[Nom] IS NOT NULL AND REGEXP_LIKE([Nom], N'^du[a-c]$', N'i')",
        'oracle': '"Nom" IS NOT NULL AND REGEXP_LIKE("Nom", \'\\A[Dd][Uu][A-Ca-c]\\z\', \'c\')',
    },
    'Montant $lte 3': {
        'postgres': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE PRECISION) <= CAST(\'3\' AS DOUBLE PRECISION)',
        'mysql': "`Montant` IS NOT NULL AND CAST(`Montant` AS DOUBLE) <= CAST('3' AS DOUBLE)",
        'bigquery': "`Montant` IS NOT NULL AND CAST(`Montant` AS FLOAT64) <= CAST('3' AS FLOAT64)",
        'snowflake': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE) <= CAST(\'3\' AS DOUBLE)',
        'spark': "`Montant` IS NOT NULL AND CAST(`Montant` AS DOUBLE) <= CAST('3' AS DOUBLE)",
        'trino': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE) <= CAST(\'3\' AS DOUBLE)',
        'tsql': "[Montant] IS NOT NULL AND CAST([Montant] AS FLOAT) <= CAST('3' AS FLOAT)",
        'oracle': '"Montant" IS NOT NULL AND TO_BINARY_DOUBLE("Montant") <= TO_BINARY_DOUBLE(3.0)',
    },
    'Montant $gte 12.50': {
        'postgres': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE PRECISION) >= CAST(\'12.5\' AS DOUBLE PRECISION)',
        'mysql': "`Montant` IS NOT NULL AND CAST(`Montant` AS DOUBLE) >= CAST('12.5' AS DOUBLE)",
        'bigquery': "`Montant` IS NOT NULL AND CAST(`Montant` AS FLOAT64) >= CAST('12.5' AS FLOAT64)",
        'snowflake': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE) >= CAST(\'12.5\' AS DOUBLE)',
        'spark': "`Montant` IS NOT NULL AND CAST(`Montant` AS DOUBLE) >= CAST('12.5' AS DOUBLE)",
        'trino': '"Montant" IS NOT NULL AND CAST("Montant" AS DOUBLE) >= CAST(\'12.5\' AS DOUBLE)',
        'tsql': "[Montant] IS NOT NULL AND CAST([Montant] AS FLOAT) >= CAST('12.5' AS FLOAT)",
        'oracle': '"Montant" IS NOT NULL AND TO_BINARY_DOUBLE("Montant") >= TO_BINARY_DOUBLE(12.5)',
    },
    'Stock $notin [1, 2]': {
        'postgres': '"Stock" IS NOT NULL AND NOT CAST("Stock" AS DOUBLE PRECISION) IN (CAST(\'1\' AS DOUBLE PRECISION), CAST(\'2\' AS DOUBLE PRECISION))',
        'mysql': "`Stock` IS NOT NULL AND NOT CAST(`Stock` AS DOUBLE) IN (CAST('1' AS DOUBLE), CAST('2' AS DOUBLE))",
        'bigquery': "`Stock` IS NOT NULL AND NOT CAST(`Stock` AS FLOAT64) IN (CAST('1' AS FLOAT64), CAST('2' AS FLOAT64))",
        'snowflake': '"Stock" IS NOT NULL AND NOT CAST("Stock" AS DOUBLE) IN (CAST(\'1\' AS DOUBLE), CAST(\'2\' AS DOUBLE))',
        'spark': "`Stock` IS NOT NULL AND NOT CAST(`Stock` AS DOUBLE) IN (CAST('1' AS DOUBLE), CAST('2' AS DOUBLE))",
        'trino': '"Stock" IS NOT NULL AND NOT CAST("Stock" AS DOUBLE) IN (CAST(\'1\' AS DOUBLE), CAST(\'2\' AS DOUBLE))',
        'tsql': "[Stock] IS NOT NULL AND NOT CAST([Stock] AS FLOAT) IN (CAST('1' AS FLOAT), CAST('2' AS FLOAT))",
        'oracle': '"Stock" IS NOT NULL AND NOT TO_BINARY_DOUBLE("Stock") IN (TO_BINARY_DOUBLE(1.0), TO_BINARY_DOUBLE(2.0))',
    },
    'DateNaissance $lt "1990-06-12"': {
        'postgres': '"DateNaissance" IS NOT NULL AND "DateNaissance" < CAST(\'1990-06-12\' AS DATE)',
        'mysql': "`DateNaissance` IS NOT NULL AND `DateNaissance` < CAST('1990-06-12' AS DATE)",
        'bigquery': "`DateNaissance` IS NOT NULL AND `DateNaissance` < CAST('1990-06-12' AS DATE)",
        'snowflake': '"DateNaissance" IS NOT NULL AND "DateNaissance" < CAST(\'1990-06-12\' AS DATE)',
        'spark': "`DateNaissance` IS NOT NULL AND `DateNaissance` < CAST('1990-06-12' AS DATE)",
        'trino': '"DateNaissance" IS NOT NULL AND "DateNaissance" < CAST(\'1990-06-12\' AS DATE)',
        'tsql': "[DateNaissance] IS NOT NULL AND [DateNaissance] < CAST('1990-06-12' AS DATE)",
        'oracle': '"DateNaissance" IS NOT NULL AND "DateNaissance" < TO_DATE(\'1990-06-12\', \'YYYY-MM-DD\')',
    },
    'DateNaissance $like "1990-*"': {
        'postgres': '"DateNaissance" IS NOT NULL AND TO_CHAR("DateNaissance", \'YYYY-MM-DD\') LIKE \'1990-%\' ESCAPE \'\\\'',
        'mysql': "`DateNaissance` IS NOT NULL AND CAST(`DateNaissance` AS CHAR) COLLATE utf8mb4_0900_bin LIKE '1990-%' ESCAPE '\\\\'",
        'bigquery': "`DateNaissance` IS NOT NULL AND FORMAT_DATE('%E4Y-%m-%d', `DateNaissance`) LIKE '1990-%'",
        'snowflake': '"DateNaissance" IS NOT NULL AND TO_CHAR("DateNaissance", \'YYYY-MM-DD\') LIKE \'1990-%\' ESCAPE \'\\\\\'',
        'spark': "`DateNaissance` IS NOT NULL AND DATE_FORMAT(`DateNaissance`, 'yyyy-MM-dd') LIKE '1990-%' ESCAPE '\\\\'",
        'trino': '"DateNaissance" IS NOT NULL AND DATE_FORMAT("DateNaissance", \'%Y-%m-%d\') LIKE \'1990-%\' ESCAPE \'\\\'',
        'tsql': "[DateNaissance] IS NOT NULL AND CONVERT(VARCHAR(10), [DateNaissance], 23) LIKE N'1990-%' ESCAPE N'\\'",
        'oracle': '"DateNaissance" IS NOT NULL AND TO_CHAR("DateNaissance", \'YYYY-MM-DD\') LIKE \'1990-%\' ESCAPE \'\\\'',
    },
    'Quand $eq "2020-12-19"': {
        'postgres': '"Quand" IS NOT NULL AND "Quand" = CAST(\'2020-12-19 00:00:00\' AS TIMESTAMP)',
        'mysql': "`Quand` IS NOT NULL AND `Quand` = CAST('2020-12-19 00:00:00' AS DATETIME)",
        'bigquery': "`Quand` IS NOT NULL AND `Quand` = CAST('2020-12-19 00:00:00' AS DATETIME)",
        'snowflake': '"Quand" IS NOT NULL AND "Quand" = CAST(\'2020-12-19 00:00:00\' AS TIMESTAMP)',
        'spark': "`Quand` IS NOT NULL AND `Quand` = CAST('2020-12-19 00:00:00' AS TIMESTAMP)",
        'trino': '"Quand" IS NOT NULL AND "Quand" = CAST(\'2020-12-19 00:00:00\' AS TIMESTAMP)',
        'tsql': "[Quand] IS NOT NULL AND [Quand] = CAST('2020-12-19 00:00:00' AS DATETIME2)",
        'oracle': '"Quand" IS NOT NULL AND "Quand" = TO_TIMESTAMP(\'2020-12-19 00:00:00\', \'YYYY-MM-DD HH24:MI:SS\')',
    },
    'Stock $regex "^4[[:digit:]]"': {
        'postgres': '"Stock" IS NOT NULL AND CAST("Stock" AS VARCHAR) ~ \'^4[0-9]\'',
        'mysql': "`Stock` IS NOT NULL AND REGEXP_LIKE(CAST(`Stock` AS CHAR), '^4[0-9]', 'c')",
        'bigquery': "`Stock` IS NOT NULL AND REGEXP_CONTAINS(CAST(`Stock` AS STRING), '(?i)^4[0-9]')",
        'snowflake': '"Stock" IS NOT NULL AND REGEXP_INSTR(CAST("Stock" AS VARCHAR), \'^4[0-9]\', 1, 1, 0, \'c\') > 0',
        'spark': "`Stock` IS NOT NULL AND CAST(`Stock` AS STRING) RLIKE '^4[0-9]'",
        'trino': '"Stock" IS NOT NULL AND REGEXP_LIKE(CAST("Stock" AS VARCHAR), \'\\A4[0-9]\')',
        'tsql': "[Stock] IS NOT NULL AND REGEXP_LIKE(CAST([Stock] AS VARCHAR), N'^4[0-9]', N'i')",
        'oracle': '"Stock" IS NOT NULL AND REGEXP_LIKE(TO_CHAR("Stock"), \'\\A4[0-9]\', \'c\')',
    },
    'Nom $eq "a" $and (Stock $gt 1 $or Nom $like "*b")': {
        'postgres': '("Nom" IS NOT NULL AND LOWER("Nom") = \'a\') AND (("Stock" IS NOT NULL AND CAST("Stock" AS DOUBLE PRECISION) > CAST(\'1\' AS DOUBLE PRECISION)) OR ("Nom" IS NOT NULL AND LOWER("Nom") LIKE \'%b\' ESCAPE \'\\\'))',
        'mysql': "(`Nom` IS NOT NULL AND LOWER(`Nom`) COLLATE utf8mb4_0900_bin = 'a') AND ((`Stock` IS NOT NULL AND CAST(`Stock` AS DOUBLE) > CAST('1' AS DOUBLE)) OR (`Nom` IS NOT NULL AND LOWER(`Nom`) COLLATE utf8mb4_0900_bin LIKE '%b' ESCAPE '\\\\'))",
        'bigquery': "(`Nom` IS NOT NULL AND LOWER(`Nom`) = 'a') AND ((`Stock` IS NOT NULL AND CAST(`Stock` AS FLOAT64) > CAST('1' AS FLOAT64)) OR (`Nom` IS NOT NULL AND LOWER(`Nom`) LIKE '%b'))",
        'snowflake': '("Nom" IS NOT NULL AND LOWER("Nom") = \'a\') AND (("Stock" IS NOT NULL AND CAST("Stock" AS DOUBLE) > CAST(\'1\' AS DOUBLE)) OR ("Nom" IS NOT NULL AND LOWER("Nom") LIKE \'%b\' ESCAPE \'\\\\\'))',
        'spark': "(`Nom` IS NOT NULL AND LOWER(`Nom`) = 'a') AND ((`Stock` IS NOT NULL AND CAST(`Stock` AS DOUBLE) > CAST('1' AS DOUBLE)) OR (`Nom` IS NOT NULL AND LOWER(`Nom`) LIKE '%b' ESCAPE '\\\\'))",
        'trino': '("Nom" IS NOT NULL AND LOWER("Nom") = \'a\') AND (("Stock" IS NOT NULL AND CAST("Stock" AS DOUBLE) > CAST(\'1\' AS DOUBLE)) OR ("Nom" IS NOT NULL AND LOWER("Nom") LIKE \'%b\' ESCAPE \'\\\'))',
        'tsql': "([Nom] IS NOT NULL AND LOWER([Nom] COLLATE Latin1_General_100_BIN2) + N'.' = N'a' + N'.') AND (([Stock] IS NOT NULL AND CAST([Stock] AS FLOAT) > CAST('1' AS FLOAT)) OR ([Nom] IS NOT NULL AND LOWER([Nom] COLLATE Latin1_General_100_BIN2) LIKE N'%b' ESCAPE N'\\'))",
        'oracle': '("Nom" IS NOT NULL AND LOWER("Nom") = \'a\') AND (("Stock" IS NOT NULL AND TO_BINARY_DOUBLE("Stock") > TO_BINARY_DOUBLE(1.0)) OR ("Nom" IS NOT NULL AND LOWER("Nom") LIKE \'%b\' ESCAPE \'\\\'))',
    },
}
# fmt: on


def _cases() -> list[tuple[str, str, str]]:
    return [(text, d, sql) for text, by in GOLDEN.items() for d, sql in by.items()]


@pytest.mark.parametrize(("text", "dialect", "expected"), _cases())
def test_each_operator_in_each_dialect_is_pinned(text: str, dialect: str, expected: str) -> None:
    if expected.startswith(REFUSED):
        with pytest.raises(UnsupportedSQL) as info:
            to_sql(text, dialect, schema=SCHEMA)
        assert info.value.dialect == dialect
        assert info.value.construct == expected.removeprefix(REFUSED)
    else:
        assert to_sql(text, dialect, schema=SCHEMA) == expected


@pytest.mark.parametrize(("text", "dialect", "expected"), _cases())
def test_every_output_parses_back_in_its_dialect(text: str, dialect: str, expected: str) -> None:
    if expected.startswith(REFUSED):
        return
    for table in (None, "analytics.contact"):
        sql, _ = to_sql(text, dialect, schema=SCHEMA, table=table, params=True)
        # sqlglot does not read PyMySQL's %s placeholders; they stand where ? would.
        sql = sql.replace("%s", "?") if dialect == "mysql" else sql
        for statement in (to_sql(text, dialect, schema=SCHEMA, table=table), sql):
            query = statement if table else f"SELECT 1 FROM t WHERE {statement}"
            tree = sqlglot.parse_one(query, read=dialect)
            # Parsed back and written again, the SQL is the same (up to spacing).
            assert tree.sql(dialect=dialect) == sqlglot.parse_one(
                tree.sql(dialect=dialect), read=dialect
            ).sql(dialect=dialect)


def test_the_table_covers_every_operator() -> None:
    from scale_query import Op

    written = " ".join(GOLDEN)
    assert all(op.value in written for op in Op)
