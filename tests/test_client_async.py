"""The async client over real HTTP against the embedded emulator."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from scale_query import (
    APIConnectionError,
    AsyncClient,
    NotFound,
    PartialWriteError,
    Query,
    RateLimited,
    RetryPolicy,
)

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator

FAST = RetryPolicy(retries=3, base=0.001, cap=0.01)
T = TypeVar("T")


@pytest.fixture
def emu(scale_emulator: Emulator) -> Emulator:
    return scale_emulator


def _run(emu: Emulator, body: Callable[[AsyncClient], Awaitable[T]], **kwargs: Any) -> T:
    kwargs.setdefault("retries", FAST)

    async def main() -> T:
        async with AsyncClient(emu.token, emu.instance, emu.base_url, **kwargs) as client:
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
    async def body(client: AsyncClient) -> int:
        n = 0
        stream = client.iter(Query("contact").page(1, size=10))
        async for _ in stream:
            n += 1
            if n == 15:
                break
        await stream.aclose()  # type: ignore[attr-defined]
        return n

    assert _run(emu, body) == 15
    assert emu.request_count("GET", "get_objects") <= 2 + 4


def test_put_in_batches_and_partial_failure(emu: Emulator) -> None:
    posts = {"n": 0}

    async def hook(request: httpx.Request) -> None:
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
        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as http:
            client = AsyncClient(
                emu.token, emu.instance, emu.base_url, retries=FAST, http_client=http
            )
            async with client:
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


def test_a_write_that_times_out_is_sent_once(emu: Emulator) -> None:
    emu.set_faults(latency=1.0)

    async def body(client: AsyncClient) -> PartialWriteError:
        with pytest.raises(PartialWriteError) as caught:
            await client.put("contact", _contacts(1, "Slow"))
        return caught.value

    error = _run(emu, body, timeout=0.3)
    assert error.unknown == [0]
    assert emu.request_count("POST", "put_objects") == 1


def test_faults_on_reads(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="scale_query")
    emu.set_faults(unavailable=1, failures=1, rate_limit=1, retry_after=0)

    async def body(client: AsyncClient) -> int:
        return len(await client.get(Query("contact").limit(4)))

    assert _run(emu, body) == 4
    assert emu.request_count() == 4
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "attempt 4" in logged
    assert emu.token not in logged


def test_corrupt_body_and_not_found(emu: Emulator) -> None:
    emu.set_faults(corrupt=1)

    async def body(client: AsyncClient) -> None:
        with pytest.raises(APIConnectionError, match="not valid JSON"):
            await client.list_objects()
        with pytest.raises(NotFound, match="nope"):
            await client.get("nope")

    _run(emu, body)


def test_connection_refused(emu: Emulator) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def main() -> None:
        url = f"http://127.0.0.1:{port}/v1/datamart"
        async with AsyncClient(emu.token, "demo", url, retries=FAST) as client:
            assert emu.token not in repr(client)
            with pytest.raises(APIConnectionError, match="could not connect"):
                await client.list_objects()

    asyncio.run(main())
