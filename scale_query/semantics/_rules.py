"""The checks behind :func:`scale_query.validate`, with their stable codes.

Every rule has a code (``SQ001``: syntax, ``SQ1xx``: needs the object's
schema, ``SQ2xx``: lints on the filter alone), a kebab-case name, a default
severity and a one-line summary; ``docs/rules.md`` shows a failing and a
passing example of each, and SARIF output links to its anchor there.

A check yields :class:`Finding` values (offsets into the parsed text);
``_validate`` turns them into ``Diagnostic`` values with lines and columns.

>>> RULES["SQ201"].name, RULES["SQ201"].severity
('wildcard-in-eq', 'warning')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias

from ..language._ast import And, Condition, Expr, Op, Span
from ..language._suggest import closest

if TYPE_CHECKING:
    from ..language._syntax_error import FilterSyntaxError
    from ._schema import FieldInfo, FieldKind, ObjectSchema

__all__ = [
    "DOCS_URL",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "check_expr",
    "syntax_finding",
]

Severity: TypeAlias = Literal["error", "warning"]

#: Where docs/rules.md is published; each rule has an anchor named after its code.
DOCS_URL = "https://github.com/scale-query/scale-query/blob/main/docs/rules.md"


class Rule(NamedTuple):
    """One check: a stable code, a name, a default severity and a summary.

    >>> RULES["SQ101"].help_uri.endswith("#sq101")
    True
    """

    code: str
    name: str
    severity: Severity
    summary: str
    needs_schema: bool = False

    @property
    def help_uri(self) -> str:
        """The rule's section in docs/rules.md."""
        return f"{DOCS_URL}#{self.code.lower()}"


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


#: Every rule, by code.
RULES = _rules(
    Rule("SQ001", "syntax-error", "error", "The filter does not parse."),
    Rule("SQ101", "unknown-field", "error", "The object has no such field.", True),
    Rule("SQ102", "field-not-readable", "error", "The field cannot be read.", True),
    Rule("SQ103", "invalid-date", "error", "A date field compared with no real date.", True),
    Rule(
        "SQ104",
        "invalid-datetime",
        "error",
        "A datetime field compared with no real datetime.",
        True,
    ),
    Rule("SQ105", "invalid-number", "error", "A number field compared with no number.", True),
    Rule("SQ106", "value-too-long", "error", "A value longer than the field can hold.", True),
    Rule("SQ107", "personal-data", "warning", "A filter on a personal-data field.", True),
    Rule("SQ201", "wildcard-in-eq", "warning", "A `*` in an `$eq`/`$neq` value."),
    Rule("SQ202", "like-without-wildcard", "warning", "A `$like` pattern with no `*`."),
    Rule("SQ203", "invalid-regex", "error", "A `$regex` pattern that does not compile."),
    Rule("SQ204", "duplicate-item", "warning", "The same item twice in a list."),
    Rule("SQ205", "impossible-and", "warning", "Conditions joined by `$and` that match nothing."),
)


class Finding(NamedTuple):
    """What a check found, with offsets into the parsed text (None: not parsed)."""

    code: str
    message: str
    span: Span | None
    hint: str | None = None
    replacement: str | None = None


def syntax_finding(error: FilterSyntaxError) -> Finding:
    """The parser's error as an ``SQ001`` finding."""
    return Finding("SQ001", error.message, Span(error.offset, error.end_offset), error.hint)


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
# Operators comparing the field's value with the literal as a value of its type;
# pattern operators match the stored text instead (see docs/rules.md).
_VALUE_OPS = frozenset({Op.EQ, Op.NEQ, Op.GT, Op.GTE, Op.LT, Op.LTE, Op.IN, Op.NOTIN})
# Operators for which a value longer than the field can never be stored.
_EXACT_OPS = frozenset({Op.EQ, Op.NEQ, Op.IN, Op.NOTIN, Op.LIKE, Op.NOTLIKE})


def _items(node: Condition) -> Iterator[tuple[str | Decimal, Span | None]]:
    """Each literal of a condition with its span: the value, or every list item."""
    if isinstance(node.value, tuple):
        spans = node.item_spans
        for i, item in enumerate(node.value):
            yield item, spans[i] if i < len(spans) else None
    else:
        yield node.value, node.value_span


def _real_date(parts: tuple[str, ...]) -> bool:
    import datetime as dt

    numbers = [int(p) for p in parts]
    try:
        dt.datetime(*numbers)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def _type_finding(
    info: FieldInfo, op: Op, value: str | Decimal, span: Span | None
) -> Finding | None:
    kind = info.kind
    if kind == "date":
        match = _DATE.fullmatch(value) if isinstance(value, str) else None
        if match is None or not _real_date(match.groups()):
            return Finding(
                "SQ103",
                f"{_show(value)} is not a date; field {info.name!r} holds dates",
                span,
                'write a real date as "yyyy-mm-dd", such as "1990-06-12"',
            )
    elif kind == "datetime":
        if isinstance(value, str):
            match = _DATETIME.fullmatch(value) or _DATE.fullmatch(value)
        else:
            match = None
        if match is None or not _real_date(match.groups()):
            return Finding(
                "SQ104",
                f"{_show(value)} is not a datetime; field {info.name!r} holds datetimes",
                span,
                'write "yyyy-mm-dd hh:mm:ss" (or a date "yyyy-mm-dd"), '
                'such as "2020-12-19 12:50:50"',
            )
    elif kind in ("integer", "number"):
        return _number_finding(info, kind, op, value, span)
    return None


def _number_finding(
    info: FieldInfo, kind: FieldKind, op: Op, value: str | Decimal, span: Span | None
) -> Finding | None:
    if isinstance(value, str):
        if _DECIMAL_COMMA.fullmatch(value):
            fixed = value.replace(",", ".")
            return Finding(
                "SQ105",
                f"{_show(value)} uses a decimal comma; field {info.name!r} holds numbers",
                span,
                f"numbers are written in US notation: {fixed}",
                fixed,
            )
        if not _NUMBER.fullmatch(value):
            return Finding(
                "SQ105",
                f"{_show(value)} is not a number; field {info.name!r} holds numbers",
                span,
                "compare a number field with a number in US notation, such as 12.50",
            )
        number = Decimal(value)
    else:
        number = value
    if kind == "integer" and op in _EXACT_OPS and number != number.to_integral_value():
        return Finding(
            "SQ105",
            f"{_show(value)} is not a whole number; field {info.name!r} holds integers",
            span,
            f"{op.value} {_show(value)} can never hold on an integer field",
        )
    return None


def _show(value: str | Decimal) -> str:
    if isinstance(value, str):
        from ..language._canonical import quote_string

        return quote_string(value)
    from ..language._values import format_number

    return format_number(value)


def _length_finding(
    info: FieldInfo, op: Op, value: str | Decimal, span: Span | None
) -> Finding | None:
    if info.length is None or info.kind != "text" or op not in _EXACT_OPS:
        return None
    text = value if isinstance(value, str) else str(value)
    if op in (Op.LIKE, Op.NOTLIKE):
        text = text.replace("*", "")
    if len(text) <= info.length:
        return None
    return Finding(
        "SQ106",
        f"value is {len(text)} characters long; field {info.name!r} holds at most {info.length}",
        span,
        f"no stored value can match it: shorten it to {info.length} characters or fewer",
    )


def _schema_findings(node: Condition, schema: ObjectSchema) -> Iterator[Finding]:
    info = schema.lookup(node.field)
    if info is None:
        # A dotted name reaches a linked object, whose fields this schema lacks.
        if "." in node.field:
            return
        from ..language._canonical import quote_field

        where = f" in object {schema.name!r}" if schema.name else ""
        best = closest(node.field, schema)
        hint = f"did you mean {quote_field(best)!r}?" if best else None
        replacement = quote_field(best) if best else None
        yield Finding(
            "SQ101",
            f"unknown field {node.field!r}{where}",
            node.field_span,
            hint,
            replacement,
        )
        return
    if not info.readable:
        yield Finding(
            "SQ102",
            f"field {info.name!r} is not readable with this API profile",
            node.field_span,
            "filter on a field the profile can read, or ask for read access",
        )
    if info.is_personal_data:
        yield Finding(
            "SQ107",
            f"field {info.name!r} holds personal data; the filter ends up in URLs and server logs",
            node.field_span,
            "filter on an id or a non-personal field where you can",
        )
    kind = info.kind
    typed = kind != "text" and node.op in _VALUE_OPS
    sized = kind == "text" and info.length is not None and node.op in _EXACT_OPS
    if not (typed or sized):
        return
    for value, span in _items(node):
        found = (
            _type_finding(info, node.op, value, span)
            if typed
            else _length_finding(info, node.op, value, span)
        )
        if found is not None:
            yield found


def _lint_findings(node: Condition) -> Iterator[Finding]:
    op, value = node.op, node.value
    if op in (Op.EQ, Op.NEQ) and isinstance(value, str) and "*" in value:
        better = Op.LIKE if op is Op.EQ else Op.NOTLIKE
        yield Finding(
            "SQ201",
            f"{op.value} compares literally: '*' is no wildcard here",
            node.op_span,
            f"did you mean {better.value}?",
            better.value,
        )
    elif op in (Op.LIKE, Op.NOTLIKE) and isinstance(value, str) and "*" not in value:
        plain = Op.EQ if op is Op.LIKE else Op.NEQ
        yield Finding(
            "SQ202",
            f"{op.value} pattern has no '*': it is the same as {plain.value}",
            node.op_span,
            f"use {plain.value}, or add '*' where any text may stand",
            plain.value,
        )
    elif op is Op.REGEX and isinstance(value, str):
        found = _regex_finding(node, value)
        if found is not None:
            yield found
    elif isinstance(value, tuple):
        yield from _duplicates(node, value)


# Without any of these characters a pattern is a plain search: it always compiles.
_REGEX_SYNTAX = frozenset("[](){}\\*+?|")


def _regex_finding(node: Condition, pattern: str) -> Finding | None:
    if _REGEX_SYNTAX.isdisjoint(pattern):
        return None
    try:
        re.compile(pattern)
    except re.error as error:
        return Finding(
            "SQ203",
            f"invalid regular expression: {error.msg}",
            _regex_span(node, error.pos),
            "check brackets, parentheses and escapes (a backslash is written \\\\ "
            "in a filter string)",
        )
    except (RecursionError, OverflowError, ValueError) as error:
        return Finding("SQ203", f"invalid regular expression: {error}", node.value_span)
    return None


def _regex_span(node: Condition, pos: int | None) -> Span | None:
    span = node.value_span
    if span is None or pos is None:
        return span
    # The literal maps one to one onto the pattern only when it holds no escape,
    # that is when it is exactly two quotes longer than the pattern.
    pattern = node.value
    if not isinstance(pattern, str) or span.end - span.start != len(pattern) + 2:
        return span
    at = span.start + 1 + min(pos, max(0, len(pattern) - 1))
    return Span(at, at + 1)


def _duplicates(node: Condition, value: tuple[str | Decimal, ...]) -> Iterator[Finding]:
    seen: dict[object, str | Decimal] = {}
    spans = node.item_spans
    for i, item in enumerate(value):
        key: object = item.casefold() if isinstance(item, str) else item
        if key in seen:
            first = seen[key]
            same = "" if first == item else f" (as {_show(first)}, ignoring case)"
            yield Finding(
                "SQ204",
                f"{_show(item)} is already in the list{same}",
                spans[i] if i < len(spans) else None,
                "remove the repeated item",
            )
        else:
            seen[key] = item


# ---- conditions joined by $and that can match nothing ----------------------


class _Bound(NamedTuple):
    key: object
    strict: bool
    node: Condition


def _order_key(value: str | Decimal, kind: FieldKind | None) -> object | None:
    """A value to order by, or None when order between literals is unknown."""
    if isinstance(value, Decimal):
        return value if kind in (None, "integer", "number") else None
    if kind in ("integer", "number") and _NUMBER.fullmatch(value):
        return Decimal(value)
    if kind in (None, "date", "datetime") and _DATE.match(value):
        # ISO dates and datetimes order as text.
        return ("date", value)
    return None


def _equal_key(value: str | Decimal, kind: FieldKind | None) -> object:
    ordered = _order_key(value, kind)
    if ordered is not None:
        return ordered
    return value.casefold() if isinstance(value, str) else value


class _Field:
    """What the ``$and``-ed conditions on one field allow, gathered one by one."""

    def __init__(self, kind: FieldKind | None) -> None:
        self.kind = kind
        self.allowed: set[object] | None = None
        self.allowed_by: Condition | None = None
        self.excluded: dict[object, Condition] = {}
        self.low: _Bound | None = None
        self.high: _Bound | None = None

    def add(self, node: Condition) -> Finding | None:
        op, kind = node.op, self.kind
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        if op in (Op.EQ, Op.IN):
            keys = {_equal_key(v, kind) for v in values}
            if self.allowed is not None and not keys & self.allowed:
                return _impossible(node, self.allowed_by)
            self.allowed = keys if self.allowed is None else keys & self.allowed
            self.allowed_by = node
        elif op in (Op.NEQ, Op.NOTIN):
            for v in values:
                self.excluded.setdefault(_equal_key(v, kind), node)
        elif op in (Op.GT, Op.GTE, Op.LT, Op.LTE):
            key = _order_key(values[0], kind)
            if key is None:
                return None
            bound = _Bound(key, op in (Op.GT, Op.LT), node)
            if op in (Op.GT, Op.GTE):
                self.low = _tighter(self.low, bound, low=True)
            else:
                self.high = _tighter(self.high, bound, low=False)
        else:
            return None
        return self._empty(node)

    def _empty(self, node: Condition) -> Finding | None:
        low, high = self.low, self.high
        if low is not None and high is not None and not _fits(low, high):
            return _impossible(node, low.node if node is high.node else high.node)
        allowed = self.allowed
        if allowed is None:
            if low is None or high is None or low.key != high.key:
                return None
            # The bounds leave one value: the $and is dead if that one is excluded.
            allowed = {low.key}
        left = {k for k in allowed if k not in self.excluded}
        left = {k for k in left if _within(k, low, high)}
        if left:
            return None
        others = [b.node for b in (low, high) if b is not None]
        others += list(self.excluded.values())
        other = next((n for n in others if n is not node), self.allowed_by)
        return _impossible(node, other)


def _comparable(a: object, b: object) -> bool:
    return type(a) is type(b)


def _tighter(old: _Bound | None, new: _Bound, *, low: bool) -> _Bound | None:
    if old is None:
        return new
    if not _comparable(old.key, new.key):
        return old
    if old.key == new.key:
        return new if new.strict and not old.strict else old
    newer_wins = new.key > old.key if low else new.key < old.key  # type: ignore[operator]
    return new if newer_wins else old


def _fits(low: _Bound, high: _Bound) -> bool:
    if not _comparable(low.key, high.key):
        return True
    if low.key == high.key:
        return not (low.strict or high.strict)
    return bool(low.key < high.key)  # type: ignore[operator]


def _within(key: object, low: _Bound | None, high: _Bound | None) -> bool:
    for bound, sign in ((low, 1), (high, -1)):
        if bound is None or not _comparable(key, bound.key):
            continue
        if key == bound.key:
            if bound.strict:
                return False
        elif (key > bound.key) != (sign > 0):  # type: ignore[operator]
            return False
    return True


def _impossible(node: Condition, other: Condition | None) -> Finding:
    from ..language._render import render

    against = f" together with `{render(other)}`" if other is not None else ""
    return Finding(
        "SQ205",
        f"`{render(node)}`{against} can never hold: the $and matches nothing",
        node.span,
        "did you mean $or, or another value?",
    )


def _contradictions(node: And, schema: ObjectSchema | None) -> Iterator[Finding]:
    names = [o.field.casefold() for o in node.operands if isinstance(o, Condition)]
    if len(set(names)) == len(names):
        return
    fields: dict[str, _Field] = {}
    # One finding per field is enough to show that the $and is dead.
    reported: set[str] = set()
    for operand in node.operands:
        if not isinstance(operand, Condition):
            continue
        info = schema.lookup(operand.field) if schema is not None else None
        name = info.name if info is not None else operand.field
        if name in reported:
            continue
        state = fields.get(name)
        if state is None:
            state = fields[name] = _Field(info.kind if info is not None else None)
        found = state.add(operand)
        if found is not None:
            reported.add(name)
            yield found


def check_expr(expr: Expr, schema: ObjectSchema | None = None) -> Iterator[Finding]:
    """Every finding on a parsed or built expression, condition by condition.

    >>> [f.code for f in check_expr(Condition("Nom", Op.EQ, "*S*"))]
    ['SQ201']
    """
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Condition):
            if schema is not None:
                yield from _schema_findings(node, schema)
            yield from _lint_findings(node)
            continue
        if isinstance(node, And):
            yield from _contradictions(node, schema)
        stack.extend(reversed(node.operands))
