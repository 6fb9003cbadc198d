"""DuckDB: Unicode LOWER, binary text order, RE2 regular expressions.

- Text compares by ``icu_sort_key(text, 'und-u-ks-level1')``: ICU's root
  collation at primary strength (accents and case ignored, spaces weigh),
  built into DuckDB's Python wheel. ``LIKE`` has no such means (a sort key
  is not a text to match pieces in): ``$like`` on text is refused.
- ``REGEXP_MATCHES(text, pattern, 'i')`` runs RE2 as scale-query does.
"""

from __future__ import annotations

from sqlglot import exp

from ._base import Rules
from ._regex_write import RE2

__all__ = ["DuckDB"]

#: ICU's root collation, primary strength: the profile's weights (docs/semantics.md).
ICU_PRIMARY = "und-u-ks-level1"


class DuckDB(Rules):
    """DuckDB's rules."""

    dialect = "duckdb"

    def text_key(self, text: exp.Expr, column: bool) -> exp.Expr:
        return exp.Anonymous(this="icu_sort_key", expressions=[text, self.string(ICU_PRIMARY)])

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = RE2.render(pattern, self)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("i"))
