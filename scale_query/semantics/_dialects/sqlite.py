"""SQLite: ASCII-only LOWER, binary text order, ``REGEXP`` through scale-query's function.

- ``LOWER`` without the ICU extension lowers A-Z only: every other character
  that casefolding changes is replaced explicitly (the ``ascii`` model of
  :mod:`._casefold`).
- Dates and datetimes are stored as ISO text (``yyyy-mm-dd``,
  ``yyyy-mm-dd hh:mm:ss``), which sorts as the dates do; numbers as INTEGER or
  REAL.
- ``x REGEXP p`` calls the application's ``regexp(p, x)``: register
  :func:`scale_query.sqlite_regexp` under that name (the emulator does).
"""

from __future__ import annotations

from sqlglot import exp

from .._schema import FieldKind
from ._base import Rules

__all__ = ["SQLite"]


class SQLite(Rules):
    """SQLite's rules (Python's ``sqlite3``, no ICU)."""

    dialect = "sqlite"
    lower_model = "ascii"
    # SQLite's parser overflows past about 30 nested calls within a condition.
    max_replacements = 20

    def boolean(self, value: bool) -> exp.Expr:
        return exp.Literal.number(1 if value else 0)

    def double_type(self) -> exp.DataType:
        return exp.DataType.build("REAL")

    def date_value(self, value: str, kind: FieldKind) -> exp.Expr:
        return self.text_value(value)

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        return column

    def integer_text(self, column: exp.Expr) -> exp.Expr:
        return exp.cast(column, exp.DataType.build("TEXT"))

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        # The function is scale-query's own: it reads the pattern as written.
        return exp.RegexpLike(this=text, expression=self.text_value(pattern))
