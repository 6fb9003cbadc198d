"""The paging plan of ``iter``, without I/O: which page next, and when to stop."""

from __future__ import annotations

import math

from ._models import Record
from ._protocol import DEFAULT_PAGE_SIZE, Request, Settings, get_objects_request
from ._query import Query

__all__ = ["Pager"]


class Pager:
    """The paging plan of ``iter``: which page to ask for next, and when to stop.

    Pages start at the query's page (1 by default) with its page size (or
    ``default_size``); the query's ``limit`` caps the total; a page shorter
    than the size, or empty, ends the reading.

    >>> pager = Pager(Query("contact").limit(5), default_size=2)
    >>> [pager.next_page() for _ in range(4)]
    [1, 2, 3, None]
    """

    def __init__(self, query: Query, default_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.size = query.page_size or default_size
        self.first = query.page_number or 1
        self.remaining = query.max_records
        # Pages past the query's limit hold nothing: never ask for them.
        self.last = None if query.max_records is None else math.ceil(query.max_records / self.size)
        self._query = query
        self._next = self.first
        self.done = False

    def next_page(self) -> int | None:
        """The next page number to request, or None when no more can hold records."""
        if self.done or (self.last is not None and self._next > self.last):
            return None
        self._next += 1
        return self._next - 1

    def request(self, settings: Settings, page: int) -> Request:
        """The ``get_objects`` request of page ``page``."""
        return get_objects_request(settings, self._query.page(page, size=self.size))

    def accept(self, records: list[Record]) -> list[Record]:
        """Take the records of the next page in order; return those to yield."""
        if self.remaining is not None:
            records = records[: self.remaining]
            self.remaining -= len(records)
            if self.remaining <= 0:
                self.done = True
        if len(records) < self.size:
            self.done = True
        return records
