"""``scale-query check``: lint filters in files, folders, Python sources or stdin.

Exit 0 when no error is found (warnings alone do not fail), 1 when one is,
2 for a usage error. See docs/rules.md for the codes and docs/ci.md for CI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ._errors import UsageError

if TYPE_CHECKING:
    from ..semantics._schema import ObjectSchema
    from ..semantics._validate import Diagnostic
    from ._report import Result
    from ._sources import Filter, Noqa

__all__ = ["configure", "run"]

_FORMATS = ("text", "json", "github", "sarif")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``check``'s arguments."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="*.filter or .py files, folders, or - for stdin "
        "(default: include from [tool.scale-query], else .)",
    )
    parser.add_argument("--schema", metavar="FILE", help="a saved get_object_info response")
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    parser.add_argument("--select", metavar="CODES", help="only these code prefixes (SQ1,SQ201)")
    parser.add_argument("--ignore", metavar="CODES", help="skip these code prefixes")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    parser.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")


def load_schema(path: str | None) -> ObjectSchema | None:
    """The schema saved at ``path``; a usage error when it cannot be read."""
    if path is None:
        return None
    from ..semantics._schema import ObjectSchema

    try:
        return ObjectSchema.from_file(path)
    except OSError as error:
        raise UsageError(f"cannot read schema {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read schema {path}: {error}") from None


def _known_codes(codes: Sequence[str], option: str) -> None:
    from ..semantics._rules import RULES

    for code in codes:
        if not any(known.startswith(code) for known in RULES):
            raise UsageError(f"{option}: no rule code starts with {code!r} (see docs/rules.md)")


def read_text(path: str) -> str:
    """A file's text, or stdin's for ``-``; a usage error when unreadable."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read (not UTF-8 text)") from None


def _suppressed(noqa: dict[int, Noqa], code: str, lines: tuple[int, ...]) -> bool:
    for line in lines:
        if line in noqa:
            codes = noqa[line]
            if codes is None or any(code.startswith(c) for c in codes):
                return True
    return False


def _locate(d: Diagnostic, where: Filter) -> Diagnostic:
    if d.offset is None or d.end_offset is None:
        line, column = where.first_line, 1
        return replace(d, line=line, column=column, end_line=line, end_column=column)
    line, column = where.position(d.offset)
    end_line, end_column = where.position(d.end_offset, end=True)
    return replace(d, line=line, column=column, end_line=end_line, end_column=end_column)


def _selected(code: str, select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> bool:
    if select is not None and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(i) for i in ignore)


def check_paths(
    paths: Sequence[str],
    schema: ObjectSchema | None,
    *,
    select: tuple[str, ...] | None = None,
    ignore: tuple[str, ...] = (),
    exclude: Sequence[str] = (),
    root: str | None = None,
) -> list[Result]:
    """Every finding in ``paths``, after --select/--ignore and ``# noqa``."""
    from ..semantics._validate import validate
    from ._report import Result
    from ._sources import discover, read_source

    try:
        files = list(discover(paths, exclude=exclude, root=root))
    except FileNotFoundError as error:
        raise UsageError(f"{error.args[0]}: no such file or folder") from None
    results: list[Result] = []
    named = set(paths)
    for path in files:
        shown = "<stdin>" if path == "-" else path
        try:
            text = read_text(path)
        except UsageError as error:
            if path in named:
                raise
            # A file met while searching a folder (a binary, say) is skipped.
            sys.stderr.write(f"warning: {error}; skipped\n")
            continue
        source = read_source(shown, text)
        if source.problem:
            sys.stderr.write(f"{shown}: {source.problem}\n")
        for one in source.filters:
            for d in validate(one.text, schema):
                if not _selected(d.code, select, ignore):
                    continue
                d = _locate(d, one)
                assert d.line is not None
                if _suppressed(source.noqa, d.code, (d.line, one.last_line)):
                    continue
                row = source.lines[d.line - 1] if d.line <= len(source.lines) else ""
                results.append(Result(shown, d, row))
    return results


def run(args: argparse.Namespace) -> int:
    """Check the filters and report; returns the exit code."""
    from ._config import load_config, split_codes
    from ._report import write_report

    config = load_config(os.getcwd())
    schema = load_schema(args.schema if args.schema is not None else config.schema)
    select = split_codes(args.select, "--select") if args.select is not None else config.select
    ignore = split_codes(args.ignore, "--ignore") if args.ignore is not None else config.ignore
    _known_codes(select or (), "select")
    _known_codes(ignore, "ignore")
    paths = args.paths or list(config.include) or ["."]
    results = check_paths(
        paths, schema, select=select, ignore=ignore, exclude=config.exclude, root=config.root
    )
    write_report(results, args.format, sys.stdout)
    if args.exit_zero:
        return 0
    failing = {"error", "warning"} if args.warnings_as_errors else {"error"}
    return 1 if any(r.diagnostic.severity in failing for r in results) else 0
