"""``scale-query serve``: run the embedded datamart emulator over HTTP.

The banner says everything a person needs to use it and nothing is hidden:
the URL, the instance, every accepted token with what its profile may do,
the admin token that guards the fault switches and reset, and the
``export SCALE_...`` line to paste. Listening beyond this machine prints a
warning on stderr.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from typing import TYPE_CHECKING, Any

from ._errors import UsageError, whole_number

if TYPE_CHECKING:
    from ..emulator import Emulator, FaultSwitch

__all__ = ["configure", "run"]


def _fault_switches() -> tuple[FaultSwitch, ...]:
    # The switches' table lives with the emulator; this module must not import
    # starlette at load time (serve --help works without the extra), and
    # _faults imports nothing heavy.
    from ..emulator import FAULT_SWITCHES

    return FAULT_SWITCHES


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` arguments; one flag per fault switch of the emulator."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="serve the built-in demo datamart")
    source.add_argument("--datamart", metavar="FILE", help="a datamart definition (JSON)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=whole_number(0, 65535, what="port"),
        default=8765,
        help="port (0: any free port)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept this bearer token with every right (repeatable); only the tokens given "
        "then work, unless --keep-profiles",
    )
    parser.add_argument(
        "--keep-profiles",
        action="store_true",
        help="with --token, keep the datamart's own API profiles too (for --demo: demo-token, "
        "readonly-token, marketing-token)",
    )
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the token of the fault switches and reset under /_emulator (default: random, "
        "printed in the banner)",
    )
    parser.add_argument("--instance", default="demo", help="the instance id in the URL")
    parser.add_argument(
        "--db", metavar="FILE", help="keep the data in this SQLite file (created if new)"
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="with --db, put the definition's data back, dropping what was written",
    )
    # The API's cap and range: the URL rules, loaded on their own.
    from ..semantics import MAX_INT64, MAX_PAGE_SIZE

    parser.add_argument(
        "--max-page-size",
        type=whole_number(1, MAX_INT64, what="page size"),
        default=MAX_PAGE_SIZE,
        metavar="N",
    )
    faults = parser.add_argument_group("fault switches (docs/emulator.md)")
    for switch in _fault_switches():
        if isinstance(switch.default, bool):
            faults.add_argument(switch.flag, action="store_true", help=switch.help)
        else:
            faults.add_argument(
                switch.flag,
                type=type(switch.default),
                default=switch.default,
                metavar=switch.metavar,
                help=switch.help,
            )


def _faults(args: argparse.Namespace) -> dict[str, Any]:
    return {switch.name: getattr(args, switch.name) for switch in _fault_switches()}


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _local_url(emulator: Emulator, host: str) -> str:
    """The base URL to use from this machine (a wildcard address is not one to connect to)."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    path = emulator.base_url.split(f":{emulator.port}", 1)[1]
    return f"http://{shown}:{emulator.port}{path}"


def _data_line(args: argparse.Namespace) -> str:
    if args.db is None:
        return "a temporary file, gone when serve stops (--db FILE keeps it)"
    return f"{args.db} (kept across runs; --reset puts the definition's data back)"


def _playground_line(site: str) -> str:
    from ..emulator import playground_assets

    if playground_assets() is not None:
        return f"{site}/playground/"
    # Not a link to a page that could only say "not installed".
    return "not installed: pip install 'scale-query[web]' (docs/web.md)"


def _announce(emulator: Emulator, args: argparse.Namespace) -> None:
    url = _local_url(emulator, args.host)
    profiles = emulator.profiles
    width = max(len(token) for token, _ in profiles)
    what = "the demo datamart" if args.demo else args.datamart
    objects = ", ".join(emulator.api.datamart.objects)
    site = url.rsplit("/v1/datamart", 1)[0]
    places = {
        "base URL": url,
        "instance": emulator.instance,
        "data": _data_line(args),
        "OpenAPI": f"{site}/openapi.json",
        "playground": _playground_line(site),
    }
    label_width = max(len(label) for label in places)
    lines = [
        f"scale-query emulator: {what} ({objects})",
        *(f"  {label.ljust(label_width)}  {value}" for label, value in places.items()),
        "API tokens (Authorization: Bearer TOKEN), each with its profile:",
        *(f"  {token.ljust(width)}  {summary}" for token, summary in profiles),
        "Admin token (fault switches and reset under /_emulator; keep it to yourself):",
        f"  {emulator.admin_token}",
        "To use it from scale-query or the Python client, paste:",
        f"  export SCALE_TOKEN={shlex.quote(emulator.token)} "
        f"SCALE_INSTANCE={shlex.quote(emulator.instance)} SCALE_BASE_URL={shlex.quote(url)}",
        "Ctrl-C stops.",
    ]
    print("\n".join(lines), flush=True)


def _warn_if_exposed(args: argparse.Namespace) -> None:
    if _is_loopback(args.host):
        return
    print(
        f"warning: listening on {args.host}, not only this machine: whoever reaches it can "
        "read and change the data with the tokens below, over plain HTTP (no TLS). "
        "Use --host 127.0.0.1 unless you mean it, and --token with a secret of your own.",
        file=sys.stderr,
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C, ``kill`` or a closed terminal."""
    try:
        from ..emulator import build, listening_socket
    except ModuleNotFoundError as error:
        raise UsageError(
            f"scale-query serve: {error.name} is missing; pip install 'scale-query[emulator]'"
        ) from None
    if not args.demo and not args.datamart:
        raise UsageError("scale-query serve: pass --demo or --datamart FILE")
    if args.keep_profiles and not args.token:
        raise UsageError("scale-query serve: --keep-profiles goes with --token")
    if args.reset and not args.db:
        raise UsageError("scale-query serve: --reset goes with --db FILE")
    from ._signals import stop_requests

    # `kill`, a closed terminal and Ctrl-C only ask the server to stop, from
    # before the data is made to the last line: uvicorn polls the flag (its own
    # handlers do the same while it runs, then re-send the signal, which lands
    # here as one more request). Nothing is raised from a handler, so no signal
    # is swallowed half-way (one raised inside a weakref callback was: serve
    # kept running after its terminal closed).
    with stop_requests() as stop:
        try:
            emulator = build(
                demo=args.demo,
                datamart=args.datamart,
                token=args.token or None,
                keep_profiles=args.keep_profiles,
                instance=args.instance,
                db=args.db,
                reset=args.reset,
                admin_token=args.admin_token,
                max_page_size=args.max_page_size,
                **_faults(args),
            )
        except (ValueError, TypeError) as error:
            raise UsageError(f"scale-query serve: {error}") from None
        try:
            sock = listening_socket(args.host, args.port)
        except OSError as error:
            emulator.api.store.close()
            raise UsageError(
                f"scale-query serve: cannot listen on {args.host}:{args.port}: "
                f"{error.strerror or error}"
            ) from None
        emulator.host, emulator.port = args.host, sock.getsockname()[1]
        server = emulator.server()

        def ask_to_stop() -> None:
            # A second signal stops without waiting for requests in flight.
            server.force_exit = server.should_exit
            server.should_exit = True

        stop.on_stop(ask_to_stop)
        try:
            _warn_if_exposed(args)
            _announce(emulator, args)
            if not stop.requested:
                server.run(sockets=[sock])
        finally:
            # The temporary data file goes; a --db file is checkpointed and closed.
            sock.close()
            emulator.api.store.close()
    print("stopped.", flush=True)
    return 0
