"""The client over real HTTP against the embedded emulator, faults included.

Behaviours both clients promise are written once and run on each: the
``either`` fixture opens a ``Client`` or an ``AsyncClient`` behind the same
sync calls (tests/clients.py); tests/test_client_async.py holds what is the
async client's own.

Speed: one connection pool (an ``httpx.HTTPTransport``) serves the whole
module, and tests that only need a connection share one ``Client``; each new
``httpx.Client`` would otherwise cost its own TLS set-up (about 35 ms).
Timeouts are never raced against the clock: a transport that drops the
answer after the server has handled the request stands for a read timeout.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from clients import Either, Through
from helpers import FAST

from scale_query import (
    APIConnectionError,
    AsyncClient,
    BadRequest,
    Client,
    DecodingError,
    NotFound,
    PartialWriteError,
    Query,
    RateLimited,
    Record,
    RetryPolicy,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
)

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator


@pytest.fixture(scope="module")
def pool() -> Iterator[httpx.HTTPTransport]:
    with httpx.HTTPTransport() as transport:
        yield transport


def _client(emu: Emulator, pool: httpx.BaseTransport, **kwargs: Any) -> Client:
    kwargs.setdefault("retries", FAST)
    if "http_client" not in kwargs:
        kwargs.setdefault("transport", Through(pool))
    return Client(emu.token, emu.instance, base_url=emu.base_url, **kwargs)


@pytest.fixture(scope="module")
def client(scale_emulator_session: Emulator, pool: httpx.HTTPTransport) -> Iterator[Client]:
    """One client for the tests that only need a connection (conftest's, made once here).

    It replaces conftest's ``client`` in this module: one ``Client`` on the
    module's pool instead of one per test. ``emu`` (conftest's) resets the
    emulator before each test.
    """
    with _client(scale_emulator_session, pool) as c:
        yield c


@pytest.fixture(params=["sync", "async"])
def either(request: pytest.FixtureRequest, emu: Emulator, pool: httpx.HTTPTransport) -> Either:
    """Opens the sync or the async client on ``emu`` (the test runs once with each)."""
    return Either(request.param, emu, pool)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Reading --------------------------------------------------------------------


def test_list_objects_and_object_info(client: Client, emu: Emulator) -> None:
    objects = client.list_objects()
    assert {"contact", "orders", "products"} <= set(objects)
    assert objects["contact"].created
    schema = client.object_info("contact")
    assert schema.name == "contact"
    assert schema["DateNaissance"].kind == "date"


def test_get_one_page_with_fields_and_sort(client: Client, emu: Emulator) -> None:
    query = Query("contact").fields("Nom", "Prenom").sort_by("-id_contact").page(2, size=3)
    records = client.get(query)
    assert len(records) == 3
    ids = [int(r.id) for r in records]
    assert ids == sorted(ids, reverse=True)
    assert all(set(r.data) <= {"Nom", "Prenom", "id_contact"} for r in records)
    first_page = client.get(query.page(1, size=3))
    assert int(first_page[-1].id) > ids[0]


def test_get_with_a_filter_matches_only_matching_records(client: Client, emu: Emulator) -> None:
    records = client.get(Query("contact").where('Pays $eq "FR"').limit(50))
    assert records
    assert {r.data["Pays"] for r in records} == {"FR"}


def test_iter_reads_every_record_once_in_order(emu: Emulator, pool: httpx.HTTPTransport) -> None:
    with _client(emu, pool, page_size=700) as client:
        ids = [int(r.id) for r in client.iter("contact")]
    total = len(ids)
    assert total >= 10_000
    assert ids == sorted(set(ids))
    pages = -(-total // 700) + (total % 700 == 0)
    # The pages read plus at most ``prefetch`` asked for ahead of the end.
    assert pages <= emu.request_count("GET", "get_objects") <= pages + 4


def test_iter_respects_the_query_limit_start_page_and_filter(client: Client, emu: Emulator) -> None:
    limited = list(client.iter(Query("contact").limit(1234)))
    assert len(limited) == 1234
    fr = [r.id for r in client.iter(Query("contact").where('Pays $eq "FR"'))]
    everyone = list(client.iter(Query("contact").page(1, size=1000)))
    assert fr == [r.id for r in everyone if r.data["Pays"] == "FR"]
    assert len(fr) > 1000
    skipped = list(client.iter(Query("contact").page(3, size=100).limit(450)))
    assert [r.id for r in skipped[:1]] == [
        r.id for r in client.get(Query("contact").page(3, size=100))[:1]
    ]
    assert len(skipped) == 250


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("scale-query")]


def test_breaking_out_of_iter_stops_fetching(client: Client, emu: Emulator) -> None:
    records = client.iter(Query("contact").page(1, size=10))
    for n, _ in enumerate(records, 1):
        if n == 15:
            break
    records.close()  # what leaving a ``for`` does once the iterator is dropped
    # Over a thousand pages match: at most the 2 read and those asked for ahead.
    assert emu.request_count("GET", "get_objects") <= 2 + 4
    # Nothing is left running that could ask for more.
    assert _workers() == []


# Writing --------------------------------------------------------------------


def _contacts(n: int, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "id": 0,
            "data": {"Nom": f"{tag}{i}", "Prenom": "Zoé", "DateNaissance": dt.date(1990, 6, i + 1)},
        }
        for i in range(n)
    ]


def _names(client: Any, tag: str) -> set[str]:
    return {r.data["Nom"] for r in client.iter(Query("contact").where(f'Nom $like "{tag}*"'))}


def test_put_creates_in_batches_in_input_order(client: Client, emu: Emulator) -> None:
    records = _contacts(7, "Batch")
    results = client.put("contact", records, batch_size=3)
    assert emu.request_count("POST", "put_objects") == 3
    assert [r.data.get("Nom") for r in results] == [f"Batch{i}" for i in range(7)]
    assert all(r.ok and r.created and not r.updated for r in results)
    assert len({r.id for r in results}) == 7
    stored = client.get(Query("contact").where(f"id_contact $eq {results[2].id}"))
    assert stored[0].data["DateNaissance"] == "1990-06-03"


def test_put_updates_a_record_given_as_record(client: Client, emu: Emulator) -> None:
    original = client.get(Query("contact").limit(1))[0]
    changed = Record(original.id, {"Ville": "Namur"})
    (result,) = client.put("contact", [changed])
    assert (result.ok, result.updated, result.found, result.created) == (True, True, True, False)
    again = client.get(Query("contact").where(f"id_contact $eq {original.id}"))[0]
    assert again.data["Ville"] == "Namur"


def test_put_reports_per_record_errors_without_raising(client: Client, emu: Emulator) -> None:
    results = client.put(
        "orders",
        [
            {"id": 0, "data": {"Montant": Decimal("12.50")}, "link": {"contact": 1}},
            {"id": "99999999", "data": {"Montant": "1"}},
        ],
    )
    assert results[0].ok
    assert not results[1].ok


def _arm_on_post(emu: Emulator, nth: int, **faults: Any) -> Callable[[httpx.Request], None]:
    """A hook that turns the emulator's faults on just before the nth POST."""
    seen = {"posts": 0}

    def hook(request: httpx.Request) -> None:
        if request.method == "POST":
            seen["posts"] += 1
            if seen["posts"] == nth:
                emu.set_faults(**faults)

    return hook


def test_partial_write_failure_says_which_records_were_written(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    through = Through(pool, before=_arm_on_post(emu, 2, unavailable=10))
    with _client(emu, pool, transport=through) as client:
        with pytest.raises(PartialWriteError) as caught:
            client.put("contact", _contacts(5, "Part"), batch_size=2)
        error = caught.value
        assert [r.data["Nom"] for r in error.results] == ["Part0", "Part1"]
        assert (error.not_written, error.unknown) == ([2, 3, 4], [])
        assert isinstance(error.cause, ServiceUnavailable)
        emu.clear_faults()
        assert _names(client, "Part") == {"Part0", "Part1"}
    # 503 is retried for writes: 1 good batch, then 1 + 3 retries of the second.
    assert emu.request_count("POST", "put_objects") == 5


def test_a_500_on_a_write_is_not_retried_and_its_batch_is_unknown(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    through = Through(pool, before=_arm_on_post(emu, 2, failures=1))
    with (
        _client(emu, pool, transport=through) as client,
        pytest.raises(PartialWriteError) as caught,
    ):
        client.put("contact", _contacts(5, "Half"), batch_size=2)
    assert (caught.value.unknown, caught.value.not_written) == ([2, 3], [4])
    assert isinstance(caught.value.cause, ServerError)
    assert emu.request_count("POST", "put_objects") == 2


def test_a_write_whose_answer_is_lost_is_sent_once(either: Either, emu: Emulator) -> None:
    with either.open(lose=lambda request: request.method == "POST") as client:
        with pytest.raises(PartialWriteError) as caught:
            client.put("contact", _contacts(1, "Slow"))
        assert (caught.value.unknown, caught.value.not_written) == ([0], [])
        assert isinstance(caught.value.cause, APIConnectionError)
        assert "no answer in time" in str(caught.value.cause)
        assert emu.request_count("POST", "put_objects") == 1
        # The server did apply it: a retry would have created it twice.
        assert _names(client, "Slow") == {"Slow0"}


def test_any_failure_after_the_first_batch_is_a_partial_write_error(either: Either) -> None:
    posts = {"n": 0}

    def fail(request: httpx.Request) -> None:
        if request.method == "POST":
            posts["n"] += 1
            if posts["n"] == 2:
                raise RuntimeError("something inside the HTTP stack broke")

    with either.open(fail=fail) as client, pytest.raises(PartialWriteError) as caught:
        client.put("contact", _contacts(5, "Odd"), batch_size=2)
    error = caught.value
    assert [r.data["Nom"] for r in error.results] == ["Odd0", "Odd1"]
    # It is not known whether the second request went out: its batch is unknown.
    assert (error.unknown, error.not_written) == ([2, 3], [4])
    assert isinstance(error.cause, RuntimeError)
    assert error.__cause__ is error.cause


def test_a_write_retries_503_and_429_and_creates_once(client: Client, emu: Emulator) -> None:
    emu.set_faults(unavailable=1, rate_limit=1, retry_after=0)
    (result,) = client.put("contact", _contacts(1, "Once"))
    assert result.created
    assert emu.request_count("POST", "put_objects") == 3
    assert _names(client, "Once") == {"Once0"}


def test_a_write_to_a_closed_port_is_not_written(emu: Emulator, pool: httpx.HTTPTransport) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1/datamart"
    with (
        Client(emu.token, "demo", base_url=url, retries=FAST, transport=Through(pool)) as client,
        pytest.raises(PartialWriteError) as caught,
    ):
        client.put("contact", _contacts(3, "Never"), batch_size=2)
    assert (caught.value.not_written, caught.value.unknown) == ([0, 1, 2], [])
    assert caught.value.cause.reached_server is False  # type: ignore[attr-defined]


def test_bad_records_fail_before_anything_is_sent(client: Client, emu: Emulator) -> None:
    with pytest.raises(TypeError, match="record 1"):
        client.put("contact", [{"data": {"Nom": "ok"}}, {"data": {"Optin": True}}])
    assert emu.request_count() == 0


def test_a_value_that_cannot_be_sent_fails_before_the_first_batch(
    either: Either, emu: Emulator
) -> None:
    records = [{"data": {"Nom": "ok"}}, {"data": {"Nom": "\udc80"}}]
    with either.open() as client:
        with pytest.raises(ValueError, match=r"record 1: data\['Nom'\] holds a lone surrogate"):
            client.put("contact", records, batch_size=1)
        assert emu.request_count() == 0
        assert _names(client, "ok") == set()


# Faults and retries ---------------------------------------------------------


def test_get_retries_429_then_succeeds(client: Client, emu: Emulator) -> None:
    emu.set_faults(rate_limit=2, retry_after=0)
    assert len(client.get(Query("contact").limit(2))) == 2
    assert emu.request_count("GET", "get_objects") == 3


def test_retry_after_longer_than_the_cap_is_raised_at_once(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    emu.set_faults(rate_limit=5, retry_after=7)
    with (
        _client(emu, pool, retries=RetryPolicy(retries=3, cap=1)) as client,
        pytest.raises(RateLimited) as caught,
    ):
        client.list_objects()
    assert caught.value.retry_after == 7.0
    assert caught.value.status == 429
    assert emu.request_count() == 1


def test_get_retries_503_and_500(client: Client, emu: Emulator) -> None:
    emu.set_faults(unavailable=1, failures=2)
    assert client.object_info("contact")
    assert emu.request_count("GET", "get_object_info") == 4


def test_retries_run_out(emu: Emulator, pool: httpx.HTTPTransport) -> None:
    emu.set_faults(maintenance=True)
    with (
        _client(emu, pool, retries=RetryPolicy(retries=2, base=0, cap=0)) as client,
        pytest.raises(ServiceUnavailable, match="maintenance"),
    ):
        client.list_objects()
    assert emu.request_count() == 3


def test_a_read_without_an_answer_is_retried_then_raised(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    lost = Through(pool, lose=lambda request: True)
    with (
        _client(emu, pool, transport=lost, retries=RetryPolicy(retries=1, base=0, cap=0)) as c,
        pytest.raises(APIConnectionError, match="no answer in time") as caught,
    ):
        c.get(Query("contact").limit(1))
    assert caught.value.reached_server is True
    assert emu.request_count() == 2


def test_the_timeout_goes_to_every_request(emu: Emulator, pool: httpx.HTTPTransport) -> None:
    seen = Through(pool)
    with _client(emu, pool, transport=seen, timeout=0.3) as client:
        client.list_objects()
        client.put("contact", _contacts(1, "Timed"))
    assert [r.extensions["timeout"] for r in seen.requests] == [
        {"connect": 0.3, "read": 0.3, "write": 0.3, "pool": 0.3}
    ] * 2
    default = Through(pool)
    with _client(emu, pool, transport=default) as client:
        client.list_objects()
    assert default.requests[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 60.0,
        "write": 60.0,
        "pool": 60.0,
    }


def test_connection_refused_is_a_transport_error(either: Either, emu: Emulator) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1/datamart"
    with either.open(base_url=url, retries=RetryPolicy(retries=1, base=0)) as client:
        assert emu.token not in repr(client)
        with pytest.raises(APIConnectionError, match="could not connect") as caught:
            client.list_objects()
    assert caught.value.reached_server is False


def test_a_corrupt_200_on_a_read_is_retried(either: Either, emu: Emulator) -> None:
    with either.open() as client:
        emu.set_faults(corrupt=1)
        assert len(client.get(Query("contact").limit(5))) == 5
        assert emu.request_count() == 2
        # One corrupt get_object_info no longer stops an import.
        emu.set_faults(corrupt=1)
        assert "Nom" in client.object_info("contact")
        assert emu.request_count("GET", "get_object_info") == 2
        emu.set_faults(corrupt=1)
        assert "contact" in client.list_objects()
        assert emu.request_count("GET", "get_object_list") == 2


def test_a_body_that_stays_corrupt_is_a_decoding_error(either: Either, emu: Emulator) -> None:
    emu.set_faults(corrupt=10)
    with (
        either.open() as client,
        pytest.raises(DecodingError, match="not valid JSON") as caught,
    ):
        client.get(Query("contact").limit(5))
    assert not isinstance(caught.value, APIConnectionError)
    assert emu.request_count() == 4  # retried as a lost answer


def test_a_body_that_does_not_decompress_is_a_decoding_error(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    class BadGzip(Through):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            answer = super().handle_request(request)
            answer.read()
            headers = {**answer.headers, "Content-Encoding": "gzip"}
            return httpx.Response(answer.status_code, headers=headers, content=b"not gzip")

    with (
        _client(emu, pool, transport=BadGzip(pool)) as client,
        pytest.raises(DecodingError, match="could not be decoded"),
    ):
        client.list_objects()
    assert emu.request_count() == 4  # a read: retried, as any lost answer


def test_api_errors_carry_the_server_message(either: Either, emu: Emulator) -> None:
    with either.open() as client:
        with pytest.raises(NotFound, match="contcat") as missing:
            client.object_info("contcat")
        assert missing.value.status == 404
        assert "contcat" in missing.value.body
        with pytest.raises(NotFound, match="nope"):
            client.get("nope")
        with pytest.raises(BadRequest, match="Nope"):
            client.get(Query("contact").where("Nope $eq 1"))
    assert emu.request_count() == 3


# Safety ---------------------------------------------------------------------


def test_the_token_never_shows(
    emu: Emulator, pool: httpx.HTTPTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="scale_query")
    wrong = "wrong-" + emu.token
    errors: list[Exception] = []
    with Client(
        wrong, emu.instance, base_url=emu.base_url, retries=FAST, transport=Through(pool)
    ) as client:
        assert wrong not in repr(client)
        with pytest.raises(Unauthorized) as caught:
            client.list_objects()
        errors.append(caught.value)
    emu.set_faults(unavailable=10)
    with _client(emu, pool) as client:
        with pytest.raises(PartialWriteError) as write:
            client.put("contact", _contacts(1, "Secret"))
        errors += [write.value, write.value.cause]
    for error in errors:
        for text in (
            str(error),
            repr(error),
            getattr(error, "body", ""),
            getattr(error, "url", ""),
        ):
            assert wrong not in text
            assert emu.token not in text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/get_object_list" in logged
    assert "attempt 2" in logged
    assert emu.token not in logged
    assert "Secret0" not in logged


def test_filter_values_stay_out_of_errors_and_logs(
    client: Client, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="scale_query")
    emu.set_faults(unavailable=1)
    query = Query("contact").where('EMail $eq "jo@example.net" $and Nope $eq 1').limit(3)
    with pytest.raises(BadRequest) as caught:
        client.get(query)
    shown = str(caught.value)
    assert shown.startswith("GET /v1/datamart/demo/get_objects/contact?filter=…&limit=…: 400 ")
    assert "Nope" in shown  # the server's message names the unknown field
    assert "jo@example.net" not in shown
    assert "jo%40example.net" in caught.value.url  # the whole URL, for who needs it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "get_objects/contact?filter=…&limit=… -> 503" in logged
    assert "example.net" not in logged


def test_a_literal_the_server_refuses_stays_out_of_the_error(client: Client) -> None:
    # The emulator points at the value instead of quoting it: the message of
    # the exception (often logged) holds no e-mail address.
    query = Query("contact").where('Nom $eq "x" $and DateNaissance $eq "jo@example.net"')
    with pytest.raises(BadRequest) as caught:
        client.get(query)
    shown = str(caught.value)
    assert "line 1, column 36: DateNaissance is a date field" in shown
    assert "1990-06-12" in shown  # what to write instead
    assert "jo@" not in shown and "jo@" not in caught.value.message


BOTH = pytest.mark.parametrize("cls", [Client, AsyncClient], ids=["sync", "async"])


@BOTH
def test_a_bad_token_is_refused_at_construction_without_showing_it(cls: type[Client]) -> None:
    token = "s3cr3t-vàlue-42"
    with pytest.raises(ValueError, match="token: the API token holds a non-ASCII") as caught:
        cls(token, "demo")
    for text in (str(caught.value), repr(caught.value.args)):
        assert "s3cr3t" not in text and "Bearer" not in text
    assert caught.value.__context__ is None


@BOTH
def test_a_bad_base_url_is_refused_at_construction(cls: type[Client]) -> None:
    with pytest.raises(ValueError, match=r"base_url 'http://127\.0\.0\.1:80:80/v1' is not a valid"):
        cls("t0k", "demo", base_url="http://127.0.0.1:80:80/v1")
    with pytest.raises(ValueError, match=re.escape("base_url 'https://h:1:2/v1' is not a valid")):
        cls("t0k", "demo", base_url="https://h:1:2/v1")
    with pytest.raises(ValueError, match="not a URL httpx can send to"):
        cls("t0k", "demo", base_url="https://xn--/v1")


@pytest.mark.parametrize(
    "path", ["/v1/../../x", "/v1/./datamart", "/v1/%2e%2e/x", "/v1/%2E./x", "/.."]
)
def test_a_base_url_with_dot_segments_is_refused(path: str) -> None:
    # httpx resolves them: the requests, and the token, would go to another path.
    with pytest.raises(ValueError, match=r"'\.' or '\.\.' path segment"):
        Client("t0k", "demo", base_url=f"https://api.example.test{path}")
    assert Client("t0k", "demo", base_url="https://h/v1/..x/a.b").base_url == "https://h/v1/..x/a.b"


@BOTH
def test_options_are_keyword_only(cls: type[Client]) -> None:
    with pytest.raises(TypeError, match="positional"):
        cls("t0k", "demo", "https://api.example.test/v1")  # type: ignore[misc]


def test_a_filter_that_cannot_be_sent_is_refused_before_sending(
    client: Client, emu: Emulator
) -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        client.get(Query("contact").where('Nom $eq "\ud800"'))
    with pytest.raises(ValueError, match="lone surrogate"):
        client.get(Query("contact").fields("N\udc80m"))
    assert emu.request_count() == 0


def test_plain_http_is_refused_away_from_loopback() -> None:
    with pytest.raises(ValueError, match="http://"):
        Client("t", "demo", base_url="http://api.scal-e.com/v1/datamart")


def test_credentials_come_from_the_environment(
    emu: Emulator, pool: httpx.HTTPTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALE_TOKEN", emu.token)
    monkeypatch.setenv("SCALE_INSTANCE", emu.instance)
    monkeypatch.setenv("SCALE_BASE_URL", emu.base_url)
    with Client(retries=FAST, transport=Through(pool)) as client:
        assert client.instance == emu.instance
        assert "contact" in client.list_objects()


def test_own_http_client_is_left_open_and_default_timeouts(
    emu: Emulator, pool: httpx.HTTPTransport
) -> None:
    http = httpx.Client(transport=Through(pool))
    with _client(emu, pool, http_client=http) as client:
        client.list_objects()
    assert not http.is_closed
    http.close()
    # The one client in this module that makes its own httpx.Client.
    with Client(emu.token, emu.instance, base_url=emu.base_url) as client:
        timeout = client._http.timeout
        assert (timeout.connect, timeout.read) == (5.0, 60.0)
        assert client.list_objects()
    assert client._http.is_closed


def test_a_transport_can_be_passed(emu: Emulator, pool: httpx.HTTPTransport) -> None:
    seen = Through(pool)
    with _client(emu, pool, transport=seen) as client:
        assert client.list_objects()
    assert [r.url.path for r in seen.requests] == ["/v1/datamart/demo/get_object_list"]


# Query.from_url and the emulator: what one refuses, the other refuses in the same words.

_BAD_QUERIES = [
    "limit=x",
    "limit=-1",
    "limit=%C2%B2",
    "limit=%095",  # a tab is not a space
    "offset=9223372036854775808",
    "pagesize=" + "9" * 60,
    "page=0&pagesize=1",
    "page=2",
    "sort_by=Nom",
    "sort_by=%5B1%5D",
    "sort_by=%7B%22Nom%22%3A1%7D",
    "fields=Nom,,Prenom",
]


@pytest.mark.parametrize("query_string", _BAD_QUERIES)
def test_from_url_refuses_what_the_emulator_refuses_in_its_words(
    emu: Emulator, pool: httpx.HTTPTransport, query_string: str
) -> None:
    url = f"{emu.base_url}/{emu.instance}/get_objects/contact?{query_string}"
    with httpx.Client(transport=Through(pool)) as http:
        answer = http.get(url, headers={"Authorization": f"Bearer {emu.token}"})
    assert answer.status_code == 400
    message = answer.json()["message"]
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        Query.from_url(url)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "query_string",
    [
        'sort_by="{"id_contact":"desc", "Nom":"asc"}&limit=20',
        'sort_by="{"Nom":"asc"}"&limit=20',
        "pagesize=30",
        "filter=&sort_by=%20&limit=%205%20",
        "fields=Nom,%20Prenom&page=2&pagesize=3",
    ],
)
def test_from_url_takes_what_the_emulator_takes(
    client: Client, emu: Emulator, pool: httpx.HTTPTransport, query_string: str
) -> None:
    url = f"{emu.base_url}/{emu.instance}/get_objects/contact?{query_string}"
    with httpx.Client(transport=Through(pool)) as http:
        answer = http.get(url, headers={"Authorization": f"Bearer {emu.token}"})
    assert answer.status_code == 200
    as_sent = [(str(o["id"]), o["data"]) for o in answer.json()["objects"]]
    read_back = client.get(Query.from_url(url))
    assert [(r.id, dict(r.data)) for r in read_back] == as_sent


@pytest.mark.parametrize(
    ("query_string", "status"),
    [("limit=" + "0" * 30 + "5", 200), ("limit=" + "0" * 30 + "1" + "0" * 19, 400)],
)
def test_zero_padded_counts_read_alike_in_the_emulator_and_from_url(
    emu: Emulator, pool: httpx.HTTPTransport, query_string: str, status: int
) -> None:
    url = f"{emu.base_url}/{emu.instance}/get_objects/contact?{query_string}"
    with httpx.Client(transport=Through(pool)) as http:
        answer = http.get(url, headers={"Authorization": f"Bearer {emu.token}"})
    assert answer.status_code == status
    if status == 200:
        assert len(answer.json()["objects"]) == Query.from_url(url).max_records == 5
    else:
        with pytest.raises(ValueError, match="limit must be a whole number") as caught:
            Query.from_url(url)
        assert str(caught.value) == answer.json()["message"]
