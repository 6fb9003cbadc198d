"""The client tests' transports, and one face for both clients.

``Through`` and ``AsyncThrough`` send to the emulator with test hooks;
``Either`` opens a ``Client`` or an ``AsyncClient`` behind the same sync
calls, so that a behaviour both clients promise is written once and run on
each (``either`` fixture in tests/test_client.py). Timeouts are never raced
against the clock: a transport that drops the answer after the server has
handled the request stands for a read timeout.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import httpx
from helpers import FAST, TLS

from scale_query import AsyncClient, Client

if TYPE_CHECKING:
    from scale_query.emulator import Emulator

Hook = Callable[[httpx.Request], None]
Lose = Callable[[httpx.Request], bool]


class Through(httpx.BaseTransport):
    """Sends through a shared connection pool (left open when a client closes).

    ``before(request)`` runs before each request is sent; ``lose(request)``
    says whether to drop the answer once the server has handled the request,
    as a read timeout would; ``fail(request)`` may raise instead of sending.
    ``requests`` records what was sent.
    """

    def __init__(
        self,
        pool: httpx.BaseTransport,
        *,
        before: Hook | None = None,
        lose: Lose | None = None,
        fail: Hook | None = None,
    ) -> None:
        self.pool = pool
        self.before = before
        self.lose = lose
        self.fail = fail
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.before is not None:
            self.before(request)
        if self.fail is not None:
            self.fail(request)
        response = self.pool.handle_request(request)
        if self.lose is not None and self.lose(request):
            response.read()
            response.close()
            raise httpx.ReadTimeout("timed out (the test dropped the answer)", request=request)
        return response

    def close(self) -> None:
        pass  # the pool belongs to whoever made it


class AsyncThrough(httpx.AsyncBaseTransport):
    """``Through`` for the async client, on a pool of its own (one per event loop)."""

    def __init__(
        self,
        *,
        before: Hook | None = None,
        lose: Lose | None = None,
        fail: Hook | None = None,
    ) -> None:
        self.pool = httpx.AsyncHTTPTransport(verify=TLS)
        self.before = before
        self.lose = lose
        self.fail = fail
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.before is not None:
            self.before(request)
        if self.fail is not None:
            self.fail(request)
        response = await self.pool.handle_async_request(request)
        if self.lose is not None and self.lose(request):
            await response.aread()
            await response.aclose()
            raise httpx.ReadTimeout("timed out (the test dropped the answer)", request=request)
        return response

    async def aclose(self) -> None:
        await self.pool.aclose()


class Awaiting:
    """An ``AsyncClient`` with ``Client``'s sync calls, each run to its end on one loop.

    A coroutine is awaited; ``iter``'s async iterator is read whole into a
    list (a sync ``iter`` is read whole by the tests too). Attributes pass
    through, and ``repr`` is the client's.
    """

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()

    def __enter__(self) -> Awaiting:
        self.loop.run_until_complete(self.client.__aenter__())
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.loop.run_until_complete(self.client.aclose())
        finally:
            self.loop.close()

    def __repr__(self) -> str:
        return repr(self.client)

    def __getattr__(self, name: str) -> Any:
        member = getattr(self.client, name)
        if not callable(member):
            return member

        def call(*args: Any, **kwargs: Any) -> Any:
            result = member(*args, **kwargs)
            if inspect.isawaitable(result):
                return self.loop.run_until_complete(result)
            return self.loop.run_until_complete(_whole(result))

        return call


async def _whole(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


@dataclass
class Either:
    """Opens a sync or an async client (``kind``) on ``emu``, behind the same sync calls."""

    kind: Literal["sync", "async"]
    emu: Emulator
    pool: httpx.BaseTransport

    @contextmanager
    def open(
        self,
        *,
        token: str | None = None,
        before: Hook | None = None,
        lose: Lose | None = None,
        fail: Hook | None = None,
        **options: Any,
    ) -> Iterator[Any]:
        """A client on the emulator (``options`` as the clients take them; FAST retries)."""
        options.setdefault("retries", FAST)
        options.setdefault("base_url", self.emu.base_url)
        token = token or self.emu.token
        hooks = {"before": before, "lose": lose, "fail": fail}
        if self.kind == "sync":
            transport = Through(self.pool, **hooks)
            with Client(token, self.emu.instance, transport=transport, **options) as client:
                yield client
        else:
            async_transport = AsyncThrough(**hooks)
            made = AsyncClient(token, self.emu.instance, transport=async_transport, **options)
            with Awaiting(made) as face:
                yield face
