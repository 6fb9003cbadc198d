"""Plain-text tables for a terminal: aligned columns, long cells cut with an ellipsis.

No library needed: the tables of ``objects``, ``schema`` and
``export --format table`` print the same in a terminal, a pipe and a log.
A cell's line breaks and tabs show as spaces and its control characters as
their escapes (``\\x1b``: a value or a field name never drives the terminal).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from ...language import for_terminal

__all__ = ["MAX_WIDTH", "TableWriter", "write_table"]

#: Widest a column gets; longer cells end with "…".
MAX_WIDTH = 40


def _shown(text: str) -> str:
    return for_terminal(text.replace("\n", " ").replace("\t", " "))


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class TableWriter:
    """A table written row by row, its column widths taken from the first rows.

    Widths come from the header and the first batch of rows (capped at
    ``MAX_WIDTH``), so a table of any length streams in constant memory.

    >>> import io
    >>> out = io.StringIO()
    >>> table = TableWriter(["id", "Nom"], out)
    >>> table.write_rows([["1", "Dupont"], ["22", "Lefèvre"]])
    >>> print(out.getvalue(), end="")
    id  Nom
    --  -------
    1   Dupont
    22  Lefèvre
    """

    def __init__(self, headers: Sequence[str], out: TextIO, max_width: int = MAX_WIDTH) -> None:
        self.headers = list(headers)
        self.out = out
        self.max_width = max_width
        self.widths: list[int] | None = None

    def _line(self, cells: Sequence[str]) -> str:
        assert self.widths is not None
        return "  ".join(
            _cell(c, w).ljust(w) for c, w in zip(cells, self.widths, strict=True)
        ).rstrip()

    def write_rows(self, rows: Iterable[Sequence[str]]) -> None:
        """Write rows (lists of cell text, one per header)."""
        rows = [[_shown(cell) for cell in row] for row in rows]
        if self.widths is None:
            self.headers = [_shown(header) for header in self.headers]
            self.widths = [
                min(self.max_width, max([len(h), *(len(r[i]) for r in rows)]))
                for i, h in enumerate(self.headers)
            ]
            self.out.write(self._line(self.headers) + "\n")
            self.out.write(self._line(["-" * w for w in self.widths]) + "\n")
        for row in rows:
            self.out.write(self._line(row) + "\n")

    def close(self) -> None:
        """Write the header if no row came."""
        if self.widths is None:
            self.write_rows([])


def write_table(headers: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO) -> None:
    """Write a whole table at once."""
    table = TableWriter(headers, out)
    table.write_rows(rows)
    table.close()
