"""``check --fix``: apply the replacements that diagnostics carry, without changing meaning.

Safe fixes, applied by ``--fix``:

- ``SQ101`` an unknown field with exactly one close match in the object's
  schema (the one "did you mean" helper, :func:`scale_query.language._suggest.closest`,
  finds no second candidate once the first is set aside);
- ``SQ001`` an unknown operator with exactly one close match among the
  operators (``$ge`` -> ``$gte``);
- ``SQ202`` a ``$like`` pattern without ``*``, which means ``$eq``;
- ``SQ108`` a date or datetime the datamart converts (``"1990-6-12"``),
  written as it converts it (``"1990-06-12"``): the same moment.

Other replacements (``SQ201`` ``$eq`` with a ``*`` -> ``$like``, ``SQ105``
``"12,50"`` -> ``12.50``, an ``SQ101`` with two close fields) change what the
filter matches: only with ``--unsafe-fixes``.

A fix is written only where the characters it replaces are written plainly
on one line of the file (not through an escape or across string pieces); in
a Python string the replacement is escaped for that literal's quotes and
prefix. Before anything is written, the fixed filter must parse and its
expression must equal the old one except where a fix said so; a filter that
fails either keeps all of its text. Fixes can reveal more (an operator fixed,
then a field), so up to :data:`ROUNDS` rounds run.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ._lint import SourceFile, filter_diagnostics, place, read_source
from ._noqa import suppressed

if TYPE_CHECKING:
    from ..language._ast import Condition, Expr, Span
    from ..semantics._schema import ObjectSchema
    from ..semantics._validate import Diagnostic
    from ._located import Filter
    from ._schemas import Schemas

__all__ = ["ROUNDS", "Outcome", "QuickFix", "fix_source", "quick_fixes"]

#: How many times fixes are looked for again after applying some.
ROUNDS = 5

_ALWAYS_SAFE = frozenset({"SQ202", "SQ108"})


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


def _unique(name: str, best: str, known: Sequence[str]) -> bool:
    from ..language._suggest import closest

    return closest(name, [k for k in known if k != best]) is None


def _unbracket(name: str) -> str:
    return name[1:-1] if name.startswith("[") and name.endswith("]") else name


def _edit(d: Diagnostic, one: Filter, schema: ObjectSchema | None, unsafe: bool) -> _Edit | None:
    """The edit that fixes ``d``, or None (none known, or unsafe and not allowed)."""
    if d.offset is None or d.end_offset is None:
        return None
    here = one.text[d.offset : d.end_offset]
    if d.code == "SQ001":
        from ..language._ast import Op
        from ..language._suggest import closest

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
        if not (unsafe or _unique(_unbracket(here), best, list(schema))):
            return None
    elif d.code not in _ALWAYS_SAFE and not unsafe:
        return None
    return _Edit(d.offset, d.end_offset, d.replacement, d.code)


def _same_but_fixed(old: Expr, new: Expr, edits: Sequence[_Edit]) -> bool:
    """Whether ``new`` is ``old`` with exactly the field, operator and date edits, nothing else."""
    from ..language._ast import And, Condition, Op, Or

    fields = {(e.start, e.end): _unbracket(e.replacement) for e in edits}
    ops = {(e.start, e.end): e.replacement for e in edits}
    moments = {(e.start, e.end) for e in edits if e.code == "SQ108"}
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
            if (b.field, b.op) != (field, op) or not _same_values(a, b, moments):
                return False
        elif isinstance(a, (And, Or)):
            if type(a) is not type(b) or len(a.operands) != len(b.operands):
                return False
            pairs += zip(a.operands, b.operands, strict=True)
        else:
            return False
    return True


def _same_values(old: Condition, new: Condition, moments: set[tuple[int, int]]) -> bool:
    """The values are equal, or an edited date is the same moment written as stored."""
    if old.value == new.value:
        return True
    from ..semantics._reading import canonical_moment

    pairs: list[tuple[object, object, Span | None]]
    if isinstance(old.value, tuple):
        if not isinstance(new.value, tuple) or len(new.value) != len(old.value):
            return False
        pairs = list(zip(old.value, new.value, old.item_spans, strict=False))
    else:
        pairs = [(old.value, new.value, old.value_span)]
    for before, after, span in pairs:
        if before == after:
            continue
        if span is None or (span.start, span.end) not in moments or not isinstance(after, str):
            return False
        text = before if isinstance(before, str) else format(before, "f")
        if after not in (canonical_moment("date", text), canonical_moment("datetime", text)):
            return False
    return True


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
    from ..language._parser import parse
    from ..language._syntax_error import FilterSyntaxError

    text = one.text
    for edit in reversed(edits):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    try:
        new = parse(text)
    except FilterSyntaxError:
        return False
    try:
        old = parse(one.text)
    except FilterSyntaxError:
        return True  # an operator fixed in a filter that did not parse
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
            edit = _edit(d, one, schema, True)
            written = None if edit is None else _written(one, edit, source)
            if edit is None or written is None or not _verified(one, [edit]):
                continue
            safe = _edit(d, one, schema, False) is not None
            found.append(QuickFix(placed, *written, safe))
    return found


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
