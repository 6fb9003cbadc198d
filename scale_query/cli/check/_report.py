"""``check`` findings written as text, JSON, GitHub workflow commands or SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TextIO, TypeAlias

from ...language import caret_block, for_terminal
from ...semantics import Diagnostic

__all__ = ["FORMATS", "Result", "Unread", "render", "write_report"]


#: Files that could not be read, each with why: ``(path, problem)``.
Unread: TypeAlias = Sequence[tuple[str, str]]


class Result(NamedTuple):
    """A diagnostic found in a file, with positions in that file."""

    path: str
    diagnostic: Diagnostic
    source_line: str = ""


def render(result: Result) -> str:
    """A finding as text: where and what, the line with a caret under the fault, the hint.

    The command line's findings (``check``, ``export``, ``sql``) in the one
    caret layout, :func:`~scale_query.language._syntax_error.caret_block`;
    every piece is shown with its control characters escaped (:func:`for_terminal`).
    """
    d = result.diagnostic
    column = d.column or 1
    end_column = d.end_column if d.end_line == d.line else None
    where = f"{result.path}:{d.line or 1}:{column}"
    row = result.source_line or None
    shown = caret_block(where, f"{d.code} {d.message}", row, column, end_column, d.hint)
    return for_terminal(shown, newlines=True)


def _text(
    results: Sequence[Result], out: TextIO, checked: int, filters: int, unread: Unread
) -> None:
    for result in results:
        out.write(render(result) + "\n")
    errors = sum(r.diagnostic.severity == "error" for r in results)
    warnings = len(results) - errors
    not_read = f"; {_plural(len(unread), 'file')} not read (see above)" if unread else ""
    if results or unread:
        found = f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')}"
        out.write(f"{found}{not_read}.\n")
    else:
        out.write(
            f"All checks passed ({_plural(filters, 'filter')} in {_plural(checked, 'file')}).\n"
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _json(
    results: Sequence[Result], out: TextIO, checked: int, filters: int, unread: Unread
) -> None:
    import json

    rows = [
        {
            "path": r.path,
            "line": r.diagnostic.line,
            "column": r.diagnostic.column,
            "end_line": r.diagnostic.end_line,
            "end_column": r.diagnostic.end_column,
            "code": r.diagnostic.code,
            "severity": r.diagnostic.severity,
            "message": r.diagnostic.message,
            "hint": r.diagnostic.hint,
            "replacement": r.diagnostic.replacement,
        }
        for r in results
    ]
    out.write(for_terminal(json.dumps(rows, indent=2, ensure_ascii=False), json=True) + "\n")


def _escape_data(text: str) -> str:
    # The log viewer runs ANSI escapes: control characters shown escaped, as on a terminal.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return for_terminal(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(
    results: Sequence[Result], out: TextIO, checked: int, filters: int, unread: Unread
) -> None:
    for r in results:
        d = r.diagnostic
        props = [
            f"file={_escape_property(r.path)}",
            f"line={d.line or 1}",
            f"col={d.column or 1}",
        ]
        if d.end_line is not None and d.end_column is not None:
            props += [f"endLine={d.end_line}", f"endColumn={d.end_column}"]
        props.append(f"title={d.code}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        out.write(f"::{d.severity} {','.join(props)}::{_escape_data(message)}\n")
    for path, problem in unread:
        props = [f"file={_escape_property(path)}", "title=not read"]
        out.write(f"::error {','.join(props)}::{_escape_data(problem)}\n")


def _sarif(
    results: Sequence[Result], out: TextIO, checked: int, filters: int, unread: Unread
) -> None:
    import json

    from ..._version import version
    from ...semantics import DOCS_URL, RULES

    codes = list(RULES)
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "helpUri": rule.help_uri,
            "defaultConfiguration": {"level": rule.severity, "enabled": rule.default},
        }
        for rule in RULES.values()
    ]
    sarif_results: list[dict[str, Any]] = []
    for r in results:
        d = r.diagnostic
        region: dict[str, int] = {"startLine": d.line or 1, "startColumn": d.column or 1}
        if d.end_line is not None and d.end_column is not None:
            region |= {"endLine": d.end_line, "endColumn": d.end_column}
        message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        sarif_results.append(
            {
                "ruleId": d.code,
                "ruleIndex": codes.index(d.code),
                "level": d.severity,
                "message": {"text": message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(r.path)},
                            "region": region,
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "scale-query",
                        "version": version(),
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
                "invocations": [
                    {
                        # A file not read is no pass: the run did not succeed.
                        "executionSuccessful": not unread,
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": problem},
                                "locations": [
                                    {"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}
                                ],
                            }
                            for path, problem in unread
                        ],
                    }
                ],
            }
        ],
    }
    out.write(for_terminal(json.dumps(log, indent=2, ensure_ascii=False), json=True) + "\n")


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/").removeprefix("./"))


FORMATS: dict[str, Callable[[Sequence[Result], TextIO, int, int, Unread], None]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
}


def write_report(
    results: Sequence[Result],
    fmt: str,
    out: TextIO,
    *,
    checked: int = 0,
    filters: int = 0,
    unread: Unread = (),
) -> None:
    """Write ``results`` to ``out`` in format ``fmt`` (a key of :data:`FORMATS`).

    ``checked`` and ``filters`` count the files and filters read, for the text
    format's line when nothing was found; ``unread`` names the Python sources
    that could not be read, with why: the text format's summary counts them
    (never "All checks passed" then), ``github`` annotates each as an error,
    ``sarif`` lists them as the run's notifications (the run not successful).
    """
    FORMATS[fmt](results, out, checked, filters, unread)
