"""``validate``: every problem of a filter, as ``Diagnostic`` values, never raising.

>>> from scale_query import ObjectSchema
>>> schema = ObjectSchema.from_api({"Nom": {"attribs": {"type": "text"}},
...     "DateNaissance": {"attribs": {"type": "date"}}})
>>> for d in validate('Nom $eq "*S*" $and DateNaisance $gt "1990-02-30"', schema=schema):
...     print(d)
1:5: SQ201 $eq compares literally: '*' is no wildcard here
1:20: SQ101 unknown field 'DateNaisance'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..language import Expr, FilterSyntaxError, LineIndex, maybe_parse
from ._rules import RULES, Finding, Severity, check_expr, select_codes, syntax_finding
from ._schema import ObjectSchema, maybe_schema

__all__ = ["Diagnostic", "validate"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem of a filter: what, where, and what to write instead.

    ``line``/``column`` (1-based) mark the first character and
    ``end_line``/``end_column`` the position just after the last one (as in
    SARIF); ``offset``/``end_offset`` are the same span as 0-based offsets into
    the filter text. They are all None for an expression built by hand,
    which has no text. ``replacement``, when set, is text that can stand in
    place of the span to fix the problem.

    >>> d = validate('Nom $like "Smith"')[0]
    >>> d.code, d.severity, (d.line, d.column, d.end_column), d.replacement
    ('SQ202', 'warning', (1, 5, 10), '$eq')
    """

    code: str
    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None
    replacement: str | None = None
    offset: int | None = None
    end_offset: int | None = None

    @property
    def name(self) -> str:
        """The rule's kebab-case name, such as ``unknown-field``."""
        return RULES[self.code].name

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field.

        >>> validate('Nom $eq "a*"')[0].to_dict()["code"]
        'SQ201'
        """
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "hint": self.hint,
            "replacement": self.replacement,
            "offset": self.offset,
            "end_offset": self.end_offset,
        }

    def __str__(self) -> str:
        where = "" if self.line is None else f"{self.line}:{self.column}: "
        return f"{where}{self.code} {self.message}"


def _diagnostic(finding: Finding, lines: LineIndex | None) -> Diagnostic:
    severity = RULES[finding.code].severity
    span = finding.span
    if span is None or lines is None:
        return Diagnostic(
            finding.code,
            severity,
            finding.message,
            hint=finding.hint,
            replacement=finding.replacement,
        )
    line, column = lines.position(span.start)
    end_line, end_column = lines.position(span.end)
    return Diagnostic(
        finding.code,
        severity,
        finding.message,
        line,
        column,
        end_line,
        end_column,
        finding.hint,
        finding.replacement,
        span.start,
        span.end,
    )


def validate(
    text_or_expr: str | Expr,
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = None,
    select: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Every problem of a filter, in text order; an empty list when it is fine.

    ``text_or_expr`` is filter text or an expression. A filter that does not
    parse gives one ``SQ001`` diagnostic from the parser's error. With a
    ``schema`` (an :class:`ObjectSchema`, or an object's ``get_object_info``
    metadata as a mapping) the ``SQ1xx`` rules
    run too: unknown or unreadable fields, literals that do not fit the field's
    type or length, personal-data fields. See docs/rules.md for every code.

    ``select`` chooses the rules, as ``scale-query check --select`` does (code
    prefixes, or ``["ALL"]``); by default the rules that are on by default, as
    in ``check`` and the page (the personal-data warning ``SQ107`` is opt-in).

    >>> [d.code for d in validate('Nom $eq')]
    ['SQ001']
    >>> validate('Nom $eq "Smith"')
    []
    """
    text = text_or_expr if isinstance(text_or_expr, str) else None
    try:
        expr = maybe_parse(text_or_expr)
    except FilterSyntaxError as error:
        assert text is not None  # only text fails to parse
        found = [_diagnostic(syntax_finding(error), LineIndex(text))]
        return [d for d in found if d.code in select_codes(select)]
    schema = maybe_schema(schema)
    lines = None if text is None else LineIndex(text)
    codes = select_codes(select)
    found = [_diagnostic(f, lines) for f in check_expr(expr, schema) if f.code in codes]
    if text is not None:
        # Without text the checks' own order, condition by condition, stands.
        found.sort(key=_order)
    return found


def _order(d: Diagnostic) -> tuple[int, int, str]:
    return (d.offset or 0, d.end_offset or 0, d.code)
