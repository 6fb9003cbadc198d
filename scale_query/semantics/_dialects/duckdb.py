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
- A word boundary beside other pattern text (``x\\b-``) is read as evaluate
  reads it (``_regex/_marks.py``): the value is rebuilt in SQL with a mark at
  each place (lambdas over ``range``; a character is a word character by
  ``regexp_full_match`` against the code points ``_marks`` reads as such,
  this Python's Unicode tables), the marks the first of the 10 triples the
  value does not hold (a ``CASE`` over ``contains``), and the marked pattern
  run on it; where evaluate cannot mark, RE2's ASCII ``\\b`` as evaluate.
  DuckDB's ``length`` and ``substr`` count code points, as Python does.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .._regex import (
    DUCKDB_RE2,
    MARKS,
    RE2,
    divergent,
    has_word_anchor,
    marked_re2,
    marked_source,
    parse,
    translate,
    word_ranges,
)
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
        if has_word_anchor(parse(pattern)):
            # Placed by Unicode word characters beside other pattern text:
            # RE2 has no look-around, so the value is marked as evaluate marks it.
            return self._marked_regex(text, pattern)
        return self._regexp(text, self._source(pattern))

    def _source(self, pattern: str) -> str:
        translated = translate(pattern).text
        # DuckDB runs RE2: the one translation (ICU's classes as RE2's Unicode
        # classes) means there what it means in evaluate, unless the pattern
        # holds a character whose case folding changed since DuckDB's RE2: the
        # writer spells those out (and refuses what it cannot spell).
        if divergent().isdisjoint(map(ord, translated)):
            return translated
        return DUCKDB_RE2.render(pattern, self)

    def _regexp(self, text: exp.Expr, source: str) -> exp.Expr:
        return exp.RegexpLike(this=text, expression=self.text_value(source), flag=self.string("i"))

    def _marked_regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        """The pattern read on the value with its word edges marked, as evaluate
        reads it (``_regex/_marks.py``), in one expression.

        ``w`` lists whether each place 0..n+1 holds a word character (places 0
        and n+1 are the empty ``substr``), ``k`` each mark's kind (0 a word's
        start, 1 its end, 2 neither), and the value is rebuilt with the first
        triple of marks it does not hold, 2n+1 characters, as ``mark_value``.
        """
        value, words, kinds, place = (exp.to_identifier(name) for name in ("v", "w", "k", "i"))
        word_class = self.string(RE2.chars(word_ranges()))
        places = _fn("range", exp.Literal.number(0), _plus(exp.Length(this=value.copy()), 2))
        is_word = _fn(
            "regexp_full_match", _fn("substr", value.copy(), place.copy(), _one()), word_class
        )
        before, after = (_fn("list_extract", words.copy(), _plus(place.copy(), n)) for n in (0, 1))
        kind = (
            exp.Case()
            .when(exp.EQ(this=before, expression=after.copy()), exp.Literal.number(2))
            .when(after, exp.Literal.number(0))
            .else_(exp.Literal.number(1))
        )
        marks = _fn("range", _one(), _plus(exp.Length(this=value.copy()), 2))
        # evaluate's reading where no triple of marks serves: RE2's ASCII \b.
        plain = self._regexp(value.copy(), self._source(pattern))
        case = exp.Case()
        for triple in MARKS:
            held = [_fn("contains", value.copy(), self.string(mark)) for mark in triple]
            free = exp.Not(this=exp.paren(exp.or_(*held)))
            # evaluate's verdict (marked_source), DuckDB's spelling (marked_re2).
            source = marked_source(pattern, triple) and marked_re2(pattern, triple, self)
            if source is None:  # evaluate runs the pattern unmarked (RE2's \b)
                case = case.when(free, plain.copy())
                continue
            mark = _fn(
                "chr",
                _plus(_fn("list_extract", kinds.copy(), place.copy()), ord(triple[0])),
            )
            pieces = _fn(
                "list_transform",
                marks.copy(),
                exp.Lambda(
                    this=exp.DPipe(
                        this=mark, expression=_fn("substr", value.copy(), place.copy(), _one())
                    ),
                    expressions=[place.copy()],
                ),
            )
            marked = _fn("array_to_string", pieces, self.string(""))
            case = case.when(free, self._regexp(marked, source))
        body = _bind(kinds, _fn("list_transform", marks, _lambda(kind, place)), case.else_(plain))
        body = _bind(words, _fn("list_transform", places, _lambda(is_word, place)), body)
        return _bind(value, text, body)


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _one() -> exp.Expr:
    return exp.Literal.number(1)


def _plus(left: exp.Expr, right: int) -> exp.Expr:
    return exp.Add(this=left, expression=exp.Literal.number(right))


def _lambda(body: exp.Expr, param: exp.Identifier) -> exp.Expr:
    return exp.Lambda(this=body, expressions=[param.copy()])


def _bind(name: exp.Identifier, value: exp.Expr, body: exp.Expr) -> exp.Expr:
    """``body`` with ``name`` standing for ``value`` computed once: a lambda over a
    one-item list (``list_transform([value], name -> body)[1]``)."""
    mapped = _fn("list_transform", exp.Array(expressions=[value]), _lambda(body, name))
    return _fn("list_extract", mapped, _one())
