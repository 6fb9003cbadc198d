"""The library side of the data commands, over real HTTP against the emulator.

Typed records, Arrow batches and data frames, ``get`` at the server's cap,
``get_by_id``, and what adaptive prefetch costs in requests.
"""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import FAST
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query import (
    Client,
    ObjectSchema,
    Page,
    Query,
    Record,
    TruncatedResultWarning,
    TypedRecord,
    evaluate,
    parse,
)
from scale_query.client._paging import PAGES_PER_STEP, Pager, hit_cap
from scale_query.semantics import FieldKind

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator

# The client fixture is tests/conftest.py's.

# get() at the cap ----------------------------------------------------------


def test_get_says_when_the_server_cap_cut_it_short(client: Client) -> None:
    with pytest.warns(TruncatedResultWarning, match="cap of 1000"):
        everything = client.get("contact")
    assert isinstance(everything, Page) and len(everything) == 1000 and everything.truncated
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these may warn
        exact = client.get(Query("contact").limit(1000))
        short = client.get(Query("contact").where('Pays $eq "BE"').limit(20))
        page = client.get(Query("contact").page(3, size=100))
    assert (len(exact), exact.truncated) == (1000, False)
    assert (len(short), short.truncated) == (20, False)
    assert (len(page), page.truncated) == (100, False)


def test_hit_cap_is_exactly_a_full_response_shorter_than_asked() -> None:
    # The law: truncated iff the count reached the cap and the query asked for more.
    for asked in (None, 10, 999, 1000, 1001, 5000):
        query = Query("contact") if asked is None else Query("contact").limit(asked)
        for count in (0, 10, 999, 1000):
            expected = count == 1000 and (asked is None or asked > 1000)
            assert hit_cap(query, count, 1000) is expected, (asked, count)


# get_by_id ------------------------------------------------------------------


def test_get_by_id_uses_the_id_field_of_the_object(
    client: Client, scale_emulator: Emulator
) -> None:
    record = client.get_by_id("contact", 42)
    assert record is not None and record.id == "42" and record.data["id_contact"] == "42"
    order = client.get_by_id("orders", "7")
    assert order is not None and order.id == "7"
    assert client.get_by_id("contact", 99_999_999) is None
    assert scale_emulator.request_count("GET", "get_objects") == 3
    with pytest.raises(ValueError, match="whole number"):
        client.get_by_id("contact", "4 2")
    with pytest.raises(TypeError):
        client.get_by_id("contact", True)
    assert scale_emulator.request_count() == 3  # refused before sending


# typed records ----------------------------------------------------------------


def test_typed_iter_reads_values_by_field_type(client: Client) -> None:
    orders = list(client.iter(Query("orders").limit(300), typed=True))
    assert len(orders) == 300 and all(isinstance(o, TypedRecord) for o in orders)
    raw = {r.id: r for r in client.iter(Query("orders").limit(300))}
    for order in orders:
        text = raw[str(order.id)].data
        assert order.data["id_orders"] == order.id
        assert isinstance(order.data["DateCommande"], dt.datetime)
        assert order.data["DateCommande"].strftime("%Y-%m-%d %H:%M:%S") == text["DateCommande"]
        amount = order.data["Montant"]
        assert (amount is None) == (text["Montant"] == "")
        assert amount is None or (
            isinstance(amount, Decimal) and amount == Decimal(text["Montant"])
        )
        assert order.link == {"contact": int(text["id_contact"])}
    assert any(o.data["Montant"] is None for o in orders)  # the demo has empty amounts


def test_typed_iter_takes_a_given_schema_without_asking(
    client: Client, scale_emulator: Emulator
) -> None:
    schema = client.object_info("products")
    before = scale_emulator.request_count("GET", "get_object_info")
    products = list(client.iter(Query("products").limit(5), typed=True, schema=schema))
    assert scale_emulator.request_count("GET", "get_object_info") == before
    assert all(isinstance(p.data["Stock"], int) for p in products)
    assert all(isinstance(p.data["DateCreation"], dt.date) for p in products)


def test_a_value_its_field_cannot_hold_is_an_error_naming_record_and_field() -> None:
    from scale_query.client._typed import Typer

    schema = ObjectSchema.from_api({"Prix": {"attribs": {"type": "decimal"}}}, name="products")
    with pytest.raises(ValueError, match=r"record 9: field 'Prix': '12,50' is not a number"):
        Typer(schema)(Record("9", {"Prix": "12,50"}))


# Arrow and data frames ------------------------------------------------------------


def test_iter_batches_streams_batches_typed_by_the_schema(client: Client) -> None:
    pa = pytest.importorskip("pyarrow")
    query = Query("orders").where('Statut $eq "livrée"').limit(1200)
    batches = list(client.iter_batches(query))
    assert all(isinstance(batch, pa.RecordBatch) for batch in batches)
    types = {field.name: field.type for field in batches[0].schema}
    assert types["id"] == pa.int64() and types["id_contact"] == pa.int64()
    assert types["DateCommande"] == pa.timestamp("ms")
    assert pa.types.is_decimal(types["Montant"]) and types["Statut"] == pa.string()
    assert [b.num_rows for b in batches[:-1]] == [500] * (len(batches) - 1)
    table = client.to_arrow(query)
    assert isinstance(table, pa.Table) and table.schema == batches[0].schema
    assert table.equals(pa.Table.from_batches(batches))
    expected = list(client.iter(query))
    assert table.column("id").to_pylist() == [int(r.id) for r in expected]
    amounts = [None if r.data["Montant"] == "" else Decimal(r.data["Montant"]) for r in expected]
    assert table.column("Montant").to_pylist() == amounts


def test_to_arrow_keeps_the_query_fields_in_order(client: Client) -> None:
    pytest.importorskip("pyarrow")
    table = client.to_arrow(Query("contact").fields("Nom", "DateNaissance").limit(3))
    assert table.column_names == ["id", "Nom", "DateNaissance"]
    empty = client.to_arrow(Query("contact").where('Nom $eq "nobody"').fields("Nom"))
    assert (empty.num_rows, empty.column_names) == (0, ["id", "Nom"])


def test_to_pandas_and_to_polars(client: Client) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    query = Query("products").fields("Nom", "Stock", "Prix").limit(50)
    frame = client.to_pandas(query)
    assert isinstance(frame, pd.DataFrame) and len(frame) == 50
    assert str(frame["Stock"].dtype) == "int64"
    polars_frame = client.to_polars(query)
    assert isinstance(polars_frame, pl.DataFrame) and polars_frame.height == 50
    assert polars_frame["Stock"].to_list() == frame["Stock"].to_list()


def test_data_frames_have_date_datetime_and_number_columns(client: Client) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    orders = Query("orders").fields("DateCommande", "Montant").limit(20)
    products = Query("products").fields("DateCreation", "Prix").limit(20)
    frame = client.to_pandas(orders).drop(columns="id").join(client.to_pandas(products))
    for name in ("DateCommande", "DateCreation"):
        assert pd.api.types.is_datetime64_dtype(frame[name].dtype), name
    for name in ("Montant", "Prix"):
        assert str(frame[name].dtype) == "float64", name
    raw = [r.data["DateCreation"] for r in client.iter(products)]
    shown = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in frame["DateCreation"]]
    assert shown == [value or None for value in raw]
    typed = {**client.to_polars(orders).schema, **client.to_polars(products).schema}
    assert typed["DateCommande"] == pl.Datetime("ms")
    assert typed["DateCreation"] == pl.Date
    assert isinstance(typed["Montant"], pl.Decimal) and isinstance(typed["Prix"], pl.Decimal)


@pytest.mark.slow  # 200,500 records through the writer
def test_parquet_export_writes_row_groups_of_100_000_rows(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from scale_query.cli._output import Output
    from scale_query.cli.data._writers import ROW_GROUP_ROWS, make_writer

    schema = ObjectSchema.from_api({"n": {"attribs": {"type": "int"}}}, name="numbers")
    path = tmp_path / "numbers.parquet"
    total, size = 2 * ROW_GROUP_ROWS + 500, 500
    with Output(str(path)) as output:
        writer = make_writer("parquet", output, schema, ["n"])
        for start in range(1, total + 1, size):
            writer.write([Record(str(i), {"n": str(i)}) for i in range(start, start + size)])
        writer.close()
        output.commit()
    metadata = pq.ParquetFile(path).metadata
    groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert groups == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 500]
    assert pq.read_table(path).column("n").to_pylist() == list(range(1, total + 1))


def test_async_client_has_the_same_data_methods(scale_emulator: Emulator) -> None:
    import asyncio

    from scale_query import AsyncClient

    pytest.importorskip("pyarrow")

    async def main() -> tuple[object, ...]:
        async with AsyncClient(
            token=scale_emulator.token,
            instance=scale_emulator.instance,
            base_url=scale_emulator.base_url,
            retries=FAST,
        ) as client:
            page = await client.get(Query("contact").limit(3))
            one = await client.get_by_id("contact", 5)
            typed = [r async for r in client.iter(Query("products").limit(4), typed=True)]
            table = await client.to_arrow(Query("products").limit(4))
            return page, one, typed, table

    page, one, typed, table = asyncio.run(main())
    assert isinstance(page, Page) and not page.truncated and len(page) == 3
    assert isinstance(one, Record) and one.id == "5"
    assert [t.id for t in typed] == [1, 2, 3, 4]  # type: ignore[attr-defined]
    assert table.column("id").to_pylist() == [1, 2, 3, 4]  # type: ignore[attr-defined]


# adaptive prefetch -------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 2, 5, 12])
def test_iter_costs_at_most_a_quarter_more_requests_than_pages(
    scale_emulator: Emulator, pages: int
) -> None:
    size = 50
    # A filter matching (pages - 1) full pages and one partial page.
    total = (pages - 1) * size + 17
    where = f"id_contact $lte {total}"
    with Client(
        token=scale_emulator.token,
        instance=scale_emulator.instance,
        base_url=scale_emulator.base_url,
        page_size=size,
        retries=FAST,
    ) as client:
        ids = [r.id for r in client.iter(Query("contact").where(where))]
    assert ids == [str(i) for i in range(1, total + 1)]
    requests = scale_emulator.request_count("GET", "get_objects")
    assert pages <= requests <= pages + (pages - 1) // PAGES_PER_STEP
    if pages == 1:
        assert requests == 1
    if pages == 5:
        assert requests <= 6


def test_the_window_grows_with_full_pages_and_caps_at_prefetch() -> None:
    pager = Pager(Query("contact"), default_size=2, prefetch=3)
    seen = []
    for n in range(20):
        seen.append(pager.window)
        pager.accept([Record(str(2 * n + 1)), Record(str(2 * n + 2))])
    assert seen[0] == 1 and max(seen) == 3
    assert seen == sorted(seen)  # never shrinks while pages are full
    pager.accept([Record("41")])
    assert pager.done


@pytest.mark.slow
def test_iter_matches_the_evaluator(client: Client) -> None:
    text = 'EMail $like "*gmail*" $and Pays $in [FR,BE]'
    schema = client.object_info("contact")
    found = [r.id for r in client.iter(Query("contact").where(text))]
    everyone = list(client.iter(Query("contact")))
    expected = [r.id for r in everyone if evaluate(parse(text), r.data, schema=schema)]
    assert found == expected and len(found) > 100


# the reading of typed values ----------------------------------------------------------


_KINDS = ("text", "integer", "number", "date", "datetime")
_TEXTS = st.one_of(
    st.text(alphabet="0123456789-.,:/ ", max_size=22),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ", timespec="seconds")),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.integers().map(str),
)


@settings(max_examples=400)
@given(kind=st.sampled_from(_KINDS), raw=_TEXTS)
def test_typed_values_mean_what_filters_read(kind: FieldKind, raw: str) -> None:
    """read_value refuses exactly what filters cannot read, and keeps what they compare."""
    from scale_query.cli.data._writers import canonical_text
    from scale_query.semantics._reading import read_value, stored_key

    key = stored_key(kind, raw)
    try:
        value = read_value(kind, raw)
    except ValueError:
        assert kind != "text" and raw.strip() and key is None
        return
    if value is None:
        assert raw.strip() == "" or (kind == "text" and raw == "")
        return
    assert stored_key(kind, canonical_text(value)) == key
