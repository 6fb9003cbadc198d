"""A write of many records as batches, and the bookkeeping when one fails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..semantics import check_name
from ._exceptions import APIConnectionError, APIError, PartialWriteError
from ._models import Record, WriteResult
from ._protocol import Request, Settings, put_objects_request, record_payload

__all__ = ["MAX_BATCH_SIZE", "BatchWrite"]

#: The most records one ``put_objects`` request may carry (the emulator's cap
#: per request; a bigger batch gains nothing and risks the server's body limit).
MAX_BATCH_SIZE = 10_000


def _certainly_not_applied(error: BaseException) -> bool:
    if isinstance(error, APIConnectionError):
        return not error.reached_server
    if isinstance(error, APIError):
        # A 4xx or 503 is refused before anything is written; a 500 may come after.
        return error.status < 500 or error.status == 503
    # Anything else (a bug, an error inside the HTTP library): the request may
    # have gone out, so its records are reported as unknown, never as not written.
    return False


class BatchWrite:
    """A ``put`` of many records as plain data: the batches to send and the bookkeeping.

    Every record is converted and checked (its shape, its id, and that every
    value can be sent as UTF-8) before the first batch is sent, so bad input
    never leaves a write half done; :meth:`failure` accounts for every record
    when a batch fails.

    >>> settings = Settings.resolve(token="t", instance="demo")
    >>> [r.count for _, r in BatchWrite(settings, "contact", [{"data": {}}] * 5, 2).batches()]
    [2, 2, 1]
    """

    def __init__(
        self,
        settings: Settings,
        name: str,
        records: Iterable[Record | Mapping[str, Any]],
        batch_size: int,
    ) -> None:
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, int)
            or not 1 <= batch_size <= MAX_BATCH_SIZE
        ):
            raise ValueError(
                f"batch_size must be a whole number from 1 to {MAX_BATCH_SIZE}, not {batch_size!r}"
            )
        check_name("object name", name)
        self.settings = settings
        self.name = name
        self.payloads = [record_payload(record, i) for i, record in enumerate(records)]
        self.batch_size = batch_size
        self.results: list[WriteResult] = []

    def batches(self) -> Iterable[tuple[int, Request]]:
        """``(index of the batch's first record, request)`` for each batch."""
        for start in range(0, len(self.payloads), self.batch_size):
            chunk = self.payloads[start : start + self.batch_size]
            yield start, put_objects_request(self.settings, self.name, chunk)

    def failure(self, start: int, error: BaseException) -> PartialWriteError:
        """The ``PartialWriteError`` for the batch starting at ``start`` failing with ``error``."""
        end = min(start + self.batch_size, len(self.payloads))
        batch = list(range(start, end))
        rest = list(range(end, len(self.payloads)))
        if _certainly_not_applied(error):
            return PartialWriteError(
                self.results, not_written=batch + rest, unknown=[], cause=error
            )
        return PartialWriteError(self.results, not_written=rest, unknown=batch, cause=error)
