"""A small hostile HTTP server for the client's tests: it answers as a test scripts it.

Real sockets, no HTTP library: a test writes the raw bytes, so it can do
what no well-behaved server does (drip the headers, send an endless chunked
body, echo the token with PHP's ``\\/`` escapes, cycle pages).

>>> def hello(exchange: Exchange) -> None:
...     exchange.send(answer(b'{"objects": []}'))
>>> with Hostile(hello) as server:  # doctest: +SKIP
...     server.base_url
'http://127.0.0.1:.../v1/datamart'
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Exchange", "Hostile", "answer", "gzip_answer"]


def answer(body: bytes, status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    """A whole HTTP/1.1 response with a Content-Length."""
    head = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    head.update(headers or {})
    lines = "".join(f"{name}: {value}\r\n" for name, value in head.items())
    return f"HTTP/1.1 {status}\r\n{lines}\r\n".encode() + body


def gzip_answer(body: bytes) -> bytes:
    """A 200 whose body is ``body`` gzip-compressed (a bomb when ``body`` is all zeros)."""
    return answer(gzip.compress(body, compresslevel=9), headers={"Content-Encoding": "gzip"})


@dataclass
class Exchange:
    """One request as the server read it, and the socket to answer on."""

    method: str
    target: str
    headers: dict[str, str]
    sock: socket.socket
    stop: threading.Event
    number: int = 0
    params: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def send(self, data: bytes) -> bool:
        """Send ``data``; False once the client is gone or the server is stopping."""
        if self.stop.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def drip(self, data: bytes, every: float) -> bool:
        """Send ``data`` a byte at a time, ``every`` seconds apart, until done or stopped."""
        for index in range(len(data)):
            if not self.send(data[index : index + 1]) or self.stop.wait(every):
                return False
        return True


Respond = Callable[[Exchange], None]


class Hostile:
    """A threaded server on 127.0.0.1 calling ``respond`` for each request it reads.

    ``exchanges`` lists every request seen. Connections are kept alive, as
    httpx expects; leaving the ``with`` block stops every pending answer.
    """

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.exchanges: list[Exchange] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1/datamart"

    def __enter__(self) -> Hostile:
        self._spawn(self._accept)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        # shutdown, not close alone, wakes a thread blocked in accept() or recv().
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self._sockets.append(sock)
            self._spawn(self._serve, sock)

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            reader = sock.makefile("rb")
            while not self._stop.is_set():
                try:
                    exchange = self._read(reader, sock)
                except OSError:
                    return
                if exchange is None:
                    return
                self.respond(exchange)

    def _read(self, reader: object, sock: socket.socket) -> Exchange | None:
        readline = reader.readline  # type: ignore[attr-defined]
        line = readline(65536).decode("latin-1").strip()
        if not line:
            return None
        method, target, _ = line.split(" ", 2)
        headers: dict[str, str] = {}
        while (header := readline(65536).decode("latin-1").strip()) != "":
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        if length:
            reader.read(length)  # type: ignore[attr-defined]
        with self._lock:
            exchange = Exchange(
                method,
                target,
                headers,
                sock,
                self._stop,
                number=len(self.exchanges) + 1,
                params=dict(parse_qsl(urlsplit(target).query)),
            )
            self.exchanges.append(exchange)
        return exchange
