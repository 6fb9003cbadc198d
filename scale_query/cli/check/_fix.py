"""``check --fix``: apply the replacements that diagnostics carry, without hiding a bug.

A fix is *safe* when it cannot change which records the filter matches under
a reasonable reading of what its author meant. Safe fixes, applied by ``--fix``:

- ``SQ001`` a syntax mistake whose hint names the exact text to write: ``AND``
  / ``OR`` -> ``$and`` / ``$or``, a closed single-quoted string -> the same in
  double quotes, ``=`` ``==`` ``!=`` ``<>`` ``>`` ``>=`` ``<`` ``<=`` ``&&``
  ``||`` -> their operator or connective, ``$EQ`` -> ``$eq`` (the filter did
  not parse, so it matched nothing: the token named is what was meant);
- ``SQ001`` an unknown operator with exactly one close match among the
  operators (``$ge`` -> ``$gte``);
- ``SQ101`` an unknown field with exactly one close match in the object's
  schema (the one "did you mean" helper, :func:`scale_query.language._suggest.only_match`,
  finds no second candidate once the first is set aside);
- ``SQ108`` a date or datetime the datamart converts (``"1990-6-12"``),
  written as it converts it (``"1990-06-12"``): the same moment.

Unsafe fixes, only with ``--unsafe-fixes``: ``SQ201`` ``$eq`` with a ``*`` ->
``$like``; ``SQ202`` ``$like "gmail.com"`` -> ``$eq`` (the same records, but
the warning is the sign of a missing ``*``: the language server also offers
``$like "*gmail.com*"``); ``SQ105`` ``"12,50"`` -> ``12.50``; an ``SQ101``
with two close fields.

A fix is written only where the characters it replaces are written plainly
on one line of the file (not through an escape or across string pieces); in
a Python string the replacement is escaped for that literal's quotes and
prefix. Before anything is written, the fixed filter must parse and its
expression must equal the old one except where a fix said so (a field, an
operator, a value); a syntax fix must parse, or fail only after the text it
fixed (the next round fixes the next mistake). A filter that fails keeps all
of its text. Fixes can reveal more (an operator fixed, then a field), so up
to :data:`ROUNDS` rounds run.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ._lint import SourceFile, filter_diagnostics, place, read_source
from ._noqa import suppressed

if TYPE_CHECKING:
    from decimal import Decimal

    from ...language import Condition, Expr, Span, Value
    from ...semantics import Diagnostic, ObjectSchema
    from ._found_filter import Filter
    from ._schema_files import Schemas

__all__ = ["ROUNDS", "Outcome", "QuickFix", "fix_source", "quick_fixes"]

#: How many times fixes are looked for again after applying some.
ROUNDS = 5

#: Value fixes that keep the same records: a converted date is the same moment.
_ALWAYS_SAFE = frozenset({"SQ108"})


class Outcome(NamedTuple):
    """A file's text after fixing, the text before, and how many fixes were applied."""

    text: str
    old: str
    fixes: int

    def diff(self, path: str) -> str:
        """A unified diff from the old text to the new one."""
        import difflib

        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.text.splitlines(keepends=True),
                fromfile=path,
                tofile=path,
            )
        )


class _Edit(NamedTuple):
    start: int  # offsets into the filter's text
    end: int
    replacement: str
    code: str


def _unique(name: str, best: str, known: Iterable[str]) -> bool:
    from ...language import only_match

    return only_match(name, best, known)


def _unbracket(name: str) -> str:
    return name[1:-1] if name.startswith("[") and name.endswith("]") else name


def _edit(d: Diagnostic, one: Filter, schema: ObjectSchema | None, unsafe: bool) -> _Edit | None:
    """The edit that fixes ``d``, or None (none known, or unsafe and not allowed)."""
    if d.offset is None or d.end_offset is None:
        return None
    here = one.text[d.offset : d.end_offset]
    if d.code == "SQ001" and d.replacement is not None:
        # The parser's hint named the exact text: always safe.
        return _Edit(d.offset, d.end_offset, d.replacement, d.code)
    if d.code == "SQ001":
        from ...language import Op, closest

        if not here.startswith("$"):
            return None
        known = [op.value for op in Op] + ["$and", "$or"]
        if here in known:
            return None
        best = closest(here, known)
        if best is None or not (unsafe or _unique(here, best, known)):
            return None
        return _Edit(d.offset, d.end_offset, best, d.code)
    if d.replacement is None:
        return None
    if d.code == "SQ101":
        if schema is None:
            return None
        best = _unbracket(d.replacement)
        if not (unsafe or _unique(_unbracket(here), best, schema)):
            return None
    elif d.code not in _ALWAYS_SAFE and not unsafe:
        return None
    return _Edit(d.offset, d.end_offset, d.replacement, d.code)


def _same_but_fixed(old: Expr, new: Expr, edits: Sequence[_Edit]) -> bool:
    """Whether ``new`` is ``old`` with exactly the field, operator and date edits, nothing else."""
    from ...language import And, Condition, Op, Or

    fields = {(e.start, e.end): _unbracket(e.replacement) for e in edits}
    ops = {(e.start, e.end): e.replacement for e in edits}
    values = {(e.start, e.end): e.replacement for e in edits}
    pairs: list[tuple[Expr, Expr]] = [(old, new)]
    while pairs:
        a, b = pairs.pop()
        if isinstance(a, Condition):
            if not isinstance(b, Condition):
                return False
            field, op = a.field, a.op
            span, op_span = a.field_span, a.op_span
            if span is not None and (span.start, span.end) in fields:
                field = fields[(span.start, span.end)]
            if op_span is not None and (op_span.start, op_span.end) in ops:
                try:
                    op = Op(ops[(op_span.start, op_span.end)])
                except ValueError:
                    return False
            value = _fixed_value(a, values)
            if value is None or (b.field, b.op, b.value) != (field, op, value):
                return False
        elif isinstance(a, (And, Or)):
            if type(a) is not type(b) or len(a.operands) != len(b.operands):
                return False
            pairs += zip(a.operands, b.operands, strict=True)
        else:
            return False
    return True


def _fixed_value(node: Condition, values: dict[tuple[int, int], str]) -> Value | None:
    """A condition's value with the edits of its value (or of list items) applied."""
    from decimal import Decimal

    from ...language import Condition, FilterSyntaxError, parse

    def literal(old: str | Decimal, span: Span | None) -> str | Decimal | None:
        if span is None or (span.start, span.end) not in values:
            return old
        try:
            fixed = parse(f"x $eq {values[span.start, span.end]}")
        except FilterSyntaxError:
            return None
        value = fixed.value if isinstance(fixed, Condition) else None
        return value if isinstance(value, (str, Decimal)) else None

    if not isinstance(node.value, tuple):
        return literal(node.value, node.value_span)
    spans = node.item_spans
    items = [
        literal(item, spans[i] if i < len(spans) else None) for i, item in enumerate(node.value)
    ]
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item is not None)


def _filter_edits(
    one: Filter, source: SourceFile, schemas: Schemas, codes: frozenset[str], unsafe: bool
) -> list[tuple[int, int, int, str]]:
    """File edits ``(line, column, length, text)`` fixing one filter, or none if unsafe to write."""
    schema = schemas.pick(one.object)
    edits: list[_Edit] = []
    taken = -1
    for d, _ in _unsuppressed(one, source, schemas, codes):
        edit = _edit(d, one, schema, unsafe)
        if edit is None or edit.start < taken:
            continue  # no fix, or it overlaps the one before
        if _written(one, edit, source) is None:
            continue
        edits.append(edit)
        taken = edit.end
    if not edits or not _verified(one, edits):
        return []
    return [w for w in (_written(one, e, source) for e in edits) if w is not None]


def _unsuppressed(
    one: Filter, source: SourceFile, schemas: Schemas, codes: frozenset[str]
) -> Iterator[tuple[Diagnostic, Diagnostic]]:
    """Each diagnostic of a filter that no ``# noqa`` silences, with its place in the file."""
    for d in filter_diagnostics(one, schemas, codes):
        placed = place(d, one)
        assert placed.line is not None
        if not suppressed(d.code, source.noqa, (placed.line, one.last_line)):
            yield d, placed


def _verified(one: Filter, edits: Sequence[_Edit]) -> bool:
    """Whether the filter, edited, parses and means what it did but for the edits."""
    from ...language import FilterSyntaxError
    from ...language import parse_template as parse

    # Placeholders stay open: a fix of a template's field or operator is checked too.
    text = one.text
    for edit in reversed(edits):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    try:
        old = parse(one.text)
    except FilterSyntaxError:
        old = None
    try:
        new = parse(text)
    except FilterSyntaxError as error:
        # A syntax fix may leave a later mistake for the next round, never one
        # at or before the text it wrote.
        if old is not None or len(edits) != 1:
            return False
        return error.offset >= edits[0].start + len(edits[0].replacement)
    if old is None:
        return True  # a syntax mistake fixed in a filter that did not parse
    return _same_but_fixed(old, new, edits)


class QuickFix(NamedTuple):
    """One diagnostic's fix, as the language server offers it: a text edit in the file."""

    diagnostic: Diagnostic
    line: int
    column: int
    length: int
    replacement: str
    safe: bool


def quick_fixes(source: SourceFile, schemas: Schemas, codes: frozenset[str]) -> list[QuickFix]:
    """Every diagnostic of ``source`` that a verified edit fixes on its own, safe or not."""
    found = []
    for one in source.filters:
        schema = schemas.pick(one.object)
        for d, placed in _unsuppressed(one, source, schemas, codes):
            safe = _edit(d, one, schema, False) is not None
            for edit in (_edit(d, one, schema, True), *_alternatives(d, one)):
                written = None if edit is None else _written(one, edit, source)
                if edit is None or written is None or not _verified(one, [edit]):
                    continue
                found.append(QuickFix(placed, *written, safe))
    return found


def _alternatives(d: Diagnostic, one: Filter) -> list[_Edit]:
    """Other fixes of ``d`` than its replacement, for the language server to offer too.

    ``SQ202``: ``$like "gmail.com"`` may be meant as ``$like "*gmail.com*"``.
    """
    from ...language import Condition, parse, quote_string

    if d.code != "SQ202" or d.offset is None:
        return []
    stack = [parse(one.text)]
    while stack:
        node = stack.pop()
        if not isinstance(node, Condition):
            stack += node.operands
            continue
        span, value = node.value_span, node.value
        if node.op_span is not None and node.op_span.start == d.offset:
            if span is None or not isinstance(value, str):
                return []
            return [_Edit(span.start, span.end, quote_string(f"*{value}*"), d.code)]
    return []


def _written(one: Filter, edit: _Edit, source: SourceFile) -> tuple[int, int, int, str] | None:
    """Where and how an edit of a filter's text is written in the file, or None."""
    span = one.plain_span(edit.start, edit.end)
    if span is None or "\n" in edit.replacement:
        return None
    line, column, length, literal = span
    replacement = edit.replacement
    if one.literals:
        quote, raw = one.literals[literal]
        if raw:
            if "\\" in replacement or quote[0] in replacement:
                return None
        else:
            replacement = replacement.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    return line, column, length, replacement


def _lines(text: str, kind: str) -> list[str]:
    """Lines with their endings, split where the file's reader splits them."""
    if kind == "python":
        return io.StringIO(text, newline="").readlines()
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def fix_source(
    source: SourceFile,
    text: str,
    schemas: Schemas,
    codes: frozenset[str],
    *,
    unsafe: bool = False,
    reread: Callable[[str], SourceFile] | None = None,
) -> Outcome:
    """The file's text with its fixes applied, for ``check --fix`` and the language server.

    ``reread`` reads the fixed text again (as the caller read the first one,
    with its configured object and wrappers) for the next round.
    """
    original = text
    count = 0
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    for _ in range(ROUNDS):
        edits: list[tuple[int, int, int, str]] = []
        for one in source.filters:
            edits += _filter_edits(one, source, schemas, codes, unsafe)
        if not edits:
            break
        lines = _lines(text.removeprefix(bom), source.kind)
        for line, column, length, replacement in sorted(edits, reverse=True):
            row = lines[line - 1]
            lines[line - 1] = row[: column - 1] + replacement + row[column - 1 + length :]
        text = bom + "".join(lines)
        count += len(edits)
        source = read_source(source.path, source.kind, text) if reread is None else reread(text)
    return Outcome(text, original, count)
