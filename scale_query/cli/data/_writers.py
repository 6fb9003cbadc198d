"""The export formats: one writer per format, fed a page of records at a time.

Each writer writes whole records only and flushes after every page, so a
file cut short (Ctrl-C, a lost connection) holds whole records; ``close``
ends the file properly (the JSON array's ``]``, Parquet's footer).

- ``csv``: a header (``id`` then the fields), values as the API sends them
  (text); ``typed=True`` writes them in canonical form (numbers in plain US
  notation, dates ``yyyy-mm-dd``, datetimes ``yyyy-mm-dd hh:mm:ss``) and
  refuses a value its field cannot hold. Safe to open in a spreadsheet: a
  cell a spreadsheet would run as a formula gets a ``'`` in front
  (:func:`neutralise`, as OWASP advises) unless ``raw=True``; a value with a
  carriage return is always quoted, so the file reads back as written.
- ``jsonl``: one flat JSON object per line, values typed: numbers as JSON
  numbers (exact: ``12.50`` stays ``12.50``), dates and datetimes as strings,
  empty values as ``null``; control characters (DEL, C1, bidirectional
  controls too) as JSON escapes, so ``cat`` of the file is safe.
- ``json``: the same objects in one JSON array.
- ``parquet``: typed columns (see :mod:`scale_query.client._arrow`), row
  groups of 100,000 rows or 64 MiB (:data:`ROW_GROUP_ROWS`; needs pyarrow).
- ``table``: aligned text columns for a terminal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TextIO

from ...client import Record
from ...language import for_terminal
from ...semantics import FieldInfo, FieldKind, ObjectSchema, StoredValue, read_value
from .._output import Output
from ._text_tables import TableWriter

__all__ = [
    "FORMATS",
    "ROW_GROUP_BYTES",
    "ROW_GROUP_ROWS",
    "CsvRows",
    "Writer",
    "make_writer",
    "needs_quote_mark",
    "neutralise",
    "restore",
]

#: A str as a JSON string, non-ASCII kept (json.dumps' own C encoder, minus its overhead).
_string: Callable[[str], str] = json.encoder.encode_basestring

FORMATS = ("csv", "jsonl", "json", "parquet", "table")


# The first characters that make a spreadsheet read a cell as a formula (OWASP's
# "CSV injection" list): = + - @, a tab, a carriage return.
_FORMULA_START = frozenset("=+-@\t\r")
# What a cell that needs a look starts with: those, or a quote mark already there.
_FIRST_CHARS = _FORMULA_START | {"'"}
# A negative number is not a formula: -12.50 stays a number in the spreadsheet.
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?")


def needs_quote_mark(value: str) -> bool:
    """Whether ``value`` gets a ``'`` in a CSV export: it starts like a formula.

    Quote marks already in front count too (``'=1`` becomes ``''=1``), so
    :func:`restore` gives back exactly the value :func:`neutralise` was given.

    >>> [needs_quote_mark(v) for v in ("=1+1", "+32 480", "-12.50", "'@x", "O'Neil", "")]
    [True, True, False, True, False, False]
    """
    if not value or (value[0] not in _FORMULA_START and value[0] != "'"):
        return False  # the common case, at the cost of one look
    rest = value.lstrip("'")
    return rest[:1] in _FORMULA_START and not _NEGATIVE_NUMBER.fullmatch(rest)


def neutralise(value: str) -> str:
    """``value`` safe in a spreadsheet cell: a ``'`` in front when it starts like a formula.

    >>> print(neutralise('=HYPERLINK("http://x")'), neutralise("Dupont"))
    '=HYPERLINK("http://x") Dupont
    """
    return "'" + value if needs_quote_mark(value) else value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given (``import`` reads CSV cells with it).

    >>> restore("'=1+1"), restore("''=1"), restore("'quoted'"), restore("-3")
    ('=1+1', "'=1", "'quoted'", '-3')
    """
    if value[:1] == "'" and needs_quote_mark(value[1:]):
        return value[1:]
    return value


class CsvRows:
    """Rows of CSV to a text stream, safe as the export's: a bare CR quoted, formulas neutralised.

    For the small CSV files beside an import (``--report``, ``--rejects``);
    ``raw=True`` writes cells as they are (a bare CR is quoted still).

    >>> import io
    >>> out = io.StringIO()
    >>> CsvRows(out).writerow(["=1+1", 2, "a\\rb"])
    >>> out.getvalue()
    '"\\'=1+1","2","a\\rb"\\n'
    """

    def __init__(self, out: TextIO, *, raw: bool = False) -> None:
        self.raw = raw
        self.plain = csv.writer(out, lineterminator="\n")
        # Python 3.11's csv does not quote a bare "\r" (see _Csv): such rows are quoted whole.
        self.quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[object]) -> None:
        """Write one row (non-text cells as ``str()``)."""
        cells = [c if isinstance(c, str) else str(c) for c in row]
        if not self.raw:
            cells = [neutralise(c) for c in cells]
        (self.quoted if any("\r" in c for c in cells) else self.plain).writerow(cells)


def _kinds(schema: ObjectSchema, columns: Sequence[str]) -> list[FieldKind]:
    return [(schema.lookup(name) or FieldInfo(name)).kind for name in columns]


def _read(kind: FieldKind, record: Record, name: str) -> StoredValue:
    try:
        return read_value(kind, record.data.get(name, ""))
    except ValueError as error:
        raise ValueError(f"record {record.id}: field {name!r}: {error}") from None


def canonical_text(value: StoredValue) -> str:
    """A typed value back as API text (empty for None).

    >>> canonical_text(Decimal("12.50")), canonical_text(dt.date(1990, 6, 12)), canonical_text(None)
    ('12.50', '1990-06-12', '')
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        # Not strftime: its %Y drops the zeros of years before 1000 on glibc.
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(value: StoredValue) -> str:
    """One typed value as JSON text; a Decimal keeps its exact digits.

    >>> json_value(Decimal("12.50")), json_value("Zoé"), json_value(None)
    ('12.50', '"Zoé"', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return json.dumps(canonical_text(value))


class Writer:
    """The base of the writers: ``write(page)`` for each page, then ``close()``."""

    def __init__(self, output: Output, schema: ObjectSchema, columns: Sequence[str]) -> None:
        self.output = output
        self.schema = schema
        self.columns = list(columns)
        self.kinds = _kinds(schema, self.columns)

    def write(self, page: Sequence[Record]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """End the file (whatever was written stays readable)."""
        self.output.flush()


class _Csv(Writer):
    def __init__(
        self,
        output: Output,
        schema: ObjectSchema,
        columns: Sequence[str],
        typed: bool,
        raw: bool = False,
    ) -> None:
        super().__init__(output, schema, columns)
        self.typed = typed
        self.raw = raw
        # A page is formatted in memory and written at once: one write per page.
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer, lineterminator="\n")
        # Python 3.11's csv quotes a field holding the line terminator ("\n") but
        # not a bare "\r", which every reader then takes for a line end: rows
        # holding one are written quoted whole (3.12 quotes it by itself).
        self.quoted = csv.writer(self.buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self.csv.writerow(self._cells(["id", *self.columns]))
        output.text.write(self._take())

    def _take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def _cells(self, row: list[str]) -> list[str]:
        if self.raw:
            return row
        first = _FIRST_CHARS  # the common cell is looked at once, without a call
        return [neutralise(c) if c and c[0] in first else c for c in row]

    def write(self, page: Sequence[Record]) -> None:
        if self.typed:
            plan = list(zip(self.columns, self.kinds, strict=True))
            rows = [
                [record.id, *(canonical_text(_read(k, record, n)) for n, k in plan)]
                for record in page
            ]
        else:
            get = [(n, "") for n in self.columns]
            rows = [[record.id, *[record.data.get(*g) for g in get]] for record in page]
        if not self.raw:
            first = _FIRST_CHARS
            rows = [[neutralise(c) if c and c[0] in first else c for c in row] for row in rows]
        self.csv.writerows(rows)
        text = self._take()
        if "\r" in text:  # rare: one scan of the page, then the rows that need it quoted
            for row in rows:
                (self.quoted if any("\r" in cell for cell in row) else self.csv).writerow(row)
            text = self._take()
        self.output.text.write(text)
        self.output.flush()


class _JsonLines(Writer):
    separator = "\n"

    def __init__(self, output: Output, schema: ObjectSchema, columns: Sequence[str]) -> None:
        super().__init__(output, schema, columns)
        self.keys = [_string(name) + ":" for name in self.columns]
        self.plan = list(zip(self.columns, self.kinds, self.keys, strict=True))
        self.first = True

    def line(self, record: Record) -> str:
        data = record.data
        rid = record.id
        parts = ['{"id":' + (rid if rid.isascii() and rid.isdigit() else _string(rid))]
        for name, kind, key in self.plan:
            raw = data.get(name, "")
            if kind == "text":  # the common case, without a call per value
                parts.append(key + (_string(raw) if raw else "null"))
            else:
                parts.append(key + json_value(_read(kind, record, name)))
        return ",".join(parts) + "}"

    def write(self, page: Sequence[Record]) -> None:
        text = "".join(self.line(record) + "\n" for record in page)
        self.output.text.write(for_terminal(text, json=True))
        self.output.flush()


class _JsonArray(_JsonLines):
    def __init__(self, output: Output, schema: ObjectSchema, columns: Sequence[str]) -> None:
        super().__init__(output, schema, columns)
        self.output.text.write("[")

    def write(self, page: Sequence[Record]) -> None:
        if not page:
            return
        lead = "\n" if self.first else ",\n"
        self.first = False
        text = lead + ",\n".join(self.line(record) for record in page)
        self.output.text.write(for_terminal(text, json=True))
        self.output.flush()

    def close(self) -> None:
        self.output.text.write("]\n" if self.first else "\n]\n")
        super().close()


#: A Parquet row group (the last aside) holds at least this many rows, or
#: :data:`ROW_GROUP_BYTES` of Arrow data, whichever comes first: readers
#: (DuckDB, Spark, pandas) skip and scan by row group, and one per page of
#: 500 records made 20 for 10,000 rows. The pages of a group are held in
#: memory until it is written (at most about 64 MiB).
ROW_GROUP_ROWS = 100_000
#: See :data:`ROW_GROUP_ROWS`.
ROW_GROUP_BYTES = 64 * 1024 * 1024


class _Parquet(Writer):
    def __init__(self, output: Output, schema: ObjectSchema, columns: Sequence[str]) -> None:
        super().__init__(output, schema, columns)
        from ...client import arrow_schema, record_batches, require_pyarrow

        self._pa = require_pyarrow()
        import pyarrow.parquet as pq

        self.arrow = arrow_schema(schema, columns)
        self._batches = record_batches
        self.parquet: Any = pq.ParquetWriter(output.binary, self.arrow)
        self._group: list[Any] = []
        self._rows = self._bytes = 0

    def write(self, page: Sequence[Record]) -> None:
        for batch in self._batches([page], self.schema, self.arrow):
            self._group.append(batch)
            self._rows += batch.num_rows
            self._bytes += batch.nbytes
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._write_group()

    def _write_group(self) -> None:
        if not self._group:
            return
        table = self._pa.Table.from_batches(self._group, schema=self.arrow)
        self.parquet.write_table(table, row_group_size=table.num_rows)
        self._group, self._rows, self._bytes = [], 0, 0
        self.output.flush()

    def close(self) -> None:
        self._write_group()
        self.parquet.close()
        super().close()


class _Table(Writer):
    def __init__(self, output: Output, schema: ObjectSchema, columns: Sequence[str]) -> None:
        super().__init__(output, schema, columns)
        self.table = TableWriter(["id", *self.columns], output.text)

    def write(self, page: Sequence[Record]) -> None:
        self.table.write_rows(
            [record.id, *(record.data.get(n, "") for n in self.columns)] for record in page
        )
        self.output.flush()

    def close(self) -> None:
        self.table.close()
        super().close()


def make_writer(
    fmt: str,
    output: Output,
    schema: ObjectSchema,
    columns: Sequence[str],
    *,
    typed: bool = False,
    raw: bool = False,
) -> Writer:
    """The writer of format ``fmt`` (one of :data:`FORMATS`); ``raw``: csv cells as they are."""
    if fmt == "csv":
        return _Csv(output, schema, columns, typed, raw)
    if fmt == "jsonl":
        return _JsonLines(output, schema, columns)
    if fmt == "json":
        return _JsonArray(output, schema, columns)
    if fmt == "parquet":
        return _Parquet(output, schema, columns)
    if fmt == "table":
        return _Table(output, schema, columns)
    raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
