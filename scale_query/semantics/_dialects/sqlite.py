"""SQLite: no collation of the profile, ``REGEXP`` through scale-query's function.

- A stock connection has only binary text comparisons: text comparisons and
  ``$like`` on text are refused (the emulator stores collation keys instead).
- Numbers: no exact decimals; an integer literal compares exactly with
  INTEGER (and REAL) columns, any other number literal is refused.
- Dates and datetimes are stored as ISO text (``yyyy-mm-dd``,
  ``yyyy-mm-dd hh:mm:ss``), which sorts as the dates do; numbers as INTEGER or
  REAL.
- ``x REGEXP p`` calls the application's ``regexp(p, x)``: register
  :func:`scale_query.sqlite_regexp` under that name (the emulator does).
"""

from __future__ import annotations

from decimal import Decimal

from sqlglot import exp

from .._schema import FieldKind
from ._base import Rules

__all__ = ["SQLite"]


class SQLite(Rules):
    """SQLite's rules (Python's ``sqlite3``, no ICU)."""

    dialect = "sqlite"

    def boolean(self, value: bool) -> exp.Expr:
        return exp.Literal.number(1 if value else 0)

    def number_value(self, literal: str) -> exp.Expr:
        number = Decimal(literal)
        if number != number.to_integral_value() or abs(number) >= 2**63:
            self.refuse(
                f"the number {literal}",
                "SQLite has no exact decimals: only whole numbers in the 64-bit range "
                "compare exactly",
            )
        # sqlite3 binds no Decimal, and 12.0 would be a REAL: the whole number as an integer.
        whole = int(number)
        return self._placeholder(whole) if self.params else exp.Literal.number(str(whole))

    def date_as_datetime(self, column: exp.Expr) -> exp.Expr:
        return exp.DPipe(this=column, expression=self.string(" 00:00:00"))

    def date_value(self, value: str, kind: FieldKind) -> exp.Expr:
        return self.text_value(value)

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        return column

    def integer_text(self, column: exp.Expr) -> exp.Expr:
        return exp.cast(column, exp.DataType.build("TEXT"))

    def decimal_text(self, column: exp.Expr) -> exp.Expr:
        self.refuse(
            "$like or $regex on a number field",
            "SQLite keeps no decimal scale (12.5 is written '12.5', the datamart's '12.50')",
        )

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        # The function is scale-query's own: it reads the pattern as written.
        return exp.RegexpLike(this=text, expression=self.text_value(pattern))
