"""``scale-query fmt``: rewrite filter files in canonical form.

Each filter is rendered canonically and wrapped at the line length (see
``scale_query._format``); comments, blank lines and ``# noqa`` comments stay.
A filter with a comment or blank line between its own lines is left as it is.
A file holding a filter that does not parse is left unchanged and reported
(exit 1). ``--check`` exits 1 when a file would change; ``--diff`` prints a
unified diff; neither writes anything. ``-`` reads stdin and writes stdout.
Files are written atomically (``_atomic``): interrupted, a file is either
whole and old or whole and new; a read-only file is a one-line error. A
UTF-8 byte-order mark stays where it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NamedTuple

from .._errors import UsageError

__all__ = ["Problem", "configure", "format_text", "run"]


class Problem(NamedTuple):
    """A filter that does not parse, at ``line``:``column`` of its file."""

    line: int
    column: int
    message: str


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``fmt``'s arguments."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="*.filter files, folders, or - for stdin"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    parser.add_argument("--diff", action="store_true", help="print a diff, change nothing")
    parser.add_argument(
        "--line-length", type=int, metavar="N", help="wrap filters longer than N (default 88)"
    )


def format_text(text: str, line_length: int) -> tuple[str, list[Problem]]:
    """A filter file's text in canonical form, or the problems that prevent it.

    >>> format_text('a   $eq  "x"\\n# note\\nb $in [c , d]\\n', 88)
    ('a $eq "x"\\n# note\\nb $in ["c","d"]\\n', [])
    """
    from ...language import FilterSyntaxError, format_filter, parse_template
    from ._filterfile import BOM, filter_entries

    bom = BOM if text.startswith(BOM) else ""
    text = text.removeprefix(bom)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines, entries, _ = filter_entries(text)
    lines = [line.removesuffix("\r") for line in lines]
    replaced: dict[int, tuple[int, list[str]]] = {}
    problems: list[Problem] = []
    for entry in entries:
        try:
            # Placeholders (:name) stay as they are written.
            expr = parse_template(entry.filter.text)
        except FilterSyntaxError as error:
            row, column = entry.filter.position(error.offset)
            problems.append(Problem(row, column, error.message))
            continue
        if entry.interrupted:
            continue
        new = format_filter(expr, line_length=line_length)
        if entry.noqa:
            new[-1] += f"  {entry.noqa}"
        replaced[entry.first] = (entry.last, new)
    if problems:
        return bom + text, problems
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replaced:
            last, new = replaced[index]
            out += new
            index = last + 1
            continue
        line = lines[index]
        out.append(line.rstrip() if not line.strip() or line.lstrip().startswith("#") else line)
        index += 1
    return bom + (newline.join(out) + newline if out else ""), problems


def _diff(path: str, old: str, new: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=path,
            tofile=path,
        )
    )


def run(args: argparse.Namespace) -> int:
    """Format the files; returns the exit code."""
    from ...language import DEFAULT_LINE_LENGTH
    from .._atomic import write_atomic
    from ._config import load_config
    from ._discover import discover, read_text

    config = load_config(os.getcwd())
    width = args.line_length or config.line_length or DEFAULT_LINE_LENGTH
    if width < 1:
        raise UsageError(f"--line-length must be positive, not {width}")
    paths = args.paths or list(config.include) or ["."]
    found = discover(
        paths,
        kinds=("filter",),
        filter_globs=config.filter_files,
        exclude=config.exclude,
        root=config.root,
    )
    files = [path for path, _ in found.files]
    if not files:
        raise UsageError(
            f"no filter file to format in {', '.join(paths)}: searched for *.filter files "
            "(and filter-files in [tool.scale-query])"
        )
    changed = failed = 0
    for path, kind in found.files:
        if kind == "python":
            raise UsageError(f"{path}: fmt rewrites filter files, not Python sources")
        shown = "<stdin>" if path == "-" else path
        old = read_text(path)
        new, problems = format_text(old, width)
        for problem in problems:
            sys.stderr.write(f"{shown}:{problem.line}:{problem.column}: SQ001 {problem.message}\n")
        if problems:
            failed += 1
            sys.stderr.write(f"{shown}: left unchanged (a filter does not parse)\n")
            continue
        if path == "-" and not (args.check or args.diff):
            sys.stdout.write(new)
            continue
        if new == old:
            continue
        changed += 1
        if args.diff:
            sys.stdout.write(_diff(shown, old, new))
        elif args.check:
            sys.stdout.write(f"would reformat {shown}\n")
        else:
            write_atomic(path, new)
    verb = "would be reformatted" if args.check or args.diff else "reformatted"
    if path_count := len(files) - (1 if "-" in files else 0):
        sys.stderr.write(f"{changed} of {path_count} filter files {verb}.\n")
    if failed:
        return 1
    return 1 if changed and (args.check or args.diff) else 0
