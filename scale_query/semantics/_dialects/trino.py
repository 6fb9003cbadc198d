"""Trino, Presto and Athena: Unicode LOWER, Joni regular expressions.

- ``REGEXP_LIKE`` runs Joni (Ruby's syntax), whose ``^`` and ``$`` match at
  every line: written ``\\A`` and ``\\z``. Case variants are spelled out and
  ``\\b`` uses lookbehind (a Trino set to ``regex-library=RE2J`` refuses it).
"""

from __future__ import annotations

from sqlglot import exp

from .._regex import JONI
from ._base import Rules

__all__ = ["Athena", "Presto", "Trino"]


class Trino(Rules):
    """Trino's rules (the client's ``?`` placeholders)."""

    dialect = "trino"

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = JONI.render(pattern, self)
        if not source:
            return self.boolean(True)
        return exp.RegexpLike(this=text, expression=self.text_value(source))


class Presto(Trino):
    """Presto: Trino's rules in sqlglot's Presto dialect."""

    dialect = "presto"


class Athena(Trino):
    """Amazon Athena: Trino's rules in sqlglot's Athena dialect."""

    dialect = "athena"
