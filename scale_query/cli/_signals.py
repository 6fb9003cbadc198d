"""``kill`` (SIGTERM) and a closed terminal (SIGHUP) stop a data command as Ctrl-C does.

Python's default for those signals ends the process on the spot: an export
would leave its temporary file behind and the target untouched, with no word
of how far it got, and an import would lose its report. Inside
:func:`stop_like_ctrl_c` they raise :class:`KeyboardInterrupt` instead, so the
command finishes its file, writes its report and says how many records it
handled. A signal the parent set to be ignored (``nohup``) stays ignored.

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
from collections.abc import Iterator
from types import FrameType

__all__ = ["stop_like_ctrl_c"]

_SIGNALS = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    numbers = [getattr(signal, name) for name in _SIGNALS if hasattr(signal, name)]
    kept = [n for n in numbers if signal.getsignal(n) is not signal.SIG_IGN]
    previous = [(number, signal.signal(number, _interrupt)) for number in kept]
    try:
        yield
    finally:
        for number, handler in previous:
            signal.signal(number, handler)
