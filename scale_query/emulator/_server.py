"""The running emulator: uvicorn in a background thread, and its test controls."""

from __future__ import annotations

import hmac
import inspect
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec

import uvicorn

from ._api import Api, check_page_cap
from ._app import PREFIX, build_app
from ._definition import Datamart, load_datamart
from ._demo import DEMO_TOKEN, demo_datamart
from ._faults import FaultState
from ._http import HEAD_TIMEOUT_SECONDS, h11_with_head_timeout
from ._limits import MAX_CONNECTIONS, MAX_HEAD_BUFFER_BYTES, MAX_PAGE_SIZE, MAX_QUERY_STEPS
from ._names import check_instance, check_token
from ._store import Store

__all__ = ["Emulator", "build", "listening_socket", "serve"]

_P = ParamSpec("_P")

#: Seconds a stopping server gives the requests in flight to finish.
GRACEFUL_SHUTDOWN_SECONDS = 3


def build(
    *,
    demo: bool = False,
    datamart: str | Path | Mapping[str, Any] | Datamart | None = None,
    token: str | Sequence[str] | None = None,
    keep_profiles: bool = False,
    instance: str = "demo",
    db: str | Path | None = None,
    reset: bool = False,
    admin_token: str | None = None,
    max_page_size: int = MAX_PAGE_SIZE,
    head_timeout: float = HEAD_TIMEOUT_SECONDS,
    query_steps: int | None = MAX_QUERY_STEPS,
    **faults: Any,
) -> Emulator:
    """An emulator, not yet serving: load the datamart, open the store, set faults.

    ``token`` (one or several) replaces the datamart's API profiles with one
    full-rights profile per token; ``keep_profiles=True`` keeps the datamart's
    own next to them (for the demo: ``demo-token``, ``readonly-token``,
    ``marketing-token``). ``admin_token`` guards the ``/_emulator`` paths (a
    random one by default). ``db`` keeps the data in an SQLite file that the
    emulator created (see docs/emulator.md); ``reset=True`` puts the
    definition's data back in it. ``head_timeout`` is the seconds a request
    head may take to arrive (then 408), ``query_steps`` the SQLite steps a
    read of records may run (then 400; None: no bound). Every mistake is a
    ValueError.
    """
    if demo == (datamart is not None):
        raise ValueError("pass exactly one of demo=True or datamart=<file, dict or Datamart>")
    check_instance(instance)
    tokens = [token] if isinstance(token, str) else list(token or ())
    if token is not None and not tokens:
        raise ValueError("token=[] gives no token at all: pass one, or None")
    if demo:
        mart = demo_datamart()
    elif isinstance(datamart, Datamart):
        mart = datamart
    else:
        assert datamart is not None
        mart = load_datamart(datamart)
    if tokens:
        mart = mart.with_tokens(tokens, keep_profiles=keep_profiles)
    if not mart.profiles:
        raise ValueError("the datamart has no API profile: pass token=... or add 'profiles'")
    if admin_token is None:
        admin_token = secrets.token_urlsafe(18)
    check_token(admin_token, "admin token")
    if any(hmac.compare_digest(admin_token, p.token) for p in mart.profiles):
        raise ValueError("the admin token must differ from every API token")
    state = FaultState(**faults)
    if query_steps is not None and query_steps < 1:
        raise ValueError("query_steps must be 1 or more, or None for no bound")
    check_page_cap(max_page_size)  # before the store is opened
    server_class = h11_with_head_timeout(head_timeout)
    api = Api(mart, Store(mart, db, reset=reset), max_page_size)
    api.store.query_steps = query_steps
    first = tokens[0] if tokens else (DEMO_TOKEN if demo else mart.profiles[0].token)
    emulator = Emulator(api, state, instance, first, admin_token)
    emulator.http_class = server_class
    return emulator


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for uvicorn, with Nagle's algorithm off.

    Accepted connections inherit TCP_NODELAY on Linux; without it, the body
    that follows the response headers waits for the client's delayed ACK
    (about 40 ms per request).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        # Listening at once: connections wait in the backlog until uvicorn
        # accepts them, so whoever reads the banner can connect right away.
        sock.listen(socket.SOMAXCONN)
    except OSError:
        sock.close()
        raise
    return sock


class Emulator:
    """A datamart emulator: its app, data and fault switches.

    ``base_url``, ``instance`` and ``token`` are what a client needs; the
    methods change faults and data while it runs. Get one from :func:`serve`.
    Tokens stay out of its repr.
    """

    def __init__(
        self, api: Api, faults: FaultState, instance: str, token: str, admin_token: str
    ) -> None:
        self.api = api
        self.faults = faults
        self.instance = instance
        self.token = token
        #: Guards the admin paths ``/_emulator/...`` (fault switches, reset, counts).
        self.admin_token = admin_token
        self.host = "127.0.0.1"
        self.app = build_app(api, faults, instance, admin_token, lambda: self.host)
        self.port = 0
        #: uvicorn's protocol class: h11 with a deadline on the request head.
        self.http_class = h11_with_head_timeout(HEAD_TIMEOUT_SECONDS)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<Emulator {self.base_url} instance={self.instance!r}>"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1/datamart``: the client's ``base_url``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{PREFIX}"

    @property
    def instance_url(self) -> str:
        """The base URL with the instance: ``.../v1/datamart/demo``."""
        return f"{self.base_url}/{self.instance}"

    def set_faults(self, **faults: Any) -> None:
        """Turn fault switches on or off (names in docs/emulator.md); others keep their value."""
        self.faults.set(**faults)

    def clear_faults(self) -> None:
        """Every fault switch off."""
        self.faults.clear()

    def reset(self) -> None:
        """Data back to the definition's, faults off and request counts at zero."""
        self.faults.clear()
        self.faults.reset_counts()
        if self.api.store.dirty:
            self.api.store.reset()

    def delete(self, object_name: str, ids: Iterable[int]) -> list[int]:
        """Delete records as the datamart's own processes do (the API cannot); the ids
        that were there. Moves the object's ``update_time``.

        >>> with serve(demo=True) as emu:  # doctest: +SKIP
        ...     emu.delete("contact", [1, 2, 999999])
        [1, 2]
        """
        if object_name not in self.api.store.tables:
            raise KeyError(f"unknown object {object_name!r}")
        return self.api.store.delete(object_name, ids)

    def request_count(self, method: str | None = None, endpoint: str | None = None) -> int:
        """How many requests arrived, e.g. ``request_count("POST", "put_objects")``."""
        return self.faults.request_count(method, endpoint)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve in a background thread; ``port=0`` picks a free port."""
        sock = listening_socket(host, port)
        self.host, self.port = host, sock.getsockname()[1]
        server = self.server()
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="scale-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.005)

    @property
    def profiles(self) -> list[tuple[str, str]]:
        """Each accepted API token with what its profile may do, in a few words."""
        mart = self.api.datamart
        return [(p.token, f"{p.name}: {p.summary(mart.objects)}") for p in mart.profiles]

    def server(self) -> uvicorn.Server:
        """A uvicorn server for this emulator's app (quiet: warnings only)."""
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            # h11 everywhere (not httptools where installed): the same limits for
            # everyone, a head buffer big enough for a URL or headers past their
            # bounds to reach the app and get its 414 or 431, and a deadline on
            # the head (_http).
            http=self.http_class,
            h11_max_incomplete_event_size=MAX_HEAD_BUFFER_BYTES,
            # Open connections at once; past it uvicorn answers 503 (plain text).
            limit_concurrency=MAX_CONNECTIONS,
            # Stopping waits this long for requests in flight, no longer: one held
            # by a long latency fault would otherwise keep serve from stopping.
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        return uvicorn.Server(config)

    def stop(self) -> None:
        """Stop serving and close the data store."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = self._thread = None
        self.api.store.close()


def _arguments_of(
    same: Callable[_P, Emulator],
) -> Callable[[Callable[..., Iterator[Emulator]]], Callable[_P, Iterator[Emulator]]]:
    # serve takes build's arguments, written once: type checkers see them
    # through the ParamSpec, help() and inspect through __signature__.
    def takes(function: Callable[..., Iterator[Emulator]]) -> Callable[_P, Iterator[Emulator]]:
        signature = inspect.signature(same)
        function.__signature__ = signature.replace(  # type: ignore[attr-defined]
            return_annotation=function.__annotations__.get("return")
        )
        return function

    return takes


@contextmanager
@_arguments_of(build)
def serve(**options: Any) -> Iterator[Emulator]:
    """Run an emulator on 127.0.0.1 on a free port for the ``with`` block.

    Takes :func:`build`'s arguments.

    >>> with serve(demo=True) as emu:  # doctest: +SKIP
    ...     emu.base_url, emu.instance, emu.token
    ('http://127.0.0.1:53211/v1/datamart', 'demo', 'demo-token')
    """
    emulator = build(**options)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
