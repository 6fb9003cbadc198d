"""The command line's one error type, in a module of its own.

Every subcommand raises :class:`UsageError` for a mistake in how it was
called; :func:`scale_query.cli.main` turns it into one line on stderr and exit
code 2. It lives here, not in ``cli/__init__``, so that subcommands never
import the package that imports them.

>>> str(UsageError("missing.filter: no such file or folder"))
'missing.filter: no such file or folder'
"""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with a one-line message."""
