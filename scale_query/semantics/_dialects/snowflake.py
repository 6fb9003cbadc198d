"""Snowflake: Unicode LOWER, POSIX regular expressions searched with REGEXP_INSTR.

- ``REGEXP_LIKE`` and ``RLIKE`` match the whole text (an implicit anchor):
  a search anywhere is ``REGEXP_INSTR(text, pattern, 1, 1, 0, 'c') > 0``.
- Patterns are POSIX extended expressions: no lookaround, so a word boundary
  (``\\b``, ``[[:<:]]``) is refused; case variants are spelled out.
- Columns without a collation (the default): comparisons are by code point.
"""

from __future__ import annotations

from sqlglot import exp

from .._regex import POSIX
from .._schema import FieldKind
from ._base import Rules

__all__ = ["Snowflake"]

#: Snowflake's collation of the profile: ICU, case- and accent-insensitive.
COLLATION = "en-ci-ai"


class Snowflake(Rules):
    """Snowflake's rules (the connector's ``qmark`` placeholders: ``?``)."""

    dialect = "snowflake"

    def text_key(self, text: exp.Expr, column: bool) -> exp.Expr:
        # Snowflake's ICU collation specification: case- and accent-insensitive
        # (primary strength), trailing spaces significant (no 'rtrim').
        if not column:
            return text
        return exp.Collate(this=text, expression=self.string(COLLATION))

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        form = "YYYY-MM-DD" if kind == "date" else "YYYY-MM-DD HH24:MI:SS"
        return exp.Anonymous(this="TO_CHAR", expressions=[column, self.string(form)])

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        source = POSIX.render(pattern, self)
        if not source:
            return self.boolean(True)
        position = exp.Anonymous(
            this="REGEXP_INSTR",
            expressions=[
                text,
                self.text_value(source),
                exp.Literal.number(1),
                exp.Literal.number(1),
                exp.Literal.number(0),
                self.string("c"),
            ],
        )
        return exp.GT(this=position, expression=exp.Literal.number(0))
