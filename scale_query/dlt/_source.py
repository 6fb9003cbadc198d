"""``datamart_source``: a dlt source with one merged, typed resource per datamart object.

Each run, per object (docs/sync.md says why each step is there):

1. ``get_object_list`` gives the object's ``update_time``; when it is the one
   the last complete run recorded (in dlt's resource state, kept with the
   destination), the object is skipped without a ``get_objects`` request.
2. Otherwise its records are read in chunks of :data:`CHUNK` (``where``
   pushed into the API; with a cursor, only records whose cursor is at or
   after the last run's maximum minus ``lag``), typed by ``object_info``.
3. Each record's content hash is compared with the destination's
   (``_scale_hash``): only new and changed records are loaded, so the counts
   of new and updated records are exact.
4. With ``detect_deletes``, the ids the destination holds and the server no
   longer returns are loaded as deletions (dlt's ``hard_delete`` column
   ``_scale_deleted``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.schema import Schema
from dlt.extract import DltResource, DltSource

from ..client import Client, ObjectSummary, Query, TypedRecord
from ..language import Expr, Q, parse
from ..semantics import FieldKind, ObjectSchema

__all__ = ["CHUNK", "ObjectStats", "SyncStats", "datamart_source"]

#: Chunk requests in flight at most (fetched ahead while a chunk is loaded).
PREFETCH = 4
#: Records per ``get_objects`` request: the client's default page, so one chunk is one request.
CHUNK = 500
#: dlt's type for each field kind: dates as dates, numbers as exact decimals.
_TYPES: dict[FieldKind, dict[str, Any]] = {
    "text": {"data_type": "text"},
    "integer": {"data_type": "bigint"},
    "number": {"data_type": "decimal"},
    "date": {"data_type": "date"},
    # The datamart's datetimes carry no time zone: stored as they are.
    "datetime": {"data_type": "timestamp", "timezone": False},
}
#: The Arrow type of each kind, matching _TYPES (dlt's decimal is (38, 9)).
_ARROW: dict[FieldKind, Callable[[], Any]] = {
    "text": pa.string,
    "integer": pa.int64,
    "number": lambda: pa.decimal128(38, 9),
    "date": pa.date32,
    "datetime": lambda: pa.timestamp("us"),
}
HASH_COLUMN = "_scale_hash"
DELETED_COLUMN = "_scale_deleted"
#: An ``update_time`` this close to now (seconds) may still take writes in its
#: second (the API's times have one-second resolution): the object is read again
#: next run rather than skipped.
SETTLE_SECONDS = 2.0
#: The default lag of a cursor, in seconds (days for a date cursor): longer than
#: a run, plus the skew between the writers' clocks.
DEFAULT_LAG = 600.0


@dataclass
class ObjectStats:
    """What a run did to one object's table.

    >>> ObjectStats("contact", new=2, updated=3, deleted=1).changed
    6
    """

    name: str
    skipped: bool = False
    read: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    requests: int = 0

    @property
    def changed(self) -> int:
        """Records loaded: new, updated and deleted."""
        return self.new + self.updated + self.deleted


@dataclass
class SyncStats:
    """Counts of a run, filled while the source is extracted.

    ``requests`` counts the source's API calls (``get_object_list``,
    ``get_object_info`` and each ``get_objects`` chunk; retries not counted).
    ``on_read(object, count)`` is called after each chunk (a progress display).
    """

    objects: dict[str, ObjectStats] = field(default_factory=dict)
    requests: int = 0
    on_read: Callable[[str, int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def of(self, name: str) -> ObjectStats:
        """The counts of object ``name`` (created on first use)."""
        return self.objects.setdefault(name, ObjectStats(name))


def _per_object(
    value: Any, names: Sequence[str], what: str, check: Callable[[Any], Any]
) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"{what} names {unknown[0]!r}, which is not an object synced")
        return {name: check(v) for name, v in value.items()}
    checked = check(value)
    return dict.fromkeys(names, checked)


def _filter(value: object) -> Expr:
    if isinstance(value, str):
        return parse(value)
    if isinstance(value, Expr):
        return value
    raise TypeError(f"where takes a filter text or expression, not {type(value).__name__}")


def _field_name(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"cursor takes a field name, not {value!r}")
    return value


def _settled(update_time: str, now: dt.datetime) -> bool:
    try:
        when = dt.datetime.fromisoformat(update_time)
    except ValueError:
        return False  # an unreadable time never allows a skip
    return when <= now - dt.timedelta(seconds=SETTLE_SECONDS)


def _hash(record: TypedRecord) -> int:
    # Stable over runs and processes: the values' text in field order.
    text = json.dumps([record.id, sorted(record.data.items())], default=str, ensure_ascii=False)
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def _sql_client() -> Any:
    """The SQL client of the running pipeline's destination; None without a pipeline,
    or for the filesystem destination (its tables are change logs, not mirrors)."""
    try:
        pipeline = dlt.current.pipeline()
        if str(pipeline.destination.destination_type).endswith("filesystem"):
            return None
        return pipeline.sql_client()
    except Exception:
        return None


def _destination_count(table: str) -> int | None:
    """Rows of the table in the pipeline's destination (0 when it has no such table);
    None when there is no SQL destination to ask."""
    sql_client = _sql_client()
    if sql_client is None:
        return None
    try:
        with (
            sql_client as sql,
            sql.execute_query(
                f"SELECT COUNT(*) FROM {sql.make_qualified_table_name(table)}"
            ) as cursor,
        ):
            row = cursor.fetchone()
            return int(row[0]) if row else 0
    except Exception:  # no such table (yet, or any more)
        return 0


def _destination_hashes(table: str) -> dict[int, int | None]:
    """``id -> _scale_hash`` of the table in the pipeline's destination; empty when
    there is no SQL destination to ask or no table yet."""
    sql_client = _sql_client()
    if sql_client is None:
        return {}
    try:
        with sql_client as sql:
            name = sql.make_qualified_table_name(table)
            id_col, hash_col = sql.escape_column_name("id"), sql.escape_column_name(HASH_COLUMN)
            with sql.execute_query(f"SELECT {id_col}, {hash_col} FROM {name}") as cursor:
                return {int(row[0]): row[1] for row in cursor.fetchall()}
    except Exception:  # a first run: no table yet
        return {}


class _Object:
    """One object's resource: what to read and how to type it."""

    def __init__(
        self,
        client: Client,
        summary: ObjectSummary,
        schema: ObjectSchema,
        where: Expr | None,
        cursor: str | None,
        lag: float,
        detect_deletes: bool,
        stats: SyncStats,
    ) -> None:
        self.client = client
        self.name = summary.name
        self.update_time = summary.updated
        self.schema = schema
        self.where = where
        self.cursor = cursor
        self.lag = lag
        self.detect_deletes = detect_deletes
        self.stats = stats
        self.kinds = {n: info.kind for n, info in schema.items() if info.readable}
        if cursor is not None:
            kind = self.kinds.get(cursor)
            if kind not in ("date", "datetime"):
                what = "no readable field" if kind is None else f"a {kind} field"
                raise ValueError(
                    f"cursor {cursor!r} of {self.name!r}: {what}; a cursor is a date or datetime "
                    "field its writers maintain"
                )
        self._schema: Any = None
        # What the skip depends on besides update_time: a run with another filter reads.
        self.key = json.dumps([str(where) if where is not None else None, cursor, detect_deletes])

    def columns(self) -> dict[str, Any]:
        columns: dict[str, Any] = {"id": {"data_type": "bigint", "nullable": False}}
        for name, kind in self.kinds.items():
            columns[name] = dict(_TYPES[kind])
        columns[HASH_COLUMN] = {"data_type": "bigint"}
        columns[DELETED_COLUMN] = {"data_type": "bool", "hard_delete": True}
        return columns

    def resource(self) -> DltResource:
        if self.cursor is None:

            def records() -> Iterator[list[dict[str, Any]]]:
                yield from self.rows(None)

        else:
            incremental: Any = dlt.sources.incremental(
                self.cursor, lag=self.lag, on_cursor_value_missing="include"
            )

            def records(  # type: ignore[misc]
                since: Any = incremental,
            ) -> Iterator[list[dict[str, Any]]]:
                yield from self.rows(since.start_value)

        return dlt.resource(
            records,
            name=self.name,
            primary_key="id",
            write_disposition="merge",
            columns=self.columns(),
        )

    def rows(self, since: object) -> Iterator[list[dict[str, Any]]]:
        stats = self.stats.of(self.name)
        state = dlt.current.resource_state()
        seen = state.get("seen")
        if seen == [self.update_time, self.key] and _destination_count(self.name) in (
            None,
            state.get("count"),
        ):
            # A table emptied or dropped behind dlt's back is read again.
            stats.skipped = True
            return
        now = dt.datetime.now()
        query = Query(self.name)
        if self.where is not None:
            query = query.where(self.where)
        if since is not None and self.cursor is not None:
            query = query.where(Q(self.cursor).gte(since))  # type: ignore[arg-type]
        # No state (a first run, or a full refresh, whose tables dlt drops only when
        # it loads): every record is loaded, whatever the table holds now.
        before = _destination_hashes(self.name) if "count" in state else {}
        ids: set[int] = set()
        for chunk in self._chunks(query, stats):
            out = []
            for record in chunk:
                ids.add(record.id)
                digest = _hash(record)
                if before.get(record.id) == digest:
                    continue
                if record.id in before:
                    stats.updated += 1
                else:
                    stats.new += 1
                out.append({"id": record.id, **record.data, HASH_COLUMN: digest})
            if out:
                yield self._arrow(out)
        if self.detect_deletes and before:
            if self.cursor is not None and since is not None:
                ids = self._all_ids(stats)
            gone = sorted(set(before) - ids)
            stats.deleted = len(gone)
            if gone:
                yield self._arrow([{"id": i, DELETED_COLUMN: True} for i in gone])
        # Recorded last: a run stopped before here reads the object again.
        state["seen"] = [self.update_time, self.key] if _settled(self.update_time, now) else None
        state["count"] = len(before) + stats.new - stats.deleted

    def _arrow(self, rows: list[dict[str, Any]]) -> Any:
        # Arrow tables pass dlt's normalizer as they are and load as parquet:
        # several times faster than rows of Python values.
        if self._schema is None:
            self._schema = pa.schema(
                [pa.field("id", pa.int64(), nullable=False)]
                + [pa.field(name, _ARROW[kind]()) for name, kind in self.kinds.items()]
                + [pa.field(HASH_COLUMN, pa.int64()), pa.field(DELETED_COLUMN, pa.bool_())]
            )
        return pa.Table.from_pylist(rows, schema=self._schema)

    def _fetch(self, query: Query, offset: int, stats: ObjectStats) -> list[TypedRecord]:
        # Counted as it goes out (from a worker thread): a chunk fetched ahead and
        # not needed is still a request the server saw.
        with self.stats.lock:
            stats.requests += 1
            self.stats.requests += 1
        window = query.limit(CHUNK).offset(offset)
        return list(self.client.iter(window, typed=True, schema=self.schema))

    def _chunks(self, query: Query, stats: ObjectStats) -> Iterator[list[TypedRecord]]:
        # Chunks fetched ahead as the client's own paging does: one request in
        # flight at first, twice as many while chunks come back full, up to PREFETCH.
        pending: deque[Future[list[TypedRecord]]] = deque()
        offset, window, done = 0, 1, False
        with ThreadPoolExecutor(PREFETCH, thread_name_prefix="scale-sync") as pool:
            try:
                while True:
                    while not done and len(pending) < window:
                        pending.append(pool.submit(self._fetch, query, offset, stats))
                        offset += CHUNK
                    if not pending:
                        return
                    chunk = pending.popleft().result()
                    stats.read += len(chunk)
                    if self.stats.on_read is not None:
                        self.stats.on_read(self.name, len(chunk))
                    if len(chunk) < CHUNK:
                        done = True
                        for future in pending:
                            future.cancel()  # one already sent is waited for, not read
                        pending.clear()
                    else:
                        window = min(PREFETCH, window * 2)
                    if chunk:
                        yield chunk
            finally:
                for future in pending:
                    future.cancel()

    def _all_ids(self, stats: ObjectStats) -> set[int]:
        # Only the id field (``id_<object>``) when there is one: a small answer.
        query = Query(self.name)
        if self.where is not None:
            query = query.where(self.where)
        id_field = f"id_{self.name}"
        if id_field in self.kinds:
            query = query.fields(id_field)
        return {record.id for chunk in self._chunks(query, stats) for record in chunk}


def datamart_source(
    objects: Sequence[str] | None = None,
    *,
    cursor: str | Mapping[str, str] | None = None,
    where: str | Expr | Mapping[str, str | Expr] | None = None,
    client: Client | None = None,
    detect_deletes: bool = False,
    lag: float = DEFAULT_LAG,
    stats: SyncStats | None = None,
) -> DltSource:
    """A dlt source named ``scale`` with one resource (table) per datamart object.

    ``objects`` defaults to every object the token can read. ``cursor`` names
    a date or datetime field its writers maintain (one name for every object
    that has it, or ``{object: field}``): only records at or after the last
    run's maximum minus ``lag`` seconds (days for a date field) are read.
    ``where`` (a filter, or ``{object: filter}``) is sent to the API: the
    table holds the records that match it. ``detect_deletes=True`` removes
    from the table the records the datamart no longer has. ``client``
    defaults to ``Client()`` (``SCALE_*`` settings). ``stats`` is filled with
    the run's counts. Columns are spelled as the datamart spells its fields
    (dlt's case-sensitive naming ``sql_cs_v1``), typed by ``object_info``.

    >>> import dlt  # doctest: +SKIP
    >>> pipeline = dlt.pipeline("scale", destination="duckdb")  # doctest: +SKIP
    >>> pipeline.run(datamart_source(["contact"], where='Pays $eq "BE"'))  # doctest: +SKIP
    """
    if client is None:
        client = Client()
    stats = stats if stats is not None else SyncStats()
    if lag < 0:
        raise ValueError(f"lag is a number of seconds, 0 or more, not {lag!r}")
    summaries = client.list_objects()
    stats.requests += 1
    names = list(summaries) if objects is None else list(dict.fromkeys(objects))
    for name in names:
        if name not in summaries:
            raise ValueError(f"no object {name!r} readable with this token")
    wheres = _per_object(where, names, "where", _filter)
    cursors = _per_object(cursor, names, "cursor", _field_name)
    resources = []
    for name in names:
        schema = client.object_info(name)
        stats.requests += 1
        object_cursor = cursors.get(name)
        if isinstance(cursor, str) and object_cursor not in schema:
            object_cursor = None  # one name for all: the objects that have it
        obj = _Object(
            client,
            summaries[name],
            schema,
            wheres.get(name),
            object_cursor,
            lag,
            detect_deletes,
            stats,
        )
        resources.append(obj.resource())

    # Case-sensitive naming: a table and its columns are spelled as the datamart does.
    @dlt.source(schema=Schema("scale", normalizers={"names": "sql_cs_v1"}))
    def scale() -> list[DltResource]:
        return resources

    return scale()
