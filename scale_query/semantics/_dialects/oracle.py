"""Oracle: the empty string is NULL, binary comparisons, POSIX regular expressions.

- ``''`` is NULL in Oracle: the empty text is ``IS NULL``, and no empty
  literal is ever written.
- Comparisons are binary under the default ``NLS_COMP=BINARY`` (code points
  in an ``AL32UTF8`` database).
- Numbers compare as ``NUMBER`` (exact decimals); dates and timestamps are
  written with ``TO_DATE``/``TO_TIMESTAMP`` and an explicit
  format, whatever ``NLS_DATE_FORMAT`` says.
- ``REGEXP_LIKE(text, pattern, 'c')``: POSIX with Perl's ``\\A`` and ``\\z``;
  no lookaround, so a word boundary is refused.
- Named placeholders (``:p1``) and a dict of values, as python-oracledb takes them.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from .._regex import POSIX
from .._schema import FieldKind
from ._base import Rules

__all__ = ["Oracle"]

_ORACLE_POSIX = replace(POSIX, name="Oracle regex", start="\\A", end="\\z")


class Oracle(Rules):
    """Oracle's rules."""

    dialect = "oracle"
    param_style = "named"

    def boolean(self, value: bool) -> exp.Expr:
        one = exp.Literal.number(1)
        return exp.EQ(this=one, expression=exp.Literal.number(1 if value else 0))

    def date_value(self, value: str, kind: FieldKind) -> exp.Expr:
        inner = self._placeholder(value) if self.params else exp.Literal.string(value)
        if kind == "date":
            return exp.Anonymous(this="TO_DATE", expressions=[inner, self.string("YYYY-MM-DD")])
        return exp.Anonymous(
            this="TO_TIMESTAMP", expressions=[inner, self.string("YYYY-MM-DD HH24:MI:SS")]
        )

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        form = "YYYY-MM-DD" if kind == "date" else "YYYY-MM-DD HH24:MI:SS"
        return exp.Anonymous(this="TO_CHAR", expressions=[column, self.string(form)])

    def integer_text(self, column: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="TO_CHAR", expressions=[column])

    def decimal_text(self, column: exp.Expr) -> exp.Expr:
        self.refuse(
            "$like or $regex on a number field",
            "TO_CHAR drops a decimal's trailing zeros (12.5 for the datamart's 12.50)",
        )

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = _ORACLE_POSIX.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.Anonymous(
            this="REGEXP_LIKE", expressions=[text, self.text_value(source), self.string("c")]
        )
