"""``scale-query sync OBJECT...``: keep a copy of objects up to date in a warehouse, through dlt.

A thin command over :func:`scale_query.dlt.sync`: DuckDB by default
(``./datamart.duckdb``), one table per object in the dataset ``scale``, merged
by ``id``. Progress is drawn on a terminal only; the summary (records new,
updated and deleted per object, requests made) goes to stdout. A run stopped
in any way, even ``kill -9``, is finished by the next one (docs/sync.md).
"""

from __future__ import annotations

import argparse
import sys

from .._errors import UsageError
from . import _connection

__all__ = ["configure", "run"]

_NAME = "scale-query sync"


def _cursor(text: str) -> tuple[str, str]:
    name, equals, field = text.partition("=")
    if not equals or not name.strip() or not field.strip():
        raise argparse.ArgumentTypeError(f"expected OBJECT=FIELD, not {text!r}")
    return name.strip(), field.strip()


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number, 0 or more, not {text}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``sync`` arguments."""
    parser.add_argument("objects", nargs="+", metavar="OBJECT", help="the objects to copy")
    parser.add_argument(
        "--to",
        metavar="WHERE",
        default="duckdb:datamart.duckdb",
        help="duckdb:PATH, parquet:DIR or a dlt destination name (default duckdb:datamart.duckdb)",
    )
    parser.add_argument(
        "--dataset", default="scale", metavar="NAME", help="the dataset (schema) of the tables"
    )
    parser.add_argument(
        "--cursor",
        type=_cursor,
        action="append",
        metavar="OBJECT=FIELD",
        help="a date/datetime field the writers maintain: read only what moved (repeatable)",
    )
    parser.add_argument(
        "--lag",
        type=_seconds,
        metavar="S",
        help="re-read this many seconds before a cursor's last value (default 600)",
    )
    parser.add_argument("--where", metavar="FILTER", help="copy only the records that match")
    parser.add_argument(
        "--detect-deletes",
        action="store_true",
        help="remove from the tables the records the datamart no longer has",
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="drop the tables and the state, load all"
    )
    parser.add_argument(
        "--pipelines-dir", metavar="DIR", help="dlt's working folder (default: dlt's, ~/.dlt)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    _connection.add_arguments(parser)


def _cause(error: BaseException) -> BaseException:
    """The error under dlt's wrapping (PipelineStepFailed and friends)."""
    seen = {id(error)}
    while True:
        inner = getattr(error, "exception", None) or error.__cause__ or error.__context__
        if inner is None or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner


def run(args: argparse.Namespace) -> int:
    """Sync; 0 on success, 1 when the run failed (the next run finishes it), 130 on Ctrl-C."""
    try:
        from ... import dlt as scale_dlt

        where_to = scale_dlt.destination(args.to)
    except ModuleNotFoundError as error:
        raise UsageError(f"{_NAME}: {error}") from None
    except ValueError as error:
        raise UsageError(f"{_NAME}: --to: {error}") from None
    from ...language import ScaleError
    from ._progress import Progress

    cursors = dict(args.cursor or ())
    connection = None
    try:
        with (
            _connection.connect(args, "sync") as connection,
            Progress("syncing", quiet=args.quiet) as progress,
        ):
            stats = scale_dlt.SyncStats(on_read=lambda _name, count: progress.advance(count))
            summary = scale_dlt.sync(
                args.objects,
                client=connection.client,
                to=where_to,
                dataset=args.dataset,
                cursor=cursors or None,
                where=args.where,
                detect_deletes=args.detect_deletes,
                full_refresh=args.full_refresh,
                pipelines_dir=args.pipelines_dir,
                stats=stats,
                **({} if args.lag is None else {"lag": args.lag}),
            )
    except UsageError:
        raise
    except Exception as error:
        cause = _cause(error)
        if isinstance(cause, KeyboardInterrupt):
            raise cause from None
        if isinstance(cause, (ScaleError, ValueError, TypeError)):
            raise UsageError(f"{_NAME}: {_connection.explain(cause, connection)}") from None
        # A destination's own failure (a locked DuckDB file, credentials): its words.
        sys.stderr.write(f"{_NAME}: {_first_line(cause)}\n")
        return 1
    if not args.quiet:
        sys.stdout.write("".join(f"{line}\n" for line in summary.lines()))
        sys.stdout.write(f"loaded into {where_to} (dataset {args.dataset})\n")
    return 0


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"
