"""The async client over real HTTP against the embedded emulator, and its parity with ``Client``.

What both clients promise alike runs on each in tests/test_client.py (the
``either`` fixture); here is what is the async client's own.

Each test runs its own event loop (``asyncio.run``), so each gets its own
async transport; they all share one TLS context, the costly part of making
one. Timeouts are never raced against the clock: a transport that drops the
answer after the server has handled the request stands for a read timeout.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
from clients import TLS, AsyncThrough
from helpers import FAST

from scale_query import (
    AsyncClient,
    Client,
    PartialWriteError,
    Query,
    RateLimited,
)

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator

T = TypeVar("T")


def _async_client(emu: Emulator, **kwargs: Any) -> AsyncClient:
    kwargs.setdefault("retries", FAST)
    if "http_client" not in kwargs:
        kwargs.setdefault("transport", AsyncThrough())
    return AsyncClient(emu.token, emu.instance, base_url=emu.base_url, **kwargs)


def _run(emu: Emulator, body: Callable[[AsyncClient], Awaitable[T]], **kwargs: Any) -> T:
    async def main() -> T:
        async with _async_client(emu, **kwargs) as client:
            return await body(client)

    return asyncio.run(main())


def _contacts(n: int, tag: str) -> list[dict[str, Any]]:
    return [{"id": 0, "data": {"Nom": f"{tag}{i}"}} for i in range(n)]


def test_list_info_and_get(emu: Emulator) -> None:
    async def body(client: AsyncClient) -> tuple[Any, ...]:
        return (
            await client.list_objects(),
            await client.object_info("orders"),
            await client.get(Query("contact").limit(3)),
        )

    objects, schema, records = _run(emu, body)
    assert "contact" in objects
    assert schema.name == "orders"
    assert [r.id for r in records] == ["1", "2", "3"]


def test_iter_reads_everything_and_respects_limit(emu: Emulator) -> None:
    async def body(client: AsyncClient) -> tuple[list[int], int]:
        ids = [int(r.id) async for r in client.iter("contact")]
        limited = [r async for r in client.iter(Query("contact").limit(777))]
        return ids, len(limited)

    ids, limited = _run(emu, body, page_size=900)
    assert len(ids) >= 10_000
    assert ids == sorted(set(ids))
    assert limited == 777


def test_breaking_out_of_iter_cancels_prefetch(emu: Emulator) -> None:
    async def body(client: AsyncClient) -> tuple[int, int]:
        n = 0
        stream = client.iter(Query("contact").page(1, size=10))
        async for _ in stream:
            n += 1
            if n == 15:
                break
        await stream.aclose()  # type: ignore[attr-defined]
        # Nothing is left running that could ask for more.
        return n, len(asyncio.all_tasks()) - 1

    assert _run(emu, body) == (15, 0)
    # Over a thousand pages match: at most the 2 read and those asked for ahead.
    assert emu.request_count("GET", "get_objects") <= 2 + 4


def test_put_in_batches_and_partial_failure(emu: Emulator) -> None:
    posts = {"n": 0}

    def arm(request: httpx.Request) -> None:
        if request.method == "POST":
            posts["n"] += 1
            if posts["n"] == 4:  # the second batch of the second put
                emu.set_faults(rate_limit=10, retry_after=0)

    async def body(client: AsyncClient) -> tuple[Any, ...]:
        done = await client.put("contact", _contacts(3, "Async"), batch_size=2)
        with pytest.raises(PartialWriteError) as caught:
            await client.put("contact", _contacts(5, "Late"), batch_size=2)
        emu.clear_faults()
        late = [
            r.data["Nom"] async for r in client.iter(Query("contact").where('Nom $like "Late*"'))
        ]
        return done, caught.value, late

    async def main() -> tuple[Any, ...]:
        async with httpx.AsyncClient(transport=AsyncThrough(before=arm)) as http:
            async with _async_client(emu, http_client=http) as client:
                result = await body(client)
            assert not http.is_closed
            return result

    done, error, late = asyncio.run(main())
    assert [r.data["Nom"] for r in done] == ["Async0", "Async1", "Async2"]
    assert all(r.created for r in done)
    assert [r.data["Nom"] for r in error.results] == ["Late0", "Late1"]
    assert (error.not_written, error.unknown) == ([2, 3, 4], [])
    assert isinstance(error.cause, RateLimited)
    assert late == ["Late0", "Late1"]


def test_faults_on_reads(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="scale_query")
    emu.set_faults(unavailable=1, failures=1, rate_limit=1, retry_after=0)

    async def body(client: AsyncClient) -> int:
        return len(await client.get(Query("contact").where('EMail $eq "jo@x.net"').limit(4)))

    assert _run(emu, body) == 0
    assert emu.request_count() == 4
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "attempt 4" in logged
    assert "get_objects/contact?filter=…&limit=…" in logged
    assert emu.token not in logged
    assert "jo@x.net" not in logged and "jo%40x.net" not in logged


# Parity: the same methods, the same signatures, the same results -----------

# What differs by design: closing, and the context manager protocol.
_OWN = {
    Client: {"close", "__enter__", "__exit__"},
    AsyncClient: {"aclose", "__aenter__", "__aexit__"},
}
# No return type differs: to_arrow is a pyarrow.Table in both, iter_batches streams in both.


def _public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") and name not in _OWN[cls]
    }


def _unasync(annotation: object) -> str:
    # The return types differ only by async-ness: AsyncIterator vs Iterator, the class itself.
    text = str(annotation)
    for old, new in (("AsyncIterator", "Iterator"), ("AsyncClient", "Client")):
        text = text.replace(old, new)
    return text


def _shape(function: Callable[..., Any]) -> list[tuple[str, str, str, str]]:
    signature = inspect.signature(function)
    returns = _unasync(signature.return_annotation)
    return [
        (p.name, str(p.kind), repr(p.default), _unasync(p.annotation))
        for p in signature.parameters.values()
    ] + [("->", "", "", returns)]


def test_both_clients_have_the_same_methods_and_signatures() -> None:
    sync, asyn = _public(Client), _public(AsyncClient)
    assert set(sync) == set(asyn)
    assert {"list_objects", "object_info", "get", "iter", "put"} <= set(sync)
    for cls, own in _OWN.items():
        assert all(callable(getattr(cls, name)) for name in own)
    for name in sync:
        assert _shape(sync[name]) == _shape(asyn[name]), name
        # Overloads too: the same typed variants on both sides.
        sync_overloads = [_shape(f) for f in typing.get_overloads(sync[name])]
        async_overloads = [_shape(f) for f in typing.get_overloads(asyn[name])]
        assert sync_overloads == async_overloads, name
        # Everything that talks to the server is awaited on AsyncClient (iter is an
        # async iterator, returned by a plain call).
        returns_async_iterator = "AsyncIterator" in str(inspect.signature(asyn[name]))
        assert inspect.iscoroutinefunction(asyn[name]) or returns_async_iterator, name
        assert not inspect.iscoroutinefunction(sync[name]), name
    assert _shape(Client.__init__) == _shape(AsyncClient.__init__)


@pytest.fixture(scope="module")
def parity_results(scale_emulator_session: Emulator) -> tuple[Any, Any]:
    emu = scale_emulator_session
    emu.reset()
    query = Query("contact").where('Pays $eq "BE"').fields("Nom", "Pays").sort_by("-Nom")

    def calls_sync() -> Any:
        with (
            httpx.Client(verify=TLS) as http,
            Client(emu.token, emu.instance, base_url=emu.base_url, http_client=http) as client,
        ):
            return (
                client.list_objects(),
                client.object_info("orders"),
                client.get(query.limit(7)),
                list(client.iter(query.limit(1500))),
            )

    async def calls_async() -> Any:
        async with _async_client(emu) as client:
            return (
                await client.list_objects(),
                await client.object_info("orders"),
                await client.get(query.limit(7)),
                [r async for r in client.iter(query.limit(1500))],
            )

    return calls_sync(), asyncio.run(calls_async())


def test_both_clients_give_the_same_results(parity_results: tuple[Any, Any]) -> None:
    sync, asyn = parity_results
    assert sync == asyn
    assert len(sync[2]) == 7 and 7 < len(sync[3]) <= 1500


def test_both_clients_write_the_same(emu: Emulator) -> None:
    records = [
        {"id": 0, "data": {"Nom": "Same", "Ville": "Liège"}},
        {"id": 42, "data": {"Ville": "Namur"}},
        {"id": 99999999, "data": {}},
    ]
    with (
        httpx.Client(verify=TLS) as http,
        Client(emu.token, emu.instance, base_url=emu.base_url, http_client=http) as client,
    ):
        sync = client.put("contact", records)

    async def body(client: AsyncClient) -> Any:
        return await client.put("contact", records)

    asyn = _run(emu, body)

    def outcome(results: Any) -> list[tuple[Any, ...]]:
        # Everything but the id the server gave each new record.
        return [(r.status, r.created, r.updated, r.found, r.error, dict(r.data)) for r in results]

    assert outcome(sync) == outcome(asyn)
    assert [r.ok for r in sync] == [True, True, False]
    assert sync[1:] == asyn[1:]
    assert sync[0].id != asyn[0].id
