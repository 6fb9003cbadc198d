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

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal

__all__ = ["APPLICATION_ID", "StoreFileError", "inspect"]

#: ``"SQE1"`` in ASCII: the mark of a scale-query emulator store in the file header.
APPLICATION_ID = 0x5351_4531


class StoreFileError(ValueError):
    """A ``--db`` file the emulator will not use; the message says why and what to do."""


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4"
    ).fetchall()
    return [str(name) for (name,) in rows]


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
        f"(tables: {shown or 'none'}); it is left untouched. "
        "Pass a new file name to --db and serve creates it"
    )
