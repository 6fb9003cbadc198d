"""How the data commands reach a datamart: settings, ``--demo``, and errors a person can act on.

Every data command (``objects``, ``schema``, ``export``, ``import``) takes
``--token``, ``--instance`` and ``--base-url``, each falling back to
``SCALE_TOKEN``, ``SCALE_INSTANCE`` and ``SCALE_BASE_URL``; ``--demo`` starts
the embedded demo emulator in this process instead (no token needed, nothing
leaves the machine). A failure names the host tried and the setting to change.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._errors import IOFailure, UsageError

if TYPE_CHECKING:
    from ...client import Client

__all__ = ["Connection", "add_arguments", "connect", "explain", "failure", "is_io_failure"]

#: How the command line spells each setting (the client's one reader,
#: ``Settings.resolve``, reads the environment and names these in messages).
_FLAGS = {"token": "--token", "instance": "--instance", "base_url": "--base-url"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--token``, ``--instance``, ``--base-url`` and ``--demo`` to a data command."""
    from ...client import DEFAULT_BASE_URL

    group = parser.add_argument_group(
        "connection", "each falls back to SCALE_TOKEN, SCALE_INSTANCE, SCALE_BASE_URL"
    )
    group.add_argument("--token", metavar="TOKEN", help="the API token (better: SCALE_TOKEN)")
    group.add_argument("--instance", metavar="ID", help="the instance id")
    group.add_argument(
        "--base-url", metavar="URL", help=f"the API base URL (default {DEFAULT_BASE_URL})"
    )
    group.add_argument(
        "--demo",
        action="store_true",
        help="use an embedded demo datamart started in this process (no token needed)",
    )


@dataclass
class Connection:
    """A client, where it points and which setting each value came from."""

    client: Client
    host: str
    sources: dict[str, str]
    demo: bool = False

    def source(self, what: str) -> str:
        """Where ``what`` (token, instance, base_url) came from, for messages."""
        return self.sources.get(what, what)


def _host(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    return f"{host}:{parts.port}" if parts.port else host


@contextmanager
def connect(args: argparse.Namespace, command: str) -> Iterator[Connection]:
    """A connected :class:`Connection` for the ``with`` block (the demo stopped after it)."""
    from ...client import Client, Settings

    if args.demo:
        if args.token or args.instance or args.base_url:
            raise UsageError(
                f"scale-query {command}: --demo brings its own datamart; "
                "drop --token/--instance/--base-url"
            )
        try:
            from ...emulator import serve
        except ModuleNotFoundError as error:
            raise UsageError(
                f"scale-query {command}: --demo needs the emulator: "
                f"pip install 'scale-query[emulator]' ({error.name} is missing)"
            ) from None
        with serve(demo=True) as emu:
            client = Client(token=emu.token, instance=emu.instance, base_url=emu.base_url)
            with client:
                yield Connection(client, _host(emu.base_url), {}, demo=True)
        return
    try:
        settings = Settings.resolve(
            args.token,
            args.instance,
            args.base_url,
            names=_FLAGS,
            otherwise="try --demo for the embedded demo datamart",
        )
        client = Client(settings.token, settings.instance, base_url=settings.base_url)
    except (TypeError, ValueError) as error:
        # The client's messages never hold the token.
        raise UsageError(f"scale-query {command}: {error}") from None
    with client:
        yield Connection(client, _host(settings.base_url), dict(settings.sources))


def explain(error: BaseException, connection: Connection | None) -> str:
    """One line for a client error: what happened, where, and which setting to check."""
    from ...client import APIConnectionError, APIError, Forbidden, NotFound, Unauthorized

    text = str(error)
    if connection is None:
        return text
    if isinstance(error, APIConnectionError) and not error.reached_server:
        return (
            f"cannot reach {connection.host}: {error.message}; "
            f"check the base URL ({connection.source('base_url')})"
        )
    if isinstance(error, Unauthorized):
        return (
            f"{connection.host} refused the API token (401): "
            f"check the token ({connection.source('token')})"
        )
    if isinstance(error, NotFound) and "instance" in error.message.lower():
        return (
            f"{connection.host}: {error.message}: "
            f"check the instance id ({connection.source('instance')})"
        )
    if isinstance(error, Forbidden):
        return (
            f"{connection.host}: {error.message} (403: the token's API profile does not allow it)"
        )
    if isinstance(error, APIConnectionError):
        return f"{connection.host}: {error.message}"
    if isinstance(error, APIError):
        # Not str(error): its URL may hold filter values, often personal data.
        status = f"{error.status} {error.status_text}".rstrip()
        return f"{connection.host}: {status}: {error.message}"
    return text


def is_io_failure(error: BaseException) -> bool:
    """Whether a client error is the network's or the server's (exit 3), not the call's (exit 2).

    Not reached, cut off, timed out, rate limited, a 5xx, an answer that does
    not decode: the same command may work later. A refused token, an unknown
    instance or object, a 400: it will not.
    """
    from ...client import APIConnectionError, APIError, DecodingError, RateLimited

    if isinstance(error, APIConnectionError | DecodingError | RateLimited):
        return True
    return isinstance(error, APIError) and error.status >= 500


def failure(name: str, error: BaseException, connection: Connection | None) -> UsageError:
    """The one-line error of a command stopped by a client error: exit 3 or 2 (see above)."""
    kind = IOFailure if is_io_failure(error) else UsageError
    return kind(f"{name}: {explain(error, connection)}")
