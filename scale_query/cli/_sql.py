"""``scale-query sql``: print a filter as SQL for a warehouse (see docs/warehouse.md).

``scale-query sql 'Nom $like "du*"' --dialect bigquery`` prints the WHERE
condition; ``--table T`` a whole SELECT; ``--schema FILE`` (a saved
``get_object_info`` response, as ``check --schema`` reads) compares numbers
and dates as values; ``--params`` prints ``{"sql": ..., "params": ...}`` as
JSON, every value bound. ``-`` reads the filter from stdin. A filter that does
not parse gets the caret and hint of ``check``; what the dialect cannot
express exactly is a one-line error naming it. Needs the ``sql`` extra.
"""

from __future__ import annotations

import argparse
import json
import sys

from ._discover import read_text
from ._errors import UsageError

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``sql``'s arguments."""
    parser.add_argument("filter", metavar="FILTER", help="the filter, or - to read it from stdin")
    parser.add_argument(
        "--dialect", "-d", default="duckdb", help="sqlglot dialect to write (default duckdb)"
    )
    parser.add_argument(
        "--schema", metavar="FILE", help="the object's metadata (get_object_info JSON)"
    )
    parser.add_argument("--table", metavar="T", help="print SELECT * FROM T WHERE ...")
    parser.add_argument(
        "--params", action="store_true", help='print {"sql", "params"} as JSON, values bound'
    )


def run(args: argparse.Namespace) -> int:
    """Print the SQL; returns the exit code."""
    from ..language._parser import parse
    from ..language._syntax_error import FilterSyntaxError
    from ..semantics._schema import ObjectSchema
    from ..semantics._warehouse import UnsupportedSQL, to_sql

    text = read_text("-") if args.filter == "-" else args.filter
    schema = None
    if args.schema is not None:
        try:
            schema = ObjectSchema.from_file(args.schema)
        except OSError as error:
            raise UsageError(f"{args.schema}: {error.strerror or error}") from None
        except ValueError as error:
            raise UsageError(str(error)) from None
    try:
        expr = parse(text)
    except FilterSyntaxError as error:
        sys.stderr.write(error.format() + "\n")
        return 1
    try:
        if args.params:
            sql, values = to_sql(expr, args.dialect, schema=schema, table=args.table, params=True)
            sys.stdout.write(json.dumps({"sql": sql, "params": values}, ensure_ascii=False))
            sys.stdout.write("\n")
        else:
            sys.stdout.write(to_sql(expr, args.dialect, schema=schema, table=args.table) + "\n")
    except ImportError as error:
        raise UsageError(str(error)) from None
    except UnsupportedSQL as error:
        raise UsageError(f"sql: {error}") from None
    except ValueError as error:  # an unknown field, a value that does not fit its field
        raise UsageError(f"sql: {error}") from None
    return 0
