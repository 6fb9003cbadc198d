"""The cli wing: the ``scale-query`` command line, on top of every other wing.

Holds one module per subcommand, each with two functions:
``configure(parser)`` adds its arguments and ``run(args) -> int`` does the
work and returns the exit code; :data:`_COMMANDS` below names them. The
modules live in rooms by job:

- ``check/``: ``check`` and ``fmt`` and what only they need (finding filters
  in files, linting, ``--fix``, ``# noqa``, configuration, schema files, reports).
- ``lsp/``: the language server (``scale-query lsp``).
- ``data/``: ``objects``, ``schema``, ``export``, ``import`` and ``sync``, with
  the connection settings, the file readers and writers and the progress display.

Flat here: ``_serve`` (``scale-query serve``), ``_demo`` (``scale-query demo``),
``_sql`` (``scale-query sql``), and the helpers every room shares: ``_errors``
(:class:`UsageError`), ``_atomic`` (the one atomic file writer), ``_output``
(stdout or a file through it) and ``_signals`` (SIGTERM handled like Ctrl-C).

May import: every other wing of scale_query, the standard library, and the
optional extras' libraries (starlette, uvicorn, pygls, ...) inside the
function that needs them. ``check`` and ``fmt`` import only the language and
semantics wings, so they start fast and never load httpx, starlette, pygls or
anything a data command needs (import-linter contracts in pyproject.toml and
tests/test_architecture.py hold that). No module here imports this package's
``__init__``: subcommands reach ``UsageError`` through ``_errors``.

Exit codes: 0 success, 1 findings (or changes with ``--check``), 2 usage error,
3 a file or the network failed (:class:`~._errors.IOFailure`). A user
mistake is one line on stderr, never a traceback; whatever a message quotes
(values, field names, filter text, a server's words) is printed with its
control characters escaped (``language._syntax_error.for_terminal``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from ._errors import EXIT_IO, EXIT_USAGE, IOFailure, UsageError

__all__ = ["UsageError", "main"]

# name -> (module, one-line help)
_COMMANDS = {
    "check": ("check._check", "lint filters in files, folders, Python sources or stdin"),
    "fmt": ("check._fmt", "rewrite filter files in canonical form"),
    "serve": ("_serve", "run the embedded datamart emulator over HTTP"),
    "demo": ("_demo", "a tour of scale-query against the embedded demo datamart"),
    "lsp": ("lsp._command", "a language server for filter files, over stdio (for editors)"),
    "objects": ("data._objects", "list the objects the API token can read"),
    "schema": ("data._schema", "show an object's fields, or write its metadata as JSON"),
    "export": (
        "data._export",
        "export an object's records to csv, jsonl, json, parquet or a table",
    ),
    "import": ("data._import", "create and update records from csv, jsonl, json or parquet"),
    "sql": ("_sql", "print a filter as SQL for a warehouse dialect (sqlglot)"),
    "sync": ("data._sync", "keep a copy of objects up to date in DuckDB or a warehouse (dlt)"),
}
# alias -> name
_ALIASES = {"get": "export", "put": "import"}


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized as it would be but without importing shutil.

    argparse builds one for every argument added, and shutil brings the
    compression modules along: a few milliseconds of every start.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _columns() - 2)


def _columns() -> int:
    # What shutil.get_terminal_size() does: $COLUMNS, then the terminal, then 80.
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    stdout = sys.__stdout__
    try:
        return 80 if stdout is None else os.get_terminal_size(stdout.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _build(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = _Parser(prog="scale-query", description="The Scal-e datamart from Python.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # Only the chosen subcommand's module is imported, to keep start-up short.
    chosen = next((_ALIASES.get(a, a) for a in argv if a in _COMMANDS or a in _ALIASES), None)
    for name, (module, help_text) in _COMMANDS.items():
        aliases = [alias for alias, target in _ALIASES.items() if target == name]
        sub_parser = sub.add_parser(name, aliases=aliases, help=help_text, description=help_text)
        if name == chosen:
            loaded = import_module(f".{module}", __name__)
            loaded.configure(sub_parser)
            known = set(sub_parser._option_string_actions)
            argv = _join_dash_values(argv, getattr(loaded, "DASH_VALUES", ()), known)
    return parser, parser.parse_args(argv)


def _join_dash_values(argv: Sequence[str], options: Sequence[str], known: set[str]) -> list[str]:
    """``--sort -Nom`` as ``--sort=-Nom``: argparse takes a value starting with ``-`` for an option.

    Only for the options a command names, and only when the value is not one
    of the command's own options.

    >>> _join_dash_values(["--sort", "-Nom", "-q"], ["--sort"], {"-q"})
    ['--sort=-Nom', '-q']
    """
    out: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":
            out += [item, *items]
            break
        if item in options:
            value = next(items, None)
            if value is None:
                out.append(item)
                break
            if value.startswith("-") and not value.startswith("--") and value not in known:
                out.append(f"{item}={value}")
                continue
            out += [item, value]
            continue
        out.append(item)
    return out


class _Version(argparse.Action):
    """``--version``, looked up only when asked: package metadata costs start-up time."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from .._version import version

        parser.exit(message=f"scale-query {version()}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used as a console script)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser, args = _build(args_list)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        command = _ALIASES.get(args.command, args.command)
        module = import_module(f".{_COMMANDS[command][0]}", __name__)
        code: int = module.run(args)
        return code
    except UsageError as error:
        from ..language import for_terminal

        sys.stderr.write(f"{for_terminal(str(error), newlines=True)}\n")
        return EXIT_IO if isinstance(error, IOFailure) else EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # Output piped into `head` and friends: not an error of ours.
        return 0
