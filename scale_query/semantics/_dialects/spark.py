"""Spark SQL and Databricks: Java's LOWER and java.util.regex (``RLIKE``).

- ``LOWER`` is Java's full Unicode lowercase (final sigma included): the
  ``unicode`` model of :mod:`._casefold` covers it.
- ``RLIKE`` searches with java.util.regex, case-sensitively here: Java's
  ``(?iu)`` matches ``İ`` for ``i`` and RE2 does not, so the pattern spells
  out case variants; ``$`` is written ``\\z`` (Java's ``$`` also matches
  before a final newline) and ``\\b`` with lookbehind.
- Named parameters (``:p1``), as ``spark.sql(query, args={...})`` takes them.
- Columns with the default ``UTF8_BINARY`` collation.
"""

from __future__ import annotations

from sqlglot import exp

from .._regex import JAVA
from ._base import Rules

__all__ = ["Databricks", "Spark"]


class Spark(Rules):
    """Spark SQL's rules."""

    dialect = "spark"
    param_style = "named"

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = JAVA.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source))


class Databricks(Spark):
    """Databricks SQL: Spark's engine, written in sqlglot's Databricks dialect."""

    dialect = "databricks"
