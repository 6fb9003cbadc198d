"""The command line's one file writer: all of the new content, or the old file untouched.

Every file the commands write (``fmt``, ``check --fix``, ``export -o``,
``import --report`` and ``--rejects``, ``schema -o``) goes through
:class:`AtomicFile`. The new content goes to a temporary file in the target's
folder (so the final rename never crosses file systems), is flushed to disk,
and replaces the target with :func:`os.replace`, atomic on POSIX and Windows.
Interrupted at any point (a full disk, ``ulimit -f``, Ctrl-C), the old file is
still whole and the temporary file is removed.

- A symbolic link is followed: the file it points at is replaced, the link stays.
- A file with several hard links (``st_nlink > 1``) is rewritten in place
  instead, so every link sees the new content: the new content is still
  written to a temporary file first, then the target's space is reserved
  (:func:`os.posix_fallocate`, so a full disk leaves it as it was) and the
  content copied over it. Only this copy is not atomic: a crash during it can
  leave that one file half written.
- An existing file keeps its permission bits and (for root) its owner; a new
  file gets what ``open()`` would give it: ``0o666`` less the umask, applied
  by the kernel when the temporary file is created (the process umask is
  never changed, so threads writing at the same time are safe).
- A file whose permissions allow no writing is refused, as an editor would,
  even for root. Every failure is an :class:`IOFailure` (exit status 3) naming
  the file.
- A process killed outright (``kill -9``, a power cut) cannot remove its
  temporary file. The name says who made it:
  ``.<name>~sq<host>.<pid>.<random>.tmp``; the next write to the same target
  removes such files when they are ours (same user, same host) and their
  process is gone. A file of any other name is never touched.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "a.filter")
>>> write_atomic(path, 'Nom $eq "x"\\n')
>>> open(path, encoding="utf-8").read()
'Nom $eq "x"\\n'
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import zlib
from typing import BinaryIO

from ._errors import IOFailure, UsageError

__all__ = ["AtomicFile", "remove_stale", "write_atomic"]

# The part of a temporary file's name after ".<target name>".
_TEMPORARY = re.compile(r"~sq([0-9a-f]{8})\.([0-9]{1,10})\.[0-9a-f]{12}\.tmp")
_HOST = f"{zlib.crc32(os.uname().nodename.encode()) if hasattr(os, 'uname') else 0:08x}"
# Copying into a hard-linked file: this much at a time.
_CHUNK = 1 << 20


def _cannot(path: str, error: OSError) -> IOFailure:
    return IOFailure(f"{path}: cannot write ({error.strerror or error})")


def _gone(pid: int) -> bool:
    """Whether no process has this id (False when unsure)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, under another user
    return False


def remove_stale(folder: str, name: str) -> list[str]:
    """Remove the temporary files of ``name`` left in ``folder`` by killed writers.

    Only names this module makes, of this user and host, whose process is
    gone; returns the paths removed. POSIX only (elsewhere: nothing).
    """
    if os.name != "posix":
        return []  # os.kill(pid, 0) ends the process on Windows
    prefix = f".{name}"
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = entry.name.startswith(prefix) and _TEMPORARY.fullmatch(entry.name, len(prefix))
        if not match or match.group(1) != _HOST or not _gone(int(match.group(2))):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                os.unlink(entry.path)
                removed.append(entry.path)
    return removed


class AtomicFile:
    """A binary file that replaces ``path`` on :meth:`commit`, and is dropped by :meth:`discard`.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.csv")
    >>> with AtomicFile(path) as out:
    ...     _ = out.stream.write(b"id\\n")
    ...     out.commit()
    >>> open(path).read()
    'id\\n'
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.target = os.path.realpath(path)
        self.temporary: str | None = None
        self._stream: BinaryIO | None = None
        self._old: os.stat_result | None = None

    def __enter__(self) -> AtomicFile:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    @property
    def stream(self) -> BinaryIO:
        """Where the new content goes."""
        assert self._stream is not None, "open() the file first"
        return self._stream

    def open(self) -> BinaryIO:
        """Create the temporary file (UsageError when the target cannot be written)."""
        try:
            self._old = os.stat(self.target)
        except FileNotFoundError:
            self._old = None
        except OSError as error:
            raise _cannot(self.path, error) from None
        old = self._old
        if old is not None:
            if stat.S_ISDIR(old.st_mode):
                raise UsageError(f"{self.path}: is a folder; name a file")
            if not stat.S_ISREG(old.st_mode):
                raise IOFailure(f"{self.path}: cannot write (not a regular file)")
            if not old.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                raise IOFailure(f"{self.path}: cannot write (the file is read-only)")
        folder, name = os.path.split(self.target)
        remove_stale(folder or ".", name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        # A new file: 0o666, which the kernel narrows by the umask, as open() does.
        mode = 0o666 if old is None else 0o600
        for _ in range(100):
            temporary = os.path.join(
                folder, f".{name}~sq{_HOST}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
            )
            try:
                handle = os.open(temporary, flags | getattr(os, "O_CLOEXEC", 0), mode)
                break
            except FileExistsError:
                continue
            except OSError as error:
                raise _cannot(self.path, error) from None
        else:  # pragma: no cover - 100 collisions of 48 random bits
            raise UsageError(f"{self.path}: cannot write (no free temporary name)")
        self.temporary = temporary
        self._stream = os.fdopen(handle, "wb")
        if old is not None:
            try:
                os.chmod(temporary, stat.S_IMODE(old.st_mode))
                _keep_owner(temporary, old)
            except OSError as error:
                self.discard()
                raise _cannot(self.path, error) from None
        return self._stream

    def commit(self) -> None:
        """Put the new content in place (UsageError on a failure: the target is as it was)."""
        if self.temporary is None:
            return
        try:
            stream = self.stream
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            if self._old is not None and self._old.st_nlink > 1:
                self._write_through()
                os.unlink(self.temporary)
            else:
                os.replace(self.temporary, self.target)
        except OSError as error:
            self.discard()
            raise _cannot(self.path, error) from None
        self.temporary = None

    def _write_through(self) -> None:
        """Copy the temporary file over the hard-linked target, its space reserved first."""
        assert self.temporary is not None
        size = os.stat(self.temporary).st_size
        with open(self.temporary, "rb") as source, open(self.target, "r+b") as out:
            if size and hasattr(os, "posix_fallocate"):
                try:
                    os.posix_fallocate(out.fileno(), 0, size)
                except OSError as error:
                    if error.errno not in _NO_FALLOCATE:
                        raise
            while chunk := source.read(_CHUNK):
                out.write(chunk)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())

    def discard(self) -> None:
        """Drop the temporary file; the target stays as it was."""
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)
            self.temporary = None


# A file system that cannot reserve space: the copy goes ahead without.
_NO_FALLOCATE = {getattr(errno, name, -1) for name in ("EOPNOTSUPP", "ENOTSUP", "EINVAL", "ENOSYS")}


def write_atomic(path: str, content: str | bytes, *, encoding: str = "utf-8") -> None:
    """Replace the file at ``path`` with ``content`` (text is written as is: no newline changes).

        Raises :class:`UsageError` (``path: cannot write (reason)``) when the file
        is read-only or the folder cannot take the temporary file (an :class:`IOFailure`,
    exit status 3).
    """
    data = content.encode(encoding) if isinstance(content, str) else content
    with AtomicFile(path) as out:
        try:
            out.stream.write(data)
        except OSError as error:
            raise _cannot(path, error) from None
        out.commit()


def _keep_owner(temporary: str, old: os.stat_result) -> None:
    # Only root can give a file away; anyone else keeps their own ownership.
    if not hasattr(os, "chown"):
        return
    new = os.stat(temporary)
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        with contextlib.suppress(OSError):
            os.chown(temporary, old.st_uid, old.st_gid)
