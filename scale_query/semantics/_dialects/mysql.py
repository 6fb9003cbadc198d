"""MySQL 8: comparisons under ``utf8mb4_0900_bin``, ICU regular expressions.

- MySQL's default collations ignore accents and case (``utf8mb4_0900_ai_ci``)
  and older ones ignore trailing spaces: every text comparison is made under
  ``utf8mb4_0900_bin`` (code points, NO PAD). Columns are ``utf8mb4``.
- ``REGEXP_LIKE(text, pattern, 'c')``: ICU, case-sensitive, the pattern
  spelling out case variants.
- Dates and datetimes read back as text with ``CAST(... AS CHAR)``, always ISO.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._schema import FieldKind
from ._base import Rules, is_null
from ._regex_write import ICU

__all__ = ["MySQL"]

_BINARY = exp.var("utf8mb4_0900_bin")


class MySQL(Rules):
    """MySQL's rules (PyMySQL's ``%s`` placeholders)."""

    dialect = "mysql"
    param_style = "format"

    def _binary(self, text: exp.Expr) -> exp.Expr:
        return exp.Collate(this=text, expression=_BINARY.copy())

    def compare_text(self, folded: exp.Expr, op: str, value: exp.Expr) -> exp.Expr:
        return super().compare_text(self._binary(folded), op, value)

    def member_text(self, folded: exp.Expr, values: Sequence[exp.Expr], negated: bool) -> exp.Expr:
        return super().member_text(self._binary(folded), values, negated)

    def like(self, text: exp.Expr, parts: Sequence[str], negated: bool) -> exp.Expr:
        return super().like(self._binary(text), parts, negated)

    def is_empty(self, column: exp.Expr) -> exp.Expr:
        empty = exp.EQ(this=self._binary(column.copy()), expression=self.string(""))
        return exp.or_(is_null(column, True), empty, copy=False)

    def is_not_empty(self, column: exp.Expr) -> exp.Expr:
        empty = exp.NEQ(this=self._binary(column.copy()), expression=self.string(""))
        return exp.and_(is_null(column, False), empty, copy=False)

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        return exp.cast(column, exp.DataType.build("CHAR"))

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = ICU.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("c"))
