"""``import --rejects FILE``: the rows that are not valid, in the input's format, with why.

Each rejected row is written as it was read, plus two columns:
``rejected.line`` (where it starts in the input) and ``rejected.reason``
(every problem, ``; ``-separated). ``import`` ignores those two columns, so
the file, once fixed, imports as it is.

- CSV: the input's header and cells (a row whose cell count was wrong is
  written with its own cells); a cell starting like a formula gets its ``'``
  back unless ``--raw`` (:func:`~scale_query.cli._writers.neutralise`).
- JSON Lines and JSON: the row's object (a line that is not JSON at all:
  only the two columns).
- Parquet: the rows' values, with the two columns, in one table (needs pyarrow).

>>> import io
>>> from scale_query.cli._readers import Row
>>> out = io.StringIO()
>>> rejects = Rejects(out, "csv")
>>> rejects.add(Row(3, {"id": "0", "Nom": "=x"}, header=("id", "Nom")), ["too long"])
>>> print(out.getvalue(), end="")
id,Nom,rejected.line,rejected.reason
0,'=x,3,too long
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO, TextIO

from ._readers import Row
from ._rowcheck import REJECT_COLUMNS
from ._writers import CsvRows

__all__ = ["Rejects"]


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
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
