"""DuckDB: Unicode LOWER, binary text order, RE2 regular expressions.

- Text compares by ``icu_sort_key(text, 'und-u-ks-level1')``: ICU's root
  collation at primary strength (accents and case ignored, spaces weigh),
  built into DuckDB's Python wheel.
- ``$like`` goes character by character, as MySQL's ``LIKE``: each
  character of the value and of the pattern's pieces becomes its own sort
  key between ``<`` and ``>`` (``string_split(x, '')`` and a lambda), and
  the pieces' keys are found with ``LIKE`` (keys are hexadecimal: no
  wildcard in them).
- ``REGEXP_MATCHES(text, pattern, 'i')`` runs RE2 as scale-query does: the
  pattern is scale-query's own RE2 translation (ICU's classes as
  ``\\p{L}``...), but for six characters whose case folding changed since
  DuckDB's RE2, spelled out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._regex import RE2, divergent, has_word_anchor, parse, translate
from ._base import Rules

__all__ = ["DuckDB"]

#: ICU's root collation, primary strength: the profile's weights (docs/semantics.md).
ICU_PRIMARY = "und-u-ks-level1"


class DuckDB(Rules):
    """DuckDB's rules."""

    dialect = "duckdb"

    def text_key(self, text: exp.Expr, column: bool) -> exp.Expr:
        return exp.Anonymous(this="icu_sort_key", expressions=[text, self.string(ICU_PRIMARY)])

    def _like_key(self, text: exp.Expr) -> exp.Expr:
        char = exp.to_identifier("c")
        opened = exp.DPipe(this=self.string("<"), expression=self.text_key(char.copy(), False))
        body = exp.DPipe(this=opened, expression=self.string(">"))
        chars = exp.Anonymous(this="string_split", expressions=[text, self.string("")])
        keys = exp.Anonymous(
            this="list_transform", expressions=[chars, exp.Lambda(this=body, expressions=[char])]
        )
        return exp.Anonymous(this="array_to_string", expressions=[keys, self.string("")])

    def like_text(self, text: exp.Expr, parts: Sequence[str], negated: bool) -> exp.Expr:
        pieces: list[exp.Expr] = []
        for n, part in enumerate(parts):
            if n:
                pieces.append(self.string("%"))
            if part:
                pieces.append(self._like_key(self.text_value(part)))
        pattern = pieces[0] if pieces else self.string("")
        for piece in pieces[1:]:
            pattern = exp.DPipe(this=pattern, expression=piece)
        test: exp.Expr = exp.Like(this=self._like_key(text), expression=pattern)
        return exp.Not(this=test) if negated else test

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        translated = translate(pattern).text
        # DuckDB runs RE2: the one translation (ICU's classes as RE2's Unicode
        # classes) means there what it means in evaluate, unless the pattern
        # holds a character whose case folding changed since DuckDB's RE2: the
        # writer spells those out (and refuses what it cannot spell).
        if has_word_anchor(parse(pattern)):
            # Placed by Unicode word characters beside other pattern text, as
            # evaluate does it (marks on the value): RE2 has no look-around.
            self.refuse(
                "$regex a word boundary (\\b, [[:<:]])",
                "RE2 (DuckDB's) places it by ASCII word characters, without look-around; "
                "spell the neighbours out",
            )
        if divergent().isdisjoint(map(ord, translated)):
            source = translated
        else:
            source = RE2.render(pattern, self)
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("i"))
