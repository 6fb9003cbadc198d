"""Postgres: LOWER by the database's locale, ``~`` for ARE regular expressions.

- ``LOWER`` follows the database's ``LC_CTYPE`` (or ICU collation): exact
  with a UTF-8 locale or ICU, as most installations are; a ``C``/``POSIX``
  database lowers ASCII only (see docs/warehouse.md).
- An ordering (``$gt`` ...) compares under ``COLLATE "C"``: code point order,
  whatever the column's collation.
- ``$regex`` is written for ARE and run case-sensitively with ``~``: the
  pattern spells out each character's case variants, because ``~*`` follows
  the locale.
"""

from __future__ import annotations

from sqlglot import exp

from ._base import Rules
from ._regex_write import ARE

__all__ = ["Postgres"]


class Postgres(Rules):
    """Postgres' rules (psycopg's ``%s`` placeholders)."""

    dialect = "postgres"
    param_style = "format"

    def compare_text(self, folded: exp.Expr, op: str, value: exp.Expr) -> exp.Expr:
        if op not in ("=", "<>"):
            folded = exp.Collate(this=folded, expression=exp.Identifier(this="C", quoted=True))
        return super().compare_text(folded, op, value)

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = ARE.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source))
