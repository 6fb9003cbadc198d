"""One deadline per request attempt, from the first connect to the last byte of the body.

httpx's timeouts bound each network operation, not a request: a server that
drips its headers or its body a byte at a time, each within the read
timeout, holds a request for as long as it likes. The client sets
:data:`DEADLINE` (a ``time.monotonic()`` instant) around each attempt, and:

- :class:`Body` stops reading the body at the deadline, and past the
  client's bound on its size (counted decompressed);
- :class:`DeadlineBackend`, the network layer of the transports the sync
  client makes itself, cuts every socket operation's timeout to the time
  left, so dripped headers stop at the deadline too. (The async client
  needs none of it: ``asyncio.timeout`` cancels the whole attempt.)

Only this module and ``_client`` touch httpcore, httpx's network layer.

>>> import time
>>> token = DEADLINE.set(time.monotonic() + 60)
>>> 0 < time_left(5.0) <= 5.0, time_left(None) <= 60
(True, True)
>>> DEADLINE.reset(token)
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import httpcore

__all__ = ["DEADLINE", "Body", "DeadlineBackend", "DeadlineExceeded", "TooLarge", "time_left"]

#: When the attempt under way must end (``time.monotonic()``), or None: no deadline.
DEADLINE: ContextVar[float | None] = ContextVar("scale_query_deadline", default=None)

# A socket timeout of 0 would make the socket non-blocking (an error, not a
# timeout): once the deadline has passed, each operation gets this instead.
_SPENT = 0.001


class DeadlineExceeded(Exception):
    """The attempt's deadline passed while its body was being read."""


class TooLarge(Exception):
    """The body grew past the client's bound (``limit`` bytes, decompressed)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(limit)


def time_left(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left before :data:`DEADLINE` (never 0: see ``_SPENT``)."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = max(_SPENT, deadline - time.monotonic())
    return left if timeout is None else min(timeout, left)


class Body:
    """A response body taken chunk by chunk (decoded): :class:`TooLarge` past ``limit``
    bytes, :class:`DeadlineExceeded` once :data:`DEADLINE` has passed.

    >>> body = Body(limit=4)
    >>> body.take(b"ab"); body.take(b"cd"); body.value()
    b'abcd'
    >>> body.take(b"e")
    Traceback (most recent call last):
    ...
    scale_query.client._deadline.TooLarge: 4
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._parts: list[bytes] = []
        self._deadline = DEADLINE.get()

    def take(self, chunk: bytes) -> None:
        """Add one chunk, or raise when the body is over its bound or out of time."""
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(self.limit)
        self._parts.append(chunk)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise DeadlineExceeded

    def value(self) -> bytes:
        """The whole body."""
        return b"".join(self._parts)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, time_left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, time_left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every operation's timeout cut to the deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._backend.connect_tcp(host, port, time_left(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, time_left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
