"""Records as Apache Arrow: a schema from the object's metadata, batches page by page.

Needs the ``arrow`` extra (``pip install 'scale-query[arrow]'``: pyarrow);
``to_pandas`` also needs pandas, ``to_polars`` polars. Nothing here is
imported until one of the client's Arrow methods is called.

Column types follow the field types of ``get_object_info``, values read as
typed records read them (:mod:`scale_query.client._typed`):

============================  =====================================
field type                    Arrow type
============================  =====================================
int, integer                  ``int64``
float                         ``float64``
decimal, number               ``decimal128(38, 9)`` (exact; a value with
                              more than 9 decimals is an error)
date                          ``date32``
datetime                      ``timestamp("ms")`` (no time zone; Parquet
                              has no seconds unit)
anything else (text, ...)     ``string``
============================  =====================================

The first column is the record ``id`` (``int64``); empty values are null.
In pandas (:func:`to_pandas`), which has no date or decimal type, dates and
datetimes are ``datetime64[ms]`` and decimals ``float64``; polars keeps
every type above (``Date``, ``Datetime``, ``Decimal``).

>>> from scale_query import ObjectSchema
>>> schema = ObjectSchema.from_api({"Prix": {"attribs": {"type": "decimal"}}})
>>> arrow_schema(schema).types  # doctest: +SKIP
[DataType(int64), Decimal128Type(decimal128(38, 9))]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeAlias

from ..semantics import FieldInfo, ObjectSchema, read_value
from ._models import Record

__all__ = [
    "DECIMAL_SCALE",
    "INSTALL_HINT",
    "ArrowSchema",
    "ArrowTable",
    "RecordBatch",
    "arrow_schema",
    "columns_of",
    "record_batches",
    "require_pyarrow",
    "table",
    "to_pandas",
    "to_polars",
]

# pyarrow ships no type information: to mypy its objects are Any; these
# names say in signatures which pyarrow class a value is.
ArrowSchema: TypeAlias = Any
RecordBatch: TypeAlias = Any
ArrowTable: TypeAlias = Any

#: Digits kept after the decimal point in decimal columns.
DECIMAL_SCALE = 9
INSTALL_HINT = "Arrow output needs pyarrow: pip install 'scale-query[arrow]'"


def require_pyarrow() -> Any:
    """The ``pyarrow`` module, or an ImportError saying which extra to install."""
    try:
        import pyarrow
    except ModuleNotFoundError:
        raise ImportError(INSTALL_HINT) from None
    return pyarrow


def columns_of(schema: ObjectSchema, fields: Sequence[str] = ()) -> list[str]:
    """The data columns: ``fields`` when given, else every readable field in schema order."""
    if fields:
        return list(dict.fromkeys(fields))
    return [name for name, info in schema.items() if info.readable]


def _arrow_type(pa: Any, info: FieldInfo | None) -> Any:
    if info is None:
        return pa.string()
    kind = info.kind
    if kind == "integer":
        return pa.int64()
    if kind == "number":
        if info.type.strip().lower() == "float":
            return pa.float64()
        return pa.decimal128(38, DECIMAL_SCALE)
    if kind == "date":
        return pa.date32()
    if kind == "datetime":
        return pa.timestamp("ms")
    return pa.string()


def arrow_schema(schema: ObjectSchema, fields: Sequence[str] = ()) -> ArrowSchema:
    """The Arrow schema of an object's records: ``id``, then one column per field.

    ``fields`` are the columns to keep (a query's ``fields``); by default every
    readable field, in the order of the object's metadata.
    """
    pa = require_pyarrow()
    columns = [pa.field("id", pa.int64(), nullable=False)]
    for name in columns_of(schema, fields):
        columns.append(pa.field(name, _arrow_type(pa, schema.lookup(name))))
    result: ArrowSchema = pa.schema(columns)
    return result


def _column(pa: Any, name: str, kind: Any, arrow_type: Any, pages: Sequence[Record]) -> Any:
    if kind == "text":  # most columns: the text itself, empty as null
        return pa.array([record.data.get(name) or None for record in pages], type=arrow_type)
    values: list[Any] = []
    append = values.append
    float_column = pa.types.is_floating(arrow_type)
    for record in pages:
        raw = record.data.get(name, "")
        try:
            value = read_value(kind, raw)
        except ValueError as error:
            raise ValueError(f"record {record.id}: field {name!r}: {error}") from None
        append(float(value) if float_column and isinstance(value, Decimal) else value)
    try:
        return pa.array(values, type=arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as error:
        raise ValueError(
            f"field {name!r}: cannot hold the values as {arrow_type}: {error}"
        ) from None


def record_batches(
    pages: Iterable[Sequence[Record]], schema: ObjectSchema, arrow: ArrowSchema
) -> Iterator[RecordBatch]:
    """One ``RecordBatch`` per page of records, with the columns of ``arrow``."""
    pa = require_pyarrow()
    plan = [
        (column.name, (schema.lookup(column.name) or FieldInfo(column.name)).kind, column.type)
        for column in arrow
        if column.name != "id"
    ]
    for page in pages:
        if not page:
            continue
        arrays = [pa.array([int(record.id) for record in page], type=pa.int64())]
        arrays.extend(_column(pa, name, kind, kind_type, page) for name, kind, kind_type in plan)
        yield pa.RecordBatch.from_arrays(arrays, schema=arrow)


def table(
    batches: Iterable[RecordBatch], schema: ObjectSchema, fields: Sequence[str] = ()
) -> ArrowTable:
    """One ``pyarrow.Table`` of ``batches``: the columns of :func:`arrow_schema`, even empty."""
    pa = require_pyarrow()
    result: ArrowTable = pa.Table.from_batches(batches, schema=arrow_schema(schema, fields))
    return result


def to_pandas(data: ArrowTable) -> Any:
    """A pandas ``DataFrame`` of ``data``, with typed columns (needs pandas).

    pandas has no date or decimal type of its own: date columns become
    ``datetime64[ms]`` (midnight), decimal columns ``float64`` (for exact
    values use ``to_arrow`` or ``to_polars``, whose ``Decimal`` type keeps
    them); datetimes are ``datetime64[ms]``, ints ``int64`` (``float64`` when
    a value is empty, as pandas does), text ``str``.
    """
    try:
        import pandas  # noqa: F401
    except ModuleNotFoundError:
        raise ImportError("to_pandas needs pandas: pip install pandas") from None
    pa = require_pyarrow()
    for index, column in enumerate(data.schema):
        if pa.types.is_decimal(column.type):
            data = data.set_column(
                index, column.name, data.column(index).cast(pa.float64(), safe=False)
            )
    return data.to_pandas(date_as_object=False)


def to_polars(data: ArrowTable) -> Any:
    """A polars ``DataFrame`` of ``data`` (needs polars): ``Date``, ``Datetime``,
    ``Decimal``, ``Int64`` and ``String`` columns."""
    try:
        import polars
    except ModuleNotFoundError:
        raise ImportError("to_polars needs polars: pip install polars") from None
    return polars.from_arrow(data)
