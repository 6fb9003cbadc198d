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
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias

from ..language import And, Condition, Expr, Op, Span, closest
from ._contradictions import contradictions
from ._finding import Finding
from ._reading import LiteralError, canonical_moment, literal_key, read_moment
from ._regex import MAX_REGEX_LENGTH, regex_refusal

if TYPE_CHECKING:
    from ..language import FilterSyntaxError
    from ._schema import FieldInfo, ObjectSchema

__all__ = [
    "DOCS_URL",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "check_expr",
    "select_codes",
    "syntax_finding",
]

Severity: TypeAlias = Literal["error", "warning"]

#: Where docs/rules.md is published; each rule has an anchor named after its code.
DOCS_URL = "https://github.com/scale-query/scale-query/blob/main/docs/rules.md"


class Rule(NamedTuple):
    """One check: a stable code, a name, a default severity and a summary.

    ``default`` is False for an opt-in rule, which ``scale-query check`` runs
    only when selected (``--select``, ``--extend-select``, ``ALL``);
    ``validate()`` runs every rule.

    >>> RULES["SQ101"].help_uri.endswith("#sq101"), RULES["SQ107"].default
    (True, False)
    """

    code: str
    name: str
    severity: Severity
    summary: str
    default: bool = True

    @property
    def help_uri(self) -> str:
        """The rule's section in docs/rules.md."""
        return f"{DOCS_URL}#{self.code.lower()}"


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


#: Every rule, by code.
RULES = _rules(
    Rule("SQ001", "syntax-error", "error", "The filter does not parse."),
    Rule("SQ101", "unknown-field", "error", "The object has no such field."),
    Rule("SQ102", "field-not-readable", "error", "The field cannot be read."),
    Rule("SQ103", "invalid-date", "error", "A date field compared with no real date."),
    Rule(
        "SQ104",
        "invalid-datetime",
        "error",
        "A datetime field compared with no real datetime.",
    ),
    Rule("SQ105", "invalid-number", "error", "A number field compared with no number."),
    Rule("SQ106", "value-too-long", "error", "A value longer than the field can hold."),
    Rule("SQ107", "personal-data", "warning", "A filter on a personal-data field.", default=False),
    Rule(
        "SQ108",
        "converted-date",
        "warning",
        "A date or datetime the datamart converts, not written as stored.",
    ),
    Rule("SQ201", "wildcard-in-eq", "warning", "A `*` in an `$eq`/`$neq` value."),
    Rule("SQ202", "like-without-wildcard", "warning", "A `$like` pattern with no `*`."),
    Rule("SQ203", "invalid-regex", "error", "A `$regex` pattern that does not compile."),
    Rule("SQ204", "duplicate-item", "warning", "The same item twice in a list."),
    Rule("SQ205", "impossible-and", "warning", "Conditions joined by `$and` that match nothing."),
)


def syntax_finding(error: FilterSyntaxError) -> Finding:
    """The parser's error as an ``SQ001`` finding (its exact fix, if any, as the replacement)."""
    span = Span(error.offset, error.end_offset)
    return Finding("SQ001", error.message, span, error.hint, error.replacement)


# Only to suggest the fix: whether a literal can be read is _reading's to say.
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


def _type_finding(
    info: FieldInfo, op: Op, value: str | Decimal, span: Span | None
) -> Finding | None:
    # Readable or not is decided by _reading alone, as for evaluate() and the
    # emulator: a literal they refuse is the literal reported here.
    kind = info.kind
    if kind in ("date", "datetime"):
        return _moment_finding(info, value, span)
    try:
        literal_key(kind, value, info.name)
    except LiteralError:
        return _unreadable(info, value, span)
    number = value if isinstance(value, Decimal) else Decimal(value.strip())
    if kind == "integer" and op in _EXACT_OPS and number != number.to_integral_value():
        return Finding(
            "SQ105",
            f"{_show(value)} is not a whole number; field {info.name!r} holds integers",
            span,
            f"{op.value} {_show(value)} can never hold on an integer field",
        )
    return None


def _moment_finding(info: FieldInfo, value: str | Decimal, span: Span | None) -> Finding | None:
    """A date the server cannot read is an error; one it converts, a warning with the fix.

    The datamart (MySQL) is lenient: it reads ``"1990-6-12"`` as 1990-06-12 and
    finds nothing for ``"2000-02-30"``; validate is strict about both (docs/rules.md).
    """
    text = value if isinstance(value, str) else _show(value)
    moment = read_moment(text)
    if moment is None:
        return _unreadable(info, value, span)
    code, what = ("SQ103", "date") if info.kind == "date" else ("SQ104", "datetime")
    if not moment.possible:
        return Finding(
            code,
            f"{_show(value)} is no real {what}: the datamart matches nothing with it",
            span,
            f"no such day or time; field {info.name!r} holds {what}s",
        )
    canonical = canonical_moment(info.kind, text)
    # A datetime field takes a date alone as its midnight, as written.
    if canonical is None or value in (canonical, canonical_moment("date", text)):
        return None
    from ..language import quote_string

    return Finding(
        "SQ108",
        f"{_show(value)} is read by the datamart as {quote_string(canonical)}",
        span,
        f"write it as stored: {quote_string(canonical)}",
        quote_string(canonical),
    )


def _unreadable(info: FieldInfo, value: str | Decimal, span: Span | None) -> Finding:
    shown = _show(value)
    if info.kind == "date":
        return Finding(
            "SQ103",
            f"{shown} is not a date; field {info.name!r} holds dates",
            span,
            'write a real date as "yyyy-mm-dd", such as "1990-06-12"',
        )
    if info.kind == "datetime":
        return Finding(
            "SQ104",
            f"{shown} is not a datetime; field {info.name!r} holds datetimes",
            span,
            'write "yyyy-mm-dd hh:mm:ss" (or a date "yyyy-mm-dd"), such as "2020-12-19 12:50:50"',
        )
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value.strip()):
        fixed = value.strip().replace(",", ".")
        return Finding(
            "SQ105",
            f"{shown} uses a decimal comma; field {info.name!r} holds numbers",
            span,
            f"numbers are written in US notation: {fixed}",
            fixed,
        )
    return Finding(
        "SQ105",
        f"{shown} is not a number; field {info.name!r} holds numbers",
        span,
        "compare a number field with a number in US notation, such as 12.50",
    )


def _show(value: str | Decimal) -> str:
    if isinstance(value, str):
        from ..language import quote_string

        return quote_string(value)
    from ..language import format_number

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
        from ..language import quote_field

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
            # Both readings change what the author may have meant: no safe fix.
            f"use {plain.value} for exactly this text, or add '*' where any text may stand "
            f'({op.value} "*text*" finds it anywhere)',
            plain.value,
        )
    elif op is Op.REGEX and isinstance(value, str):
        found = _regex_finding(node, value)
        if found is not None:
            yield found
    elif isinstance(value, tuple):
        yield from _duplicates(node, value)


# Without any of these characters a pattern short enough is a plain search:
# it always compiles, and the regex engine need not be loaded to say so.
_REGEX_SYNTAX = frozenset("[](){}\\*+?|")


def _regex_finding(node: Condition, pattern: str) -> Finding | None:
    if len(pattern) <= MAX_REGEX_LENGTH and _REGEX_SYNTAX.isdisjoint(pattern):
        return None
    # The same words as the emulator's 400 and evaluate()'s ValueError, also
    # where the regex engine cannot be installed (the web playground).
    error = regex_refusal(pattern)
    if error is None:
        return None
    return Finding("SQ203", error.reason, _regex_span(node, error.offset), error.hint)


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
            yield from contradictions(node, schema)
        stack.extend(reversed(node.operands))


def select_codes(
    select: Sequence[str] | None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> frozenset[str]:
    """The rule codes to report: ``select`` (default: every rule that is on by default),
    plus ``extend_select``, less ``ignore``; each a code prefix or ``ALL``.

    The one selection of ``validate()``, ``scale-query check``, the language
    server and the page, so that they agree by default (SQ107 is opt-in).

    >>> sorted(select_codes(["SQ1"], ignore=["SQ10"]))
    []
    >>> "SQ107" in select_codes(None), "SQ107" in select_codes(None, ["SQ107"])
    (False, True)
    """

    def matching(prefixes: Iterable[str]) -> set[str]:
        found = set()
        for prefix in prefixes:
            found |= {c for c in RULES if prefix == "ALL" or c.startswith(prefix)}
        return found

    if select is None:
        chosen = {code for code, rule in RULES.items() if rule.default}
    else:
        chosen = matching(select)
    chosen |= matching(extend_select)
    return frozenset(chosen - matching(ignore))
