"""The rules a dialect starts from: how each test of the semantic core is written in SQL.

A dialect module subclasses :class:`Rules` and overrides only what its engine
does differently (a collation to name, a regex function, a type, a way to
write dates), as sqlglot's dialect classes do. Everything is built with
sqlglot's expression classes; user values become literals or bound
parameters, never pasted text.

The warehouse holds one column per field, named as the field:

- text fields hold the datamart's text, NULL for a field never set;
- with a schema, ``int``/``integer`` fields hold integers, ``float``/
  ``decimal``/``number`` fields exact decimals (``DECIMAL(M,D)`` at the
  field's scale: compared exactly, with exact literals), ``date`` fields
  dates and ``datetime`` fields timestamps without a time zone; NULL when empty
  (the layout of the client's Arrow and Parquet export).

Text compares as MySQL 8's ``utf8mb4_0900_ai_ci`` (docs/semantics.md): a
dialect says how with :meth:`Rules.text_key` and :meth:`Rules.like_text`, or
refuses; the base refuses, since plain SQL compares code points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar, Literal, NoReturn, TypeAlias

from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from .._schema import FieldKind
from .._unsupported import UnsupportedSQL

__all__ = ["Params", "Rules", "is_null"]

#: Bound values: a list for positional placeholders, a dict for named ones.
Params: TypeAlias = "list[object] | dict[str, object]"
ParamStyle: TypeAlias = Literal["qmark", "format", "numeric", "named", "dollar"]

_MARKER = re.compile("\x00([0-9]+)\x00")

#: The character that escapes LIKE's wildcards in every pattern written here.
LIKE_ESCAPE = "\\"


class Rules:
    """ANSI SQL with no collation of the profile and no regex; subclassed per dialect."""

    #: The sqlglot dialect the SQL is written in.
    dialect: ClassVar[str] = ""
    #: The placeholders of ``params=True`` (the style of the dialect's usual driver).
    param_style: ClassVar[ParamStyle] = "qmark"
    #: Characters a LIKE pattern must escape to stay literal.
    like_specials: ClassVar[str] = "%_" + LIKE_ESCAPE
    #: Whether LIKE takes an ``ESCAPE`` clause (else backslash is its escape).
    like_escape_clause: ClassVar[bool] = True
    #: Why text cannot be compared as the profile's collation on a stock connection.
    no_collation: ClassVar[str] = (
        "it has no collation comparing as MySQL's utf8mb4_0900_ai_ci (accent- and "
        "case-insensitive primary weights, trailing spaces significant) on a stock connection"
    )

    def __init__(self, params: bool = False, name: str | None = None) -> None:
        self.name = name or self.dialect
        self.params = params
        self.values: list[object] = []

    # -- errors ------------------------------------------------------------

    def refuse(self, construct: str, reason: str) -> NoReturn:
        """Raise :class:`~scale_query.UnsupportedSQL` for ``construct`` in this dialect."""
        raise UnsupportedSQL(self.name, construct, reason)

    # -- values and names --------------------------------------------------

    def _placeholder(self, value: object) -> exp.Expr:
        # A marker that no SQL text can hold (NUL): placeholders are numbered
        # in the order they appear in the generated text, whatever the
        # dialect does to argument order, and values of parts dropped
        # (a constant FALSE in an AND) are never sent.
        self.values.append(value)
        return exp.var(f"\x00{len(self.values) - 1}\x00")

    def _mark(self, n: int) -> str:
        return {
            "qmark": "?",
            "format": "%s",
            "numeric": f":{n}",
            "named": f":p{n}",
            "dollar": f"${n}",
        }[self.param_style]

    def finish(self, sql: str) -> tuple[str, Params]:
        """The SQL with its placeholders in the dialect's style, and the values they take."""
        order: list[int] = []

        def mark(match: re.Match[str]) -> str:
            order.append(int(match.group(1)))
            return self._mark(len(order))

        if self.params and self.param_style == "format":
            # psycopg and PyMySQL read % in the SQL text as a placeholder:
            # every literal % is doubled (values are parameters, never there).
            sql = sql.replace("%", "%%")
        text = _MARKER.sub(mark, sql)
        values = [self.values[index] for index in order]
        if self.param_style == "named":
            return text, {f"p{n}": value for n, value in enumerate(values, 1)}
        return text, values

    def string(self, text: str) -> exp.Expr:
        """A string constant of the compiler's own (an escape character, a format)."""
        return exp.Literal.string(text)

    def text_value(self, text: str) -> exp.Expr:
        """A text value from the filter: a literal, or a parameter with ``params``."""
        return self._placeholder(text) if self.params else exp.Literal.string(text)

    def identifier(self, name: str) -> exp.Identifier:
        """A quoted identifier: field and table names are always quoted, exactly as written."""
        return exp.to_identifier(name, quoted=True)

    def column(self, name: str) -> exp.Expr:
        """The column of field ``name``."""
        return exp.Column(this=self.identifier(name))

    def table(self, name: str) -> exp.Table:
        """``catalog.db.table`` from a dotted name, each part quoted."""
        parts = name.split(".")
        if len(parts) > 3 or not all(parts):
            raise ValueError(
                f"table {name!r}: expected 'table', 'schema.table' or 'db.schema.table'"
            )
        names = [self.identifier(part) for part in parts]
        return exp.Table(
            this=names[-1],
            db=names[-2] if len(names) > 1 else None,
            catalog=names[-3] if len(names) > 2 else None,
        )

    def generate(self, expression: exp.Expr) -> str:
        """The SQL text; anything sqlglot cannot write in this dialect is refused."""
        try:
            return expression.sql(dialect=self.dialect, unsupported_level=ErrorLevel.RAISE)
        except UnsupportedError as error:
            self.refuse("this filter", str(error))

    # -- logic -------------------------------------------------------------

    def boolean(self, value: bool) -> exp.Expr:
        """A condition that is always true or always false."""
        return exp.true() if value else exp.false()

    # -- text --------------------------------------------------------------

    def text_key(self, text: exp.Expr, column: bool) -> exp.Expr:
        """``text`` made to compare (``=``, ``<``, ``IN``) as the profile's collation.

        ``column`` says whether ``text`` is the column (else a value of the
        filter). The base has no such means and refuses.
        """
        self.refuse("a text comparison ($eq, $neq, $in, $notin, $gt ...)", self.no_collation)

    def like_text(self, text: exp.Expr, parts: Sequence[str], negated: bool) -> exp.Expr:
        """``text [NOT] LIKE`` ``parts`` joined by any runs, under the profile's collation."""
        self.refuse("$like on a text field", self.no_collation)

    def like_pattern(self, parts: Sequence[str]) -> str:
        """``parts`` joined by ``%``, every LIKE wildcard inside them escaped."""
        specials = self.like_specials

        def escape(part: str) -> str:
            return "".join(LIKE_ESCAPE + ch if ch in specials else ch for ch in part)

        return "%".join(escape(part) for part in parts)

    def like(self, text: exp.Expr, parts: Sequence[str], negated: bool) -> exp.Expr:
        """``text [NOT] LIKE pattern``: the whole text is ``parts`` joined by any runs."""
        test: exp.Expr = exp.Like(this=text, expression=self.text_value(self.like_pattern(parts)))
        if self.like_escape_clause:
            test = exp.Escape(this=test, expression=self.string(LIKE_ESCAPE))
        return exp.Not(this=test) if negated else test

    def regex(self, text: exp.Expr, pattern: str) -> exp.Expr:
        """``pattern`` found in ``text``, case-insensitively (see :mod:`._regex`)."""
        self.refuse("$regex", "this dialect has no regular expressions")

    # -- numbers and dates -------------------------------------------------

    def number(self, column: exp.Expr) -> exp.Expr:
        """The value of a number or integer column (an exact type: DECIMAL or an integer)."""
        return column

    def number_value(self, literal: str) -> exp.Expr:
        """A number from the filter, exactly: a numeric literal is a DECIMAL in SQL."""
        if self.params:
            return self._placeholder(Decimal(literal))
        return exp.Literal.number(literal)

    def date_value(self, value: str, kind: FieldKind) -> exp.Expr:
        """A date (``yyyy-mm-dd``) or datetime (``yyyy-mm-dd hh:mm:ss``) from the filter."""
        inner = self._placeholder(value) if self.params else exp.Literal.string(value)
        return exp.cast(inner, exp.DataType.build("DATE" if kind == "date" else "TIMESTAMP"))

    def date_as_datetime(self, column: exp.Expr) -> exp.Expr:
        """A date column as a datetime at midnight (to compare with a datetime literal)."""
        return exp.cast(column, exp.DataType.build("TIMESTAMP"))

    def date_text(self, column: exp.Expr, kind: FieldKind) -> exp.Expr:
        """The datamart's text of a date or datetime column (for ``$like`` and ``$regex``).

        MySQL keeps a datetime with its time: ``2020-12-19 00:00:00``.
        """
        form = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
        return exp.TimeToStr(this=column, format=self.string(form))

    def integer_text(self, column: exp.Expr) -> exp.Expr:
        """The text of an integer column."""
        return exp.cast(column, exp.DataType.build("VARCHAR"))

    def decimal_text(self, column: exp.Expr) -> exp.Expr:
        """The text of a DECIMAL column at the field's scale (``12.50``), as MySQL stores it."""
        return self.integer_text(column)


def is_null(column: exp.Expr, null: bool) -> exp.Expr:
    """``column IS NULL`` or ``column IS NOT NULL``."""
    return exp.Is(this=column.copy(), expression=exp.Null() if null else exp.Not(this=exp.Null()))


_COMPARISON: dict[str, type[exp.Binary]] = {
    "=": exp.EQ,
    "<>": exp.NEQ,
    ">": exp.GT,
    ">=": exp.GTE,
    "<": exp.LT,
    "<=": exp.LTE,
}
