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
import functools
import ssl
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, overload

import httpx

from ..language import Condition, Op
from ..semantics import ObjectSchema
from ._batches import BatchWrite
from ._deadline import DEADLINE, Body, DeadlineBackend, DeadlineExceeded, TooLarge
from ._exceptions import APIConnectionError, DecodingError
from ._models import ObjectSummary, Record, WriteResult
from ._paging import MAX_PAGE_SIZE, Page, Pager, TruncatedResultWarning, hit_cap
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
from ._typed import TypedRecord, Typer

if TYPE_CHECKING:
    from ._arrow import ArrowTable, RecordBatch

__all__ = ["DEFAULT_TIMEOUT", "MAX_RESPONSE_BYTES", "AsyncClient", "Client"]

#: 5 s to connect, 60 s for everything else (a big page can take a while).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
#: The most requests ``iter`` keeps in flight once pages come back full.
DEFAULT_PREFETCH = 4
#: The largest response body the client reads, counted decompressed: 64 MiB,
#: some 250 pages of 1,000 demo contacts. Past it, an ``APIConnectionError``.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

T = TypeVar("T")

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
        return Failure.CORRUPT, f"the response body could not be decoded ({error})"
    return Failure.NO_ANSWER, f"connection failed ({type(error).__name__}: {error})"


def _late(seconds: float) -> str:
    return f"no whole answer within the {seconds:g} s deadline of a request (timeout=)"


def _too_large(request: Request, error: TooLarge) -> APIConnectionError:
    return APIConnectionError(
        f"the response body is over the client's bound of {error.limit:,} bytes "
        "(counted decompressed; max_response_bytes=): stopped reading",
        method=request.method,
        url=request.url,
    )


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


_Outcome: TypeAlias = "_Answer | tuple[Failure, str]"


@dataclass(frozen=True, slots=True)
class _Wait:
    """Try again after ``seconds``."""

    seconds: float


def _settle(
    attempts: Attempts, outcome: _Outcome, duration: float, parse: Callable[[bytes], T]
) -> T | _Wait:
    """One attempt's end: the parsed body, or how long to wait before the next attempt.

    A body that does not parse is a failure like a lost answer (a read is
    retried); the policy raises when it gives up.
    """
    if not isinstance(outcome, _Answer):
        return _Wait(attempts.failed(*outcome, duration))
    body = attempts.answered(outcome.status, outcome.headers, outcome.body, duration)
    if body is None:
        return _Wait(attempts.wait)
    try:
        return parse(body)
    except DecodingError as error:
        return _Wait(attempts.failed(Failure.CORRUPT, error.message, duration))


@functools.cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle into a context costs about 35 ms: every client of
    # the process shares one (an SSLContext is safe to share, as httpx advises).
    return httpx.create_ssl_context()


def _own_transport() -> httpx.HTTPTransport:
    # httpx bounds each socket operation, never a request: put the per-request
    # deadline into the network layer of the transport made here. httpx offers
    # no public way to pass httpcore a network backend, hence the private
    # attribute; were it gone, the body would still stop at the deadline
    # (see _deadline), and tests/test_client_hostile.py would say so.
    transport = httpx.HTTPTransport(verify=_tls())
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None:
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport


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


def _page(query: Query, records: list[Record], cap: int) -> Page:
    truncated = hit_cap(query, len(records), cap)
    if truncated:
        warnings.warn(
            f"get() stopped at the server's cap of {cap} records: more may match; "
            "read them all with iter(), or page with Query.page() (page.truncated says so)",
            TruncatedResultWarning,
            stacklevel=3,
        )
    return Page(records, truncated=truncated)


def _by_id_query(object_name: str, record_id: int | str) -> Query:
    if isinstance(record_id, bool) or not isinstance(record_id, (int, str)):
        raise TypeError(f"a record id is an int or a str of digits, not {type(record_id).__name__}")
    text = str(record_id).strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"a record id is a whole number from 1, not {record_id!r}")
    field = f"id_{object_name}"
    return Query(object_name).where(Condition(field, Op.EQ, text)).limit(1)


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
        max_page_size: int = MAX_PAGE_SIZE,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._settings = Settings.resolve(token, instance, base_url, allow_insecure=allow_insecure)
        _check_sendable(self._settings.base_url)
        self._policy = retries if isinstance(retries, RetryPolicy) else RetryPolicy(retries)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client= or transport=, not both")
        for what, value in (
            ("page_size", page_size),
            ("prefetch", prefetch),
            ("max_page_size", max_page_size),
            ("max_response_bytes", max_response_bytes),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{what} must be a whole number >= 1, not {value!r}")
        if page_size > max_page_size:
            raise ValueError(
                f"page_size {page_size} is over the server's cap (max_page_size={max_page_size})"
            )
        self._page_size = page_size
        self._prefetch = prefetch
        self._max_page_size = max_page_size
        self._max_response_bytes = max_response_bytes
        self._timeout: httpx.Timeout | None = None if timeout is None else httpx.Timeout(timeout)
        self._owns_http = http_client is None
        self._http: HttpT = (
            http_client
            if http_client is not None
            else self._make_http(transport, self._timeout or DEFAULT_TIMEOUT)
        )
        #: Seconds an attempt may take, connect to last byte: the read timeout.
        self._deadline = (self._timeout or self._http.timeout).read

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
    connect and 60 s to read, and its read value bounds each whole attempt,
    first connect to last byte (a server dripping its answer is cut there);
    ``max_response_bytes`` (64 MiB) bounds a body, counted decompressed;
    ``retries`` is a count or a :class:`RetryPolicy`.
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
        return httpx.Client(transport=transport or _own_transport(), timeout=timeout)

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

    def _exchange(self, request: Request, kwargs: dict[str, Any]) -> _Outcome:
        deadline = None if self._deadline is None else time.monotonic() + self._deadline
        token = DEADLINE.set(deadline)
        try:
            with self._http.stream(request.method, request.url, **kwargs) as response:
                body = Body(self._max_response_bytes)
                for chunk in response.iter_bytes():
                    body.take(chunk)
                return _Answer(response.status_code, response.headers, body.value())
        except httpx.RequestError as error:
            seconds = self._deadline
            if seconds is not None and deadline is not None and time.monotonic() >= deadline:
                # A socket operation cut short by the deadline (_deadline.DeadlineBackend).
                return _failure(error)[0], _late(seconds)
            return _failure(error)
        except DeadlineExceeded:
            assert self._deadline is not None  # raised only when there is one
            return Failure.NO_ANSWER, _late(self._deadline)
        except TooLarge as error:
            raise _too_large(request, error) from None
        finally:
            DEADLINE.reset(token)

    def _send(self, request: Request, parse: Callable[[bytes], T]) -> T:
        attempts = Attempts(self._settings, self._policy, request)
        kwargs = self._request_kwargs(request)
        while True:
            start = time.perf_counter()
            outcome = self._exchange(request, kwargs)
            result = _settle(attempts, outcome, time.perf_counter() - start, parse)
            if not isinstance(result, _Wait):
                return result
            time.sleep(result.seconds)

    def list_objects(self) -> dict[str, ObjectSummary]:
        """The objects the API profile can see, by name (with their creation/update times)."""
        request = list_objects_request(self._settings)
        return self._send(request, functools.partial(parse_object_list, request))

    def object_info(self, name: str) -> ObjectSchema:
        """The fields of object ``name``."""
        request = object_info_request(self._settings, name)
        return self._send(request, lambda body: parse_object_info(request, body, name))

    def get(self, query: Query | str) -> Page:
        """One request's records: the query's page (or everything up to the server's cap).

        The :class:`Page` is a list of records; ``page.truncated`` is True (and a
        :class:`TruncatedResultWarning` is issued) when the server's cap of
        ``max_page_size`` records cut it short: read everything with :meth:`iter`.
        """
        query = _as_query(query)
        request = get_objects_request(self._settings, query)
        return _page(query, self._page(request), self._max_page_size)

    def get_by_id(self, object_name: str, record_id: int | str) -> Record | None:
        """The record of ``object_name`` whose id is ``record_id``, or None when there is none.

        Filters on the object's ``id_<object>`` field (``id_contact`` for
        ``contact``) in one request.

        >>> client.get_by_id("contact", 42).data["Nom"]  # doctest: +SKIP
        'Dupont'
        """
        records = self.get(_by_id_query(object_name, record_id))
        return records[0] if records else None

    def _page(self, request: Request) -> list[Record]:
        return self._send(request, functools.partial(parse_records, request))

    def iter_pages(self, query: Query | str) -> Iterator[list[Record]]:
        """Every page of matching records, in order, as lists (see :meth:`iter`)."""
        pager = Pager(_as_query(query), self._page_size, self._prefetch)
        pool = ThreadPoolExecutor(self._prefetch, thread_name_prefix="scale-query")
        pending: deque[Future[list[Record]]] = deque()
        try:
            while True:
                # One request in flight at first, more while pages come back full.
                while len(pending) < pager.window and (page := pager.next_page()) is not None:
                    pending.append(pool.submit(self._page, pager.request(self._settings, page)))
                if not pending:
                    return
                records = pager.accept(pending.popleft().result())
                if pager.done:
                    for future in pending:
                        future.cancel()
                    pending.clear()
                if records:
                    yield records
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @overload
    def iter(
        self, query: Query | str, *, typed: Literal[False] = False, schema: None = None
    ) -> Iterator[Record]: ...
    @overload
    def iter(
        self, query: Query | str, *, typed: Literal[True], schema: ObjectSchema | None = None
    ) -> Iterator[TypedRecord]: ...
    def iter(
        self, query: Query | str, *, typed: bool = False, schema: ObjectSchema | None = None
    ) -> Iterator[Record] | Iterator[TypedRecord]:
        """Every matching record, page after page, with pages fetched ahead in threads.

        Prefetch is adaptive: one request in flight at first, more (up to
        ``prefetch``) while pages come back full, so a one-page result costs
        one request and a long read keeps several in flight. At most that many
        pages are held, so memory stays flat whatever the count.

        ``typed=True`` yields :class:`TypedRecord` values (``int``, ``Decimal``,
        ``date``, ``datetime``, None for empty) read with the object's
        ``schema`` (fetched with :meth:`object_info` when not given).
        """
        query = _as_query(query)
        if not typed:
            return (record for page in self.iter_pages(query) for record in page)
        typer = Typer(schema if schema is not None else self.object_info(query.object_name))
        return (typer(record) for page in self.iter_pages(query) for record in page)

    def iter_batches(
        self, query: Query | str, *, schema: ObjectSchema | None = None
    ) -> Iterator[RecordBatch]:
        """The matching records as Arrow record batches, one per page, read as they are asked for.

        Columns: ``id`` then the query's fields (every readable field by
        default), typed from the object's ``schema`` (fetched when not given);
        see docs/client.md for the type of each field type. Memory stays flat
        whatever the count. Needs the ``arrow`` extra.
        """
        from . import _arrow

        _arrow.require_pyarrow()
        query = _as_query(query)
        schema = schema if schema is not None else self.object_info(query.object_name)
        arrow = _arrow.arrow_schema(schema, query.selected)
        return _arrow.record_batches(self.iter_pages(query), schema, arrow)

    def to_arrow(self, query: Query | str, *, schema: ObjectSchema | None = None) -> ArrowTable:
        """The matching records as one ``pyarrow.Table`` (the batches of :meth:`iter_batches`).

        >>> client.to_arrow(Query("orders").limit(3)).column_names[:3]  # doctest: +SKIP
        ['id', 'id_orders', 'id_contact']
        """
        from . import _arrow

        query = _as_query(query)
        schema = schema if schema is not None else self.object_info(query.object_name)
        return _arrow.table(self.iter_batches(query, schema=schema), schema, query.selected)

    def to_pandas(self, query: Query | str, *, schema: ObjectSchema | None = None) -> Any:
        """The matching records as a pandas ``DataFrame``, typed: dates and datetimes
        ``datetime64[ms]``, decimals ``float64`` (pandas has no decimal type;
        ``to_arrow`` and ``to_polars`` keep them exact), ints ``int64``."""
        from . import _arrow

        return _arrow.to_pandas(self.to_arrow(query, schema=schema))

    def to_polars(self, query: Query | str, *, schema: ObjectSchema | None = None) -> Any:
        """The matching records as a polars ``DataFrame``, typed (through :meth:`to_arrow`)."""
        from . import _arrow

        return _arrow.to_polars(self.to_arrow(query, schema=schema))

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
                parse = functools.partial(parse_write_results, request)
                write.results.extend(self._send(request, parse))
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
        return httpx.AsyncClient(transport=transport, verify=_tls(), timeout=timeout)

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

    async def _exchange(self, request: Request, kwargs: dict[str, Any]) -> _Outcome:
        try:
            async with (
                asyncio.timeout(self._deadline),
                self._http.stream(request.method, request.url, **kwargs) as response,
            ):
                body = Body(self._max_response_bytes)
                async for chunk in response.aiter_bytes():
                    body.take(chunk)
                return _Answer(response.status_code, response.headers, body.value())
        except httpx.RequestError as error:
            return _failure(error)
        except TimeoutError:
            if self._deadline is None:
                raise  # not ours: asyncio.timeout(None) never fires
            return Failure.NO_ANSWER, _late(self._deadline)
        except TooLarge as error:
            raise _too_large(request, error) from None

    async def _send(self, request: Request, parse: Callable[[bytes], T]) -> T:
        attempts = Attempts(self._settings, self._policy, request)
        kwargs = self._request_kwargs(request)
        while True:
            start = time.perf_counter()
            outcome = await self._exchange(request, kwargs)
            result = _settle(attempts, outcome, time.perf_counter() - start, parse)
            if not isinstance(result, _Wait):
                return result
            await asyncio.sleep(result.seconds)

    async def list_objects(self) -> dict[str, ObjectSummary]:
        """The objects the API profile can see, by name."""
        request = list_objects_request(self._settings)
        return await self._send(request, functools.partial(parse_object_list, request))

    async def object_info(self, name: str) -> ObjectSchema:
        """The fields of object ``name``."""
        request = object_info_request(self._settings, name)
        return await self._send(request, lambda body: parse_object_info(request, body, name))

    async def get(self, query: Query | str) -> Page:
        """One request's records; see :meth:`Client.get` (``truncated`` included)."""
        query = _as_query(query)
        request = get_objects_request(self._settings, query)
        return _page(query, await self._page(request), self._max_page_size)

    async def get_by_id(self, object_name: str, record_id: int | str) -> Record | None:
        """The record whose ``id_<object>`` is ``record_id``, or None (see ``Client.get_by_id``)."""
        records = await self.get(_by_id_query(object_name, record_id))
        return records[0] if records else None

    async def _page(self, request: Request) -> list[Record]:
        return await self._send(request, functools.partial(parse_records, request))

    async def iter_pages(self, query: Query | str) -> AsyncIterator[list[Record]]:
        """Every page of matching records, in order, with adaptive prefetch as tasks."""
        pager = Pager(_as_query(query), self._page_size, self._prefetch)
        pending: deque[asyncio.Task[list[Record]]] = deque()
        try:
            while True:
                while len(pending) < pager.window and (page := pager.next_page()) is not None:
                    request = pager.request(self._settings, page)
                    pending.append(asyncio.ensure_future(self._page(request)))
                if not pending:
                    return
                records = pager.accept(await pending.popleft())
                if pager.done:
                    for task in pending:
                        task.cancel()
                    pending.clear()
                if records:
                    yield records
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    @overload
    def iter(
        self, query: Query | str, *, typed: Literal[False] = False, schema: None = None
    ) -> AsyncIterator[Record]: ...
    @overload
    def iter(
        self, query: Query | str, *, typed: Literal[True], schema: ObjectSchema | None = None
    ) -> AsyncIterator[TypedRecord]: ...
    def iter(
        self, query: Query | str, *, typed: bool = False, schema: ObjectSchema | None = None
    ) -> AsyncIterator[Record] | AsyncIterator[TypedRecord]:
        """Every matching record, page after page; see :meth:`Client.iter`."""
        query = _as_query(query)
        if typed:
            return self._typed_records(query, schema)
        return self._records(query)

    async def _records(self, query: Query) -> AsyncIterator[Record]:
        async for page in self.iter_pages(query):
            for record in page:
                yield record

    async def _typed_records(
        self, query: Query, schema: ObjectSchema | None
    ) -> AsyncIterator[TypedRecord]:
        typer = Typer(schema if schema is not None else await self.object_info(query.object_name))
        async for page in self.iter_pages(query):
            for record in page:
                yield typer(record)

    async def iter_batches(
        self, query: Query | str, *, schema: ObjectSchema | None = None
    ) -> AsyncIterator[RecordBatch]:
        """The matching records as Arrow record batches, one per page; see
        :meth:`Client.iter_batches`."""
        from . import _arrow

        _arrow.require_pyarrow()
        query = _as_query(query)
        schema = schema if schema is not None else await self.object_info(query.object_name)
        arrow = _arrow.arrow_schema(schema, query.selected)
        async for page in self.iter_pages(query):
            for batch in _arrow.record_batches([page], schema, arrow):
                yield batch

    async def to_arrow(
        self, query: Query | str, *, schema: ObjectSchema | None = None
    ) -> ArrowTable:
        """The matching records as one ``pyarrow.Table``; see :meth:`Client.to_arrow`."""
        from . import _arrow

        query = _as_query(query)
        schema = schema if schema is not None else await self.object_info(query.object_name)
        batches = [batch async for batch in self.iter_batches(query, schema=schema)]
        return _arrow.table(batches, schema, query.selected)

    async def to_pandas(self, query: Query | str, *, schema: ObjectSchema | None = None) -> Any:
        """The matching records as a pandas ``DataFrame``, typed; see :meth:`Client.to_pandas`."""
        from . import _arrow

        return _arrow.to_pandas(await self.to_arrow(query, schema=schema))

    async def to_polars(self, query: Query | str, *, schema: ObjectSchema | None = None) -> Any:
        """The matching records as a polars ``DataFrame``, typed."""
        from . import _arrow

        return _arrow.to_polars(await self.to_arrow(query, schema=schema))

    async def put(
        self, object_name: str, records: Iterable[RecordArg], batch_size: int = 500
    ) -> list[WriteResult]:
        """Create or update records in batches; see :meth:`Client.put`."""
        write = BatchWrite(self._settings, object_name, records, batch_size)
        for start, request in write.batches():
            try:
                parse = functools.partial(parse_write_results, request)
                write.results.extend(await self._send(request, parse))
            except Exception as error:
                # Whatever stopped it, say which records were written and which not.
                raise write.failure(start, error) from error
        return write.results
