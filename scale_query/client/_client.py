"""``Client`` and ``AsyncClient``: thin shells over the request core, on httpx.

This is the only module that imports httpx. Everything else (URLs, bodies,
parsing, errors, retry decisions, the paging plan) lives in ``_protocol``,
shared by both flavours.

>>> from scale_query.emulator import serve  # doctest: +SKIP
>>> with serve(demo=True) as emu, Client(emu.token, emu.instance, base_url=emu.base_url) as client:
...     print(len(client.get(Query("contact").limit(3))))  # doctest: +SKIP
3
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Generic, TypeAlias, TypeVar

import httpx

from ..semantics._schema import ObjectSchema
from ._batches import BatchWrite
from ._models import ObjectSummary, Record, WriteResult
from ._paging import Pager
from ._protocol import (
    DEFAULT_PAGE_SIZE,
    Request,
    Settings,
    get_objects_request,
    list_objects_request,
    object_info_request,
    parse_object_info,
    parse_object_list,
    parse_records,
    parse_write_results,
)
from ._query import Query
from ._retry import Attempts, Failure, RetryPolicy

__all__ = ["DEFAULT_TIMEOUT", "AsyncClient", "Client"]

#: 5 s to connect, 60 s for everything else (a big page can take a while).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
#: Pages ``iter`` keeps in flight ahead of the one being read.
DEFAULT_PREFETCH = 4

TimeoutArg: TypeAlias = "float | httpx.Timeout | None"
RecordArg: TypeAlias = "Record | Mapping[str, Any]"


def _failure(error: httpx.RequestError) -> tuple[Failure, str]:
    # A pool timeout means no connection was ever handed out: nothing was sent.
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return Failure.CONNECT, f"could not connect ({type(error).__name__}: {error})"
    if isinstance(error, httpx.TimeoutException):
        return Failure.NO_ANSWER, f"no answer in time ({type(error).__name__})"
    if isinstance(error, httpx.DecodingError):
        # The answer came, but its Content-Encoding (gzip, say) did not decode.
        return Failure.NO_ANSWER, f"the response body could not be decoded ({error})"
    return Failure.NO_ANSWER, f"connection failed ({type(error).__name__}: {error})"


def _check_sendable(base_url: str) -> None:
    # The request core checked the URL's shape; httpx has the last word (an
    # "xn--" label that is not valid IDNA, say), here rather than at the first request.
    try:
        httpx.Request("GET", base_url)
    except Exception as error:  # httpx.InvalidURL, or idna's own error
        raise ValueError(f"base_url {base_url!r} is not a URL httpx can send to: {error}") from None


def _as_query(query: Query | str) -> Query:
    if isinstance(query, str):
        return Query(query)
    if not isinstance(query, Query):
        raise TypeError(f"expected a Query or an object name, not {type(query).__name__}")
    return query


HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


class _Base(Generic[HttpT, TransportT]):
    """Settings, checks and the constructor shared by both clients."""

    def __init__(
        self,
        token: str | None = None,
        instance: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retries: int | RetryPolicy = 3,
        http_client: HttpT | None = None,
        transport: TransportT | None = None,
        allow_insecure: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
    ) -> None:
        self._settings = Settings.resolve(token, instance, base_url, allow_insecure=allow_insecure)
        _check_sendable(self._settings.base_url)
        self._policy = retries if isinstance(retries, RetryPolicy) else RetryPolicy(retries)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client= or transport=, not both")
        for what, value in (("page_size", page_size), ("prefetch", prefetch)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{what} must be a whole number >= 1, not {value!r}")
        self._page_size = page_size
        self._prefetch = prefetch
        self._timeout: httpx.Timeout | None = None if timeout is None else httpx.Timeout(timeout)
        self._owns_http = http_client is None
        self._http: HttpT = (
            http_client
            if http_client is not None
            else self._make_http(transport, self._timeout or DEFAULT_TIMEOUT)
        )

    def _make_http(self, transport: TransportT | None, timeout: httpx.Timeout) -> HttpT:
        raise NotImplementedError

    @property
    def instance(self) -> str:
        """The instance id requests go to."""
        return self._settings.instance

    @property
    def base_url(self) -> str:
        """The API base URL (``https://api.scal-e.com/v1/datamart`` by default)."""
        return self._settings.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(instance={self.instance!r}, base_url={self.base_url!r})"

    def _request_kwargs(self, request: Request) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"headers": self._settings.headers()}
        if request.form:
            # (None, text): a plain multipart field with no file name, as curl --form sends.
            kwargs["files"] = [(name, (None, value.encode())) for name, value in request.form]
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        return kwargs


class Client(_Base[httpx.Client, httpx.BaseTransport]):
    """The Scal-e datamart API, synchronously.

    ``token``, ``instance`` and ``base_url`` default to ``SCALE_TOKEN``,
    ``SCALE_INSTANCE`` and ``SCALE_BASE_URL``. ``timeout`` defaults to 5 s to
    connect and 60 s to read; ``retries`` is a count or a :class:`RetryPolicy`.
    Pass your own ``http_client`` (an ``httpx.Client``, left open on close) or
    ``transport``. Plain ``http://`` is refused except to loopback, unless
    ``allow_insecure=True``. Every option after ``token`` and ``instance`` is
    keyword-only. The settings are checked here, not at the first request: a
    malformed ``base_url`` or a token an HTTP header cannot carry is a
    ValueError naming the setting (and never showing the token).

    >>> with Client(token="...", instance="demo") as client:  # doctest: +SKIP
    ...     for record in client.iter(Query("contact").where('Pays $eq "FR"')):
    ...         print(record.id, record.data["Nom"])
    """

    def _make_http(
        self, transport: httpx.BaseTransport | None, timeout: httpx.Timeout
    ) -> httpx.Client:
        return httpx.Client(transport=transport, timeout=timeout)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this client made it."""
        if self._owns_http:
            self._http.close()

    def _send(self, request: Request) -> bytes:
        attempts = Attempts(self._settings, self._policy, request)
        kwargs = self._request_kwargs(request)
        while True:
            start = time.perf_counter()
            try:
                response = self._http.request(request.method, request.url, **kwargs)
            except httpx.RequestError as error:
                failure, message = _failure(error)
            else:
                body = attempts.answered(
                    response.status_code,
                    response.headers,
                    response.content,
                    time.perf_counter() - start,
                )
                if body is not None:
                    return body
                time.sleep(attempts.wait)
                continue
            time.sleep(attempts.failed(failure, message, time.perf_counter() - start))

    def list_objects(self) -> dict[str, ObjectSummary]:
        """The objects the API profile can see, by name (with their creation/update times)."""
        request = list_objects_request(self._settings)
        return parse_object_list(request, self._send(request))

    def object_info(self, name: str) -> ObjectSchema:
        """The fields of object ``name``."""
        request = object_info_request(self._settings, name)
        return parse_object_info(request, self._send(request), name)

    def get(self, query: Query | str) -> list[Record]:
        """One request's records: the query's page (or everything up to the server's cap)."""
        request = get_objects_request(self._settings, _as_query(query))
        return parse_records(request, self._send(request))

    def _page(self, request: Request) -> list[Record]:
        return parse_records(request, self._send(request))

    def iter(self, query: Query | str) -> Iterator[Record]:
        """Every matching record, page after page, with pages fetched ahead in threads.

        At most ``prefetch`` requests are in flight and at most that many pages
        held, so memory stays flat whatever the count.
        """
        pager = Pager(_as_query(query), self._page_size)
        pool = ThreadPoolExecutor(self._prefetch, thread_name_prefix="scale-query")
        pending: deque[Future[list[Record]]] = deque()

        def fill() -> None:
            while len(pending) < self._prefetch and (page := pager.next_page()) is not None:
                pending.append(pool.submit(self._page, pager.request(self._settings, page)))

        try:
            while True:
                fill()
                if not pending:
                    return
                current = pending.popleft()
                # Refill before waiting, so ``prefetch`` requests stay in flight.
                fill()
                records = pager.accept(current.result())
                if pager.done:
                    for future in pending:
                        future.cancel()
                    pending.clear()
                yield from records
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def put(
        self, object_name: str, records: Iterable[RecordArg], batch_size: int = 500
    ) -> list[WriteResult]:
        """Create or update records, ``batch_size`` per request; one result per record, in order.

        Raises :class:`PartialWriteError` when a batch fails: it says which records
        were written, which were not, and which may have been.
        """
        write = BatchWrite(self._settings, object_name, records, batch_size)
        for start, request in write.batches():
            try:
                write.results.extend(parse_write_results(request, self._send(request)))
            except Exception as error:
                # Whatever stopped it, say which records were written and which not.
                raise write.failure(start, error) from error
        return write.results


class AsyncClient(_Base[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """The Scal-e datamart API for asyncio: the same methods as :class:`Client`, awaited.

    ``iter`` is an async iterator; ``http_client`` is an ``httpx.AsyncClient``.

    >>> async with AsyncClient(token="...", instance="demo") as client:  # doctest: +SKIP
    ...     async for record in client.iter("contact"):
    ...         print(record.id)
    """

    def _make_http(
        self, transport: httpx.AsyncBaseTransport | None, timeout: httpx.Timeout
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport, timeout=timeout)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this client made it."""
        if self._owns_http:
            await self._http.aclose()

    async def _send(self, request: Request) -> bytes:
        attempts = Attempts(self._settings, self._policy, request)
        kwargs = self._request_kwargs(request)
        while True:
            start = time.perf_counter()
            try:
                response = await self._http.request(request.method, request.url, **kwargs)
            except httpx.RequestError as error:
                failure, message = _failure(error)
            else:
                body = attempts.answered(
                    response.status_code,
                    response.headers,
                    response.content,
                    time.perf_counter() - start,
                )
                if body is not None:
                    return body
                await asyncio.sleep(attempts.wait)
                continue
            await asyncio.sleep(attempts.failed(failure, message, time.perf_counter() - start))

    async def list_objects(self) -> dict[str, ObjectSummary]:
        """The objects the API profile can see, by name."""
        request = list_objects_request(self._settings)
        return parse_object_list(request, await self._send(request))

    async def object_info(self, name: str) -> ObjectSchema:
        """The fields of object ``name``."""
        request = object_info_request(self._settings, name)
        return parse_object_info(request, await self._send(request), name)

    async def get(self, query: Query | str) -> list[Record]:
        """One request's records."""
        request = get_objects_request(self._settings, _as_query(query))
        return parse_records(request, await self._send(request))

    async def _page(self, request: Request) -> list[Record]:
        return parse_records(request, await self._send(request))

    async def iter(self, query: Query | str) -> AsyncIterator[Record]:
        """Every matching record, page after page, with pages fetched ahead as tasks."""
        pager = Pager(_as_query(query), self._page_size)
        pending: deque[asyncio.Task[list[Record]]] = deque()

        def fill() -> None:
            while len(pending) < self._prefetch and (page := pager.next_page()) is not None:
                request = pager.request(self._settings, page)
                pending.append(asyncio.ensure_future(self._page(request)))

        try:
            while True:
                fill()
                if not pending:
                    return
                current = pending.popleft()
                fill()
                records = pager.accept(await current)
                if pager.done:
                    for task in pending:
                        task.cancel()
                    pending.clear()
                for record in records:
                    yield record
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def put(
        self, object_name: str, records: Iterable[RecordArg], batch_size: int = 500
    ) -> list[WriteResult]:
        """Create or update records in batches; see :meth:`Client.put`."""
        write = BatchWrite(self._settings, object_name, records, batch_size)
        for start, request in write.batches():
            try:
                write.results.extend(parse_write_results(request, await self._send(request)))
            except Exception as error:
                # Whatever stopped it, say which records were written and which not.
                raise write.failure(start, error) from error
        return write.results
