"""``kill`` (SIGTERM) and a closed terminal (SIGHUP) stop a command as Ctrl-C does.

Python's default for those signals ends the process on the spot: an export
would leave its temporary file behind and the target untouched, with no word
of how far it got, and an import would lose its report. Inside
:func:`stop_like_ctrl_c` they raise :class:`KeyboardInterrupt` instead, so the
command finishes its file, writes its report and says how many records it
handled. A signal the parent set to be ignored (``nohup``) stays ignored.

``export`` holds a stop off while it writes a page (:func:`held_stops`), so
that its message counts exactly what the file holds. A server is stopped
differently, by :func:`stop_requests`: its handlers raise
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

__all__ = ["HeldStop", "StopRequest", "held_stops", "stop_like_ctrl_c", "stop_requests"]

_SIGNALS = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows
_STOPPING = ("SIGINT", *_SIGNALS)


def _catchable(names: tuple[str, ...]) -> list[int]:
    """The signals of ``names`` this platform has, except those the parent ignores."""
    numbers = [getattr(signal, name) for name in names if hasattr(signal, name)]
    return [n for n in numbers if signal.getsignal(n) is not signal.SIG_IGN]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _handled(
    names: tuple[str, ...], handler: Callable[[int, FrameType | None], None]
) -> Iterator[None]:
    """Within the block, ``handler`` takes the signals of ``names`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    previous = [(number, signal.signal(number, handler)) for number in _catchable(names)]
    try:
        yield
    finally:
        for number, handler_before in previous:
            signal.signal(number, handler_before)


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt (main thread only)."""
    with _handled(_SIGNALS, _interrupt):
        yield


class HeldStop:
    """Ctrl-C, ``kill`` and a closed terminal held off inside ``with held:``.

    There the signal is noted instead of raising :class:`KeyboardInterrupt`,
    and raised on the way out: ``export`` writes and counts each page inside,
    so a stop lands between two pages, never between writing a page and
    counting it, and its message counts exactly the records in the file.
    Outside, a signal raises at once (a page being read stops there).
    """

    def __init__(self) -> None:
        self.pending = False
        self._depth = 0
        self._for_good = False

    @property
    def holding(self) -> bool:
        """Whether a signal now waits instead of raising."""
        return self._depth > 0 or self._for_good

    def hold(self) -> None:
        """From now on every stop waits (the files are being ended); ``pending`` tells."""
        self._for_good = True

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        if self.holding:
            self.pending = True
            return
        raise KeyboardInterrupt

    def __enter__(self) -> HeldStop:
        self._depth += 1
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._depth -= 1
        if self.pending and not self.holding and kind is None:
            self.pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def held_stops() -> Iterator[HeldStop]:
    """Within the block, SIGINT, SIGTERM and SIGHUP stop as :class:`HeldStop` says.

    >>> import signal
    >>> with held_stops() as held:
    ...     try:
    ...         with held:
    ...             signal.raise_signal(signal.SIGTERM)
    ...             print("the page is written and counted")
    ...     except KeyboardInterrupt:
    ...         print("then stopped")
    the page is written and counted
    then stopped
    """
    held = HeldStop()
    with _handled(_STOPPING, held._signal):
        yield held


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
    with _handled(_STOPPING, stop._handle):
        yield stop
