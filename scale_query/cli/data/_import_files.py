"""The files beside an ``import``: the report of each record's fate, and the rejected rows.

- :class:`Report` (``--report FILE``): one row per input record, CSV or JSON
  Lines by the file's suffix: ``line``, ``id``, ``status`` (``ok``,
  ``failed``, ``unknown``, ``not-sent``, ``invalid``), ``created``,
  ``updated``, ``error``; it counts the fates for the summary line.
- :class:`Rejects` (``--rejects FILE``): the rows that are not valid, in the
  input's format, with why.
- :class:`ImportFiles`: both, written beside their targets and put in place
  together at the end.

Each rejected row is written as it was read, plus two columns:
``rejected.line`` (where it starts in the input) and ``rejected.reason``
(every problem, ``; ``-separated). ``import`` ignores those two columns, so
the file, once fixed, imports as it is.

- CSV: the input's header and cells (a row whose cell count was wrong is
  written with its own cells); a cell starting like a formula gets its ``'``
  back unless ``--raw`` (:func:`~scale_query.cli.data._writers.neutralise`).
- JSON Lines and JSON: the row's object (a line that is not JSON at all:
  only the two columns).
- Parquet: the rows' values, with the two columns, in one table (needs pyarrow).

>>> import io
>>> from scale_query.cli.data._readers import Row
>>> out = io.StringIO()
>>> rejects = Rejects(out, "csv")
>>> rejects.add(Row(3, {"id": "0", "Nom": "=x"}, header=("id", "Nom")), ["too long"])
>>> print(out.getvalue(), end="")
id,Nom,rejected.line,rejected.reason
0,'=x,3,too long
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from .._output import Output
from ._formats import format_for
from ._readers import Row
from ._rowcheck import REJECT_COLUMNS
from ._writers import CsvRows

__all__ = ["ImportFiles", "Outcome", "Rejects", "Report", "shown_id"]

#: Problems kept for the closing lines on stderr, before "... and N more".
SHOWN = 50
_REPORT_COLUMNS = ("line", "id", "status", "created", "updated", "error")


def _json_default(value: object) -> Any:
    # A Decimal (its digits exact), a date from Parquet: as text, which import reads alike.
    return str(value)


class Rejects:
    """Rejected rows written to ``out`` (text; Parquet: ``binary``) in format ``fmt``."""

    def __init__(
        self, out: TextIO, fmt: str, *, raw: bool = False, binary: BinaryIO | None = None
    ) -> None:
        self.out = out
        self.fmt = fmt
        self.raw = raw
        self.binary = binary
        self.count = 0
        self._csv = CsvRows(out, raw=raw)
        self._header: tuple[str, ...] | None = None
        self._kept: list[dict[str, Any]] = []  # Parquet: written whole at the end
        if fmt == "json":
            out.write("[")

    def add(self, row: Row, problems: Sequence[str]) -> None:
        """Write one rejected row and why."""
        reason = "; ".join(problems)
        self.count += 1
        if self.fmt == "csv":
            self._add_csv(row, reason)
            return
        item = {**row.values, REJECT_COLUMNS[0]: row.line, REJECT_COLUMNS[1]: reason}
        if self.fmt == "parquet":
            self._kept.append(item)
            return
        text = json.dumps(item, ensure_ascii=False, default=_json_default)
        if self.fmt == "json":
            text = ("\n" if self.count == 1 else ",\n") + text
        else:
            text += "\n"
        self.out.write(text)

    def _add_csv(self, row: Row, reason: str) -> None:
        header = row.header or tuple(row.values)
        if self._header is None:
            self._header = header
            self._csv.writerow([*header, *REJECT_COLUMNS])
        cells = list(row.cells) if row.cells else [str(row.values.get(n, "")) for n in header]
        self._csv.writerow([*cells, row.line, reason])

    def close(self) -> None:
        """End the file (the JSON array's ``]``, the Parquet table)."""
        if self.fmt == "json":
            self.out.write("]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "csv" and self._header is None:
            self._csv.writerow(REJECT_COLUMNS)
        elif self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            assert self.binary is not None
            pq.write_table(pa.Table.from_pylist(self._kept), self.binary)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input record."""

    line: int
    id: str
    status: str  # ok, failed, unknown, not-sent, invalid
    created: bool = False
    updated: bool = False
    error: str = ""


class Report:
    """The per-record report, streamed to a file written beside its target."""

    def __init__(self, output: Output | None) -> None:
        self.output = output
        self.counts: Counter[str] = Counter()
        self.problems: list[Outcome] = []
        self.jsonl = output is not None and format_for(output.name) == "jsonl"
        if output is not None and not self.jsonl:
            from ._writers import CsvRows

            self.csv = CsvRows(output.text)
            self.csv.writerow(_REPORT_COLUMNS)

    def add(self, outcomes: Iterable[Outcome]) -> None:
        import json

        for o in outcomes:
            key = "created" if o.created else "updated" if o.updated else o.status
            self.counts[key if o.status == "ok" else o.status] += 1
            # Invalid rows were shown as they were checked: not a second time.
            if o.status not in ("ok", "invalid") and len(self.problems) < SHOWN:
                self.problems.append(o)
            if self.output is None:
                continue
            if self.jsonl:
                row = {
                    "line": o.line,
                    "id": o.id,
                    "status": o.status,
                    "created": o.created,
                    "updated": o.updated,
                    "error": o.error or None,
                }
                self.output.text.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                flags = ("Y" if o.created else "N", "Y" if o.updated else "N")
                self.csv.writerow([o.line, o.id, o.status, *flags, o.error])
        if self.output is not None:
            self.output.flush()

    @property
    def failed(self) -> int:
        return sum(self.counts[s] for s in ("failed", "unknown", "not-sent", "invalid"))


def shown_id(record: dict[str, Any] | None, row: Row | None = None) -> str:
    """The id sent for a record (empty for a create); an invalid row's id cell as it was."""
    if record is not None:
        return str(record["id"] or "")
    value = row.values.get("id", "") if row is not None else ""
    return "" if value is None else str(value)


class ImportFiles:
    """The report and the rejects file of one run, written beside their targets."""

    def __init__(self, args: argparse.Namespace, fmt: str) -> None:
        self.args = args
        self.fmt = fmt
        self.stack = contextlib.ExitStack()
        self.report = Report(None)
        self.rejects: Rejects | None = None
        self.outputs: list[Output] = []
        self.pending: list[Outcome] = []

    def __enter__(self) -> ImportFiles:
        self.stack.__enter__()
        if self.args.report:
            output = self.stack.enter_context(Output(self.args.report))
            self.outputs.append(output)
            self.report = Report(output)
        if self.args.rejects:
            output = self.stack.enter_context(Output(self.args.rejects))
            self.outputs.append(output)
            binary = output.binary if self.fmt == "parquet" else None
            text = output.text if self.fmt != "parquet" else io.StringIO()
            self.rejects = Rejects(text, self.fmt, raw=self.args.raw, binary=binary)
        return self

    def invalid(self, row: Row, problems: list[str]) -> None:
        """A row that is not valid: to the rejects now, to the report with the next fates."""
        self.pending.append(
            Outcome(row.line, shown_id(None, row), "invalid", error="; ".join(problems))
        )
        if self.rejects is not None:
            self.rejects.add(row, problems)

    def add(self, outcomes: Iterable[Outcome]) -> None:
        """Report fates, with the invalid rows read before them, in the order of the lines."""
        if self.pending:
            outcomes = sorted([*self.pending, *outcomes], key=lambda o: o.line)
            self.pending = []
        self.report.add(outcomes)

    def commit(self) -> None:
        self.add([])
        if self.rejects is not None:
            self.rejects.close()
        for output in self.outputs:
            output.commit()

    def __exit__(self, *exc: Any) -> None:
        self.stack.__exit__(*exc)
