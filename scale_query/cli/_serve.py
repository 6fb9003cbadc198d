"""``scale-query serve``: run the embedded datamart emulator over HTTP."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._errors import UsageError

if TYPE_CHECKING:
    from ..emulator._server import Emulator

__all__ = ["configure", "run"]


def _port(text: str) -> int:
    """A TCP port number, for argparse: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not between 0 and 65535")
    return port


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` arguments."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="serve the built-in demo datamart")
    source.add_argument("--datamart", metavar="FILE", help="a datamart definition (JSON)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=_port, default=8765, help="port (0: any free port)")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept this bearer token with every right (repeatable)",
    )
    parser.add_argument("--instance", default="demo", help="the instance id in the URL")
    parser.add_argument("--db", metavar="FILE", help="keep the data in this SQLite file")
    parser.add_argument("--max-page-size", type=int, default=1000, metavar="N")
    faults = parser.add_argument_group("fault switches")
    faults.add_argument(
        "--rate-limit", type=int, default=0, metavar="N", help="the first N requests get 429"
    )
    faults.add_argument(
        "--retry-after",
        type=float,
        default=1.0,
        metavar="S",
        help="Retry-After seconds sent with a 429",
    )
    faults.add_argument("--maintenance", action="store_true", help="answer 503 to everything")
    faults.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="seconds added to every response"
    )
    faults.add_argument(
        "--failure-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="probability of a 500 per request",
    )
    faults.add_argument("--seed", type=int, default=0, help="seed of the failure-rate draws")


def _faults(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "rate_limit": args.rate_limit,
        "retry_after": args.retry_after,
        "maintenance": args.maintenance,
        "latency": args.latency,
        "failure_rate": args.failure_rate,
        "seed": args.seed,
    }


def _announce(emulator: Emulator, tokens: list[str]) -> None:
    shown = ", ".join(tokens) if tokens else emulator.token
    print(f"base URL: {emulator.base_url}", flush=True)
    print(f"instance: {emulator.instance}", flush=True)
    print(f"token:    {shown}", flush=True)
    print("Ctrl-C stops.", flush=True)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    try:
        from ..emulator._server import build, listening_socket
    except ModuleNotFoundError as error:
        raise UsageError(
            f"scale-query serve: {error.name} is missing; pip install 'scale-query[emulator]'"
        ) from None
    if not args.demo and not args.datamart:
        raise UsageError("scale-query serve: pass --demo or --datamart FILE")
    tokens: list[str] = args.token
    try:
        emulator = build(
            demo=args.demo,
            datamart=args.datamart,
            token=tokens[0] if tokens else None,
            instance=args.instance,
            db=args.db,
            max_page_size=args.max_page_size,
            **_faults(args),
        )
    except (ValueError, TypeError) as error:
        raise UsageError(f"scale-query serve: {error}") from None
    if len(tokens) > 1:
        emulator.api.datamart = emulator.api.datamart.with_tokens(tokens[1:])
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as error:
        emulator.api.store.close()
        raise UsageError(
            f"scale-query serve: cannot listen on {args.host}:{args.port}: {error.strerror}"
        ) from None
    emulator.host, emulator.port = args.host, sock.getsockname()[1]
    _announce(emulator, tokens)
    server = emulator.server()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has shut down already; it re-raises Ctrl-C for the caller.
        print("stopped.", flush=True)
    finally:
        emulator.api.store.close()
    return 0
