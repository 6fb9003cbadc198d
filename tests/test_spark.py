"""scale_query.spark: Spark's filters as Scal-e filters, and reads on a real Spark (local[2]).

The pushdown tests need no JVM; the reads start one Spark session for the
module (slow: Java and pyspark, installed by .ci/run).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

pytest.importorskip("pyspark")

from pyspark.sql.datasource import (
    EqualNullSafe,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNotNull,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Not,
    StringContains,
    StringEndsWith,
    StringStartsWith,
)

import scale_query as sq
from scale_query.emulator import serve
from scale_query.spark import pushed_filter, register
from scale_query.spark._pushdown import translate

KINDS = {"Nom": "text", "Age": "integer", "Prix": "number", "Jour": "date", "Quand": "datetime"}
SCHEMA = sq.ObjectSchema.from_api(
    {
        "Nom": {"attribs": {"type": "text"}},
        "Age": {"attribs": {"type": "int"}},
        "Prix": {"attribs": {"type": "decimal"}},
        "Jour": {"attribs": {"type": "date"}},
        "Quand": {"attribs": {"type": "datetime"}},
    },
    name="t",
)
# Values where the datamart and Spark disagree: case, accents, ß, trailing spaces, empties.
NAMES = ["Hélène", "helene", "HELENE", "Strasse", "Straße", "abc", "abc ", "", "zoé", "Zoe"]


def _spark_keeps(spark_filter: Any, record: dict[str, Any]) -> bool:
    """What Spark keeps for one record: byte-wise text, null matching nothing."""
    name = type(spark_filter).__name__
    if name == "Not":
        inner = _spark_keeps_or_none(spark_filter.child, record)
        return inner is not None and not inner
    return bool(_spark_keeps_or_none(spark_filter, record))


def _spark_keeps_or_none(spark_filter: Any, record: dict[str, Any]) -> bool | None:
    name = type(spark_filter).__name__
    value = record.get(spark_filter.attribute[0])
    if name == "IsNull":
        return value is None
    if name == "IsNotNull":
        return value is not None
    if value is None:
        return None
    given = spark_filter.value
    return {
        "EqualTo": lambda: value == given,
        "GreaterThan": lambda: value > given,
        "GreaterThanOrEqual": lambda: value >= given,
        "LessThan": lambda: value < given,
        "LessThanOrEqual": lambda: value <= given,
        "In": lambda: value in given,
        "StringStartsWith": lambda: value.startswith(given),
        "StringEndsWith": lambda: value.endswith(given),
        "StringContains": lambda: given in value,
    }[name]()


def _records() -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """(Spark's typed row, the datamart's text record) pairs."""
    for n, nom in enumerate(NAMES):
        typed = {
            "Nom": nom or None,
            "Age": None if n == 3 else n * 10,
            "Prix": None if n == 4 else Decimal(n) + Decimal("0.25"),
            "Jour": dt.date(2024, 1, 1 + n),
            "Quand": dt.datetime(2024, 1, 1, 12, n),
        }
        text = {k: "" if v is None else str(v) for k, v in typed.items()}
        yield typed, text


SPARK_FILTERS = [
    EqualTo(("Nom",), "helene"),
    EqualTo(("Nom",), "abc"),
    In(("Nom",), ("Straße", "Zoe", None)),
    StringStartsWith(("Nom",), "Hé"),
    StringEndsWith(("Nom",), "sse"),
    StringContains(("Nom",), "ra"),
    GreaterThan(("Nom",), "b"),
    Not(EqualTo(("Nom",), "abc")),
    IsNotNull(("Nom",)),
    IsNull(("Nom",)),
    EqualTo(("Age",), 30),
    GreaterThan(("Age",), 25),
    LessThanOrEqual(("Prix",), Decimal("4.25")),
    GreaterThanOrEqual(("Jour",), dt.date(2024, 1, 5)),
    LessThan(("Quand",), dt.datetime(2024, 1, 1, 12, 4)),
    In(("Age",), (10, 20, 90)),
    Not(In(("Age",), (10, 20))),
    Not(EqualTo(("Age",), 30)),
    EqualNullSafe(("Age",), 30),
    GreaterThan(("Prix",), 2.5),  # a float: never pushed
    StringStartsWith(("Nom",), "a*"),
]


@pytest.mark.parametrize("spark_filter", SPARK_FILTERS, ids=repr)
def test_a_pushed_filter_never_drops_a_row_spark_keeps(spark_filter: Any) -> None:
    found = translate(spark_filter, KINDS)
    if found is None:
        return  # stays with Spark
    condition, exact = found
    for typed, text in _records():
        api = sq.evaluate(condition, text, schema=SCHEMA)
        spark = _spark_keeps(spark_filter, typed)
        assert api or not spark, (str(condition), text)
        if exact:
            assert api == spark, (str(condition), text)


def test_what_is_pushed_and_what_spark_checks_again() -> None:
    text_eq, age_gt, nom_gt = EqualTo(("Nom",), "x"), GreaterThan(("Age",), 3), SPARK_FILTERS[6]
    expr, remaining = pushed_filter([text_eq, age_gt, nom_gt], KINDS)
    assert str(expr) == 'Nom $eq "x" $and Age $gt 3'
    # By reference, as Spark wants them: the wider text one and the one not pushed.
    assert remaining == [text_eq, nom_gt] and remaining[0] is text_eq
    assert pushed_filter([IsNull(("Nom",))], KINDS) == (None, [IsNull(("Nom",))])
    ids = translate(EqualTo(("id",), 7), {"id": "integer"}, {"id": "id_contact"})
    assert ids is not None and str(ids[0]) == "id_contact $eq 7"


# -- on Spark ------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("Spark needs Java (.ci/run installs openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("scale-query-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    register(session)
    yield session
    session.stop()


def _load(spark: Any, emu: Any, name: str, **options: str) -> Any:
    reader = spark.read.format("scale").option("object", name)
    for key, value in {
        "token": emu.token,
        "instance": emu.instance,
        "base_url": emu.base_url,
        **options,
    }.items():
        reader = reader.option(key, value)
    return reader.load()


def _orders(count: int) -> dict[str, Any]:
    start = dt.datetime(2024, 1, 1)
    names = ["Hélène", "helene", "Zoé", "Strasse", "Straße", ""]
    records = [
        {
            "data": {
                "Nom": names[n % len(names)],
                "Age": "" if n % 7 == 0 else str(n % 90),
                "Prix": f"{n % 50}.{n % 100:02d}",
                "Jour": (start + dt.timedelta(days=n % 40)).date().isoformat(),
                "Quand": (start + dt.timedelta(minutes=n)).isoformat(sep=" "),
            }
        }
        for n in range(1, count + 1)
    ]
    fields = {
        "Nom": {"attribs": {"type": "text"}},
        "Age": {"attribs": {"type": "int"}},
        "Prix": {"attribs": {"type": "decimal"}},
        "Jour": {"attribs": {"type": "date"}},
        "Quand": {"attribs": {"type": "datetime"}},
    }
    return {
        "objects": {"t": {"fields": fields, "records": records}},
        "profiles": [{"name": "app", "token": "spark-token"}],
    }


WHERES = [
    "Nom = 'helene'",
    "Nom like 'Str%' and Age > 40",
    "Prix <= 12.5 and Jour >= date'2024-01-20'",
    "not (Age = 4) and Quand < timestamp_ntz'2024-01-01 03:00:00'",
    "Nom is null",
]


@pytest.mark.slow
def test_reads_equal_the_client_and_push_the_filter(spark: Any) -> None:
    with (
        serve(datamart=_orders(1300)) as emu,
        sq.Client(emu.token, emu.instance, base_url=emu.base_url) as client,
    ):
        everything = {r.id: r for r in client.iter("t", typed=True)}
        emu.faults.reset_counts()
        whole = _load(spark, emu, "t").collect()
        full_requests = emu.request_count("GET", "get_objects")
        assert {row.id: row.Prix for row in whole} == {
            i: r.data["Prix"] for i, r in everything.items()
        }
        # What Spark keeps on the same rows held locally (nothing pushed) is the truth.
        local = spark.createDataFrame(whole, schema=_load(spark, emu, "t").schema)
        local.createOrReplaceTempView("t_local")
        for where in WHERES:
            got = sorted(row.id for row in _load(spark, emu, "t").where(where).collect())
            want = sorted(
                r.id for r in spark.sql(f"SELECT id FROM t_local WHERE {where}").collect()
            )
            assert got == want, where
        # A selective filter: fewer requests than the whole read, and Client.get's rows.
        emu.faults.reset_counts()
        picked = _load(spark, emu, "t").where("Nom = 'helene' and Age > 80").collect()
        assert emu.request_count("GET", "get_objects") < full_requests
        api = client.get(sq.Query("t").where('Nom $eq "helene" $and Age $gt 80'))
        kept = sorted(int(r.id) for r in api if r.data["Nom"] == "helene")
        assert sorted(row.id for row in picked) == kept


@pytest.mark.slow
def test_the_demo_belgians_count_with_fewer_requests(spark: Any, scale_emulator: Any) -> None:
    belgians = len(
        list(
            sq.Client(
                scale_emulator.token, scale_emulator.instance, base_url=scale_emulator.base_url
            ).iter(sq.Query("contact").where('Pays $eq "BE"'))
        )
    )
    scale_emulator.faults.reset_counts()
    assert _load(spark, scale_emulator, "contact").where("Pays = 'BE'").count() == belgians
    filtered = scale_emulator.request_count("GET", "get_objects")
    scale_emulator.faults.reset_counts()
    assert _load(spark, scale_emulator, "contact").count() == 10_000
    assert filtered < scale_emulator.request_count("GET", "get_objects")


@pytest.mark.slow
def test_to_sql_on_the_loaded_frame_equals_evaluate(spark: Any) -> None:
    # Generated filters on the typed fields: Spark has no collation comparing
    # as MySQL's utf8mb4_0900_ai_ci, so a text comparison is refused (by name).
    ops = ["$eq", "$neq", "$gt", "$gte", "$lt", "$lte"]
    values = {"Age": ["18", "40", "66"], "Prix": ["0.5", "20", "99.99"]}
    dates = ['"2024-01-01"', '"2024-01-20"', '"2024-2-3"']
    leaves = [f"{f} {op} {v}" for f, vs in values.items() for op in ops for v in vs]
    leaves += [f"Jour {op} {d}" for op in ops for d in dates]
    filters = leaves + [f"{a} $and {b}" for a, b in zip(leaves, leaves[7:], strict=False)]
    filters += [f"{a} $or {b}" for a, b in zip(leaves, leaves[11:], strict=False)]
    with (
        serve(datamart=_orders(300)) as emu,
        sq.Client(emu.token, emu.instance, base_url=emu.base_url) as client,
    ):
        schema = client.object_info("t")
        records = list(client.iter("t"))
        _load(spark, emu, "t").createOrReplaceTempView("t_frame")
        for text in ['Nom $eq "HELENE"', 'Nom $like "str*"']:
            with pytest.raises(sq.UnsupportedSQL, match="spark"):
                sq.to_sql(text, "spark", schema=schema)
        for text in filters:
            sql = sq.to_sql(text, "spark", schema=schema)
            got = sorted(
                row.id for row in spark.sql(f"SELECT id FROM t_frame WHERE {sql}").collect()
            )
            expr = sq.parse(text)
            want = sorted(int(r.id) for r in records if sq.evaluate(expr, r.data, schema=schema))
            assert got == want, text
