"""The emulator's SQLite files: its own are recognised, any other is left alone.

A store file is marked with :data:`APPLICATION_ID` in SQLite's header
(``PRAGMA application_id``), the way SQLite suggests an application marks
its files. ``serve --db FILE`` uses a file only when it carries that mark, or
when it is new (absent, empty, or a database without a single table); any
other file, a database of another application or not a database at all, is
refused with one line saying what to do, and never written to.

>>> import tempfile, pathlib
>>> inspect(pathlib.Path(tempfile.mkdtemp()) / "new.sqlite")
'new'
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal

__all__ = ["APPLICATION_ID", "FileLock", "StoreFileError", "discard", "inspect"]

#: ``"SQE1"`` in ASCII: the mark of a scale-query emulator store in the file header.
APPLICATION_ID = 0x5351_4531


class StoreFileError(ValueError):
    """A ``--db`` file the emulator will not use; the message says why and what to do."""


def _tables(conn: sqlite3.Connection) -> list[str]:
    """What the file holds: its tables, views, indexes and triggers (a view alone is data too)."""
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master ORDER BY type = 'table' DESC, name LIMIT 4"
    ).fetchall()
    return [str(name) if kind == "table" else f"{kind} {name}" for kind, name in rows]


class FileLock:
    """An exclusive lock on a ``--db`` file for as long as one emulator serves it.

    ``flock`` on the file itself, no file beside it: a second ``serve --db``
    on the same file (``--reset`` included) is refused while the first runs,
    and the lock goes with the process, however it ends. SQLite's own locks
    are POSIX record locks, which ``flock`` does not touch; the descriptor is
    closed only after SQLite's connections (closing another descriptor of
    the file would drop SQLite's locks). Where there is no ``flock``
    (Windows), there is no lock.
    """

    def __init__(self, path: Path) -> None:
        #: Whether the file was there before (else the emulator made it, and may remove it).
        self.existed = path.exists()
        try:
            self._fd: int | None = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreFileError(f"{path}: cannot open ({error.strerror})") from None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.release()
            raise StoreFileError(
                f"{path} is in use by another scale-query serve; stop that one first "
                "(or pass another file to --db)"
            ) from None

    def release(self) -> None:
        """Let go of the lock (after the file's SQLite connections are closed)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def discard(path: Path, *, existed: bool) -> None:
    """Undo a store the emulator failed to make in ``path``: remove it, or empty it again.

    Also removes SQLite's files beside it (a journal a failed write left would
    make the next run read the file as damaged).
    """
    for suffix in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")
    with contextlib.suppress(FileNotFoundError):
        if existed:
            os.truncate(path, 0)  # it was empty (or an empty database) before
        else:
            os.remove(path)


def inspect(path: Path) -> Literal["new", "ours"]:
    """Whether ``path`` is a new store (to build) or one the emulator made; else StoreFileError."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "new"
    except OSError as error:
        raise StoreFileError(f"{path}: cannot read ({error.strerror})") from None
    if path.is_dir():
        raise StoreFileError(f"{path} is a folder; --db takes a file name")
    if size == 0:
        return "new"
    try:
        # Read-only: a file that turns out not to be ours is never changed.
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
            tables = _tables(conn)
    except sqlite3.DatabaseError as error:
        raise StoreFileError(
            f"{path} is not an SQLite database ({error}); "
            "--db takes a file that scale-query serve created, or a new file name"
        ) from None
    if application_id == APPLICATION_ID:
        return "ours"
    if application_id == 0 and not tables:
        return "new"
    shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
    raise StoreFileError(
        f"{path} is an SQLite database that scale-query did not create "
        f"(holding {shown or 'nothing'}); it is left untouched. "
        "Pass a new file name to --db and serve creates it"
    )
