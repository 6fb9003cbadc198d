"""SQLite connections to one store file: one writer, and readers that never wait for it.

The file is in WAL mode, so a read sees the last committed data while a write
goes on, and a write never waits for a read: a slow filtered query does not
hold up anything else. Writes take :attr:`Connections.write_lock` (SQLite has
one writer at a time anyway; the lock makes them queue instead of retrying).
Readers are lent from a small pool, one per request at a time, so the number
of open connections follows the number of requests in flight, not the number
of threads that ever served one. A read may be given a budget of SQLite
steps (SQLite's progress handler counts them), so that one costly filter
cannot hold a worker thread and a CPU for as long as it likes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["BudgetSpent", "Connections"]

#: Idle readers kept open for the next requests; more are closed when returned.
MAX_IDLE_READERS = 8
#: A read's budget of steps is checked every this many SQLite VM steps.
STEPS_PER_CHECK = 1000
#: How much of the file each connection maps into memory (address space, shared).
MMAP_BYTES = 1 << 30


class BudgetSpent(Exception):
    """A read ran out of its budget of SQLite steps (``steps``) and was stopped."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        super().__init__(f"stopped after {steps:,} SQLite steps")


class Connections:
    """The writer and the reader pool of one SQLite file; ``setup`` runs on each connection."""

    def __init__(
        self, path: str, setup: Callable[[sqlite3.Connection], None], *, durable: bool
    ) -> None:
        self._path = path
        self._setup = setup
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self.write_lock = threading.RLock()
        self.writer = self._open()
        try:
            # A temporary store needs no durability; a --db file survives a crash.
            self.writer.execute(f"PRAGMA synchronous = {'NORMAL' if durable else 'OFF'}")
        except sqlite3.Error:
            self.writer.close()
            raise

    def _open(self) -> sqlite3.Connection:
        # check_same_thread=False: a reader is lent to whichever worker thread
        # serves the request, one at a time.
        conn = sqlite3.connect(self._path, check_same_thread=False, timeout=30)
        # Reads map the file instead of copying its pages into each connection's
        # own cache: every reader shares the OS's copy, as fast as memory once warm.
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self._setup(conn)
        return conn

    def use_wal(self) -> None:
        """Switch the file to WAL mode (kept in the file), once it holds the store."""
        with self.write_lock:
            self.writer.execute("PRAGMA journal_mode = WAL")

    @contextmanager
    def reader(self, steps: int | None = None) -> Iterator[sqlite3.Connection]:
        """A connection for one read, back in the pool afterwards.

        ``steps``: the read's budget of SQLite virtual-machine steps; past it
        the statement stops and :class:`BudgetSpent` is raised.
        """
        with self._lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the store is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
        calls = 0

        def spent() -> int:
            nonlocal calls
            calls += 1
            return 1 if steps is not None and calls * STEPS_PER_CHECK > steps else 0

        if steps is not None:
            conn.set_progress_handler(spent, STEPS_PER_CHECK)
        try:
            yield conn
        except sqlite3.OperationalError:
            if steps is not None and calls * STEPS_PER_CHECK > steps:
                raise BudgetSpent(steps) from None
            raise
        finally:
            if steps is not None:
                conn.set_progress_handler(None, 0)
            with self._lock:
                keep = not self._closed and len(self._idle) < MAX_IDLE_READERS
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    def close(self) -> None:
        """Close every connection (readers still lent out close when returned)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        with self.write_lock:
            self.writer.close()
