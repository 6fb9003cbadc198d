"""``scale-query schema OBJECT``: an object's fields as a table, or its metadata as JSON.

``--json`` writes exactly the ``get_object_info`` JSON that ``check --schema``
reads; ``--all -o DIR`` writes one such file per object (``DIR/<object>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from ...language import for_terminal
from .._errors import UsageError
from . import _connection

if TYPE_CHECKING:
    from ...semantics import ObjectSchema

__all__ = ["configure", "run", "schema_json"]

_NAME = "scale-query schema"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``schema`` arguments."""
    parser.add_argument("object", metavar="OBJECT", nargs="?", help="the object, e.g. contact")
    parser.add_argument(
        "--json", action="store_true", help="the get_object_info JSON, as `check --schema` reads it"
    )
    parser.add_argument(
        "--all", action="store_true", help="every object the token can read (with -o DIR)"
    )
    parser.add_argument(
        "-o", "--output", metavar="PATH", help="write the JSON to this file (with --all: folder)"
    )
    _connection.add_arguments(parser)


def schema_json(schema: ObjectSchema) -> str:
    """The ``get_object_info`` JSON of a schema, indented, with a final newline."""
    # DEL, C1 and bidirectional controls escaped too (json escapes only C0): the
    # text is safe on a terminal and decodes to the same metadata.
    text = json.dumps(schema.to_api(), indent=2, ensure_ascii=False)
    return for_terminal(text, json=True) + "\n"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _table(schema: ObjectSchema) -> None:
    from ._text_tables import write_table

    rows = [
        [
            info.name,
            info.type if info.type == info.kind else f"{info.type} ({info.kind})",
            "" if info.length is None else str(info.length),
            _yes(info.mandatory),
            _yes(info.is_personal_data),
            _yes(info.readable),
            _yes(info.writable),
        ]
        for info in schema.values()
    ]
    headers = ["field", "type", "length", "mandatory", "personal", "read", "write"]
    write_table(headers, rows, sys.stdout)


def _write(path: str, text: str) -> None:
    from .._output import Output

    with Output(path) as output:
        output.text.write(text)
        output.commit()


def run(args: argparse.Namespace) -> int:
    """Show one object's fields, or write every object's metadata to a folder."""
    from ...client import ScaleError

    if args.all == bool(args.object):
        raise UsageError(f"{_NAME}: name an OBJECT, or pass --all -o DIR")
    if args.all and not args.output:
        raise UsageError(f"{_NAME}: --all writes one file per object: pass -o DIR")
    if args.all and os.path.exists(args.output) and not os.path.isdir(args.output):
        raise UsageError(f"{_NAME}: {args.output} is not a folder")
    connection = None
    try:
        with _connection.connect(args, "schema") as connection:
            client = connection.client
            if args.all:
                os.makedirs(args.output, exist_ok=True)
                names = list(client.list_objects())
                for name in names:
                    _write(
                        os.path.join(args.output, f"{name}.json"),
                        schema_json(client.object_info(name)),
                    )
                sys.stderr.write(f"wrote {len(names)} schemas to {args.output}\n")
                return 0
            schema = client.object_info(args.object)
    except ScaleError as error:
        raise _connection.failure(_NAME, error, connection) from None
    except ValueError as error:  # a bad object name, refused before any request
        raise UsageError(f"{_NAME}: {error}") from None
    if args.output:
        _write(args.output, schema_json(schema))
    elif args.json:
        sys.stdout.write(schema_json(schema))
    else:
        _table(schema)
    return 0
