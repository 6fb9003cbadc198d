"""The paging plan of ``iter`` and the cap of ``get``, without I/O.

``Pager`` says which page to ask for next, how many requests may be in
flight, and when to stop; :func:`hit_cap` says whether one response stopped
at the server's cap; :class:`Page` is what ``get`` returns.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

from ..semantics import MAX_PAGE_SIZE
from ._exceptions import APIConnectionError
from ._models import Record
from ._protocol import DEFAULT_PAGE_SIZE, Request, Settings, get_objects_request
from ._query import Query

__all__ = ["MAX_PAGE_SIZE", "PAGES_PER_STEP", "Page", "Pager", "TruncatedResultWarning", "hit_cap"]

#: ``iter`` allows one more request in flight for every this many full pages.
PAGES_PER_STEP = 4


class TruncatedResultWarning(UserWarning):
    """``get`` returned as many records as the server sends at most: more may match.

    Issued with every truncated page, so the cap is never silent; code that
    checks ``page.truncated`` itself can turn it off with
    ``warnings.filterwarnings("ignore", category=TruncatedResultWarning)``.
    """


class Page(list[Record]):
    """The records of one ``get``: a list, plus whether the server's cap cut it short.

    ``truncated`` is True when the response holds as many records as the
    server sends at most (``MAX_PAGE_SIZE``, 1,000) while the query asked for
    more (no limit, or a larger limit or page size): more records may match.
    Read them all with ``iter``, or a page at a time with ``Query.page``.

    >>> page = Page([Record("1")], truncated=False)
    >>> len(page), page.truncated
    (1, False)
    """

    __slots__ = ("truncated",)

    def __init__(self, records: Iterable[Record] = (), *, truncated: bool = False) -> None:
        super().__init__(records)
        self.truncated = truncated

    def __repr__(self) -> str:
        return f"Page({list.__repr__(self)}, truncated={self.truncated})"


def hit_cap(query: Query, count: int, cap: int = MAX_PAGE_SIZE) -> bool:
    """Whether ``count`` records for ``query`` means the server stopped at its cap.

    The query asks for its page size when it names a page, else for its
    limit, else for everything; a response of ``cap`` records that is shorter
    than what was asked for hit the cap.

    >>> hit_cap(Query("contact"), 1000), hit_cap(Query("contact").limit(1000), 1000)
    (True, False)
    >>> hit_cap(Query("contact"), 999), hit_cap(Query("contact").page(1, size=2000), 1000)
    (False, True)
    """
    asked = query.page_size if query.page_size is not None else query.max_records
    return count >= cap and (asked is None or asked > count)


class Pager:
    """The paging plan of ``iter``: which page next, how many in flight, when to stop.

    Pages start at the query's page (1 by default) with its page size (or
    ``default_size``); the query's ``limit`` caps the total; a page shorter
    than the size, or empty, ends the reading.

    Prefetch is adaptive: one request in flight at first, one more for every
    ``PAGES_PER_STEP`` full pages received, up to ``prefetch``. A short result
    costs no request it does not need (one page: one request; five pages: at
    most six), while a long one soon has ``prefetch`` requests in flight.

    >>> pager = Pager(Query("contact").limit(5), default_size=2)
    >>> [pager.next_page() for _ in range(4)]
    [1, 2, 3, None]
    >>> pager = Pager(Query("contact"), default_size=2, prefetch=4)
    >>> windows = []
    >>> for n in range(9):
    ...     windows.append(pager.window)
    ...     _ = pager.accept([Record(str(2 * n + 1)), Record(str(2 * n + 2))])
    >>> windows
    [1, 1, 1, 1, 2, 2, 2, 2, 3]
    """

    def __init__(
        self, query: Query, default_size: int = DEFAULT_PAGE_SIZE, prefetch: int = 1
    ) -> None:
        self.size = query.page_size or default_size
        self.first = query.page_number or 1
        self.remaining = query.max_records
        # Pages past the query's limit hold nothing: never ask for them.
        self.last = None if query.max_records is None else math.ceil(query.max_records / self.size)
        self.prefetch = max(1, prefetch)
        self.full_pages = 0
        self._query = query
        self._next = self.first
        self.done = False
        # The requests sent and not answered yet, in page order (for errors).
        self._sent: deque[Request] = deque()
        # One 64-bit fingerprint per page read (its ids, in order): a page
        # seen again is an error. About 60 bytes a page, so 10 million records
        # in pages of 500 cost some 1.2 MB.
        self._seen: set[int] = set()

    @property
    def window(self) -> int:
        """How many requests may be in flight now (the one awaited included)."""
        return min(self.prefetch, 1 + self.full_pages // PAGES_PER_STEP)

    def next_page(self) -> int | None:
        """The next page number to request, or None when no more can hold records."""
        if self.done or (self.last is not None and self._next > self.last):
            return None
        self._next += 1
        return self._next - 1

    def request(self, settings: Settings, page: int) -> Request:
        """The ``get_objects`` request of page ``page``."""
        request = get_objects_request(settings, self._query.page(page, size=self.size))
        self._sent.append(request)
        return request

    def accept(self, records: list[Record]) -> list[Record]:
        """Take the records of the next page in order; return those to yield.

        A server that ignores ``pagesize`` (more records than asked) or
        ``page`` (a page whose records, in order, came before: the one before
        again, or a cycle through earlier pages) would make the reading
        endless: that is an :class:`APIConnectionError` instead.
        """
        request = self._sent.popleft() if self._sent else None
        if len(records) > self.size:
            raise _ignored(
                request, f"{len(records)} records for a page of {self.size}: it ignores pagesize"
            )
        if records:
            # A page seen before (the one just before, or any earlier: a server
            # cycling through pages) would make the reading endless.
            fingerprint = hash(tuple(record.id for record in records))
            if fingerprint in self._seen:
                raise _ignored(
                    request,
                    f"this page (records {records[0].id} to {records[-1].id}) came before: "
                    "it ignores the page parameter or cycles through its pages",
                )
            self._seen.add(fingerprint)
        if len(records) >= self.size:
            self.full_pages += 1
        else:
            self.done = True
        if self.remaining is not None:
            records = records[: self.remaining]
            self.remaining -= len(records)
            if self.remaining <= 0:
                self.done = True
        return records


def _ignored(request: Request | None, what: str) -> APIConnectionError:
    method, url = (request.method, request.url) if request is not None else ("", "")
    return APIConnectionError(
        f"unexpected response: {what}; stopped rather than read forever", method=method, url=url
    )
