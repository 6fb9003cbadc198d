"""DuckDB: Unicode LOWER, binary text order, RE2 regular expressions.

- ``LOWER`` maps each character to its Unicode lowercase (``İ`` to ``i``):
  the ``unicode`` model of :mod:`._casefold`, checked character by character
  against ``str.casefold`` by the tests.
- Text compares byte by byte (code point order) unless ``default_collation``
  is set: leave it unset.
- ``REGEXP_MATCHES(text, pattern, 'i')`` runs RE2 as scale-query does.
"""

from __future__ import annotations

from sqlglot import exp

from ._base import Rules
from ._regex_write import RE2

__all__ = ["DuckDB"]


class DuckDB(Rules):
    """DuckDB's rules."""

    dialect = "duckdb"

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = RE2.render(pattern, self)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("i"))
