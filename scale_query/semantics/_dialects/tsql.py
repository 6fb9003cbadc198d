"""T-SQL (SQL Server, Azure SQL): binary collation, no trailing-space padding.

- Every text value is an ``N'...'`` literal (Unicode), and the column is read
  under ``Latin1_General_100_BIN2`` before anything else, so REPLACE, LIKE and
  ``=`` compare code points, not the database's case- and accent-insensitive
  collation.
- ``=``, ``<>`` and ``IN`` ignore trailing spaces in T-SQL (``'a' = 'a '``):
  both sides get a final ``'.'`` so spaces count.
- An ordering of text (``$gt`` ...) is refused: T-SQL orders UTF-16 code
  units, which differs from code point order past U+FFFF.
- LIKE's ``[`` is a wildcard too, so it is escaped.
- ``$regex``: ``REGEXP_LIKE(text, pattern, 'i')``, the RE2 engine of SQL
  Server 2025 and Azure SQL (earlier versions have no regular expressions).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._schema import FieldKind
from ._base import LIKE_ESCAPE, Rules
from ._casefold import Mode
from ._regex_write import RE2

__all__ = ["TSQL"]

_BINARY = exp.var("Latin1_General_100_BIN2")
_END = "."


class TSQL(Rules):
    """T-SQL's rules (pyodbc's ``?`` placeholders)."""

    dialect = "tsql"
    like_specials = "%_[" + LIKE_ESCAPE

    def string(self, text: str) -> exp.Expr:
        return exp.National(this=text)

    def text_value(self, text: str) -> exp.Expr:
        return self._placeholder(text) if self.params else exp.National(this=text)

    def boolean(self, value: bool) -> exp.Expr:
        one = exp.Literal.number(1)
        return exp.EQ(this=one, expression=exp.Literal.number(1 if value else 0))

    def fold(self, column: exp.Expr, literal: str, mode: Mode) -> exp.Expr:
        if mode == "order":
            self.refuse(
                f"an ordering ($gt, $gte, $lt, $lte) of {column.sql('tsql')}",
                "T-SQL orders text by UTF-16 code units, not by code points past U+FFFF",
            )
        return super().fold(exp.Collate(this=column, expression=_BINARY.copy()), literal, mode)

    def _padded(self, text: exp.Expr) -> exp.Expr:
        return exp.DPipe(this=text, expression=exp.National(this=_END))

    def compare_text(self, folded: exp.Expr, op: str, value: exp.Expr) -> exp.Expr:
        return super().compare_text(self._padded(folded), op, self._padded(value))

    def member_text(self, folded: exp.Expr, values: Sequence[exp.Expr], negated: bool) -> exp.Expr:
        padded = [self._padded(value) for value in values]
        return super().member_text(self._padded(folded), padded, negated)

    def is_empty(self, column: exp.Expr) -> exp.Expr:
        length = exp.Anonymous(this="DATALENGTH", expressions=[column.copy()])
        return exp.or_(
            exp.Is(this=column.copy(), expression=exp.Null()),
            exp.EQ(this=length, expression=exp.Literal.number(0)),
        )

    def is_not_empty(self, column: exp.Expr) -> exp.Expr:
        length = exp.Anonymous(this="DATALENGTH", expressions=[column.copy()])
        return exp.and_(
            exp.Is(this=column.copy(), expression=exp.Not(this=exp.Null())),
            exp.GT(this=length, expression=exp.Literal.number(0)),
        )

    def double_type(self) -> exp.DataType:
        return exp.DataType.build("FLOAT", dialect="tsql")

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        # ODBC canonical styles: 23 is yyyy-mm-dd, 120 yyyy-mm-dd hh:mi:ss.
        size, style = (10, 23) if kind == "date" else (19, 120)
        return exp.Anonymous(
            this="CONVERT",
            expressions=[
                exp.DataType.build(f"VARCHAR({size})", dialect="tsql"),
                column,
                exp.Literal.number(style),
            ],
        )

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = RE2.render(pattern, self)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("i"))
