"""The clients against a hostile server (tests/hostile.py): what a server may do to them.

The emulator is a well-behaved server; these tests script the raw bytes of
one that echoes the token with its own escapes, drips its answers, sends
endless or compressed bodies, corrupts its JSON or cycles its pages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import FAST
from hostile import Exchange, Hostile, answer, gzip_answer

from scale_query import (
    APIConnectionError,
    AsyncClient,
    Client,
    DecodingError,
    PartialWriteError,
    Unauthorized,
)
from scale_query.cli import main

# A base64 token holds "/" and "+"; printable ASCII also allows '"' and "\".
TOKENS = ["dG9r/ZW4+c2VjcmV0/MTIz==", 'se"cr\\et/token', "plain-secret-token"]


def _echo(token_text: Callable[[str], str]) -> Callable[[Exchange], None]:
    """A server refusing every token with a 401 whose JSON message echoes it."""

    def respond(exchange: Exchange) -> None:
        token = exchange.headers["authorization"].removeprefix("Bearer ")
        body = '{"error": "unknown token ' + token_text(token) + '"}'
        exchange.send(answer(body.encode(), "401 Unauthorized"))

    return respond


def _php(token: str) -> str:
    # PHP's json_encode: "/" as "\/", '"' and "\" escaped.
    return json.dumps(token)[1:-1].replace("/", "\\/")


def _unicode(token: str) -> str:
    # Every character as a \uXXXX escape, upper- and lower-case hex mixed.
    return "".join(f"\\u{ord(c):04X}" if i % 2 else f"\\u{ord(c):04x}" for i, c in enumerate(token))


def _mixed(token: str) -> str:
    return "".join(_php(c) if i % 2 else _unicode(c) for i, c in enumerate(token))


ESCAPES = {"raw-json": lambda t: json.dumps(t)[1:-1], "php": _php, "unicode": _unicode}
ESCAPES["mixed"] = _mixed


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _texts(error: BaseException) -> list[str]:
    return [
        str(error),
        repr(error),
        getattr(error, "message", ""),
        getattr(error, "body", ""),
        getattr(error, "url", ""),
    ]


@pytest.mark.parametrize("escape", sorted(ESCAPES))
@pytest.mark.parametrize("token", TOKENS)
def test_an_echoed_token_is_masked_however_the_server_escapes_it(token: str, escape: str) -> None:
    with (
        Hostile(_echo(ESCAPES[escape])) as server,
        Client(token, "demo", base_url=server.base_url, retries=FAST) as client,
        pytest.raises(Unauthorized) as caught,
    ):
        client.list_objects()
    assert "unknown token ***" in caught.value.message
    for text in _texts(caught.value):
        assert token not in text
        assert ESCAPES[escape](token) not in text


@pytest.mark.parametrize("token", TOKENS)
def test_objects_never_prints_an_echoed_token(
    token: str, no_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with Hostile(_echo(_php)) as server:
        argv = ["--token", token, "--instance", "demo", "--base-url", server.base_url]
        code = main(["objects", *argv])
    out, err = capsys.readouterr()
    assert code != 0 and err
    assert token not in out + err
    assert _php(token) not in out + err


# One deadline per request ---------------------------------------------------------------

#: Far above the gaps between dripped bytes (10 ms), so no read ever times out on its
#: own: only the request's deadline can stop these answers (which would take 30 s).
DEADLINE = 0.3
DRIP = 0.01
PAD = 3000


def _drip_headers(exchange: Exchange) -> None:
    exchange.drip(answer(b'{"contact": {}}', headers={"X-Pad": "a" * PAD}), DRIP)


def _drip_body(exchange: Exchange) -> None:
    body = b'{"contact": {}, "pad": "' + b"a" * PAD + b'"}'
    whole = answer(body)
    head = len(whole) - len(body)
    if exchange.send(whole[:head]):
        exchange.drip(body, DRIP)


@pytest.mark.parametrize("respond", [_drip_headers, _drip_body], ids=["headers", "body"])
def test_timeout_bounds_the_whole_request(respond: Callable[[Exchange], None]) -> None:
    with (
        Hostile(respond) as server,
        Client("t0k", "demo", base_url=server.base_url, timeout=DEADLINE, retries=0) as client,
        pytest.raises(APIConnectionError, match=f"within the {DEADLINE} s deadline") as caught,
    ):
        client.list_objects()
    assert caught.value.reached_server
    assert len(server.exchanges) == 1


def test_with_your_own_transport_a_dripped_body_still_stops_at_the_deadline() -> None:
    # httpx gives no public way into its network layer: with a transport of
    # your own, the sync client checks the deadline between chunks of the body.
    with (
        Hostile(_drip_body) as server,
        httpx.HTTPTransport() as transport,
        Client(
            "t0k",
            "demo",
            base_url=server.base_url,
            timeout=DEADLINE,
            retries=0,
            transport=transport,
        ) as client,
        pytest.raises(APIConnectionError, match=f"within the {DEADLINE} s deadline"),
    ):
        client.list_objects()


@pytest.mark.parametrize("respond", [_drip_headers, _drip_body], ids=["headers", "body"])
def test_timeout_bounds_the_whole_request_async(respond: Callable[[Exchange], None]) -> None:
    async def main(base_url: str) -> None:
        async with AsyncClient(
            "t0k", "demo", base_url=base_url, timeout=DEADLINE, retries=0
        ) as client:
            await client.list_objects()

    with (
        Hostile(respond) as server,
        pytest.raises(APIConnectionError, match=f"within the {DEADLINE} s deadline"),
    ):
        asyncio.run(main(server.base_url))


# A bound on the body, counted decompressed -----------------------------------------------

LIMIT = 1024 * 1024


def _endless_chunks(exchange: Exchange) -> None:
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"x" * 65536
    if exchange.send(head.encode()):
        while exchange.send(b"%x\r\n%s\r\n" % (len(chunk), chunk)):
            pass


def _gzip_bomb(exchange: Exchange) -> None:
    exchange.send(gzip_answer(b"\0" * (16 * LIMIT)))  # 16 MiB of zeros, 16 KiB compressed


@pytest.mark.parametrize("respond", [_endless_chunks, _gzip_bomb], ids=["endless", "gzip-bomb"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_body_past_the_bound_stops_the_reading(
    respond: Callable[[Exchange], None], flavour: str
) -> None:
    def read(base_url: str) -> None:
        options: dict[str, Any] = {"base_url": base_url, "max_response_bytes": LIMIT}
        if flavour == "sync":
            with Client("t0k", "demo", retries=FAST, **options) as client:
                client.list_objects()
            return

        async def main() -> None:
            async with AsyncClient("t0k", "demo", retries=FAST, **options) as client:
                await client.list_objects()

        asyncio.run(main())

    with Hostile(respond) as server, pytest.raises(APIConnectionError) as caught:
        read(server.base_url)
    assert "over the client's bound of 1,048,576 bytes (counted decompressed" in str(caught.value)
    assert len(server.exchanges) == 1  # never retried: the next answer would be as big


def test_the_body_bound_is_checked_at_construction() -> None:
    with pytest.raises(ValueError, match="max_response_bytes must be a whole number >= 1"):
        Client("t0k", "demo", base_url="http://127.0.0.1:9/v1", max_response_bytes=0)


# A corrupt 200 -------------------------------------------------------------------------------


def _corrupt_first(bodies: list[bytes]) -> Callable[[Exchange], None]:
    """Answers ``bodies`` in turn, then the last one again."""

    def respond(exchange: Exchange) -> None:
        exchange.send(answer(bodies[min(exchange.number, len(bodies)) - 1]))

    return respond


GOOD_PAGE = b'{"objects": [{"id": "1", "data": {"Nom": "Doe"}}]}'


@pytest.mark.parametrize(
    "corrupt",
    [
        b'{"objects": [{"id": "1", "da',  # cut short
        b"<html>502 Bad Gateway</html>",
        b'{"objects": [{"data": {}}]}',  # JSON, but not records
        b'{"objects": [{"id": NaN, "data": {}}]}',  # Python's json reads NaN
        b'{"objects": [{"id": "1e3", "data": {}}]}',
    ],
)
def test_a_corrupt_200_on_a_read_is_retried_like_a_lost_answer(corrupt: bytes) -> None:
    with (
        Hostile(_corrupt_first([corrupt, GOOD_PAGE])) as server,
        Client("t0k", "demo", base_url=server.base_url, retries=FAST) as client,
    ):
        assert [r.data["Nom"] for r in client.get("contact")] == ["Doe"]
    assert len(server.exchanges) == 2
    with (
        Hostile(_corrupt_first([corrupt])) as server,
        Client("t0k", "demo", base_url=server.base_url, retries=FAST) as client,
        pytest.raises(DecodingError) as caught,
    ):
        client.get("contact")
    assert not isinstance(caught.value, APIConnectionError)
    assert len(server.exchanges) == 4


@pytest.mark.parametrize(
    "corrupt",
    [b"not json", b'{"objects": [{"id": "7", "created": "Y"}]}'],  # no status
    ids=["not-json", "no-status"],
)
def test_a_corrupt_answer_to_a_write_is_never_resent(corrupt: bytes) -> None:
    with (
        Hostile(_corrupt_first([corrupt])) as server,
        Client("t0k", "demo", base_url=server.base_url, retries=FAST) as client,
        pytest.raises(PartialWriteError) as caught,
    ):
        client.put("contact", [{"id": 0, "data": {"Nom": "Doe"}}])
    assert (caught.value.unknown, caught.value.not_written) == ([0], [])
    assert isinstance(caught.value.cause, DecodingError)
    assert len(server.exchanges) == 1


# Pages seen before ----------------------------------------------------------------------------


def _cycling(pages: int) -> Callable[[Exchange], None]:
    """Pages of 2 records that cycle through ``pages`` pages, and end after 12."""

    def respond(exchange: Exchange) -> None:
        number = int(exchange.params.get("page", "1"))
        if number > 12:
            records: list[dict[str, Any]] = []
        else:
            first = 2 * ((number - 1) % pages) + 1
            records = [{"id": str(first), "data": {}}, {"id": str(first + 1), "data": {}}]
        exchange.send(answer(json.dumps({"objects": records}).encode()))

    return respond


@pytest.mark.parametrize("pages", [1, 2, 3])
def test_iter_refuses_a_server_that_cycles_through_its_pages(pages: int) -> None:
    with (
        Hostile(_cycling(pages)) as server,
        Client(
            "t0k", "demo", base_url=server.base_url, retries=FAST, page_size=2, prefetch=1
        ) as client,
        pytest.raises(APIConnectionError, match="came before") as caught,
    ):
        list(client.iter("contact"))
    assert "page=" in caught.value.url
    assert int(caught.value.url.rpartition("page=")[2].partition("&")[0]) == pages + 1


def test_the_async_client_retries_a_corrupt_200_and_refuses_cycling_pages() -> None:
    async def read(base_url: str, query: str) -> list[str]:
        async with AsyncClient(
            "t0k", "demo", base_url=base_url, retries=FAST, page_size=2, prefetch=1
        ) as client:
            return [record.id async for record in client.iter(query)]

    with Hostile(_corrupt_first([b"<html>502</html>", GOOD_PAGE])) as server:
        assert asyncio.run(read(server.base_url, "contact")) == ["1"]
    assert len(server.exchanges) == 2
    with (
        Hostile(_cycling(2)) as server,
        pytest.raises(APIConnectionError, match="came before"),
    ):
        asyncio.run(read(server.base_url, "contact"))
