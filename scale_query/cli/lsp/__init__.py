"""``scale-query lsp``: the language server for filter files, over stdio.

Needs the ``lsp`` extra (pygls), imported only when the server starts. It
reuses ``check``'s modules (``..check``) for diagnostics, fixes and
formatting. Modules:

- ``_command``: the ``lsp`` subcommand, its arguments and its run.
- ``_server``: the server (pygls): documents, diagnostics, completion, hover, fixes.
- ``_context``: what the server offers at a place in a filter (pure functions, no pygls).
- ``_io``: the stdio transport, framed JSON-RPC read in batches, with bounds.
"""
