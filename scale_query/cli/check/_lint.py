"""Lint one file's text: its filters, their diagnostics placed in the file, ``# noqa`` applied.

Shared by ``check``, ``check --fix`` and the language server, so that all three
report the same codes, messages and positions.

>>> from scale_query.cli.check._schema_files import Schemas
>>> source = read_source("a.filter", "filter", 'Nom $like "Smith"\\n')
>>> for result in lint(source, Schemas({}), select_codes(None)):
...     print(result.diagnostic)
1:5: SQ202 $like pattern has no '*': it is the same as $eq
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from ...semantics import select_codes
from .._errors import UsageError
from ._discover import Kind
from ._filterfile import filter_entries
from ._noqa import Noqa, line_noqa, suppressed
from ._report import Result

if TYPE_CHECKING:
    from ...semantics import Diagnostic
    from ._config import FilterCall
    from ._found_filter import Filter
    from ._schema_files import Schemas

__all__ = ["SourceFile", "lint", "needs_schema", "read_source", "select_codes"]


class SourceFile(NamedTuple):
    """A file's lines, its filters, and its ``# noqa`` comments by line."""

    path: str
    kind: Kind
    lines: list[str]
    filters: list[Filter]
    noqa: dict[int, Noqa]
    problem: str | None = None


def needs_schema(code: str) -> bool:
    """Whether a rule needs the object's schema: the ``SQ1xx`` codes (docs/rules.md)."""
    return code.startswith("SQ1")


def check_codes(codes: Sequence[str], option: str) -> None:
    """A usage error for a code prefix that names no rule."""
    from ...semantics import RULES

    for code in codes:
        if code != "ALL" and not any(known.startswith(code) for known in RULES):
            raise UsageError(f"{option}: no rule code starts with {code!r} (see docs/rules.md)")


def read_source(
    path: str,
    kind: Kind,
    text: str,
    *,
    default_object: str | None = None,
    calls: Sequence[FilterCall] = (),
) -> SourceFile:
    """The filters of one file's text, read as ``kind``."""
    if kind == "python":
        from ._pysource import python_filters, source_lines

        text = text.removeprefix("\ufeff")
        lines = [line.rstrip("\r\n") for line in source_lines(text)]
        filters, problem = python_filters(text, calls)
        noqa: dict[int, Noqa] = {}
        for number, line in enumerate(lines, 1):
            codes = line_noqa(line)
            if codes is not None:
                noqa[number] = codes
        return SourceFile(path, kind, lines, filters, noqa, problem)
    lines, entries, noqa = filter_entries(text, default_object)
    return SourceFile(
        path,
        kind,
        [line.removesuffix("\r") for line in lines],
        [e.filter for e in entries],
        noqa,
    )


def place(d: Diagnostic, where: Filter) -> Diagnostic:
    """A filter's diagnostic with its line and columns in the file."""
    if d.offset is None or d.end_offset is None:
        line, column = where.first_line, 1
        return replace(d, line=line, column=column, end_line=line, end_column=column)
    line, column = where.position(d.offset)
    end_line, end_column = where.position(d.end_offset, end=True)
    return replace(d, line=line, column=column, end_line=end_line, end_column=end_column)


def filter_diagnostics(
    one: Filter,
    schemas: Schemas,
    codes: frozenset[str],
    params: Mapping[str, object] | None = None,
) -> list[Diagnostic]:
    """The selected diagnostics of one filter, offsets into its text (not yet placed).

    A filter may hold ``:name`` placeholders: without ``params`` they are no
    error, with them they are checked filled in (``validate_template``).
    """
    # Not through the semantics door: it names to_sql, whose sqlglot check must not reach.
    from ...semantics import validate_template

    schema = schemas.pick(one.object)
    found = validate_template(one.text, schema=schema, params=params, select=sorted(codes))
    return [d for d in found if d.code in codes]


def lint(
    source: SourceFile,
    schemas: Schemas,
    codes: frozenset[str],
    params: Mapping[str, object] | None = None,
) -> list[Result]:
    """Every selected finding of a file, placed in it, less those a ``# noqa`` suppresses."""
    results: list[Result] = []
    for one in source.filters:
        for d in filter_diagnostics(one, schemas, codes, params):
            d = place(d, one)
            assert d.line is not None
            if suppressed(d.code, source.noqa, (d.line, one.last_line)):
                continue
            row = source.lines[d.line - 1] if d.line <= len(source.lines) else ""
            results.append(Result(source.path, d, row))
    return results
