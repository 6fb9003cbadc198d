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

from sqlglot import exp

from .._regex import RE2
from .._schema import FieldKind
from ._base import LIKE_ESCAPE, Rules

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
