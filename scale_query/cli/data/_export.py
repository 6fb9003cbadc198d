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

from ...language import for_terminal
from .._errors import EXIT_IO, IOFailure, UsageError, whole_number
from . import _connection
from ._formats import format_for
from ._writers import FORMATS

if TYPE_CHECKING:
    from ...client import Query
    from ...semantics import ObjectSchema

__all__ = ["configure", "run"]

_NAME = "scale-query export"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``export`` arguments."""
    parser.add_argument("object", metavar="OBJECT", help="the object to read, e.g. contact")
    parser.add_argument(
        "--where",
        metavar="FILTER",
        help="a filter, e.g. 'Pays $eq \"FR\"', or @FILE: a .filter file holding one filter",
    )
    parser.add_argument(
        "--fields", metavar="A,B,...", help="the fields to export (default: every readable one)"
    )
    parser.add_argument(
        "--sort",
        metavar="KEY,...",
        help="order, e.g. 'Nom,-DateNaissance' (- for descending: --sort -Nom works too)",
    )
    parser.add_argument("--limit", type=whole_number(0), metavar="N", help="at most N records")
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
        "--raw",
        action="store_true",
        help="csv: write cells as they are (default: a ' before a cell starting with = + - @, "
        "so a spreadsheet shows it rather than running it as a formula)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the filter and print the URL of the first request, fetch nothing",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    _connection.add_arguments(parser)


#: Options whose value may start with "-" (``--sort -Nom``): main() joins them as
#: ``--sort=-Nom`` before argparse, which would take ``-Nom`` for an option.
DASH_VALUES = ("--sort",)


def where_text(where: str, object_name: str) -> tuple[str, str]:
    """The filter of ``--where`` and the name its messages give it.

    ``@FILE`` reads a filter file (docs/ci.md's format: comments, continuation
    lines, ``# noqa``) that holds one filter; the text keeps the file's line
    and column numbers, so a mistake is shown at ``FILE:line:column``.
    """
    if not where.startswith("@"):
        return where, "--where"
    from ..check import filter_entries, read_text

    path = where[1:]
    _, entries, _ = filter_entries(read_text(path))
    if len(entries) != 1:
        raise UsageError(
            f"{_NAME}: --where @{path}: the file holds {len(entries)} filters; "
            "export takes one (one filter per file, comments allowed)"
        )
    found = entries[0].filter
    if found.object is not None and found.object != object_name:
        raise UsageError(
            f"{_NAME}: --where @{path}: the filter is for {found.object!r} "
            f"(its '# object:' line), not {object_name!r}"
        )
    lines = [""] * found.last_line
    for segment, part in zip(found.segments, found.text.split("\n"), strict=True):
        lines[segment.line - 1] = part
    return "\n".join(lines), path


def _split(option: str, text: str) -> list[str]:
    # The URL's rule for fields=: an empty name is a mistake, not "every field".
    from ...semantics import excerpt, read_fields

    try:
        return read_fields(text)
    except ValueError:
        raise UsageError(
            f"{_NAME}: {option}: names separated by commas, none empty, not {excerpt(text)}"
        ) from None


def _query(args: argparse.Namespace, where: str | None, source: str) -> Query:
    """The query of the arguments; the filter parsed here, before any connection."""
    from ...client import Query
    from ...language import FilterSyntaxError

    try:
        query = Query(args.object)
        if where is not None:
            query = query.where(where)
        if args.fields is not None:
            query = query.fields(*_split("--fields", args.fields))
        if args.sort is not None:
            query = query.sort_by(*_split("--sort", args.sort))
        if args.limit is not None:
            query = query.limit(args.limit)
    except FilterSyntaxError as error:
        raise UsageError(f"{_NAME}: {error.format(source)}") from None
    except (TypeError, ValueError) as error:
        raise UsageError(f"{_NAME}: {error}") from None
    return query


def check_filter(
    text: str, schema: ObjectSchema, *, quiet: bool = False, source: str = "--where"
) -> None:
    """Check a filter against the object's schema; UsageError (caret and hint) on an error.

    Warnings (not the opt-in personal-data one) go to stderr unless ``quiet``.
    """
    from ...semantics import RULES, validate
    from ..check import Result, render

    lines = text.splitlines() or [""]
    errors, shown = 0, list[str]()
    for d in validate(text, schema=schema):
        if not RULES[d.code].default:  # opt-in rules (personal data) stay off, as in `check`
            continue
        errors += d.severity == "error"
        if d.severity != "error" and quiet:
            continue
        row = lines[(d.line or 1) - 1] if (d.line or 1) <= len(lines) else ""
        shown.append(render(Result(source, d, row)))
    if errors:
        raise UsageError(f"{_NAME}: the filter does not fit {schema.name}:\n" + "\n".join(shown))
    for text_block in shown:
        sys.stderr.write(text_block + "\n")


def check_fields(names: tuple[str, ...], schema: ObjectSchema, option: str) -> None:
    """Every name must be a readable field of the schema (else UsageError naming it)."""
    from ...language import closest
    from ...semantics import excerpt

    for name in names:
        info = schema.get(name)
        if info is None:
            match = closest(name, list(schema))
            hint = f" (did you mean {match!r}?)" if match else ""
            raise UsageError(f"{_NAME}: {option}: {schema.name} has no field {excerpt(name)}{hint}")
        if not info.readable:
            raise UsageError(f"{_NAME}: {option}: field {name!r} is not readable with this token")


def _first_url(query: Query, connection: _connection.Connection) -> str:
    from ...client import DEFAULT_PAGE_SIZE

    size = query.page_size or DEFAULT_PAGE_SIZE
    first = query.page(query.page_number or 1, size=size)
    return first.to_url(connection.client.instance, base_url=connection.client.base_url)


def run(args: argparse.Namespace) -> int:
    """Export; 0 when every record was written, 1 on a failure, 130 on Ctrl-C.

    ``kill`` and a closed terminal stop it as Ctrl-C does (exit status 130).
    """
    from .._signals import stop_like_ctrl_c

    with stop_like_ctrl_c():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    fmt = args.format or format_for(args.output)
    if fmt == "parquet":
        from ...client import INSTALL_HINT

        try:
            import pyarrow  # noqa: F401
        except ModuleNotFoundError:
            raise UsageError(f"{_NAME}: {INSTALL_HINT}") from None
        if args.output is None and sys.stdout.isatty():
            raise UsageError(f"{_NAME}: parquet is binary: write it to a file with -o FILE")
    if args.typed and fmt != "csv":
        raise UsageError(f"{_NAME}: --typed is for csv; {fmt} is always typed")
    if args.raw and fmt != "csv":
        raise UsageError(f"{_NAME}: --raw is for csv; {fmt} writes values as they are")
    where, source = (None, "--where") if args.where is None else where_text(args.where, args.object)
    query = _query(args, where, source)
    from ...client import ScaleError

    connection = None
    try:
        with _connection.connect(args, "export") as connection:
            schema = connection.client.object_info(query.object_name)
            if where is not None:
                check_filter(where, schema, quiet=args.quiet, source=source)
            check_fields(query.selected, schema, "--fields")
            check_fields(tuple(name for name, _ in query.order), schema, "--sort")
            if args.dry_run:
                sys.stdout.write(_first_url(query, connection) + "\n")
                return 0
            return _export(args, fmt, query, schema, connection)
    except ScaleError as error:
        raise _connection.failure(_NAME, error, connection) from None


def _export(
    args: argparse.Namespace,
    fmt: str,
    query: Query,
    schema: ObjectSchema,
    connection: _connection.Connection,
) -> int:
    from ...client import ScaleError, columns_of
    from .._output import Output
    from .._signals import held_stops
    from ._progress import Progress, rate
    from ._writers import make_writer

    columns = columns_of(schema, query.selected)
    total = query.max_records
    written = 0  # records handed to the writer, counted with them (see HeldStop)
    with (
        held_stops() as held,
        Output(args.output) as output,
        Progress(f"exporting {query.object_name}", total=total, quiet=args.quiet) as progress,
    ):
        writer = make_writer(fmt, output, schema, columns, typed=args.typed, raw=args.raw)
        stopped: BaseException | None = None
        try:
            try:
                for page in connection.client.iter_pages(query):
                    with held:
                        writer.write(page)
                        written += len(page)
                    progress.advance(len(page))
            except (KeyboardInterrupt, ScaleError, ValueError) as error:
                stopped = error
            # Whatever happened, the file ends properly: whole records, readable.
            # A second Ctrl-C here waits: the file is ended and put in place first.
            held.hold()
            writer.close()
        except BrokenPipeError:
            raise  # stdout piped into `head`: main() ends quietly
        except OSError as error:
            # A full disk, a file size limit: the temporary file is dropped on the way out.
            raise IOFailure(
                f"{_NAME}: {output.name}: cannot write ({error.strerror or error}); "
                f"stopped after {written:,} records, {output.name} is as it was"
            ) from None
        # Stopped before the first record, the file is dropped instead: an old file
        # stays as it was.
        if stopped is None or written or output.path is None:
            output.commit()
        if held.pending and stopped is None:
            stopped = KeyboardInterrupt()
    if stopped is None:
        progress.summary(f"exported {rate(written, progress.elapsed)} to {output.name}")
        return 0
    why = (
        "interrupted"
        if isinstance(stopped, KeyboardInterrupt)
        else _connection.explain(stopped, connection)
    )
    if output.committed:
        held_text = f"{output.name} holds the {written:,} whole records written before the stop"
    else:
        held_text = f"before the first record; nothing was written; {output.name} is as it was"
    sys.stderr.write(for_terminal(f"{_NAME}: stopped ({why}); {held_text}") + "\n")
    if isinstance(stopped, KeyboardInterrupt):
        return 130
    return EXIT_IO if _connection.is_io_failure(stopped) else 1
