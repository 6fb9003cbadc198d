"""``scale-query import OBJECT FILE`` (alias ``put``): create and update records from a file.

Two passes over the file: the first checks every row against the object's
metadata and sends nothing (``--dry-run`` stops there); the second sends the
rows in batches of ``--batch-size``. A file with rows that are not valid is
refused whole, unless ``--skip-invalid``: then the valid rows are sent and
the others written, with their line and reason, to ``--rejects FILE`` (in the
input's format). Each record's fate goes to the report (``--report FILE``,
CSV or JSON Lines by its suffix), on every path (a refused file, a dry run,
a failure, an interruption):

- ``invalid``: not valid against the metadata (``error`` says why), never sent;
- ``ok``: written (``created`` or ``updated`` says which);
- ``failed``: the server refused this record (``error`` says why);
- ``unknown``: its batch reached the server but the answer was lost (a 500,
  a timeout): it may or may not have been written;
- ``not-sent``: never applied (its batch was refused whole, or the import
  stopped before it).

A failed batch stops the import. Nothing is ever sent twice: the client
retries a write only when the server cannot have applied it, and a batch of
unknown fate is not sent again. Exit 0 when every record is ``ok``, 1
otherwise, 3 when the network or a file failed, 130 on Ctrl-C (the report is
written in every case). The summary counts each fate on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ...language import for_terminal
from .._errors import EXIT_IO, IOFailure, UsageError, whole_number
from . import _connection
from ._formats import format_for
from ._import_files import ImportFiles, Outcome, Report, shown_id
from ._readers import INPUT_FORMATS, Row, read_rows

if TYPE_CHECKING:
    from ._rowcheck import RowChecker

__all__ = ["configure", "run"]

_NAME = "scale-query import"
#: Problems shown before "... and N more".
_SHOWN = 50
# An input row, the record made of it (None when it is not valid) and its problems.
_Item = tuple[Row, "dict[str, Any] | None", list[str]]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``import`` arguments."""
    parser.add_argument("object", metavar="OBJECT", help="the object to write, e.g. contact")
    parser.add_argument("file", metavar="FILE", help="csv, jsonl, json or parquet; - for stdin")
    parser.add_argument(
        "--format", choices=INPUT_FORMATS, help="input format (default: from the suffix, else csv)"
    )
    parser.add_argument(
        "--batch-size",
        type=whole_number(1, 10_000),
        default=500,
        metavar="N",
        help="records per request (default 500)",
    )
    parser.add_argument(
        "--report", metavar="FILE", help="each record's fate, as CSV or JSON Lines (.jsonl)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check every record, then stop: nothing is sent"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="send the valid records and skip the others (default: refuse the whole file)",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="write the records that are not valid here, in the input's format, with "
        "rejected.line and rejected.reason",
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        help="csv: read cells as they are (default: take off the ' that export puts before "
        "a cell starting with = + - @)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    _connection.add_arguments(parser)


def _checked(rows: Iterable[Row], check: RowChecker) -> Iterator[_Item]:
    for row in rows:
        record, problems = check(row)
        yield row, record, problems


def run(args: argparse.Namespace) -> int:
    """Check, then write the records; the exit code says whether all went through.

    ``kill`` and a closed terminal stop it as Ctrl-C does (exit status 130).
    """
    from .._signals import stop_like_ctrl_c

    with stop_like_ctrl_c():
        return _run(args)


def _source(args: argparse.Namespace) -> str:
    return "stdin" if args.file == "-" else str(args.file)


def _run(args: argparse.Namespace) -> int:
    from ...client import ScaleError
    from ._rowcheck import RowChecker

    fmt = args.format or format_for(args.file)
    for option, path in (("--report", args.report), ("--rejects", args.rejects)):
        if path and args.file != "-" and _same_file(path, args.file):
            # The file would replace the input once written: the user's data gone.
            raise UsageError(f"{_NAME}: {option} {path} is the input file; name another")
    if args.report and args.rejects and args.report == args.rejects:
        raise UsageError(f"{_NAME}: --report and --rejects name one file; name two")
    if args.rejects == "-" or args.report == "-":
        raise UsageError(f"{_NAME}: --report and --rejects are files; name one")
    connection = None
    try:
        with _connection.connect(args, "import") as connection:
            schema = connection.client.object_info(args.object)
            check = RowChecker(schema, args.object)
            # stdin cannot be read twice: its rows are kept for the second pass.
            kept = list(read_rows("-", fmt, raw=args.raw)) if args.file == "-" else None

            def rows() -> Iterable[Row]:
                return kept if kept is not None else read_rows(args.file, fmt, raw=args.raw)

            try:
                bad, kinds = _validate_rows(args, rows(), check)
            except UsageError as error:  # a file not in its format: refused, reported
                if kept is None and not isinstance(error, IOFailure):
                    why = f"not sent: the file was refused ({error})"
                    _unsent(args, fmt, _checked(_until_error(rows()), check), why)
                raise
            valid = sum(kinds.values())
            if bad and not args.skip_invalid:
                sys.stderr.write(
                    f"{_NAME}: {bad:,} of {bad + valid:,} records are not valid; "
                    "nothing was sent (--skip-invalid sends the valid ones)\n"
                )
                _unsent(args, fmt, _checked(rows(), check), "not sent: the file was refused")
                return 1
            if args.dry_run:
                if not args.quiet:
                    skipped = f"; {bad:,} not valid, to skip" if bad else ""
                    sys.stderr.write(
                        f"{_NAME}: {'all ' if not bad else ''}{valid:,} records are valid "
                        f"({kinds['create']:,} to create, {kinds['update']:,} to update){skipped}; "
                        "nothing sent (--dry-run)\n"
                    )
                _unsent(args, fmt, _checked(rows(), check), "not sent: --dry-run")
                return 1 if bad else 0
            return _write(args, fmt, connection, _checked(rows(), check), valid + bad)
    except ScaleError as error:
        raise _connection.failure(_NAME, error, connection) from None
    except ValueError as error:  # a bad object name, refused before any request
        raise UsageError(f"{_NAME}: {error}") from None


def _until_error(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows up to where the file stops being readable."""
    with contextlib.suppress(UsageError):
        yield from rows


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (through links too); False when one is missing."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _validate_rows(
    args: argparse.Namespace, rows: Iterable[Row], check: RowChecker
) -> tuple[int, Counter[str]]:
    shown, bad = 0, 0
    kinds: Counter[str] = Counter()
    source = _source(args)
    for row, record, problems in _checked(rows, check):
        if record is not None:
            kinds["update" if record["id"] else "create"] += 1
            continue
        bad += 1
        for problem in problems:
            if shown < _SHOWN:
                sys.stderr.write(for_terminal(f"{source}:{row.line}: {problem}") + "\n")
            shown += 1
    if shown > _SHOWN:
        sys.stderr.write(f"... and {shown - _SHOWN:,} more problems\n")
    return bad, kinds


def _batches(checked: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    for item in checked:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _not_sent(batch: Iterable[_Item], why: str) -> list[Outcome]:
    return [Outcome(row.line, shown_id(record), "not-sent", error=why) for row, record, _ in batch]


def _unsent(args: argparse.Namespace, fmt: str, checked: Iterable[_Item], why: str) -> None:
    """The report and rejects of a run that sends nothing (a refused file, a dry run)."""
    if not (args.report or args.rejects):
        return
    try:
        with ImportFiles(args, fmt) as files:
            for row, record, problems in checked:
                if record is None:
                    files.invalid(row, problems)
                else:
                    files.add([Outcome(row.line, shown_id(record), "not-sent", error=why)])
            files.commit()
    except BrokenPipeError:
        raise
    except OSError as error:
        name = error.filename or args.report or args.rejects
        raise IOFailure(f"{_NAME}: {name}: cannot write ({error.strerror or error})") from None


def _write(
    args: argparse.Namespace,
    fmt: str,
    connection: _connection.Connection,
    checked: Iterable[_Item],
    total: int,
) -> int:
    from ...client import PartialWriteError, ScaleError
    from .._signals import held_stops
    from ._progress import Progress

    client = connection.client
    stopped: str | None = None
    io_failure = False
    interrupted = False
    sent_through = 0  # the last input line of the last batch sent
    skip = args.skip_invalid

    def valid_only(items: Iterable[_Item]) -> Iterator[_Item]:
        for item in items:
            if item[1] is None and skip:
                with held:
                    files.invalid(item[0], item[2])
            else:
                yield item

    def add(outcomes: Iterable[Outcome]) -> None:
        # A batch's fates are recorded whole: a stop waits for the last of them
        # (see HeldStop), so no record the server took goes missing from the report.
        with held:
            files.add(outcomes)

    try:
        with held_stops() as held, ImportFiles(args, fmt) as files:
            report = files.report
            with Progress(f"importing {args.object}", total=total, quiet=args.quiet) as progress:
                batches = _batches(valid_only(checked), args.batch_size)
                try:
                    for batch in batches:
                        if stopped is not None:
                            add(_not_sent(batch, stopped))
                            continue
                        lines = [row for row, record, _ in batch if record is None]
                        if lines:  # the file changed since it was checked
                            stopped = f"line {lines[0].line} changed after it was checked"
                            add(_not_sent(batch, stopped))
                            continue
                        payloads = [record for _, record, _ in batch if record is not None]
                        sent_through = batch[-1][0].line
                        try:
                            results = client.put(args.object, payloads, batch_size=len(payloads))
                        except PartialWriteError as error:
                            why = _connection.explain(error.cause, connection)
                            io_failure = _connection.is_io_failure(error.cause)
                            unknown = set(error.unknown)
                            add(
                                Outcome(
                                    row.line,
                                    shown_id(record),
                                    "unknown" if i in unknown else "not-sent",
                                    error=why,
                                )
                                for i, (row, record, _) in enumerate(batch)
                            )
                            stopped = (
                                f"not sent: the import stopped at line {batch[0][0].line} ({why})"
                            )
                        except KeyboardInterrupt:
                            interrupted = True
                            stopped = "not sent: interrupted"
                            add(
                                Outcome(
                                    row.line,
                                    shown_id(record),
                                    "unknown",
                                    error="interrupted in flight",
                                )
                                for row, record, _ in batch
                            )
                        except ScaleError as error:
                            stopped = _connection.explain(error, connection)
                            io_failure = _connection.is_io_failure(error)
                            add(_not_sent(batch, stopped))
                        else:
                            add(
                                Outcome(
                                    row.line,
                                    result.id,
                                    "ok" if result.ok else "failed",
                                    result.created,
                                    result.updated,
                                    "" if result.ok else (result.error or result.status),
                                )
                                for (row, _, _), result in zip(batch, results, strict=True)
                            )
                        progress.advance(len(batch))
                except KeyboardInterrupt:
                    # Between two batches (reading the file, drawing progress): the batch
                    # in hand was reported; the rest is read only to be reported not sent.
                    interrupted = True
                    stopped = "not sent: interrupted"
                    held.hold()  # a second Ctrl-C waits for the report
                    for batch in batches:
                        add(_not_sent(batch, stopped))
            # The report and the rejects file are ended and put in place before a stop.
            held.hold()
            files.commit()
            interrupted = interrupted or held.pending
    except BrokenPipeError:
        raise
    except (OSError, IOFailure) as error:
        # The report cannot be written (a full disk): stop rather than go on blind.
        name = str(args.report or args.rejects)
        if isinstance(error, OSError):
            reason = f"cannot write ({error.strerror or error})"
        else:  # the writer's own message: "<name>: cannot write (...)"
            reason = str(error).removeprefix(f"{name}: ")
        raise IOFailure(
            f"{_NAME}: {name}: {reason}; the import stopped; the records up to line "
            f"{sent_through} may have been written"
        ) from None
    _summary(args, report, progress.elapsed)
    if interrupted:
        return 130
    if io_failure:
        return EXIT_IO
    return 1 if report.failed else 0


def _summary(args: argparse.Namespace, report: Report, seconds: float) -> None:
    """One line that counts each fate on its own, then the first problems."""
    counts = report.counts
    ok = counts["created"] + counts["updated"]
    parts = [f"{counts['created']:,} created", f"{counts['updated']:,} updated"]
    parts += [
        f"{counts[s]:,} {s}" for s in ("failed", "unknown", "not-sent", "invalid") if counts[s]
    ]
    handled = sum(counts.values())
    if not args.quiet:
        sys.stderr.write(
            f"{_NAME}: {ok:,} of {handled:,} records written in {seconds:.1f} s: "
            f"{', '.join(parts)}\n"
        )
    not_ok = report.failed - counts["invalid"]
    if not_ok and not args.quiet:
        source = _source(args)
        for o in report.problems:
            sys.stderr.write(for_terminal(f"{source}:{o.line}: {o.status}: {o.error}") + "\n")
        if not_ok > len(report.problems):
            sys.stderr.write(f"... and {not_ok - len(report.problems):,} more\n")
