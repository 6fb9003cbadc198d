"""``scale-query export OBJECT`` (alias ``get``): the records of an object, streamed to a file.

The filter is parsed before anything is sent and checked against the
object's metadata before any record is asked for (a mistake shows the caret
and the hint, and no ``get_objects`` request goes out). Pages are written as
they arrive; ``-o FILE`` is written beside the target and renamed into place,
and an interrupted export leaves a readable file of whole records.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import _connection
from ._errors import UsageError
from ._formats import format_for
from ._writers import FORMATS

if TYPE_CHECKING:
    from ..client._query import Query
    from ..semantics._schema import ObjectSchema

__all__ = ["configure", "run"]

_NAME = "scale-query export"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``export`` arguments."""
    parser.add_argument("object", metavar="OBJECT", help="the object to read, e.g. contact")
    parser.add_argument("--where", metavar="FILTER", help="a filter, e.g. 'Pays $eq \"FR\"'")
    parser.add_argument(
        "--fields", metavar="A,B,...", help="the fields to export (default: every readable one)"
    )
    parser.add_argument(
        "--sort", metavar="KEY,...", help="order, e.g. 'Nom,-DateNaissance' (- for descending)"
    )
    parser.add_argument("--limit", type=_positive, metavar="N", help="at most N records")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o suffix, else csv)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--typed",
        action="store_true",
        help="csv: write values in canonical form by field type (default: the API's text)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the filter and print the URL of the first request, fetch nothing",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    _connection.add_arguments(parser)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _query(args: argparse.Namespace) -> Query:
    """The query of the arguments; the filter parsed here, before any connection."""
    from ..client._query import Query
    from ..language._syntax_error import FilterSyntaxError

    try:
        query = Query(args.object)
        if args.where is not None:
            query = query.where(args.where)
        if args.fields:
            query = query.fields(*_split(args.fields))
        if args.sort:
            query = query.sort_by(*_split(args.sort))
        if args.limit is not None:
            query = query.limit(args.limit)
    except FilterSyntaxError as error:
        raise UsageError(f"{_NAME}: {error.format('--where')}") from None
    except (TypeError, ValueError) as error:
        raise UsageError(f"{_NAME}: {error}") from None
    return query


def check_filter(text: str, schema: ObjectSchema, *, quiet: bool = False) -> None:
    """Check a filter against the object's schema; UsageError (caret and hint) on an error.

    Warnings (not the opt-in personal-data one) go to stderr unless ``quiet``.
    """
    from ..language._syntax_error import excerpt
    from ..semantics._rules import RULES
    from ..semantics._validate import validate

    lines = text.splitlines() or [""]
    errors, shown = 0, list[str]()
    for d in validate(text, schema=schema):
        if not RULES[d.code].default:  # opt-in rules (personal data) stay off, as in `check`
            continue
        errors += d.severity == "error"
        if d.severity != "error" and quiet:
            continue
        row = lines[(d.line or 1) - 1] if (d.line or 1) <= len(lines) else ""
        start = (d.column or 1) - 1
        same_line = d.end_line == d.line and d.end_column is not None
        shown_row, caret = excerpt(row, start, (d.end_column or 0) - 1 - start if same_line else 1)
        parts = [f"--where:{d.line or 1}:{d.column or 1}: {d.code} {d.message}"]
        parts += ["  " + shown_row, "  " + caret]
        if d.hint:
            parts.append(f"  hint: {d.hint}")
        shown.append("\n".join(parts))
    if errors:
        raise UsageError(f"{_NAME}: the filter does not fit {schema.name}:\n" + "\n".join(shown))
    for text_block in shown:
        sys.stderr.write(text_block + "\n")


def check_fields(names: tuple[str, ...], schema: ObjectSchema, option: str) -> None:
    """Every name must be a readable field of the schema (else UsageError naming it)."""
    from ..language._suggest import closest

    for name in names:
        info = schema.get(name)
        if info is None:
            match = closest(name, list(schema))
            hint = f" (did you mean {match!r}?)" if match else ""
            raise UsageError(f"{_NAME}: {option}: {schema.name} has no field {name!r}{hint}")
        if not info.readable:
            raise UsageError(f"{_NAME}: {option}: field {name!r} is not readable with this token")


def _first_url(query: Query, connection: _connection.Connection) -> str:
    from ..client._protocol import DEFAULT_PAGE_SIZE

    size = query.page_size or DEFAULT_PAGE_SIZE
    first = query.page(query.page_number or 1, size=size)
    return first.to_url(connection.client.instance, base_url=connection.client.base_url)


def run(args: argparse.Namespace) -> int:
    """Export; 0 when every record was written, 1 on a failure, 130 on Ctrl-C.

    ``kill`` and a closed terminal stop it as Ctrl-C does (exit status 130).
    """
    from ._signals import stop_like_ctrl_c

    with stop_like_ctrl_c():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    fmt = args.format or format_for(args.output)
    if fmt == "parquet":
        from ..client._arrow import INSTALL_HINT

        try:
            import pyarrow  # noqa: F401
        except ModuleNotFoundError:
            raise UsageError(f"{_NAME}: {INSTALL_HINT}") from None
        if args.output is None and sys.stdout.isatty():
            raise UsageError(f"{_NAME}: parquet is binary: write it to a file with -o FILE")
    if args.typed and fmt != "csv":
        raise UsageError(f"{_NAME}: --typed is for csv; {fmt} is always typed")
    query = _query(args)
    from ..client._exceptions import ScaleError

    connection = None
    try:
        with _connection.connect(args, "export") as connection:
            schema = connection.client.object_info(query.object_name)
            if args.where is not None:
                check_filter(args.where, schema, quiet=args.quiet)
            check_fields(query.selected, schema, "--fields")
            check_fields(tuple(name for name, _ in query.order), schema, "--sort")
            if args.dry_run:
                sys.stdout.write(_first_url(query, connection) + "\n")
                return 0
            return _export(args, fmt, query, schema, connection)
    except ScaleError as error:
        raise UsageError(f"{_NAME}: {_connection.explain(error, connection)}") from None


def _export(
    args: argparse.Namespace,
    fmt: str,
    query: Query,
    schema: ObjectSchema,
    connection: _connection.Connection,
) -> int:
    from ..client._arrow import columns_of
    from ..client._exceptions import ScaleError
    from ._output import Output
    from ._progress import Progress, rate
    from ._writers import make_writer

    columns = columns_of(schema, query.selected)
    total = query.max_records
    with (
        Output(args.output) as output,
        Progress(f"exporting {query.object_name}", total=total, quiet=args.quiet) as progress,
    ):
        writer = make_writer(fmt, output, schema, columns, typed=args.typed)
        stopped: BaseException | None = None
        try:
            try:
                for page in connection.client.iter_pages(query):
                    writer.write(page)
                    progress.advance(len(page))
            except (KeyboardInterrupt, ScaleError, ValueError) as error:
                stopped = error
            # Whatever happened, the file ends properly: whole records, readable. Stopped
            # before the first record, it is dropped instead: an old file stays as it was.
            writer.close()
        except BrokenPipeError:
            raise  # stdout piped into `head`: main() ends quietly
        except OSError as error:
            # A full disk, a file size limit: the temporary file is dropped on the way out.
            raise UsageError(
                f"{_NAME}: {output.name}: cannot write ({error.strerror or error}); "
                f"stopped after {progress.count:,} records, {output.name} is as it was"
            ) from None
        if stopped is None or progress.count or output.path is None:
            output.commit()
    if stopped is None:
        progress.summary(f"exported {rate(progress.count, progress.elapsed)} to {output.name}")
        return 0
    why = (
        "interrupted"
        if isinstance(stopped, KeyboardInterrupt)
        else _connection.explain(stopped, connection)
    )
    if output.committed:
        held = f"{output.name} holds the {progress.count:,} whole records written before the stop"
    else:
        held = f"before the first record; nothing was written; {output.name} is as it was"
    sys.stderr.write(f"{_NAME}: stopped ({why}); {held}\n")
    return 130 if isinstance(stopped, KeyboardInterrupt) else 1
