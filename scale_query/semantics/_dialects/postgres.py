"""Postgres: ``~`` for ARE regular expressions; no stock collation of the profile.

- Text comparisons and ``$like`` on text are refused: the profile needs a
  nondeterministic ICU collation (``CREATE COLLATION ... deterministic =
  false``), which a stock connection does not have, and the predefined ICU
  collations are deterministic (``é`` <> ``e``).
- ``$regex`` is written for ARE and run case-sensitively with ``~``: the
  pattern spells out each character's case variants, because ``~*`` follows
  the locale.
"""

from __future__ import annotations

from sqlglot import exp

from .._regex import ARE
from ._base import Rules

__all__ = ["Postgres"]


class Postgres(Rules):
    """Postgres' rules (psycopg's ``%s`` placeholders)."""

    dialect = "postgres"
    param_style = "format"

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = ARE.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source))
