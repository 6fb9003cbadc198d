"""``scale-query check``: lint filters in files, folders, Python sources or stdin.

Exit 0 when no error is found (warnings alone do not fail), 1 when one is
(or, with ``--diff``, when a fix is available) or when a Python source could
not be read (not valid Python: its filters were not checked, so nothing
passed), 2 for a usage error, which includes finding no file to check. See
docs/rules.md for the codes and docs/ci.md for CI, schemas and ``--fix``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .._errors import UsageError
from ._discover import FILE_KINDS, Kind

__all__ = ["configure", "run"]

_FORMATS = ("text", "json", "github", "sarif")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``check``'s arguments."""
    parser.description = (
        f"Lint filters. Folders are searched for {FILE_KINDS}; "
        "more filter files with filter-files in [tool.scale-query]."
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="*.filter or .py files, folders, or - for stdin "
        "(default: include from [tool.scale-query], else .)",
    )
    parser.add_argument(
        "--schema",
        action="append",
        metavar="[OBJECT=]PATH",
        help="a saved get_object_info response, or a folder of them named OBJECT.json (repeatable)",
    )
    parser.add_argument(
        "--params",
        metavar="FILE.json",
        help="values for the filters' :name placeholders, a JSON object (default: "
        "placeholders are no error, and rules needing their values skip them)",
    )
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    parser.add_argument(
        "--select", metavar="CODES", help="only these code prefixes (SQ1,SQ201; ALL)"
    )
    parser.add_argument(
        "--extend-select", metavar="CODES", help="these too, on top of the selection (SQ107)"
    )
    parser.add_argument("--ignore", metavar="CODES", help="skip these code prefixes")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix/--diff, the unsafe fixes too"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff, change nothing"
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name of what - reads: its kind (.filter/.py), object and config globs",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    parser.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")


def _codes(args: argparse.Namespace, config: object) -> tuple[frozenset[str], bool]:
    """The selected codes, and whether a schema rule was asked for by name."""
    from ._config import Config, split_codes
    from ._lint import check_codes, needs_schema, select_codes

    assert isinstance(config, Config)
    select = split_codes(args.select, "--select") if args.select is not None else config.select
    extend = (
        split_codes(args.extend_select, "--extend-select")
        if args.extend_select is not None
        else config.extend_select
    )
    ignore = split_codes(args.ignore, "--ignore") if args.ignore is not None else config.ignore
    check_codes(select or (), "select")
    check_codes(extend, "extend-select")
    check_codes(ignore, "ignore")
    codes = select_codes(select, extend, ignore)
    if not codes:
        raise UsageError("no rule selected: --select and --ignore leave nothing to check")
    asked = select_codes(select or (), extend, ignore)
    return codes, any(needs_schema(c) for c in asked)


def _schema_notes(codes: frozenset[str], asked: bool, missing: set[str | None]) -> str | None:
    """One line about selected schema rules that could not run, when the user asked for them."""
    from ._lint import needs_schema

    wanted = sorted(c for c in codes if needs_schema(c))
    if not (asked and wanted and missing):
        return None
    where = ", ".join(
        sorted(f"object {m!r}" if m is not None else "filters naming no object" for m in missing)
    )
    return f"{', '.join(wanted)} need a schema and did not run for {where} (give --schema)"


def run(args: argparse.Namespace) -> int:
    """Check the filters and report; returns the exit code."""
    from ._config import load_config
    from ._discover import discover, file_kind, read_text
    from ._lint import SourceFile, lint, needs_schema, read_source
    from ._report import Result, write_report
    from ._schema_files import load_schemas

    config = load_config(os.getcwd())
    codes, asked = _codes(args, config)
    schemas = load_schemas(args.schema if args.schema is not None else config.schema)
    params = None if args.params is None else read_params(args.params)
    paths = args.paths or list(config.include) or ["."]
    if args.stdin_filename is not None and "-" not in paths:
        raise UsageError("--stdin-filename names what - reads: pass - as a path too")
    stdin_name = args.stdin_filename or "<stdin>"
    stdin_kind: Kind = "filter"
    if args.stdin_filename is not None:
        kind = file_kind(args.stdin_filename, filter_globs=config.filter_files, root=config.root)
        if kind is None:
            raise UsageError(f"--stdin-filename {args.stdin_filename}: {_NEITHER}")
        stdin_kind = kind
    found = discover(
        paths,
        filter_globs=config.filter_files,
        exclude=config.exclude,
        root=config.root,
        stdin_kind=stdin_kind,
    )
    if not found.files:
        raise UsageError(_nothing_found(paths, found.near_misses))
    fixing = args.fix or args.diff
    results: list[Result] = []
    named = set(paths)
    checked = filters = fixed = 0
    unread: list[tuple[str, str]] = []
    diff_shown = False
    for path, kind in found.files:
        shown = stdin_name if path == "-" else path
        try:
            text = read_text(path)
        except UsageError as error:
            if path in named:
                raise
            # A file met while searching a folder (a binary, say) is skipped.
            sys.stderr.write(f"warning: {error}; skipped\n")
            continue
        object_for = config.object_for(shown) if kind == "filter" else None

        def reread(
            text: str, shown: str = shown, kind: Kind = kind, obj: str | None = object_for
        ) -> SourceFile:
            return read_source(shown, kind, text, default_object=obj, calls=config.filter_calls)

        source = reread(text)
        if source.problem:
            # Not read is not passed: the run fails, as for an error found.
            unread.append((shown, source.problem))
            sys.stderr.write(f"{shown}: {source.problem}\n")
        if fixing and source.filters:
            from ._fix import fix_source

            outcome = fix_source(
                source, text, schemas, codes, unsafe=args.unsafe_fixes, reread=reread
            )
            if outcome.fixes:
                fixed += outcome.fixes
                if args.diff:
                    sys.stdout.write(outcome.diff(shown))
                    diff_shown = True
                elif path == "-":
                    sys.stdout.write(outcome.text)
                else:
                    from .._atomic import write_atomic

                    write_atomic(path, outcome.text)
                if not args.diff:
                    source = reread(outcome.text)
        elif args.fix and path == "-":
            sys.stdout.write(text)
        checked += 1
        filters += len(source.filters)
        results += lint(source, schemas, codes, params)
    if not checked:
        # Every file found was skipped: that is nothing checked, not a pass.
        raise UsageError(f"nothing checked in {', '.join(paths)}: no file found could be read")
    for note in schemas.notes:
        sys.stderr.write(f"note: {note}\n")
    unused = _schema_notes(codes, asked, schemas.missing)
    if unused is not None:
        if all(needs_schema(c) for c in codes) and not schemas.by_object:
            raise UsageError(f"nothing to check: {unused}")
        sys.stderr.write(f"note: {unused}\n")
    if args.diff:
        sys.stderr.write(f"{fixed} fix{'es' if fixed != 1 else ''} available.\n")
        return 1 if diff_shown and not args.exit_zero else 0
    out = sys.stderr if args.fix and "-" in paths else sys.stdout
    if args.fix and fixed:
        out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
    write_report(results, args.format, out, checked=checked, filters=filters, unread=unread)
    if args.exit_zero:
        return 0
    failing = {"error", "warning"} if args.warnings_as_errors else {"error"}
    return 1 if unread or any(r.diagnostic.severity in failing for r in results) else 0


def read_params(path: str) -> dict[str, object]:
    """The placeholders' values from a JSON object file; numbers are read exactly (Decimal).

    A value of a type no placeholder takes (true, null, an object) is reported
    by ``check`` at each placeholder it fills, not here.
    """
    import json
    from decimal import Decimal

    from ._discover import read_text

    try:
        text = read_text(path).removeprefix("\ufeff")
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError as error:
        raise UsageError(f"--params {path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise UsageError(f"--params {path}: expected a JSON object of names to values")
    return data


_NEITHER = f"not a filter file or Python source (checked: {FILE_KINDS})"


def _nothing_found(paths: Sequence[str], near: Sequence[str]) -> str:
    message = (
        f"no file to check in {', '.join(paths)}: searched for {FILE_KINDS}; "
        "name other filter files with filter-files in [tool.scale-query]"
    )
    if near:
        message += f" (found {', '.join(near)}, which do not count)"
    return message
