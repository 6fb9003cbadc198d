"""uvicorn's h11 protocol with a deadline on the request head.

uvicorn closes a connection idle between two requests (keep-alive), but
waits forever for a request head that never ends: 256 sockets that send
``GET / HTTP/1.1\\r\\n`` and nothing more hold every connection slot, and
every other client gets a 503. Here a head (request line and headers) must
be complete within :data:`HEAD_TIMEOUT_SECONDS` of the connection, or of the
first byte of the next request on a kept-alive one; past it the answer is
``408 Request Timeout`` and the connection is closed. The body is not under
this deadline (its size is bounded, see :mod:`._limits`).

>>> h11_with_head_timeout(0.5).head_timeout
0.5
"""

from __future__ import annotations

import asyncio
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEAD_TIMEOUT_SECONDS", "h11_with_head_timeout"]

#: Seconds a request head may take to arrive, whole.
HEAD_TIMEOUT_SECONDS = 10.0


def _timeout_response(seconds: float) -> bytes:
    body = json.dumps(
        {"message": f"the request head (request line and headers) took over {seconds:g} s"}
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


#: The answer to a head h11 cannot read: JSON like every other error.
_UNREADABLE = json.dumps(
    {
        "message": "this HTTP request cannot be read (a malformed request line or header, "
        "or a head too large): percent-encode spaces and every non-ASCII byte of the URL"
    }
).encode()


class _HeadTimeoutH11(H11Protocol):
    head_timeout = HEAD_TIMEOUT_SECONDS
    _head_timer: asyncio.TimerHandle | None = None

    def send_400_response(self, msg: str) -> None:
        # uvicorn's own answer is text/plain ("Invalid HTTP request received.").
        response = h11.Response(
            status_code=400,
            headers=[
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_UNREADABLE)).encode()),
                (b"connection", b"close"),
            ],
            reason=b"Bad Request",
        )
        for event in (response, h11.Data(data=_UNREADABLE), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self._awaiting_head():
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)
        if not self._awaiting_head():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._head_timer is None and self._awaiting_head() and self.conn.trailing_data[0]:
            self._arm()  # part of the next head came with the last request (pipelined)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _awaiting_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout, self._expire)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _expire(self) -> None:
        self._head_timer = None
        if self._awaiting_head() and not self.transport.is_closing():
            self.transport.write(_timeout_response(self.head_timeout))
            self.transport.close()


def h11_with_head_timeout(seconds: float) -> type[H11Protocol]:
    """The h11 protocol class for uvicorn's ``http=``, with a head deadline of ``seconds``."""
    if not seconds > 0:
        raise ValueError("head_timeout must be a positive number of seconds")
    return type("H11WithHeadTimeout", (_HeadTimeoutH11,), {"head_timeout": float(seconds)})
