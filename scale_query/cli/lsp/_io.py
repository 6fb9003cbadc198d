"""The language server's stdio transport: framed JSON-RPC, read in batches, with bounds.

pygls 2's own loop (``pygls.io_.run_async``) skips a header it cannot read
(``Content-Length: abc``) and then takes every body that follows for more
headers: the server stays alive and never answers again. It also reads any
``Content-Length`` whole, however large. This transport instead:

- reads stdin in a thread, in chunks, and hands the event loop every complete
  message that was waiting as one *batch*; after a batch the server's
  ``idle`` callback runs, so the server validates a document once per batch,
  at its latest version, however many changes the batch held (typing faster
  than the server validates coalesces changes instead of queueing them);
- stops, with one line on stderr and exit code 1, on a header block it cannot
  read: a line that is not ``Name: value``, a ``Content-Length`` that is not a
  decimal number (or missing, or given twice), or a header block over
  :data:`MAX_HEADER` bytes. The protocol has no way to find the next message
  after such a header, so waiting would only hang;
- skips a message over :data:`MAX_MESSAGE` bytes without keeping it (one line
  on stderr), so no client makes the server hold more than that per message.

>>> framer = Framer()
>>> framer.feed(b'Content-Length: 2\\r\\n\\r\\n{}Content-Len')
[b'{}']
>>> framer.feed(b"gth: abc\\r\\n\\r\\n")
Traceback (most recent call last):
...
scale_query.cli.lsp._io.FramingError: Content-Length is not a decimal number
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

__all__ = ["MAX_HEADER", "MAX_MESSAGE", "Framer", "FramingError", "serve"]

#: A message body longer than this many bytes is skipped, not read into memory.
MAX_MESSAGE = 64 * 1024 * 1024

#: A header block (every line up to the blank one) longer than this many bytes is refused.
MAX_HEADER = 4096

_CHUNK = 65536
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class FramingError(Exception):
    """Bytes on stdin that are no LSP message: the stream cannot be read past them."""


class Framer:
    """Splits the bytes read from stdin into message bodies."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.length: int | None = None  # of the body being read, once its headers are
        self.skipping = 0  # bytes of an oversized body still to drop
        self.skipped = 0  # oversized bodies dropped so far

    def feed(self, data: bytes) -> list[bytes]:
        """The bodies completed by ``data``; raises :class:`FramingError` on a bad header."""
        bodies: list[bytes] = []
        if self.skipping:
            dropped = min(self.skipping, len(data))
            self.skipping -= dropped
            data = data[dropped:]
        self.buffer += data
        while True:
            if self.skipping:
                dropped = min(self.skipping, len(self.buffer))
                self.skipping -= dropped
                del self.buffer[:dropped]
                if self.skipping:
                    return bodies
            if self.length is None:
                end = self.buffer.find(b"\r\n\r\n", 0, MAX_HEADER + 4)
                if end < 0:
                    if len(self.buffer) > MAX_HEADER + 4:
                        raise FramingError(f"a header block longer than {MAX_HEADER} bytes")
                    return bodies
                length = content_length(bytes(self.buffer[:end]))
                del self.buffer[: end + 4]
                if length > MAX_MESSAGE:
                    self.skipping, self.skipped = length, self.skipped + 1
                    continue
                self.length = length
            if len(self.buffer) < self.length:
                return bodies
            bodies.append(bytes(self.buffer[: self.length]))
            del self.buffer[: self.length]
            self.length = None


def content_length(block: bytes) -> int:
    """The ``Content-Length`` of a header block (without its blank line).

    >>> content_length(b"Content-Length: 12\\r\\nContent-Type: application/vscode-jsonrpc")
    12
    """
    found: int | None = None
    for line in block.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if not colon or not name or not _TOKEN.issuperset(name):
            raise FramingError("a header line that is not 'Name: value'")
        if name.lower() != b"content-length":
            continue
        value = value.strip(b" \t")
        if found is not None:
            raise FramingError("Content-Length given twice")
        if not value.isdigit() or len(value) > 12:
            raise FramingError("Content-Length is not a decimal number")
        found = int(value)
    if found is None:
        raise FramingError("a message without Content-Length")
    return found


# What the reader thread hands the loop: bodies, the end of input, or why it stopped.
_Item = list[bytes] | FramingError | None


def _read(stream: BinaryIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[_Item]) -> None:
    framer = Framer()
    skipped = 0
    item: _Item = None
    # What is there now (up to a chunk), not a full chunk's wait; from the file
    # descriptor, so that no lock of a buffered reader is held by this thread
    # when the interpreter exits (Python aborts on that: "could not acquire lock").
    try:
        descriptor = stream.fileno()
    except (OSError, AttributeError, ValueError):
        read1: Callable[[int], bytes] = getattr(stream, "read1", stream.read)
    else:

        def read1(size: int) -> bytes:
            return os.read(descriptor, size)

    try:
        while True:
            data = read1(_CHUNK)
            if not data:
                break
            bodies = framer.feed(data)
            if framer.skipped > skipped:
                skipped = framer.skipped
                sys.stderr.write(
                    f"scale-query lsp: a message over {MAX_MESSAGE} bytes was skipped\n"
                )
            if bodies:
                loop.call_soon_threadsafe(queue.put_nowait, bodies)
    except FramingError as error:
        item = error
    except (OSError, ValueError):
        pass  # stdin closed under us: the end of input
    with contextlib.suppress(RuntimeError):  # the loop is gone already (the server exited)
        loop.call_soon_threadsafe(queue.put_nowait, item)


def serve(
    server: LanguageServer,
    idle: Callable[[], None],
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> int:
    """Serve over stdio until ``exit``, the end of input or a framing error; the exit code."""
    from pygls.io_ import StdoutWriter

    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    try:
        return asyncio.run(_loop(server, idle, stdin or sys.stdin.buffer))
    except SystemExit as done:  # the client's exit notification (pygls calls sys.exit)
        return done.code if isinstance(done.code, int) else 0
    except BrokenPipeError:
        return 1  # the client is gone


async def _loop(server: LanguageServer, idle: Callable[[], None], stdin: BinaryIO) -> int:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[_Item] = asyncio.Queue()
    threading.Thread(target=_read, args=(stdin, loop, queue), daemon=True).start()
    while True:
        items = [await queue.get()]
        while not queue.empty():  # everything that came while the last batch ran
            items.append(queue.get_nowait())
        for item in items:
            if item is None:
                return 0
            if isinstance(item, FramingError):
                sys.stderr.write(f"scale-query lsp: unreadable input ({item}); exiting\n")
                return 1
            for body in item:
                handle(server, body)
        await asyncio.sleep(0)  # let the tasks the batch started run first
        idle()


def _answer(server: LanguageServer, body: bytes, error: Exception) -> bool:
    """Answer a request that pygls could not read with its JSON-RPC error; whether it was one."""
    from pygls.exceptions import JsonRpcException

    if not isinstance(error, JsonRpcException):
        return False
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return False
    if not isinstance(message, dict) or "method" not in message:
        return False
    number = message.get("id")
    if isinstance(number, bool) or not isinstance(number, (int, str)):
        return False
    server.protocol._send_response(number, error=error.to_response_error())
    return True


def handle(server: LanguageServer, body: bytes) -> None:
    """Hand one message body to pygls (a body that is no JSON is logged and dropped)."""
    protocol = server.protocol
    try:
        message: Any = json.loads(body, object_hook=protocol.structure_message)
        if message is None or isinstance(message, (int, float, str, list)):
            # JSON, but no object: pygls would fail on it in its handler.
            raise TypeError("not a JSON object")
    except Exception as error:
        # A request whose params do not fit (a negative line, say) is answered
        # with that error, as JSON-RPC says; anything else is dropped, named
        # by its kind only (the body may hold a document's text).
        if not _answer(server, body, error):
            kind = type(error).__name__
            sys.stderr.write(
                f"scale-query lsp: a message that is not JSON-RPC was dropped ({kind})\n"
            )
        return
    try:
        protocol.handle_message(message)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as error:  # pygls answers requests itself; this is the rest
        kind = type(error).__name__
        sys.stderr.write(f"scale-query lsp: a message could not be handled ({kind})\n")
