"""The input files of ``import``: CSV, JSON Lines, a JSON array or Parquet, as numbered rows.

Every row carries the line it starts on (for a Parquet file, its row
number), so each message about it can name the line. A row is a flat mapping
of column to value: ``id``, field names, and ``link.<object>`` for links.
Rows in the API's own shape (``{"id": .., "data": {..}, "link": {..}}``) are
flattened to that.

- CSV: UTF-8 (a byte-order mark is skipped), a header line, comma-separated,
  quoted as the csv module (and every spreadsheet) writes it; every value is
  text. The ``'`` that ``export`` puts before a cell starting like a formula
  is taken off again (:func:`~scale_query.cli.data._writers.restore`), unless ``raw``.
- JSON Lines (``.jsonl``, ``.ndjson``): one JSON object per line; numbers
  keep their digits (read as :class:`~decimal.Decimal`, never through a float).
- JSON (``.json``): one array of objects (read whole: prefer JSON Lines for
  big files).
- Parquet (``.parquet``): typed columns, read batch by batch (needs pyarrow).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._errors import UsageError, reading_failure

__all__ = ["INPUT_FORMATS", "Row", "read_rows"]

INPUT_FORMATS = ("csv", "jsonl", "json", "parquet")


# A row is flat (or the API's {"id", "data", "link"}): json's recursion limit is
# far past any real one, and reaching it is a message, not a traceback.
_TOO_DEEP = "JSON nested too deeply (a row is a flat object)"


@dataclass(frozen=True, slots=True)
class Row:
    """One input record: where it starts, its values, or why it could not be read."""

    line: int
    values: Mapping[str, Any] = field(default_factory=dict)
    problem: str | None = None
    #: CSV only: the header's names (one tuple shared by every row), and the
    #: cells of a row that could not be read (for ``--rejects``).
    header: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


def _flatten(item: Mapping[str, Any]) -> dict[str, Any]:
    data = item.get("data")
    if set(item) <= {"id", "data", "link"} and isinstance(data, Mapping):
        flat: dict[str, Any] = {"id": item.get("id")}
        flat.update(data)
        link = item.get("link")
        if isinstance(link, Mapping):
            flat.update({f"link.{name}": value for name, value in link.items()})
        return flat
    return dict(item)


def _object_row(line: int, item: object) -> Row:
    if not isinstance(item, Mapping):
        return Row(line, problem=f"expected a JSON object, not {type(item).__name__}")
    return Row(line, _flatten(item))


def _csv_rows(stream: io.TextIOBase, raw: bool = False) -> Iterator[Row]:
    # strict: a stray or unclosed quote is an error, not a value that swallows
    # the lines after it ('0,"Dupont' would read the rest of the file as a name).
    reader = csv.reader(stream, strict=True)
    try:
        if raw:
            yield from _csv_records(reader)
            return
        from ._writers import restore

        for row in _csv_records(reader):
            if row.problem is None and any(v[:1] == "'" for v in row.values.values()):
                values = {k: restore(v) for k, v in row.values.items()}
                row = Row(row.line, values, header=row.header)
            yield row
    except csv.Error as error:
        raise UsageError(f"line {reader.line_num}: not readable as CSV ({error})") from None


def _csv_records(reader: Any) -> Iterator[Row]:
    try:
        header = next(reader)
    except StopIteration:
        return
    names = tuple(name.strip() for name in header)
    if not any(names):
        raise UsageError("the CSV file's first line must name the columns")
    for name in names:
        if not name:
            raise UsageError("the CSV header has an empty column name")
        if names.count(name) > 1:
            raise UsageError(f"the CSV header names {name!r} twice")
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not cells:
            continue
        if len(cells) != len(names):
            problem = f"{len(cells)} cells, but the header names {len(names)}"
            yield Row(start, problem=problem, header=names, cells=tuple(cells))
            continue
        yield Row(start, dict(zip(names, cells, strict=True)), header=names)


def _jsonl_rows(stream: io.TextIOBase, raw: bool = False) -> Iterator[Row]:
    for number, text in enumerate(stream, 1):
        if not text.strip():
            continue
        try:
            item = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield Row(number, problem=f"not valid JSON ({error.msg}, column {error.colno})")
            continue
        except RecursionError:
            yield Row(number, problem=_TOO_DEEP)
            continue
        yield _object_row(number, item)


def _json_rows(stream: io.TextIOBase, raw: bool = False) -> Iterator[Row]:
    text = stream.read()
    decoder = json.JSONDecoder(parse_float=Decimal)
    position, line, counted = 0, 1, 0

    def skip(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    def line_of(at: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, at)
        counted = at
        return line

    position = skip(position)
    if position == len(text):
        return
    if text[position] != "[":
        raise UsageError("a .json input is an array of objects: [{...}, {...}]")
    position = skip(position + 1)
    if position < len(text) and text[position] == "]":
        return
    while True:
        try:
            item, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise UsageError(f"line {error.lineno}: not valid JSON ({error.msg})") from None
        except RecursionError:
            raise UsageError(f"line {line_of(position)}: {_TOO_DEEP}") from None
        yield _object_row(line_of(position), item)
        position = skip(end)
        if position < len(text) and text[position] == ",":
            position = skip(position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return
        raise UsageError(f"line {line_of(position)}: expected ',' or ']' in the JSON array")


def _parquet_rows(path: str) -> Iterator[Row]:
    from ...client import require_pyarrow

    require_pyarrow()
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches():
        for item in batch.to_pylist():
            number += 1
            yield _object_row(number, item)


def read_rows(path: str, fmt: str, *, raw: bool = False) -> Iterator[Row]:
    """The rows of the file at ``path`` (``-``: stdin) in format ``fmt``, lazily.

    ``raw``: CSV cells as they are (no ``'`` taken off).

    A file that cannot be opened or is not in the format at all is a
    :class:`UsageError`; a row that cannot be read is a :class:`Row` with a
    ``problem``.
    """
    if fmt == "parquet":
        if path == "-":
            raise UsageError("parquet cannot be read from stdin: name the file")
        try:
            yield from _parquet_rows(path)
        except OSError as error:
            raise reading_failure(f"{path}: cannot read ({error})", error) from None
        except ImportError as error:
            raise UsageError(str(error)) from None
        return
    read = {"csv": _csv_rows, "jsonl": _jsonl_rows, "json": _json_rows}[fmt]
    try:
        if path == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
            yield from read(stream, raw)
            return
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield from read(handle, raw)
    except UsageError as error:  # the file's shape: name the file
        raise UsageError(f"{'stdin' if path == '-' else path}: {error}") from None
    except OSError as error:
        raise reading_failure(f"{path}: cannot read ({error.strerror or error})", error) from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 text (byte {error.start})") from None
