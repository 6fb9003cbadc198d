"""Progress of long work on stderr: a live display on a terminal, a summary line at the end.

The live display (count, records per second, a bar when the total is known)
uses rich, imported only when stderr is a terminal, ``--quiet`` is off and
rich is installed (the ``cli`` extra); otherwise nothing is drawn. The summary
line is written in every case but ``--quiet``, so logs of scripted runs say
what happened.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

__all__ = ["Progress", "rate"]


def rate(count: int, seconds: float) -> str:
    """``count`` records in ``seconds``, as a person reads it.

    >>> rate(12_000, 2.0)
    '12,000 records in 2.0 s (6,000/s)'
    """
    per_second = count / seconds if seconds > 0 else 0.0
    noun = "record" if count == 1 else "records"
    return f"{count:,} {noun} in {seconds:.1f} s ({per_second:,.0f}/s)"


class Progress:
    """A counter (or a bar when ``total`` is known) for the ``with`` block.

    >>> import io
    >>> with Progress("exporting", stream=io.StringIO()) as progress:
    ...     progress.advance(10)
    >>> progress.count, progress.live
    (10, False)
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        quiet: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.quiet = quiet
        self.stream = sys.stderr if stream is None else stream
        self.count = 0
        self.started = time.perf_counter()
        self._rich: Any = None
        self._task: Any = None

    @property
    def live(self) -> bool:
        """Whether a live display is drawn."""
        return self._rich is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.started

    def __enter__(self) -> Progress:
        self.started = time.perf_counter()
        if not self.quiet and _is_terminal(self.stream):
            self._start_rich()
        return self

    def _start_rich(self) -> None:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress
        except ModuleNotFoundError:
            return  # no rich: the summary line alone
        columns: list[Any] = [TextColumn("{task.description}")]
        if self.total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        else:
            columns.append(TextColumn("{task.completed:,.0f} records"))
        columns += [
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
        ]
        self._rich = RichProgress(
            *columns, console=Console(file=self.stream), transient=True, refresh_per_second=8
        )
        self._rich.start()
        self._task = self._rich.add_task(self.label, total=self.total, speed="")

    def advance(self, count: int) -> None:
        """``count`` more records done."""
        self.count += count
        if self._rich is not None:
            elapsed = self.elapsed
            speed = f"{self.count / elapsed:,.0f} records/s" if elapsed > 0 else ""
            self._rich.update(self._task, advance=count, speed=speed)

    def summary(self, text: str) -> None:
        """Write the closing line (unless quiet)."""
        if not self.quiet:
            self.stream.write(text + "\n")
            self.stream.flush()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
