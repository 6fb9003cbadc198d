"""Where a streamed result goes: stdout, or a file written beside its target and renamed.

An export or a report can run for minutes. A file target is written through
:class:`~scale_query.cli._atomic.AtomicFile` (the command line's one file
writer: a temporary file in the target's folder, moved into place by
:meth:`Output.commit`), so readers of the target never see a half-written
file and an existing file keeps its permission bits. :meth:`Output.discard`
removes the temporary file instead.

``-`` is stdout. A target that exists and is not a regular file (``/dev/null``,
a named pipe, a terminal) is written into directly, as a shell redirection
would: renaming a file over it would replace the device or pipe itself.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "out.csv")
>>> with Output(path) as out:
...     _ = out.text.write("id\\n1\\n")
...     out.commit()
>>> open(path).read()
'id\\n1\\n'
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from types import TracebackType
from typing import BinaryIO, TextIO

from ._atomic import AtomicFile
from ._errors import UsageError

__all__ = ["Output"]


class Output:
    """A text or binary stream to ``path`` (None: stdout), made visible by :meth:`commit`.

    Leaving the ``with`` block without ``commit`` discards the temporary
    file, so a failure before anything useful was written leaves the
    target as it was.
    """

    def __init__(self, path: str | None) -> None:
        self.path = None if path == "-" else path
        self._file: AtomicFile | None = None
        self._binary: BinaryIO | None = None
        self._text: io.TextIOWrapper | None = None
        self.committed = False

    @property
    def name(self) -> str:
        """The target as a person reads it."""
        return self.path if self.path is not None else "stdout"

    def __enter__(self) -> Output:
        if self.path is None:
            return self
        try:
            old = os.stat(self.path)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise UsageError(f"{self.path}: cannot write ({error.strerror or error})") from None
        else:
            if not stat.S_ISREG(old.st_mode) and not stat.S_ISDIR(old.st_mode):
                return self._open_directly()
        self._file = AtomicFile(self.path)
        self._binary = self._file.open()
        return self

    def _open_directly(self) -> Output:
        assert self.path is not None
        try:
            self._binary = open(self.path, "wb")  # noqa: SIM115 (closed by commit/discard)
        except OSError as error:
            raise UsageError(f"{self.path}: cannot write ({error.strerror or error})") from None
        return self

    @property
    def binary(self) -> BinaryIO:
        """The byte stream (stdout's buffer without a path)."""
        if self.path is None:
            return sys.stdout.buffer
        assert self._binary is not None, "use Output in a with block"
        return self._binary

    @property
    def text(self) -> TextIO:
        """A UTF-8 text stream over :attr:`binary` (stdout itself without a path)."""
        if self.path is None:
            return sys.stdout
        if self._text is None:
            # newline="" : the csv module writes its own line endings.
            self._text = io.TextIOWrapper(self.binary, encoding="utf-8", newline="")
        return self._text

    def flush(self) -> None:
        """Push what was written to the file (or stdout)."""
        if self._text is not None:
            self._text.flush()
        if self.path is None:
            sys.stdout.flush()
        else:
            self.binary.flush()

    def commit(self) -> None:
        """Make the file visible at its path (atomically); nothing to do for stdout."""
        try:
            self.flush()
        except OSError as error:
            self.discard()
            raise UsageError(f"{self.name}: cannot write ({error.strerror or error})") from None
        self._release(keep=True)
        self.committed = True

    def _detach(self) -> None:
        # The wrapper lets go of the byte stream, which the writer closes.
        if self._text is not None:
            with contextlib.suppress(OSError, ValueError):
                self._text.detach()
            self._text = None

    def discard(self) -> None:
        """Drop the temporary file; the target stays as it was."""
        self._release(keep=False)

    def _release(self, *, keep: bool) -> None:
        # The temporary file committed to its path or dropped; a device or
        # pipe written directly is closed either way.
        self._detach()
        if self._file is not None and keep:
            self._file.commit()
        elif self._file is not None:
            self._file.discard()
        elif self._binary is not None:
            with contextlib.suppress(OSError):
                self._binary.close()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()
