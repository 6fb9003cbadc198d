"""BigQuery: Unicode LOWER, RE2 regular expressions, no ESCAPE clause.

- ``LIKE`` takes no ``ESCAPE`` clause: a backslash escapes ``%``, ``_`` and
  itself, as written here.
- ``REGEXP_CONTAINS(text, '(?i)' || pattern)`` runs RE2 as scale-query does.
- Datetimes are ``DATETIME`` (no time zone); dates read back with
  ``FORMAT_DATE('%E4Y-%m-%d', ...)`` (four-digit years).
- Columns without a collation specification (the default): comparisons are
  by code point.
"""

from __future__ import annotations

from sqlglot import exp

from .._regex import RE2
from .._schema import FieldKind
from ._base import Rules

__all__ = ["BigQuery"]


class BigQuery(Rules):
    """BigQuery's rules (positional ``?`` query parameters)."""

    dialect = "bigquery"
    like_escape_clause = False

    def date_value(self, value: str, kind: FieldKind) -> exp.Expr:
        inner = self._placeholder(value) if self.params else exp.Literal.string(value)
        return exp.cast(inner, exp.DataType.build("DATE" if kind == "date" else "DATETIME"))

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        if kind == "date":
            return exp.Anonymous(
                this="FORMAT_DATE", expressions=[self.string("%E4Y-%m-%d"), column]
            )
        return exp.Anonymous(
            this="FORMAT_DATETIME", expressions=[self.string("%E4Y-%m-%d %H:%M:%S"), column]
        )

    def decimal_text(self, column: exp.Expr) -> exp.Expr:
        self.refuse(
            "$like or $regex on a number field",
            "CAST(... AS STRING) drops a decimal's trailing zeros (12.5 for the datamart's 12.50)",
        )

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = RE2.render(pattern, self)
        return exp.RegexpLike(this=text, expression=self.text_value("(?i)" + source))
