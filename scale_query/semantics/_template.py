"""``validate_template``: the diagnostics of filter text that may hold ``:name`` placeholders.

A saved filter with placeholders (``Nom $eq :nom``) is a template: ``parse``
needs its values, but ``check``, the language server and the playground must
judge it without them. With ``params`` the placeholders are checked filled in;
without, every rule that does not need their values still runs, and a
placeholder is no error.

>>> [d.code for d in validate_template('Nom $like :motif $and Pays $in :pays')]
[]
>>> [d.code for d in validate_template('Nom $like :motif', params={"motif": "Smith"})]
['SQ202']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..language import (
    Condition,
    Expr,
    FilterSyntaxError,
    LineIndex,
    Placeholder,
    Span,
    parse,
    placeholders,
)
from ..language import walk as _walk
from ._finding import Finding
from ._rules import check_expr, select_codes, syntax_finding
from ._schema import ObjectSchema, maybe_schema
from ._validate import Diagnostic, _diagnostic, _order, validate

__all__ = ["validate_template"]


def validate_template(
    text: str,
    *,
    schema: ObjectSchema | Mapping[str, Any] | None = None,
    params: Mapping[str, object] | None = None,
    select: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Every problem of filter text whose values may be ``:name`` placeholders.

    Without placeholders this is ``validate(text, schema=schema, select=select)``. With them
    and no ``params``, a placeholder is no error: the rules that judge a
    value (its type, its pattern, a contradiction) skip the conditions holding
    one, and the others (an unknown field, say) run. With ``params`` the
    placeholders are filled as ``parse(text, params=...)`` fills them, and a
    missing or ill-typed value is an ``SQ001`` at its placeholder; names the
    text does not use are ignored, so one set of values can serve many
    filters.

    >>> validate_template('Nom $eq :nom', params={"nom": "a*"})[0].message
    "$eq compares literally: '*' is no wildcard here"
    >>> print(validate_template('Nom $eq :nom', params={})[0])
    1:9: SQ001 parameter :nom has no value
    """
    if not isinstance(text, str):
        raise TypeError(f"validate_template() takes filter text, not {type(text).__name__}")
    schema = maybe_schema(schema)
    lines = LineIndex(text)
    try:
        found = placeholders(text)
    except FilterSyntaxError as error:
        # This error, not parse()'s: that one would stop at the first placeholder.
        return [_diagnostic(syntax_finding(error), lines)]
    if not found:
        return validate(text, schema=schema, select=select)
    open_ = params is None
    values = _neutral(found) if params is None else _used(found, params)
    try:
        expr = parse(text, params=values)
    except FilterSyntaxError as error:
        return [_diagnostic(syntax_finding(error), lines)]
    spans = [p.span for p in found]
    holding = _holding(expr, spans) if open_ else []
    kept = [
        _without_fix_over(f, spans)
        for f in check_expr(expr, schema)
        if not _needs_a_value(f, holding)
    ]
    codes = select_codes(select)
    return sorted((_diagnostic(f, lines) for f in kept if f.code in codes), key=_order)


def _neutral(found: tuple[Placeholder, ...]) -> dict[str, object]:
    # A value of the right shape; the findings it could cause are left out.
    # A name used both for a list and for one value gets a list, and its
    # one-value use is then an error: it cannot be both.
    values: dict[str, object] = {}
    for p in found:
        if p.list or p.name not in values:
            values[p.name] = [""] if p.list else ""
    return values


def _used(found: tuple[Placeholder, ...], params: Mapping[str, object]) -> dict[str, object]:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, not {type(params).__name__}")
    names = {p.name for p in found}
    return {name: value for name, value in params.items() if name in names}


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _holding(expr: Expr, spans: list[Span]) -> list[Condition]:
    """The conditions holding a placeholder."""
    return [
        c for c in _walk(expr) if c.span is not None and any(_overlaps(c.span, s) for s in spans)
    ]


def _needs_a_value(finding: Finding, holding: list[Condition]) -> bool:
    """Whether a finding touches a condition holding an open placeholder, not only its field."""
    span = finding.span
    if span is None:
        return False
    for condition in holding:
        where, field = condition.span, condition.field_span
        assert where is not None and field is not None
        if _overlaps(span, where) and not (field.start <= span.start and span.end <= field.end):
            return True
    return False


def _without_fix_over(finding: Finding, spans: list[Span]) -> Finding:
    # A fix written over a placeholder would put a value into the template.
    span = finding.span
    if (
        finding.replacement is not None
        and span is not None
        and any(_overlaps(span, s) for s in spans)
    ):
        return finding._replace(replacement=None)
    return finding
