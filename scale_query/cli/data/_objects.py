"""``scale-query objects``: the objects the token can read, with their creation and update times."""

from __future__ import annotations

import argparse
import json
import sys

from ...language import for_terminal
from . import _connection

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``objects`` arguments."""
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the get_object_list JSON (name to acl, create_time, update_time)",
    )
    _connection.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """List the objects as a table (or JSON)."""
    from ...client import ScaleError
    from ._text_tables import write_table

    connection = None
    try:
        with _connection.connect(args, "objects") as connection:
            objects = connection.client.list_objects()
    except ScaleError as error:
        raise _connection.failure("scale-query objects", error, connection) from None
    if args.json:
        payload = {
            name: {"acl": o.acl, "create_time": o.created, "update_time": o.updated}
            for name, o in objects.items()
        }
        text = json.dumps(payload, indent=2, ensure_ascii=False)
        sys.stdout.write(for_terminal(text, json=True) + "\n")
    else:
        rows = [[o.name, o.created, o.updated] for o in objects.values()]
        write_table(["name", "created", "updated"], rows, sys.stdout)
    return 0
