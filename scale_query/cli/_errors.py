"""The command line's error types, in a module of their own.

Every subcommand raises :class:`UsageError` for a mistake in how it was
called (exit status 2) and :class:`IOFailure` when the call was right but a
file or the network failed it (exit status 3); :func:`scale_query.cli.main`
turns either into one line on stderr. They live here, not in ``cli/__init__``,
so that subcommands never import the package that imports them.

>>> str(UsageError("missing.filter: no such file or folder"))
'missing.filter: no such file or folder'
>>> isinstance(IOFailure("out.csv: cannot write (No space left on device)"), UsageError)
True
"""

from __future__ import annotations

import argparse
import errno
from collections.abc import Callable

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_IO",
    "EXIT_OK",
    "EXIT_USAGE",
    "IOFailure",
    "UsageError",
    "reading_failure",
    "whole_number",
]

#: The exit statuses of every command (docs/cli.md); 130 after Ctrl-C, as shells use.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_IO = 0, 1, 2, 3


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with a one-line message."""


class IOFailure(UsageError):
    """A file that cannot be read or written, a network or server failure: exit 3.

    A :class:`UsageError` too, so every handler of those handles it; only the
    exit status differs.
    """


# Reading a file that is not there (or not a file) is a mistake in the call.
_NAMED_WRONG = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR}


def reading_failure(message: str, error: OSError) -> UsageError:
    """The error for a file that could not be read: usage when it is missing, else I/O.

    >>> type(reading_failure("x: cannot read", FileNotFoundError(2, "gone"))).__name__
    'UsageError'
    """
    return UsageError(message) if error.errno in _NAMED_WRONG else IOFailure(message)


def whole_number(low: int, high: int | None = None, *, what: str = "") -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high`` (no bound if None).

    ``what`` names the value in the messages (``port``); argparse shows them
    as a usage error.

    >>> port = whole_number(0, 65535, what="port")
    >>> port("8000")
    8000
    >>> port("99999")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: port 99999 is not between 0 and 65535
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            from ..semantics import excerpt  # only on a mistake: a huge text is shortened

            shown = excerpt(text)
            raise argparse.ArgumentTypeError(
                f"not a {what} number: {shown}" if what else f"not a whole number: {shown}"
            ) from None
        if value < low or (high is not None and value > high):
            bounds = f"{low} or more" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(
                f"{what} {value} is not {bounds}" if what else f"must be {bounds}, not {value}"
            )
        return value

    return parse
