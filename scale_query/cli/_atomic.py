"""Write a user's file atomically: all of the new content, or the old file untouched.

The new content goes to a temporary file in the same folder (so the final
rename never crosses file systems), is flushed to disk, takes the old file's
permission bits, and then replaces the old file with :func:`os.replace`, which
is atomic on POSIX and Windows. Interrupted at any point (a full disk,
``ulimit -f``, a kill), the old file is still whole and the temporary file is
removed. A symbolic link is followed: the file it points at is replaced and the
link stays. A file whose permissions allow no writing is refused, as an editor
would, even for root. Every failure is a :class:`UsageError` naming the file.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "a.filter")
>>> write_atomic(path, 'Nom $eq "x"\\n')
>>> open(path, encoding="utf-8").read()
'Nom $eq "x"\\n'
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from ._errors import UsageError

__all__ = ["write_atomic"]


def write_atomic(path: str, content: str | bytes, *, encoding: str = "utf-8") -> None:
    """Replace the file at ``path`` with ``content`` (text is written as is: no newline changes).

    Raises :class:`UsageError` (``path: cannot write (reason)``) when the file
    is read-only or the folder cannot take the temporary file.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
    if old is not None and not old.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(f"{path}: cannot write (the file is read-only)")
    data = content.encode(encoding) if isinstance(content, str) else content
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if old is not None:
            os.chmod(temporary, stat.S_IMODE(old.st_mode))
            _keep_owner(temporary, old)
        else:
            # A new file gets what open() would give it: 0o666 less the umask.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
        raise


def _keep_owner(temporary: str, old: os.stat_result) -> None:
    # Only root can give a file away; anyone else keeps their own ownership.
    if not hasattr(os, "chown"):
        return
    new = os.stat(temporary)
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        with contextlib.suppress(OSError):
            os.chown(temporary, old.st_uid, old.st_gid)
