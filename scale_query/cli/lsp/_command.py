"""``scale-query lsp``: a language server for filter files, over stdio.

Editors start it as a subprocess and speak the Language Server Protocol on
its standard input and output (see docs/editors.md). It needs the ``lsp``
extra: ``pip install 'scale-query[lsp]'`` (pygls).
"""

from __future__ import annotations

import argparse

from .._errors import UsageError

__all__ = ["configure", "run"]

INSTALL_HINT = "the language server needs its extra: pip install 'scale-query[lsp]'"


def configure(parser: argparse.ArgumentParser) -> None:
    """``lsp`` takes no argument but ``--stdio``, which editors pass by habit."""
    parser.add_argument(
        "--stdio", action="store_true", help="talk over stdin/stdout (the only way; the default)"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until the editor says exit."""
    try:
        from ._server import build_server
    except ModuleNotFoundError as error:
        if error.name in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise UsageError(f"{INSTALL_HINT} ({error.name} is missing)") from None
        raise
    from ._io import serve

    server, idle = build_server()
    return serve(server, idle)
