"""The sync client over real HTTP against the embedded emulator, faults included."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from scale_query import (
    APIConnectionError,
    BadRequest,
    Client,
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

FAST = RetryPolicy(retries=3, base=0.001, cap=0.01)


@pytest.fixture
def emu(scale_emulator: Emulator) -> Emulator:
    """The plugin's demo emulator: faults off, counts at zero, demo data intact."""
    return scale_emulator


def _client(emu: Emulator, **kwargs: Any) -> Client:
    kwargs.setdefault("retries", FAST)
    return Client(emu.token, emu.instance, emu.base_url, **kwargs)


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    with _client(emu) as c:
        yield c


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Reading --------------------------------------------------------------------


def test_list_objects_and_object_info(client: Client) -> None:
    objects = client.list_objects()
    assert {"contact", "orders", "products"} <= set(objects)
    assert objects["contact"].created
    schema = client.object_info("contact")
    assert schema.name == "contact"
    assert schema["DateNaissance"].kind == "date"


def test_get_one_page_with_fields_and_sort(client: Client) -> None:
    query = Query("contact").fields("Nom", "Prenom").sort_by("-id_contact").page(2, size=3)
    records = client.get(query)
    assert len(records) == 3
    ids = [int(r.id) for r in records]
    assert ids == sorted(ids, reverse=True)
    assert all(set(r.data) <= {"Nom", "Prenom", "id_contact"} for r in records)
    first_page = client.get(query.page(1, size=3))
    assert int(first_page[-1].id) > ids[0]


def test_get_with_a_filter_matches_only_matching_records(client: Client) -> None:
    records = client.get(Query("contact").where('Pays $eq "FR"').limit(50))
    assert records
    assert {r.data["Pays"] for r in records} == {"FR"}


def test_iter_reads_every_record_once_in_order(emu: Emulator) -> None:
    with _client(emu, page_size=700) as client:
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


def test_breaking_out_of_iter_stops_fetching(client: Client, emu: Emulator) -> None:
    for n, _ in enumerate(client.iter(Query("contact").page(1, size=10)), 1):
        if n == 15:
            break
    before = emu.request_count("GET", "get_objects")
    assert before <= 2 + 4
    assert emu.request_count("GET", "get_objects") == before


# Writing --------------------------------------------------------------------


def _contacts(n: int, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "id": 0,
            "data": {"Nom": f"{tag}{i}", "Prenom": "Zoé", "DateNaissance": dt.date(1990, 6, i + 1)},
        }
        for i in range(n)
    ]


def _names(client: Client, tag: str) -> set[str]:
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


def test_put_updates_a_record_given_as_record(client: Client) -> None:
    original = client.get(Query("contact").limit(1))[0]
    changed = Record(original.id, {"Ville": "Namur"})
    (result,) = client.put("contact", [changed])
    assert (result.ok, result.updated, result.found, result.created) == (True, True, True, False)
    again = client.get(Query("contact").where(f"id_contact $eq {original.id}"))[0]
    assert again.data["Ville"] == "Namur"


def test_put_reports_per_record_errors_without_raising(client: Client) -> None:
    results = client.put(
        "orders",
        [
            {"id": 0, "data": {"Montant": Decimal("12.50")}, "link": {"contact": 1}},
            {"id": "99999999", "data": {"Montant": "1"}},
        ],
    )
    assert results[0].ok
    assert not results[1].ok


def _arm_on_post(emu: Emulator, nth: int, **faults: Any) -> httpx.Client:
    """An httpx client that turns the emulator's faults on just before its nth POST."""
    seen = {"posts": 0}

    def hook(request: httpx.Request) -> None:
        if request.method == "POST":
            seen["posts"] += 1
            if seen["posts"] == nth:
                emu.set_faults(**faults)

    return httpx.Client(event_hooks={"request": [hook]})


def test_partial_write_failure_says_which_records_were_written(emu: Emulator) -> None:
    http = _arm_on_post(emu, 2, unavailable=10)
    with http, _client(emu, http_client=http) as client:
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


def test_a_500_on_a_write_is_not_retried_and_its_batch_is_unknown(emu: Emulator) -> None:
    http = _arm_on_post(emu, 2, failures=1)
    with http, _client(emu, http_client=http) as client, pytest.raises(PartialWriteError) as caught:
        client.put("contact", _contacts(5, "Half"), batch_size=2)
    assert (caught.value.unknown, caught.value.not_written) == ([2, 3], [4])
    assert isinstance(caught.value.cause, ServerError)
    assert emu.request_count("POST", "put_objects") == 2


def test_a_write_that_times_out_is_sent_once(emu: Emulator) -> None:
    emu.set_faults(latency=1.0)
    with _client(emu, timeout=0.3) as client:
        with pytest.raises(PartialWriteError) as caught:
            client.put("contact", _contacts(1, "Slow"))
        assert caught.value.unknown == [0]
        assert isinstance(caught.value.cause, APIConnectionError)
        assert emu.request_count("POST", "put_objects") == 1
        emu.clear_faults()
        # The server did apply it: a retry would have created it twice.
        assert _names(client, "Slow") == {"Slow0"}


def test_a_write_retries_503_and_429_and_creates_once(client: Client, emu: Emulator) -> None:
    emu.set_faults(unavailable=1, rate_limit=1, retry_after=0)
    (result,) = client.put("contact", _contacts(1, "Once"))
    assert result.created
    assert emu.request_count("POST", "put_objects") == 3
    assert _names(client, "Once") == {"Once0"}


def test_a_write_to_a_closed_port_is_not_written(emu: Emulator) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1/datamart"
    with (
        Client(emu.token, "demo", url, retries=FAST) as client,
        pytest.raises(PartialWriteError) as caught,
    ):
        client.put("contact", _contacts(3, "Never"), batch_size=2)
    assert (caught.value.not_written, caught.value.unknown) == ([0, 1, 2], [])
    assert caught.value.cause.reached_server is False  # type: ignore[attr-defined]


def test_bad_records_fail_before_anything_is_sent(client: Client, emu: Emulator) -> None:
    with pytest.raises(TypeError, match="record 1"):
        client.put("contact", [{"data": {"Nom": "ok"}}, {"data": {"Optin": True}}])
    assert emu.request_count() == 0


# Faults and retries ---------------------------------------------------------


def test_get_retries_429_then_succeeds(client: Client, emu: Emulator) -> None:
    emu.set_faults(rate_limit=2, retry_after=0)
    assert len(client.get(Query("contact").limit(2))) == 2
    assert emu.request_count("GET", "get_objects") == 3


def test_retry_after_longer_than_the_cap_is_raised_at_once(emu: Emulator) -> None:
    emu.set_faults(rate_limit=5, retry_after=7)
    with (
        _client(emu, retries=RetryPolicy(retries=3, cap=1)) as client,
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


def test_retries_run_out(emu: Emulator) -> None:
    emu.set_faults(maintenance=True)
    with (
        _client(emu, retries=RetryPolicy(retries=2, base=0, cap=0)) as client,
        pytest.raises(ServiceUnavailable, match="maintenance"),
    ):
        client.list_objects()
    assert emu.request_count() == 3


def test_latency_beyond_the_timeout_is_a_transport_error(emu: Emulator) -> None:
    emu.set_faults(latency=0.5)
    with (
        _client(emu, timeout=0.1, retries=RetryPolicy(retries=1, base=0, cap=0)) as client,
        pytest.raises(APIConnectionError, match="no answer in time"),
    ):
        client.get(Query("contact").limit(1))
    assert emu.request_count() == 2


def test_connection_refused_is_a_transport_error(emu: Emulator) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1/datamart"
    with (
        Client(emu.token, "demo", url, retries=RetryPolicy(retries=1, base=0)) as client,
        pytest.raises(APIConnectionError, match="could not connect") as caught,
    ):
        client.list_objects()
    assert caught.value.reached_server is False


def test_a_truncated_body_is_a_transport_error(client: Client, emu: Emulator) -> None:
    emu.set_faults(corrupt=1)
    with pytest.raises(APIConnectionError, match="not valid JSON"):
        client.get(Query("contact").limit(5))
    assert emu.request_count() == 1


def test_api_errors_carry_the_server_message(client: Client, emu: Emulator) -> None:
    with pytest.raises(NotFound, match="contcat") as missing:
        client.object_info("contcat")
    assert missing.value.status == 404
    assert "contcat" in missing.value.body
    with pytest.raises(BadRequest, match="Nope"):
        client.get(Query("contact").where("Nope $eq 1"))
    assert emu.request_count() == 2


# Safety ---------------------------------------------------------------------


def test_the_token_never_shows(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="scale_query")
    wrong = "wrong-" + emu.token
    errors: list[Exception] = []
    with Client(wrong, emu.instance, emu.base_url, retries=FAST) as client:
        assert wrong not in repr(client)
        with pytest.raises(Unauthorized) as caught:
            client.list_objects()
        errors.append(caught.value)
    emu.set_faults(unavailable=10)
    with _client(emu) as client:
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


def test_plain_http_is_refused_away_from_loopback() -> None:
    with pytest.raises(ValueError, match="http://"):
        Client("t", "demo", "http://api.scal-e.com/v1/datamart")


def test_credentials_come_from_the_environment(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALE_TOKEN", emu.token)
    monkeypatch.setenv("SCALE_INSTANCE", emu.instance)
    monkeypatch.setenv("SCALE_BASE_URL", emu.base_url)
    with Client(retries=FAST) as client:
        assert client.instance == emu.instance
        assert "contact" in client.list_objects()


def test_own_http_client_is_left_open_and_default_timeouts(emu: Emulator) -> None:
    http = httpx.Client()
    with _client(emu, http_client=http) as client:
        client.list_objects()
    assert not http.is_closed
    http.close()
    with _client(emu) as client:
        timeout = client._http.timeout
        assert (timeout.connect, timeout.read) == (5.0, 60.0)
    assert client._http.is_closed


def test_a_transport_can_be_passed(emu: Emulator) -> None:
    with _client(emu, transport=httpx.HTTPTransport(retries=0)) as client:
        assert client.list_objects()
