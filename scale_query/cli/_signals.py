"""``kill`` (SIGTERM) and a closed terminal (SIGHUP) stop a command as Ctrl-C does.

Python's default for those signals ends the process on the spot: an export
would leave its temporary file behind and the target untouched, with no word
of how far it got, and an import would lose its report. Inside
:func:`stop_like_ctrl_c` they raise :class:`KeyboardInterrupt` instead, so the
command finishes its file, writes its report and says how many records it
handled. A signal the parent set to be ignored (``nohup``) stays ignored.

A server is stopped differently, by :func:`stop_requests`: its handlers raise
nothing and only ask the server to stop. An exception raised by a signal
handler lands wherever the main thread happens to be, and in the wrong place
(a weakref callback, the event loop's own cleanup) Python prints "Exception
ignored" and carries on: ``serve`` then kept running after its terminal
closed. A request to stop, polled by the server's loop, cannot be lost.

>>> import signal
>>> with stop_like_ctrl_c():
...     try:
...         signal.raise_signal(signal.SIGTERM)
...     except KeyboardInterrupt:
...         print("stopped cleanly")
stopped cleanly
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["StopRequest", "stop_like_ctrl_c", "stop_requests"]

_SIGNALS = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows
_STOPPING = ("SIGINT", *_SIGNALS)


def _catchable(names: tuple[str, ...]) -> list[int]:
    """The signals of ``names`` this platform has, except those the parent ignores."""
    numbers = [getattr(signal, name) for name in names if hasattr(signal, name)]
    return [n for n in numbers if signal.getsignal(n) is not signal.SIG_IGN]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    previous = [(number, signal.signal(number, _interrupt)) for number in _catchable(_SIGNALS)]
    try:
        yield
    finally:
        for number, handler in previous:
            signal.signal(number, handler)


class StopRequest:
    """Whether a stopping signal arrived, and what to tell when one does.

    ``on_stop`` is called from the signal handler: it must only set flags (as
    uvicorn's ``Server.should_exit``), never raise or block.
    """

    def __init__(self) -> None:
        self.signal: int | None = None
        self._on_stop: Callable[[], None] | None = None

    @property
    def requested(self) -> bool:
        """True once SIGINT, SIGTERM or SIGHUP arrived."""
        return self.signal is not None

    def on_stop(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on a signal, at once if one already arrived."""
        self._on_stop = callback
        if self.requested:
            callback()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signal = signum
        if self._on_stop is not None:
            self._on_stop()


@contextlib.contextmanager
def stop_requests() -> Iterator[StopRequest]:
    """Within the block, SIGINT, SIGTERM and SIGHUP set a flag instead of raising.

    >>> import signal
    >>> with stop_requests() as stop:
    ...     signal.raise_signal(signal.SIGHUP)
    ...     print(stop.requested)
    True
    """
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = [(n, signal.signal(n, stop._handle)) for n in _catchable(_STOPPING)]
    try:
        yield stop
    finally:
        for number, handler in previous:
            signal.signal(number, handler)
