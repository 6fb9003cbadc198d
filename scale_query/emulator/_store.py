"""The emulator's SQLite store: one table per object, reads and per-record writes.

Each declared field ``i`` has three columns: ``r{i}`` the value as MySQL
stores it (normalised: ``12.50``, ``7``, ``2020-12-19 00:00:00``), ``f{i}``
its like key (each character's ``utf8mb4_0900_ai_ci`` weights, for
``$like``) and ``k{i}`` its comparison key (the collation key of a text; an
exact number key or a normalised datetime), all filled with the evaluator's
own key functions so that SQL and :func:`scale_query.evaluate` agree. A field a record never had
is NULL in all three (and no value of a number or date has NULL keys), so
it matches no comparison, as in MySQL. Field names never reach SQL.

The pristine database of a definition is built once per process and copied
into each new store with SQLite's backup API, which keeps start and reset fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..language import Expr, to_text, walk
from ..semantics import (
    KEY_FUNCTION,
    REGEX_FUNCTION,
    Column,
    FieldInfo,
    FieldKind,
    ObjectSchema,
    Predicate,
    a_kind,
    compile_predicate,
    compile_regex,
    like_key,
    quote_identifier,
    stored_key,
    stored_text,
)
from ._dbfile import APPLICATION_ID, FileLock, StoreFileError, discard, inspect
from ._definition import Datamart, ObjectDef, Rights, full_schema
from ._limits import MAX_INT64, excerpt, whole_number
from ._pool import BudgetSpent, Connections

__all__ = ["BudgetSpent", "RecordError", "Store", "StoreFileError", "Table"]

_ID = quote_identifier("id")
#: The SQL function ``(handle, value...) -> 0/1`` running a filter in Python.
PREDICATE_FUNCTION = "sq_predicate"
#: Filters nested deeper than this run in Python (SQLite's parser stack
#: overflows at about 20 levels of nested groups).
SQL_MAX_DEPTH = 12
_pristine: dict[str, sqlite3.Connection] = {}
_pristine_lock = threading.Lock()


class RecordError(ValueError):
    """One record of a write that cannot be applied; ``found`` says if its id exists."""

    def __init__(self, message: str, found: bool = False) -> None:
        self.found = found
        super().__init__(message)


@dataclass(frozen=True)
class Table:
    """How one object is stored, and its fields as a ``get_object_info`` schema."""

    obj: ObjectDef
    sql_name: str
    schema: ObjectSchema
    columns: Mapping[str, Column]
    stored: Mapping[str, tuple[int, FieldInfo, FieldKind]]
    link_columns: Mapping[str, str]

    @property
    def name(self) -> str:
        return self.obj.name


def _table(index: int, obj: ObjectDef) -> Table:
    columns: dict[str, Column] = {}
    own = f"id_{obj.name}"
    as_text = f"CAST({_ID} AS TEXT)"
    columns[own] = Column("integer", f"{KEY_FUNCTION}({as_text})", _ID, as_text, native=True)
    links = {}
    for j, link in enumerate(obj.links):
        links[link] = f"l{j}"
        col = quote_identifier(f"l{j}")
        text = f"CAST({col} AS TEXT)"
        columns[f"id_{link}"] = Column("integer", f"{KEY_FUNCTION}({text})", col, text, True)
    stored = {}
    for i, (name, info) in enumerate(obj.schema.items()):
        stored[name] = (i, info, info.kind)
        fold, key = quote_identifier(f"f{i}"), quote_identifier(f"k{i}")
        columns[name] = Column(info.kind, fold, key, quote_identifier(f"r{i}"))
    return Table(obj, quote_identifier(f"o{index}"), full_schema(obj), columns, stored, links)


def _like_key(value: str | None) -> str | None:
    return None if value is None else like_key(value)


def _regex(pattern: str, value: str | None) -> int:
    return int(value is not None and compile_regex(pattern).search(value) is not None)


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


_EXAMPLES = {
    "number": "12.50",
    "integer": "12",
    "date": "1990-06-12",
    "datetime": "2020-12-19 12:50:50",
}


def check_value(info: FieldInfo, value: object, kind: FieldKind | None = None) -> str:
    """The text stored for ``value`` in field ``info``, normalised as MySQL stores it
    (``007`` is ``7``, ``12.5`` is ``12.50``); RecordError when it does not fit."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal, type(None))):
        raise RecordError(f"field {info.name!r}: a value is a string or a number")
    else:
        try:
            text = to_text(value)
        except (TypeError, ValueError) as error:
            raise RecordError(f"field {info.name!r}: {error}") from None
    kind = kind or info.kind
    if kind == "text" and info.length is not None and len(text) > info.length:
        raise RecordError(
            f"field {info.name!r}: {len(text)} characters, longer than its length {info.length}"
        )
    stored = stored_text(kind, text, info.scale)
    if stored is None:
        raise RecordError(
            f"field {info.name!r} is {a_kind(kind)} field: {text!r} is not like {_EXAMPLES[kind]!r}"
        )
    return stored


def _json_text(value: object) -> str:
    """``value`` as the API spells it: strings as they are, anything else as JSON text."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def _record_id(value: object, what: str = "'id'") -> int:
    """A record id from a write: a whole number or its ASCII digits, within SQLite's range."""
    if isinstance(value, str):
        try:
            return whole_number(what, value, 0)
        except ValueError as error:
            raise RecordError(str(error)) from None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT64:
        return value
    raise RecordError(
        f"{what} must be 0 (to create) or the id of an existing record, "
        f"a whole number from 0 to {MAX_INT64}, not {excerpt(_json_text(value))}"
    )


def may_write(table: Table, rights: Rights) -> bool:
    """Whether a profile may write anything to ``table``: one field, or every field.

    A profile that may write no field of an object creates, updates and links
    none of its records.
    """
    if rights.write is None:
        return True
    return any(
        info.writable and name in rights.write for name, info in table.schema.items()
    ) or any(f"id_{link}" in rights.write for link in table.link_columns)


def _failed(given_id: object, message: str, found: bool = False) -> dict[str, Any]:
    return {
        "status": "ERROR",
        "id": _json_text(given_id),
        "error": message,
        "data": {},
        "updated": "N",
        "created": "N",
        "found": "Y" if found else "N",
    }


class Store:
    """The data of one running emulator, safe to use from several threads at once.

    ``db`` is a file to keep the data in (see :mod:`._dbfile` for which files
    it takes); without it, the data lives in a temporary file removed by
    :meth:`close`. Either way the file is in WAL mode, so reads run side by
    side and never wait for a write (:mod:`._pool`). ``reset=True`` puts the
    definition's data back in a ``db`` file that already holds some.
    """

    def __init__(
        self, datamart: Datamart, db: str | Path | None = None, *, reset: bool = False
    ) -> None:
        self.datamart = datamart
        self.tables = {n: _table(i, o) for i, (n, o) in enumerate(datamart.objects.items())}
        # Filters nested too deeply for SQLite's parser run in Python instead:
        # the same evaluator, called per row through this function.
        self._predicates: dict[int, tuple[Predicate, tuple[str, ...]]] = {}
        self._handles = itertools.count(1)
        self.dirty = False
        #: The budget of SQLite steps of one read of records (None: no bound).
        self.query_steps: int | None = None
        self._lock: FileLock | None = None
        if db is None:
            handle, name = tempfile.mkstemp(prefix="scale-emulator-", suffix=".sqlite")
            os.close(handle)
            self._path, self._temporary, state = Path(name), True, "new"
        else:
            self._path, self._temporary = Path(db), False
            inspect(self._path)  # a folder or a foreign file: refused before anything is opened
            # Locked before it is read again: no second serve builds or resets it meanwhile.
            self._lock = FileLock(self._path)
            try:
                state = inspect(self._path)
            except BaseException:
                self._release(discard_new=True)
                raise
        try:
            self._db = Connections(str(self._path), self._setup, durable=not self._temporary)
        except sqlite3.Error as error:
            self._release(discard_new=True)
            raise StoreFileError(f"{self._path}: cannot open ({error})") from None
        try:
            if state == "new" or reset:
                self.reset()
            else:
                self._check_definition()
            self._db.use_wal()
        except sqlite3.Error as error:
            # A full disk, most often: one line, and no half-made file for the next run.
            self.close(discard_new=state == "new")
            raise StoreFileError(
                f"{self._path}: cannot write the emulator's data ({error}; is the disk full?)"
            ) from None
        except BaseException:
            self.close()
            raise

    def _setup(self, conn: sqlite3.Connection) -> None:
        conn.create_function(REGEX_FUNCTION, 2, _regex, deterministic=True)
        conn.create_function(KEY_FUNCTION, 1, _like_key, deterministic=True)
        conn.create_function(PREDICATE_FUNCTION, -1, self._call_predicate)

    def _check_definition(self) -> None:
        with self._db.write_lock:
            try:
                row = self._db.writer.execute(
                    "SELECT value FROM _meta WHERE key = 'fingerprint'"
                ).fetchone()
            except sqlite3.DatabaseError:
                row = None
        if row is None or row[0] != self.datamart.fingerprint:
            raise StoreFileError(
                f"{self._path} holds the data of another datamart definition (the definition "
                "changed since the file was made); --reset starts it afresh from the "
                "definition, dropping the data written to it"
            )

    @property
    def path(self) -> Path:
        """The SQLite file holding the data (a temporary one unless ``db`` was given)."""
        return self._path

    def reset(self) -> None:
        """Put the data back as the definition has it."""
        pristine = self._pristine()
        with self._db.write_lock, _pristine_lock:
            pristine.backup(self._db.writer)
            self.dirty = False

    def _pristine(self) -> sqlite3.Connection:
        with _pristine_lock:
            conn = _pristine.get(self.datamart.fingerprint)
            if conn is None:
                conn = sqlite3.connect(":memory:", check_same_thread=False)
                self._build(conn)
                _pristine[self.datamart.fingerprint] = conn
            return conn

    def _build(self, conn: sqlite3.Connection) -> None:
        # Copied with the data by each reset: the mark that makes a --db file ours.
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("CREATE TABLE _times (name TEXT PRIMARY KEY, create_time, update_time)")
        conn.execute("INSERT INTO _meta VALUES ('fingerprint', ?)", (self.datamart.fingerprint,))
        for table in self.tables.values():
            defs = [f"{_ID} INTEGER PRIMARY KEY"]
            defs += [f"{quote_identifier(c)} INTEGER" for c in table.link_columns.values()]
            for i in range(len(table.obj.schema)):
                defs += [f'"r{i}" TEXT', f'"f{i}" TEXT', f'"k{i}" TEXT']
            conn.execute(f"CREATE TABLE {table.sql_name} ({', '.join(defs)})")
            conn.execute(
                "INSERT INTO _times VALUES (?, ?, ?)",
                (table.name, table.obj.create_time, table.obj.update_time),
            )
        ids = {name: self._ids(table) for name, table in self.tables.items()}
        known = {name: set(values) for name, values in ids.items()}
        for table in self.tables.values():
            rows = []
            for n, (record, record_id) in enumerate(
                zip(table.obj.records, ids[table.name], strict=True)
            ):
                try:
                    row = self._row(table, record.data, None)
                    row.update(self._checked_links(table, record.link, known))
                except RecordError as error:
                    raise ValueError(f"objects.{table.name}.records[{n}]: {error}") from None
                row["id"] = record_id
                rows.append(row)
            self._insert_many(conn, table, rows)
            # One index per comparison key, made after the rows (faster than
            # during): a sorted page walks the first sort key's index and stops
            # at the page's end instead of sorting every match (docs/emulator.md).
            for i in range(len(table.obj.schema)):
                name = quote_identifier(f"{table.sql_name.strip(chr(34))}_k{i}")
                conn.execute(f'CREATE INDEX {name} ON {table.sql_name} ("k{i}")')
        conn.commit()

    @staticmethod
    def _ids(table: Table) -> list[int]:
        """The id of each record of the definition: its own, or the next free one."""
        out, seen, last = [], set(), 0
        for n, record in enumerate(table.obj.records):
            record_id = record.id or last + 1
            if record_id in seen:
                raise ValueError(f"objects.{table.name}.records[{n}]: id {record_id} is taken")
            seen.add(record_id)
            last = max(last, record_id)
            out.append(record_id)
        return out

    def _checked_links(
        self, table: Table, link: Mapping[str, Any], known: Mapping[str, set[int]]
    ) -> dict[str, int]:
        out = {}
        for name, raw in link.items():
            column = table.link_columns.get(name)
            if column is None:
                raise RecordError(f"object {table.name!r} has no link to {name!r}")
            target = _record_id(raw)
            if target not in known[name]:
                raise RecordError(f"link {name!r}: no {name} record has id {target}")
            out[column] = target
        return out

    @staticmethod
    def _insert_many(conn: sqlite3.Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        names = ["id", *table.link_columns.values()]
        for i in range(len(table.obj.schema)):
            names += [f"r{i}", f"f{i}", f"k{i}"]
        position = {name: n for n, name in enumerate(names)}
        template: list[Any] = [None] * len(names)

        def values(row: dict[str, Any]) -> list[Any]:
            out = template.copy()
            for name, value in row.items():
                out[position[name]] = value
            return out

        sql = (
            f"INSERT INTO {table.sql_name} ({', '.join(quote_identifier(n) for n in names)}) "
            f"VALUES ({', '.join('?' * len(names))})"
        )
        conn.executemany(sql, map(values, rows))

    def _row(self, table: Table, data: Mapping[str, Any], rights: Rights | None) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise RecordError("'data' must be an object of field values")
        row: dict[str, Any] = {}
        for name, value in data.items():
            slot = table.stored.get(name)
            if slot is None:
                if name in table.schema:
                    raise RecordError(f"field {name!r} is not writable")
                raise RecordError(f"unknown field {name!r} in object {table.name!r}")
            i, info, kind = slot
            # rights is None only when loading the definition's own records.
            if rights is not None and not (info.writable and rights.can_write(name)):
                raise RecordError(f"field {name!r} is not writable with this token")
            text = check_value(info, value, kind)
            # A number or date written empty has no value: NULL keys.
            row[f"r{i}"], row[f"f{i}"] = text, like_key(text) if kind == "text" or text else None
            row[f"k{i}"] = stored_key(kind, text, info.scale)
        return row

    def _links(
        self, conn: sqlite3.Connection, table: Table, link: object, rights: Rights | None
    ) -> dict[str, Any]:
        if not isinstance(link, Mapping):
            raise RecordError("'link' must be an object: linked object name to record id")
        out = {}
        for name, raw in link.items():
            column = table.link_columns.get(name)
            if column is None:
                raise RecordError(f"object {table.name!r} has no link to {name!r}")
            # A link is the field id_<linked>: a profile's write list must name it.
            if rights is not None and not rights.can_write(f"id_{name}"):
                raise RecordError(f"link {name!r} is not writable with this token")
            target = _record_id(raw, f"link {name!r}")
            other = self.tables[name]
            found = conn.execute(f"SELECT 1 FROM {other.sql_name} WHERE {_ID} = ?", (target,))
            if found.fetchone() is None:
                raise RecordError(f"link {name!r}: no {name} record has id {target}")
            out[column] = target
        return out

    def _insert(
        self,
        conn: sqlite3.Connection,
        table: Table,
        record_id: int,
        data: Mapping[str, Any],
        link: Mapping[str, Any],
        rights: Rights | None = None,
    ) -> int:
        values = {**self._row(table, data, rights), **self._links(conn, table, link, rights)}
        if record_id:
            values["id"] = record_id
        if not values:
            cursor = conn.execute(f"INSERT INTO {table.sql_name} DEFAULT VALUES")
        else:
            names = ", ".join(quote_identifier(k) for k in values)
            marks = ", ".join("?" * len(values))
            cursor = conn.execute(
                f"INSERT INTO {table.sql_name} ({names}) VALUES ({marks})", list(values.values())
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def write(self, table: Table, record: object, rights: Rights) -> dict[str, Any]:
        """Create or update one record, all or nothing; the API's per-record result."""
        given_id = record.get("id", 0) if isinstance(record, Mapping) else 0
        try:
            if not isinstance(record, Mapping):
                raise RecordError("a record is a JSON object with 'id', 'data' and 'link'")
            unknown = set(record) - {"id", "data", "link"}
            if unknown:
                raise RecordError(f"unknown key {sorted(unknown)[0]!r} in record")
            record_id = _record_id(given_id)
            if "data" not in record:
                raise RecordError("'data' is mandatory")
            with self._db.write_lock:
                result = self._write(
                    table, record_id, record["data"], record.get("link", {}), rights
                )
        except RecordError as error:
            return _failed(given_id, str(error), error.found)
        except sqlite3.Error as error:  # a full disk, a locked --db file: this record only
            return _failed(given_id, f"the record could not be stored: {error}")
        if isinstance(record.get("link"), Mapping) and record["link"]:
            result["link"] = {k: _json_text(v) for k, v in record["link"].items()}
        return result

    def _write(
        self, table: Table, record_id: int, data: Any, link: Any, rights: Rights
    ) -> dict[str, Any]:
        conn = self._db.writer
        try:
            # Not even a create with no data, nor a link: nothing at all.
            refused = f"this API token may not write to object {table.name!r}"
            if record_id == 0:
                if not may_write(table, rights):
                    raise RecordError(refused)
                new_id = self._insert(conn, table, 0, data, link, rights)
                created = True
            else:
                exists = conn.execute(
                    f"SELECT 1 FROM {table.sql_name} WHERE {_ID} = ?", (record_id,)
                ).fetchone()
                if exists is None:
                    raise RecordError(f"no {table.name} record has id {record_id}")
                if not may_write(table, rights):
                    raise RecordError(refused, found=True)
                try:
                    values = {
                        **self._row(table, data, rights),
                        **self._links(conn, table, link, rights),
                    }
                except RecordError as error:
                    raise RecordError(str(error), found=True) from None
                if values:
                    sets = ", ".join(f"{quote_identifier(k)} = ?" for k in values)
                    conn.execute(
                        f"UPDATE {table.sql_name} SET {sets} WHERE {_ID} = ?",
                        [*values.values(), record_id],
                    )
                new_id, created = record_id, False
            conn.execute("UPDATE _times SET update_time = ? WHERE name = ?", (_now(), table.name))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        self.dirty = True
        stored = {k: check_value(table.schema[k], v) for k, v in data.items()}
        return {
            "status": "OK",
            "id": str(new_id),
            "data": stored,
            "updated": "N" if created else "Y",
            "created": "Y" if created else "N",
            "found": "N" if created else "Y",
        }

    def delete(self, name: str, ids: Iterable[int]) -> list[int]:
        """Remove records of object ``name`` as the datamart's own processes do
        (the API has no delete); the ids that were there, in order. Moves the
        object's update time when one was removed. KeyError for an unknown object."""
        table = self.tables[name]
        wanted = sorted({_record_id(i, "an id") for i in ids})
        conn = self._db.writer
        with self._db.write_lock:
            try:
                gone = [
                    i
                    for i in wanted
                    if conn.execute(f"DELETE FROM {table.sql_name} WHERE {_ID} = ?", (i,)).rowcount
                ]
                if gone:
                    conn.execute(
                        "UPDATE _times SET update_time = ? WHERE name = ?", (_now(), table.name)
                    )
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        self.dirty = self.dirty or bool(gone)
        return gone

    def times(self) -> dict[str, tuple[str, str]]:
        """Creation and last update time of each object."""
        with self._db.reader() as conn:
            rows = conn.execute("SELECT name, create_time, update_time FROM _times").fetchall()
        return {name: (created, updated) for name, created, updated in rows}

    def select(
        self,
        table: Table,
        fields: Sequence[str],
        where: str,
        params: Sequence[object],
        order: str,
        start: int,
        count: int,
    ) -> list[dict[str, Any]]:
        """Records in API shape: ``{"id", "data", "link"?}``, values as text."""
        if count <= 0:
            return []
        # A field never set is NULL; the API shows it as "".
        shown = ", ".join(f"COALESCE({table.columns[f].raw}, '')" for f in fields) or "NULL"
        links = list(table.link_columns.items())
        link_sql = "".join(f", {quote_identifier(col)}" for _, col in links)
        sql = (
            f"SELECT {_ID}{link_sql}, {shown} FROM {table.sql_name} WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        with self._db.reader(self.query_steps) as conn:
            rows = conn.execute(sql, [*params, count, start]).fetchall()
        return [self._shape(row, fields, links) for row in rows]

    @staticmethod
    def _shape(
        row: Sequence[Any], fields: Sequence[str], links: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        link_names = [name for name, _ in links]
        out: dict[str, Any] = {"id": str(row[0])}
        values = row[1 + len(link_names) :]
        out["data"] = dict(zip(fields, values, strict=True))
        if link_names:
            out["link"] = {
                name: "" if v is None else str(v)
                for name, v in zip(link_names, row[1:], strict=False)
            }
        return out

    @contextmanager
    def predicate_filter(self, table: Table, expr: Expr) -> Iterator[tuple[str, list[object]]]:
        """A WHERE clause that runs ``expr`` through the Python evaluator, for
        filters nested deeper than SQLite's parser takes; removed on exit."""
        names = tuple(dict.fromkeys(c.field for c in walk(expr)))
        handle = next(self._handles)
        self._predicates[handle] = (compile_predicate(expr, table.schema), names)
        columns = "".join(f", {table.columns[n].raw}" for n in names)
        try:
            yield f"{PREDICATE_FUNCTION}(?{columns})", [handle]
        finally:
            del self._predicates[handle]

    def _call_predicate(self, handle: int, *values: object) -> int:
        predicate, names = self._predicates[handle]
        # NULL (a field never set) is a field the record does not have.
        record = {n: str(v) for n, v in zip(names, values, strict=True) if v is not None}
        return 1 if predicate(record) else 0

    def close(self, *, discard_new: bool = False) -> None:
        """Close the connections; a temporary file is removed, a ``db`` file unlocked.

        ``discard_new``: the ``db`` file was new and its making failed; it goes
        back to what it was (absent or empty).
        """
        db = getattr(self, "_db", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        self._release(discard_new=discard_new)

    def _release(self, *, discard_new: bool) -> None:
        self._remove_temporary()
        if self._lock is not None:
            if discard_new:
                discard(self._path, existed=self._lock.existed)
            self._lock.release()
            self._lock = None

    def _remove_temporary(self) -> None:
        if self._temporary:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{self._path}{suffix}")
