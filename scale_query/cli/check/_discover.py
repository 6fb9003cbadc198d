"""Which files ``check`` and ``fmt`` read, what kind each is, and reading them.

A file is a *filter file* when its name ends in ``.filter`` or matches one of
the ``filter-files`` globs of the configuration, and a *Python source* when it
ends in ``.py``. Folders are searched for both; a file named on the command
line must be one or the other (or stdin, ``-``). Hidden folders, virtual
environments (any folder holding ``pyvenv.cfg``), ``node_modules``,
``__pycache__`` and ``site-packages`` are never searched, nor is anything an
``exclude`` glob matches; a search takes regular files only (not a named
pipe, which would block the read, nor a dangling link).

>>> file_kind("queries/a.filter"), file_kind("app.py"), file_kind("notes.txt")
('filter', 'python', None)
>>> file_kind("notes.txt", filter_globs=["*.txt"])
'filter'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from fnmatch import fnmatch
from typing import Literal, NamedTuple

from .._errors import UsageError

__all__ = ["FILE_KINDS", "Found", "Kind", "discover", "file_kind", "matches", "read_text"]

Kind = Literal["filter", "python"]

#: What counts, as said in ``--help`` and in messages.
FILE_KINDS = "*.filter files (one filter per line) and *.py files (filters passed to scale_query)"

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


class Found(NamedTuple):
    """The files to read, with their kinds, and files that looked close but do not count."""

    files: list[tuple[str, Kind]]
    near_misses: list[str]


def matches(path: str, patterns: Sequence[str], root: str | None) -> bool:
    """Whether a glob matches ``path``, its name, or its path relative to ``root``."""
    if not patterns:
        return False
    candidates = [path.replace(os.sep, "/"), os.path.basename(path)]
    if root is not None:
        relative = os.path.relpath(os.path.abspath(path), root)
        if not relative.startswith(".."):
            candidates.append(relative.replace(os.sep, "/"))
    return any(
        fnmatch(c, pattern) or fnmatch(c, pattern.rstrip("/") + "/*")
        for c in candidates
        for pattern in patterns
    )


def file_kind(
    path: str, *, filter_globs: Sequence[str] = (), root: str | None = None
) -> Kind | None:
    """``filter``, ``python``, or None for a file that is neither."""
    if path.endswith(".filter"):
        return "filter"
    if path.endswith(".py"):
        return "python"
    if matches(path, filter_globs, root):
        return "filter"
    return None


def _skipped_dir(path: str, name: str) -> bool:
    return (
        name.startswith(".")
        or name in _SKIPPED_DIRS
        or os.path.exists(os.path.join(path, "pyvenv.cfg"))
    )


def discover(
    paths: Sequence[str],
    *,
    kinds: Sequence[Kind] = ("filter", "python"),
    filter_globs: Sequence[str] = (),
    exclude: Sequence[str] = (),
    root: str | None = None,
    stdin_kind: Kind = "filter",
) -> Found:
    """The files to read: named files as they are, folders searched for ``kinds``.

    Raises :class:`UsageError` for a path that does not exist and for a named
    file that is neither kind.
    """
    files: list[tuple[str, Kind]] = []
    near: list[str] = []
    for given in paths:
        if given == "-":
            files.append((given, stdin_kind))
            continue
        if os.path.isfile(given):
            kind = file_kind(given, filter_globs=filter_globs, root=root)
            if kind is None:
                raise UsageError(
                    f"{given}: not a filter file or Python source (checked: {FILE_KINDS}; "
                    "name other files in filter-files of [tool.scale-query])"
                )
            files.append((given, kind))
            continue
        if not os.path.isdir(given):
            if os.path.exists(given):  # a named pipe, a device, a socket
                raise UsageError(f"{given}: not a regular file")
            raise UsageError(f"{given}: no such file or folder")
        found: list[tuple[str, Kind]] = []
        for folder, dirs, names in os.walk(given):
            dirs[:] = sorted(
                d
                for d in dirs
                if not _skipped_dir(os.path.join(folder, d), d)
                and not matches(os.path.join(folder, d), exclude, root)
            )
            for name in names:
                path = os.path.normpath(os.path.join(folder, name))
                kind = file_kind(path, filter_globs=filter_globs, root=root)
                if kind is None or kind not in kinds:
                    if "filter" in name.lower() and len(near) < 5:
                        near.append(path)
                    continue
                # Regular files only: opening a named pipe would wait forever.
                if not matches(path, exclude, root) and os.path.isfile(path):
                    found.append((path, kind))
        files += sorted(found)
    return Found(files, sorted(near))


def read_text(path: str) -> str:
    """A file's text, or stdin's for ``-``; a usage error when unreadable.

    Line endings are kept as they are; a byte-order mark is left for the
    readers, which skip it. Stdin is read as bytes and decoded as a file is,
    whatever the locale (a text stdin would turn bad bytes into surrogates).
    """
    shown = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            return sys.stdin.read() if buffer is None else buffer.read().decode("utf-8")
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise UsageError(f"{shown}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: cannot read (not UTF-8 text)") from None
