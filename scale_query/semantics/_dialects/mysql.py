"""MySQL 8: the profile's own collation, ``utf8mb4_0900_ai_ci``, and ICU regular expressions.

- Every text comparison and ``LIKE`` is made under ``utf8mb4_0900_ai_ci``
  (accent- and case-insensitive, NO PAD), whatever the column's collation:
  the datamart's own. Columns are ``utf8mb4``.
- ``REGEXP_LIKE(text, pattern, 'c')``: ICU, case-sensitive, the pattern
  spelling out case variants (ICU's case-insensitive matching of non-ASCII
  letters is not RE2's). ICU's classes are named as evaluate reads them
  (``[[:alpha:]]`` is ``[\\p{L}\\p{Nl}...]``, with the case variants of its
  letters that lie outside it), and a word boundary beside other pattern
  text is spelled with look-around by Unicode word characters.
- Dates and datetimes read back as text with ``CAST(... AS CHAR)``, always ISO.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._regex import ICU
from .._schema import FieldKind
from ._base import Rules

__all__ = ["MySQL"]

#: MySQL 8's default collation: the profile (docs/semantics.md).
COLLATION = "utf8mb4_0900_ai_ci"


class MySQL(Rules):
    """MySQL's rules (PyMySQL's ``%s`` placeholders)."""

    dialect = "mysql"
    param_style = "format"

    def _collated(self, text: exp.Expr) -> exp.Expr:
        return exp.Collate(this=text, expression=exp.var(COLLATION))

    def text_key(self, text: exp.Expr, column: bool) -> exp.Expr:
        # The collation named on the column decides the comparison (it has
        # the strongest coercibility in MySQL); values are left as they are.
        return self._collated(text) if column else text

    def like_text(self, text: exp.Expr, parts: Sequence[str], negated: bool) -> exp.Expr:
        return self.like(self._collated(text), parts, negated)

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        return exp.cast(column, exp.DataType.build("CHAR"))

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = ICU.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("c"))
