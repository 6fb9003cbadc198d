"""``scale-query sql``: print a filter as SQL for a warehouse (see docs/warehouse.md).

``scale-query sql 'Nom $like "du*"' --dialect bigquery`` prints the WHERE
condition; ``--table T`` a whole SELECT (``db.schema.table`` is split at dots;
a file, such as ``be_optin.parquet``, is one quoted name that DuckDB reads);
``--schema`` (a saved ``get_object_info`` response, or a folder of them as
``check --schema`` takes) compares numbers and dates as values; without it
every field is read as text, and a note on stderr says so. ``--params``
prints ``{"sql": ..., "params": ...}`` as JSON, every value bound. ``-``
reads the filter from stdin.

A filter that does not parse, or names a field the schema lacks, or holds a
value its field cannot hold, is shown as ``check`` shows it (the line, a
caret, the hint: "did you mean ...?") with exit code 1; what the dialect
cannot express exactly, and a usage mistake, is one line with exit code 2.
Every message starts with ``scale-query sql:``. Needs the ``sql`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from ._errors import UsageError
from .check import read_text

if TYPE_CHECKING:
    from ..semantics import ObjectSchema

__all__ = ["configure", "run"]

_NAME = "scale-query sql"
#: The note on stderr when no --schema is given.
NO_SCHEMA = (
    "note: no --schema, so every field is read as text (numbers and dates compare as "
    "text); give --schema for typed columns"
)
# What a file name ends with when --table names a file (DuckDB reads these by name).
_FILE_SUFFIXES = (".parquet", ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".gz", ".zst")
# The findings that to_sql would refuse: shown with their caret before it is asked.
_REFUSED = frozenset({"SQ001", "SQ101", "SQ103", "SQ104", "SQ105", "SQ203"})


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``sql``'s arguments."""
    parser.add_argument("filter", metavar="FILTER", help="the filter, or - to read it from stdin")
    parser.add_argument(
        "--dialect", "-d", default="duckdb", help="sqlglot dialect to write (default duckdb)"
    )
    parser.add_argument(
        "--schema",
        metavar="[OBJECT=]PATH",
        help="the object's metadata (get_object_info JSON), or a folder of OBJECT.json files; "
        "without it every field is text",
    )
    parser.add_argument(
        "--table",
        metavar="T",
        help="print SELECT * FROM T WHERE ...: db.schema.table (split at dots), "
        "or a file such as be_optin.parquet (one quoted name)",
    )
    parser.add_argument(
        "--params", action="store_true", help='print {"sql", "params"} as JSON, values bound'
    )


def table_name(value: str) -> str | tuple[str, ...]:
    """``--table``'s value as ``to_sql`` takes it: a file is one name, else split at dots.

    >>> table_name("proj.crm.contact"), table_name("exports/be_optin.parquet")
    ('proj.crm.contact', ('exports/be_optin.parquet',))
    """
    is_file = (
        os.path.isfile(value)
        or os.sep in value
        or "/" in value
        or value.lower().endswith(_FILE_SUFFIXES)
    )
    return (value,) if is_file else value


def _object_of(table: str | tuple[str, ...] | None) -> str | None:
    """The object a table is most likely named after: its last part, or a file's stem."""
    if table is None:
        return None
    if isinstance(table, tuple):
        return os.path.basename(table[0]).split(".")[0] or None
    return table.split(".")[-1] or None


def _schema(value: str, table: str | tuple[str, ...] | None) -> ObjectSchema:
    from .check import load_schemas

    try:
        schemas = load_schemas([value])
    except UsageError as error:
        raise UsageError(f"{_NAME}: --schema: {error}") from None
    if len(schemas.by_object) == 1:
        return next(iter(schemas.by_object.values()))
    obj = _object_of(table)
    names = sorted(schemas.by_object)
    if not names:
        raise UsageError(f"{_NAME}: --schema {value}: no OBJECT.json file in it")
    found = schemas.pick(obj) if obj is not None else None
    if found is None:
        raise UsageError(
            f"{_NAME}: --schema {value} holds {len(names)} objects ({', '.join(names[:5])}"
            f"{', ...' if len(names) > 5 else ''}): name one with --table OBJECT "
            "or --schema OBJECT=PATH/OBJECT.json"
        )
    return found


def _refusals(text: str, schema: ObjectSchema | None) -> list[str]:
    """The filter's errors that to_sql would refuse, each shown with its line and caret."""
    from ..semantics import validate
    from .check import Result, render

    rows = text.split("\n")
    shown = []
    for d in validate(text, schema=schema):
        if d.code in _REFUSED and d.severity == "error":
            line = d.line or 1
            row = rows[line - 1].removesuffix("\r") if line <= len(rows) else ""
            shown.append(render(Result("filter", d, row)))
    return shown


def run(args: argparse.Namespace) -> int:
    """Print the SQL; returns the exit code."""
    from ..semantics import UnsupportedSQL, to_sql

    text = read_text("-") if args.filter == "-" else args.filter
    table = None if args.table is None else table_name(args.table)
    schema = None if args.schema is None else _schema(args.schema, table)
    refused = _refusals(text, schema)
    if refused:
        sys.stderr.write("".join(f"{_NAME}: {block}\n" for block in refused))
        return 1
    try:
        if args.params:
            sql, values = to_sql(text, args.dialect, schema=schema, table=table, params=True)
            sys.stdout.write(json.dumps({"sql": sql, "params": values}, ensure_ascii=False))
            sys.stdout.write("\n")
        else:
            sys.stdout.write(to_sql(text, args.dialect, schema=schema, table=table) + "\n")
    except ImportError as error:
        raise UsageError(f"{_NAME}: {error}") from None
    except UnsupportedSQL as error:
        raise UsageError(f"{_NAME}: {error}") from None
    except ValueError as error:  # what validate does not see (a table name with empty parts)
        raise UsageError(f"{_NAME}: {error}") from None
    if schema is None:
        sys.stdout.flush()  # the SQL first, then the note, where both go to one terminal
        sys.stderr.write(f"{_NAME}: {NO_SCHEMA}\n")
    return 0
