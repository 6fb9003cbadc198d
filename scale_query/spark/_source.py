"""The ``scale`` data source of PySpark: typed columns, filters pushed down, pages in parallel.

``spark.read.format("scale").option("object", "contact").load()`` reads an
object. Options: ``object`` (required), ``token``, ``instance`` and
``base_url`` (else ``SCALE_TOKEN``, ``SCALE_INSTANCE``, ``SCALE_BASE_URL`` as
the driver had them when ``register`` ran), ``where`` (a Scal-e filter sent
as is, with what Spark pushes), ``partitions`` (default 2) and
``page_size`` (records per request, default 500).

Partition ``i`` of ``n`` reads pages ``i``, ``i + n``, ``i + 2n``... until a
page comes back short, each with its own client: no count is needed first,
and the pages go out in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition
from pyspark.sql.types import (
    DataType,
    DateType,
    DecimalType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
)

from ..client import Client, Query
from ..language import parse
from ._pushdown import pushed_filter

__all__ = ["ScaleDataSource", "register"]

DEFAULT_PARTITIONS = 2
DEFAULT_PAGE_SIZE = 500
#: Spark's type of each field kind, as the Arrow export has them (docs/client.md).
_TYPES: dict[str, DataType] = {
    "text": StringType(),
    "integer": LongType(),
    "number": DecimalType(38, 9),
    "date": DateType(),
    "datetime": TimestampNTZType(),
}


@dataclass(frozen=True)
class _Connection:
    """What an executor needs to make its own client (sent to it with the reader)."""

    token: str
    instance: str
    base_url: str | None

    def __repr__(self) -> str:  # the token stays out of Spark's plans and logs
        return f"_Connection(instance={self.instance!r}, base_url={self.base_url!r})"

    def client(self) -> Client:
        return Client(self.token, self.instance, base_url=self.base_url)


def _whole(options: Any, name: str, default: int) -> int:
    text = options.get(name)
    if text is None:
        return default
    if not str(text).isdigit() or int(text) < 1:
        raise ValueError(f"option {name!r} is a whole number, 1 or more, not {text!r}")
    return int(text)


class ScaleDataSource(DataSource):
    """The datamart's objects as Spark DataFrames (``format("scale")``).

    >>> ScaleDataSource.name()
    'scale'
    """

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        name = self.options.get("object")
        if not name:
            raise ValueError('the scale data source needs .option("object", "<name>")')
        self.object_name = str(name)
        token = self.options.get("token") or self._setting("SCALE_TOKEN")
        instance = self.options.get("instance") or self._setting("SCALE_INSTANCE")
        if not token or not instance:
            raise ValueError(
                "the scale data source needs a token and an instance: "
                'option("token"/"instance") or SCALE_TOKEN/SCALE_INSTANCE'
            )
        base_url = self.options.get("base_url") or self._setting("SCALE_BASE_URL")
        self.connection = _Connection(str(token), str(instance), base_url)
        self.partition_count = _whole(self.options, "partitions", DEFAULT_PARTITIONS)
        self.page_size = _whole(self.options, "page_size", DEFAULT_PAGE_SIZE)
        where = self.options.get("where")
        #: A Scal-e filter of the user's own, sent with every request (checked here).
        self.where = None if where is None else str(parse(str(where)))
        self._fields: list[tuple[str, str]] | None = None

    #: ``SCALE_*`` as the driver had them when :func:`register` ran: this class is
    #: built and run in Spark's Python workers, whose environment may differ.
    driver_settings: ClassVar[Mapping[str, str]] = MappingProxyType({})

    @classmethod
    def name(cls) -> str:
        return "scale"

    def _setting(self, name: str) -> str | None:
        return self.driver_settings.get(name) or os.environ.get(name)

    def fields(self) -> list[tuple[str, str]]:
        """``(field, kind)`` of each readable field, from ``object_info`` (asked once)."""
        if self._fields is None:
            with self.connection.client() as client:
                schema = client.object_info(self.object_name)
            self._fields = [(n, info.kind) for n, info in schema.items() if info.readable]
        return self._fields

    def schema(self) -> StructType:
        columns = [StructField("id", LongType(), nullable=False)]
        columns += [StructField(name, _TYPES[kind]) for name, kind in self.fields()]
        return StructType(columns)

    def reader(self, schema: StructType) -> DataSourceReader:
        return _Reader(self, [field.name for field in schema.fields])


@dataclass(frozen=True)
class _Pages(InputPartition):
    """Pages ``index``, ``index + step``, ``index + 2 * step``... of the result."""

    index: int
    step: int


class _Reader(DataSourceReader):
    def __init__(self, source: ScaleDataSource, columns: list[str]) -> None:
        self.connection = source.connection
        self.object_name = source.object_name
        self.partition_count = source.partition_count
        self.page_size = source.page_size
        self.kinds = dict(source.fields())
        self.columns = columns
        #: The API filter as text (picklable): option("where"), then what pushFilters adds.
        self.filter: str | None = source.where

    def pushFilters(self, filters: list[Any]) -> Iterator[Any]:
        kinds = dict(self.kinds)
        names = {}
        id_field = f"id_{self.object_name}"
        if kinds.get(id_field) == "integer":
            kinds["id"], names["id"] = "integer", id_field
        expr, remaining = pushed_filter(filters, kinds, names)
        if expr is not None:
            self.filter = str(expr) if self.filter is None else f"({self.filter}) $and {expr}"
        return iter(remaining)

    def partitions(self) -> Sequence[InputPartition]:
        return [_Pages(i, self.partition_count) for i in range(self.partition_count)]

    def read(self, partition: InputPartition) -> Iterator[tuple[Any, ...]]:
        assert isinstance(partition, _Pages)
        query = Query(self.object_name)
        if self.filter is not None:
            query = query.where(parse(self.filter))
        fields = self.columns[1:]
        with self.connection.client() as client:
            schema = client.object_info(self.object_name)
            page = partition.index
            while True:
                window = query.limit(self.page_size).offset(page * self.page_size)
                count = 0
                for record in client.iter(window, typed=True, schema=schema):
                    count += 1
                    yield (record.id, *(record.data.get(name) for name in fields))
                if count < self.page_size:
                    return
                page += partition.step


def register(spark: Any) -> None:
    """Register the ``scale`` data source with ``spark`` and turn filter pushdown on.

    >>> register(spark)  # doctest: +SKIP
    >>> spark.read.format("scale").option("object", "contact").load().count()  # doctest: +SKIP
    10000
    """
    spark.conf.set("spark.sql.python.filterPushdown.enabled", "true")
    settings = {
        name: os.environ[name]
        for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL")
        if os.environ.get(name)
    }
    # A subclass made here is pickled with its class attributes (by value): the
    # workers get the driver's settings.
    source = type("ScaleDataSource", (ScaleDataSource,), {"driver_settings": settings})
    spark.dataSource.register(source)
