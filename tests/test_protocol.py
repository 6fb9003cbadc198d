"""The request core without I/O: requests built, responses parsed, retry and paging decisions."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import re
from decimal import Decimal
from urllib.parse import quote

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_query import queries

from scale_query import (
    APIConnectionError,
    APIError,
    BadRequest,
    DecodingError,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    Q,
    Query,
    RateLimited,
    Record,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
)
from scale_query.client._batches import MAX_BATCH_SIZE, BatchWrite
from scale_query.client._paging import Pager
from scale_query.client._protocol import (
    Settings,
    error_from_response,
    get_objects_request,
    list_objects_request,
    object_info_request,
    parse_object_info,
    parse_object_list,
    parse_records,
    parse_retry_after,
    parse_write_results,
    put_objects_request,
    record_payload,
)
from scale_query.client._retry import Attempts, Failure, RetryPolicy
from scale_query.client._urls import check_base_url, redacted_url
from scale_query.semantics import MAX_URL_BYTES

TOKEN = "s3cr3t-T0KEN-value"
BASE = "https://api.example.test/v1/datamart"


@pytest.fixture
def conf() -> Settings:
    return Settings.resolve(TOKEN, "demo", BASE)


# Settings -------------------------------------------------------------------


def test_settings_fall_back_to_environment() -> None:
    env = {"SCALE_TOKEN": TOKEN, "SCALE_INSTANCE": "acme", "SCALE_BASE_URL": BASE + "/"}
    conf = Settings.resolve(environ=env)
    assert (conf.token, conf.instance, conf.base_url) == (TOKEN, "acme", BASE)
    assert Settings.resolve("other", environ=env).token == "other"
    assert Settings.resolve(TOKEN, "x", environ={}).base_url == "https://api.scal-e.com/v1/datamart"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"instance": "demo"}, "no API token"),
        ({"token": TOKEN}, "no instance id"),
        ({"token": TOKEN + "\r\nX-Evil: 1", "instance": "demo"}, "line break at position 19"),
        ({"token": TOKEN + "\n", "instance": "demo"}, "surrounding spaces or a line break"),
        ({"token": TOKEN + "é", "instance": "demo"}, "non-ASCII character at position 19"),
        ({"token": TOKEN[:4] + "\u00a0" + TOKEN[4:], "instance": "demo"}, "non-ASCII"),
        ({"token": TOKEN[:4] + " " + TOKEN[4:], "instance": "demo"}, "a space at position 5"),
        ({"token": TOKEN[:4] + "\t" + TOKEN[4:], "instance": "demo"}, "control character"),
        ({"token": TOKEN + "\udc80", "instance": "demo"}, "non-ASCII"),
        ({"token": TOKEN, "instance": "de/mo"}, "bad instance id"),
        ({"token": TOKEN, "instance": "demo", "base_url": "http://api.scal-e.com/v1"}, "http://"),
        ({"token": TOKEN, "instance": "demo", "base_url": "ftp://h/v1"}, "https://"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://u:p@h/v1"}, "credentials"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://h/v1?x=1"}, "query string"),
        (
            {"token": TOKEN, "instance": "demo", "base_url": "http://127.0.0.1:80:80/v1"},
            "base_url 'http://127.0.0.1:80:80/v1' is not a valid URL",
        ),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://h:99999/v1"}, "out of range"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://h:/v1"}, "no port number"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://exa mple.com"}, "' '"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://[::1/v1"}, "IPv6"),
        ({"token": TOKEN, "instance": "demo", "base_url": "https://a..b/v1"}, "bad host name"),
    ],
)
def test_settings_refuse_bad_values(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        Settings.resolve(**kwargs, environ={})  # type: ignore[arg-type]
    # The message never shows the token, nor any part of it around the bad character.
    assert TOKEN not in str(caught.value)
    assert TOKEN[:4] not in str(caught.value)
    assert "Bearer" not in str(caught.value)


def test_settings_name_the_environment_variable_a_bad_value_came_from() -> None:
    env = {"SCALE_TOKEN": TOKEN + "é", "SCALE_INSTANCE": "demo"}
    with pytest.raises(ValueError, match=r"^SCALE_TOKEN: "):
        Settings.resolve(environ=env)
    env = {"SCALE_TOKEN": TOKEN, "SCALE_INSTANCE": "demo", "SCALE_BASE_URL": "https://h:1:2/"}
    with pytest.raises(ValueError, match=r"^SCALE_BASE_URL "):
        Settings.resolve(environ=env)
    with pytest.raises(ValueError, match=r"^base_url "):
        Settings.resolve(TOKEN, base_url="https://h:1:2/", environ=env)


def test_settings_say_where_each_value_came_from_in_the_callers_words() -> None:
    # The command line reads its settings here too: its flags named, the demo offered.
    flags = {"token": "--token", "instance": "--instance", "base_url": "--base-url"}
    env = {"SCALE_TOKEN": TOKEN, "SCALE_BASE_URL": ""}
    conf = Settings.resolve(None, "demo", environ=env, names=flags)
    assert dict(conf.sources) == {
        "token": "SCALE_TOKEN",
        "instance": "--instance",
        "base_url": "--base-url or SCALE_BASE_URL",
    }
    assert TOKEN not in repr(conf) and conf == Settings.resolve(TOKEN, "demo", environ={})
    with pytest.raises(ValueError, match=r"^no API token: pass --token, set SCALE_TOKEN, or try"):
        Settings.resolve(names=flags, otherwise="try --demo", environ={})
    with pytest.raises(
        ValueError, match=r"^no instance id: pass --instance or set SCALE_INSTANCE$"
    ):
        Settings.resolve(TOKEN, names=flags, environ={})
    with pytest.raises(ValueError, match=r"^--token: the API token holds a space") as caught:
        Settings.resolve(TOKEN[:4] + " " + TOKEN[4:], "demo", names=flags, environ={})
    assert TOKEN[:4] not in str(caught.value)
    with pytest.raises(ValueError, match=r"^--base-url 'https://h:1:2/' is not a valid URL"):
        Settings.resolve(TOKEN, "demo", "https://h:1:2/", names=flags, environ={})


def test_a_printable_ascii_token_makes_a_header_httpx_sends() -> None:
    token = "".join(chr(c) for c in range(0x21, 0x7F))
    headers = Settings.resolve(token, "demo", BASE, environ={}).headers()
    request = httpx.Request("GET", BASE, headers=headers)
    assert request.headers["Authorization"] == f"Bearer {token}"


# Base URLs: what check_base_url accepts, httpx parses.
_URL_PARTS = [*"ab1-_.:[]@%/?# é\\<>{}|^`'()*+,;=\t\x00", "::1", "80", "xn--", "%2F", "%zz"]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_URL_PARTS), max_size=12).map("".join),
    st.sampled_from(["http", "https"]),
)
@example("a/@", "http")  # an '@' in the path: found by a random run, refused since
def test_an_accepted_base_url_is_one_httpx_parses(tail: str, scheme: str) -> None:
    # (The client also asks httpx itself at construction: an "xn--" label that
    # is not valid IDNA passes this shape check and is refused there.)
    url = f"{scheme}://{tail}"
    try:
        checked = check_base_url(url)
    except ValueError:
        return
    parsed = httpx.URL(checked)
    assert parsed.scheme == scheme
    assert parsed.raw_host
    assert "?" not in checked and "#" not in checked and "@" not in checked


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "[::1]:80", "localhost"])
def test_plain_http_is_allowed_to_loopback(host: str) -> None:
    assert Settings.resolve(TOKEN, "demo", f"http://{host}/v1", environ={}).base_url.startswith(
        "http://"
    )


def test_plain_http_elsewhere_needs_allow_insecure() -> None:
    conf = Settings.resolve(TOKEN, "demo", "http://10.0.0.5/v1", allow_insecure=True, environ={})
    assert conf.base_url == "http://10.0.0.5/v1"


def test_token_is_in_the_header_only(conf: Settings) -> None:
    assert TOKEN not in repr(conf)
    assert conf.headers()["Authorization"] == f"Bearer {TOKEN}"
    for request in (
        list_objects_request(conf),
        object_info_request(conf, "contact"),
        get_objects_request(conf, Query("contact").where('Nom $eq "x"')),
    ):
        assert TOKEN not in request.url


# Requests -------------------------------------------------------------------


def test_request_urls(conf: Settings) -> None:
    assert list_objects_request(conf).url == f"{BASE}/demo/get_object_list"
    assert object_info_request(conf, "contact").url == f"{BASE}/demo/get_object_info/contact"
    request = get_objects_request(conf, Query("contact").where('Nom $eq "a b"').limit(2))
    assert (
        request.url == f"{BASE}/demo/get_objects/contact?filter=Nom%20%24eq%20%22a%20b%22&limit=2"
    )
    assert request.redacted == "/v1/datamart/demo/get_objects/contact?filter=…&limit=…"
    assert not request.write


def test_a_url_over_the_limit_is_refused_before_sending(conf: Settings) -> None:
    def query(n: int) -> Query:
        return Query("contact").where(Q("Nom").in_([f"name{i:05}" for i in range(n)]))

    sizes = {n: len(get_objects_request(conf, query(n)).url) for n in (10, 20)}
    per_item = (sizes[20] - sizes[10]) // 10
    fits = 10 + (MAX_URL_BYTES - sizes[10]) // per_item
    assert len(get_objects_request(conf, query(fits)).url) <= MAX_URL_BYTES
    limit = f"over the client's limit of {MAX_URL_BYTES:,}"
    with pytest.raises(ValueError, match=limit) as caught:
        get_objects_request(conf, query(fits + 1))
    assert "name0" not in str(caught.value)


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["filter", "fields", "limit", "page"]), max_size=4), st.text())
def test_redacted_urls_keep_names_and_drop_values(names: list[str], value: str) -> None:
    url = BASE + "/demo/get_objects/contact"
    if names:
        url += "?" + "&".join(f"{n}={quote(value, safe='')}" for n in names)
    shown = redacted_url(url)
    assert shown.startswith("/v1/datamart/demo/get_objects/contact")
    assert shown.count("=…") == len(names)
    for name in names:
        assert f"{name}=…" in shown
    if len(value) > 1 and "…" not in value:
        assert quote(value, safe="") not in shown.split("?", 1)[-1]


@pytest.mark.slow
@settings(max_examples=100)
@given(queries(), st.sampled_from(["demo", "acme-01"]))
def test_to_url_is_the_url_the_client_sends(query: Query, instance: str) -> None:
    # One URL builder: what a user prints with to_url is what get() requests.
    conf = Settings.resolve(TOKEN, instance, BASE, environ={})
    assert query.to_url(instance, base_url=BASE + "/") == get_objects_request(conf, query).url


@pytest.mark.parametrize("name", ["../x", "a/b", "a?b", "%2e%2e", ""])
def test_object_names_cannot_change_the_path(conf: Settings, name: str) -> None:
    with pytest.raises(ValueError, match="bad object name"):
        object_info_request(conf, name)


def test_record_payload_writes_us_notation() -> None:
    payload = record_payload(
        {
            "id": "47737",
            "data": {
                "Born": dt.date(1990, 6, 12),
                "Seen": dt.datetime(2020, 12, 19, 12, 50, 50),
                "Amount": Decimal("12.50"),
                "Ratio": 0.1,
                "Count": 3,
                "Empty": None,
            },
            "link": {"contact": 49737},
        }
    )
    assert payload == {
        "id": 47737,
        "data": {
            "Born": "1990-06-12",
            "Seen": "2020-12-19 12:50:50",
            "Amount": "12.50",
            "Ratio": "0.1",
            "Count": "3",
            "Empty": "",
        },
        "link": {"contact": "49737"},
    }


def test_record_payload_takes_a_record() -> None:
    assert record_payload(Record("0", {"Nom": "Doe"})) == {"id": 0, "data": {"Nom": "Doe"}}


@pytest.mark.parametrize(
    ("record", "error", "message"),
    [
        ({"id": "abc", "data": {}}, ValueError, "id must be digits"),
        ({"id": "²", "data": {}}, ValueError, "id must be digits"),
        ({"id": "٣", "data": {}}, ValueError, "id must be digits"),
        ({"id": "99999999999999999999999", "data": {}}, ValueError, "over the maximum"),
        ({"id": "9" * 5000, "data": {}}, ValueError, "over the maximum"),
        ({"id": 2**63, "data": {}}, ValueError, "over the maximum"),
        ({"id": -1, "data": {}}, ValueError, "negative"),
        ({"id": True, "data": {}}, TypeError, "id is an int"),
        (
            {"data": {"Nom": "\udc80"}},
            ValueError,
            r"record 7: data\['Nom'\] holds a lone surrogate",
        ),
        ({"data": {"Nom": "ok\ud800ok"}}, ValueError, "U\\+D800 at index 2"),
        ({"data": {"N\udc80m": "x"}}, ValueError, "record 7: a data key holds a lone surrogate"),
        ({"link": {"contact": "\udc80"}}, ValueError, r"record 7: link\['contact'\]"),
        ({"data": {}, "Nom": "x"}, ValueError, "unknown keys"),
        ({"data": ["x"]}, TypeError, "data is a mapping"),
        ({"data": {"Flag": True}}, TypeError, r"data\['Flag'\]"),
        ({"data": {"x": float("nan")}}, ValueError, "finite"),
        ("Nom=Doe", TypeError, "a dict or a Record"),
    ],
)
def test_record_payload_refuses_bad_records(record: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        record_payload(record, 7)  # type: ignore[arg-type]


def test_record_ids_in_range_are_kept() -> None:
    top = 2**63 - 1
    assert record_payload({"id": str(top)})["id"] == top
    assert record_payload({"id": "000042"})["id"] == 42
    assert record_payload({"id": top})["id"] == top


def test_put_request_is_a_multipart_objects_field(conf: Settings) -> None:
    payloads = [record_payload({"id": 0, "data": {"Nom": "Zoë"}})]
    request = put_objects_request(conf, "contact", payloads)
    assert (request.method, request.write, request.count) == ("POST", True, 1)
    assert request.url == f"{BASE}/demo/put_objects/contact"
    (name, body), *rest = request.form
    assert (name, rest) == ("objects", [])
    assert json.loads(body) == [{"id": 0, "data": {"Nom": "Zoë"}}]


# Responses ------------------------------------------------------------------


def test_parse_records_keeps_strings(conf: Settings) -> None:
    request = get_objects_request(conf, Query("contact"))
    body = json.dumps(
        {"objects": [{"id": 109128, "data": {"Nom": "Doe", "Pays": None}, "link": {"c": 1}}]}
    ).encode()
    assert parse_records(request, body) == [
        Record("109128", {"Nom": "Doe", "Pays": ""}, {"c": "1"})
    ]
    assert parse_records(request, b'{"objects": []}') == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"objects": [{"id": "1", "da', "not valid JSON"),
        (b"<html>502 Bad Gateway</html>", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", '"objects" list'),
        (b'{"objects": [{"data": {}}]}', 'with an "id"'),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"objects": [], "n": ' + b"1" * 5000 + b"}", "not valid JSON"),  # int() refuses it
    ],
)
def test_parse_records_refuses_bodies_that_are_not_records(
    conf: Settings, body: bytes, message: str
) -> None:
    request = get_objects_request(conf, Query("contact"))
    with pytest.raises(DecodingError, match=message) as caught:
        parse_records(request, body)
    assert caught.value.url == f"{BASE}/demo/get_objects/contact"
    assert str(caught.value).startswith("GET /v1/datamart/demo/get_objects/contact: ")


def test_parse_object_list_and_info(conf: Settings) -> None:
    listing = parse_object_list(
        list_objects_request(conf),
        b'{"contact": {"acl": "", "create_time": "2022-10-25 16:45:09", "update_time": "x"}}',
    )
    assert listing["contact"].created == "2022-10-25 16:45:09"
    assert listing["contact"].updated == "x"
    info = b'{"CP": {"attribs": {"type": "text", "length": "50"}, "read": "Y", "write": "N"}}'
    schema = parse_object_info(object_info_request(conf, "contact"), info, "contact")
    assert (schema.name, schema["CP"].length, schema["CP"].writable) == ("contact", 50, False)
    with pytest.raises(DecodingError, match="object metadata"):
        parse_object_info(object_info_request(conf, "contact"), b'{"CP": 3}', "contact")


def test_parse_write_results(conf: Settings) -> None:
    request = put_objects_request(conf, "orders", [{"id": 0, "data": {}}] * 2)
    body = json.dumps(
        {
            "objects": [
                {"status": "OK", "id": "7", "created": "Y", "updated": "N", "found": "N"},
                {"status": "KO", "id": "0", "created": "N", "error": "unknown field X"},
            ]
        }
    ).encode()
    first, second = parse_write_results(request, body)
    assert (first.ok, first.id, first.created, first.updated, first.found) == (
        True,
        "7",
        True,
        False,
        False,
    )
    assert (second.ok, second.error) == (False, "unknown field X")
    with pytest.raises(DecodingError, match="2 results, got 1"):
        parse_write_results(request, b'{"objects": [{"status": "OK", "id": "1"}]}')


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (405, MethodNotAllowed),
        (406, NotAcceptable),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (503, ServiceUnavailable),
        (418, APIError),
    ],
)
def test_error_class_per_status(conf: Settings, status: int, kind: type) -> None:
    request = get_objects_request(conf, Query("contact"))
    error = error_from_response(conf, request, status, {}, b'{"error": "the message"}')
    assert type(error) is kind
    assert (error.status, error.message, error.method) == (status, "the message", "GET")
    assert str(status) in str(error)


def test_errors_show_parameter_names_not_values(conf: Settings) -> None:
    query = Query("contact").where('EMail $eq "jo@example.net"').fields("Nom").limit(5)
    request = get_objects_request(conf, query)
    api = error_from_response(conf, request, 400, {}, b'{"message": "unknown field"}')
    attempts = Attempts(conf, RetryPolicy(retries=0), request)
    with pytest.raises(APIConnectionError) as lost:
        attempts.failed(Failure.NO_ANSWER, "no answer in time (ReadTimeout)", 0.0)
    for error in (api, lost.value):
        shown = str(error)
        assert shown.startswith(
            "GET /v1/datamart/demo/get_objects/contact?filter=…&fields=…&limit=…: "
        )
        assert "example" not in shown and "Nom" not in shown and "5" not in shown.split(":")[0]
        # The whole URL stays on the error for who needs it.
        assert error.url == request.url  # type: ignore[attr-defined]
        assert "jo%40example.net" in error.url  # type: ignore[attr-defined]


def test_error_body_is_truncated_and_the_token_masked(conf: Settings) -> None:
    request = list_objects_request(conf)
    body = f"bad token {TOKEN} " * 100
    error = error_from_response(conf, request, 401, {"Retry-After": "3"}, body.encode())
    assert len(error.body) <= 501
    for text in (str(error), repr(error), error.body, error.message, error.url):
        assert TOKEN not in text
    assert "***" in error.message


@pytest.mark.parametrize(
    "body", [b"[" * 100_000 + b"]" * 100_000, b'{"message": ' + b"1" * 5000 + b"}"]
)
def test_an_error_body_json_cannot_read_is_shown_as_text(conf: Settings, body: bytes) -> None:
    # Deep nesting (RecursionError) or a 5,000-digit number (ValueError): still a BadRequest.
    error = error_from_response(conf, list_objects_request(conf), 400, {}, body)
    assert isinstance(error, BadRequest) and error.message == body.decode()[:200]


def test_rate_limited_carries_retry_after(conf: Settings) -> None:
    request = list_objects_request(conf)
    error = error_from_response(conf, request, 429, {"retry-after": "7"}, b"{}")
    assert isinstance(error, RateLimited)
    assert error.retry_after == 7.0


def test_parse_retry_after() -> None:
    now = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("later") is None
    assert parse_retry_after(None) is None


# Retries --------------------------------------------------------------------

_READ_RETRIES = {429, 500, 503, Failure.CONNECT, Failure.NO_ANSWER, Failure.CORRUPT}
_WRITE_RETRIES = {429, 503, Failure.CONNECT}


@pytest.mark.parametrize("outcome", [400, 401, 403, 404, 405, 406, 429, 500, 502, 503, *Failure])
def test_what_is_retried(outcome: int | Failure) -> None:
    policy = RetryPolicy()
    assert policy.retryable(False, outcome) == (outcome in _READ_RETRIES)
    assert policy.retryable(True, outcome) == (outcome in _WRITE_RETRIES)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(1, 8),
    st.floats(0, 5),
    st.floats(0, 60),
    st.integers(0, 2**32),
)
def test_backoff_is_full_jitter_under_the_cap(
    retries: int, attempt: int, base: float, cap: float, seed: int
) -> None:
    policy = RetryPolicy(retries=retries, base=base, cap=cap)
    delay = policy.delay(False, attempt, 503, rand=random.Random(seed))
    if attempt > retries:
        assert delay is None
    else:
        assert delay is not None
        assert 0 <= delay <= min(cap, base * 2 ** (attempt - 1))


def test_backoff_spreads_over_the_whole_window() -> None:
    rand = random.Random(1)
    delays = [RetryPolicy(base=1, cap=100).delay(False, 3, 500, rand=rand) for _ in range(500)]
    assert min(d for d in delays if d is not None) < 0.5
    assert max(d for d in delays if d is not None) > 3.5


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(cap=10)
    assert policy.delay(True, 1, 429, retry_after=4.0) == 4.0
    assert policy.delay(True, 1, 429, retry_after=11.0) is None


def test_attempts_retry_then_give_up_and_log_without_secrets(
    conf: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    request = get_objects_request(conf, Query("contact").where('EMail $eq "jo@example.net"'))
    attempts = Attempts(conf, RetryPolicy(retries=2, base=0, cap=0), request)
    caplog.set_level(logging.DEBUG, logger="scale_query")
    assert attempts.answered(503, {}, b"{}", 0.01) is None
    assert attempts.failed(Failure.NO_ANSWER, f"reset {TOKEN}", 0.01) == 0
    with pytest.raises(APIConnectionError) as caught:
        attempts.failed(Failure.NO_ANSWER, f"reset {TOKEN}", 0.01)
    assert TOKEN not in str(caught.value)
    assert caught.value.reached_server
    assert attempts.attempt == 3
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /v1/datamart/demo/get_objects/contact?filter=… -> 503" in logged
    assert "attempt 3" in logged
    assert TOKEN not in logged
    assert "jo@example.net" not in logged
    assert "jo%40example.net" not in logged


def test_attempts_return_a_success_body(conf: Settings) -> None:
    attempts = Attempts(conf, RetryPolicy(), list_objects_request(conf))
    assert attempts.answered(200, {}, b"{}", 0.0) == b"{}"


def test_attempts_never_retry_a_write_that_may_have_been_applied(conf: Settings) -> None:
    request = put_objects_request(conf, "contact", [{"id": 0, "data": {}}])
    with pytest.raises(ServerError):
        Attempts(conf, RetryPolicy(), request).answered(500, {}, b"{}", 0.0)
    with pytest.raises(APIConnectionError):
        Attempts(conf, RetryPolicy(), request).failed(Failure.NO_ANSWER, "timeout", 0.0)
    with pytest.raises(DecodingError):
        Attempts(conf, RetryPolicy(), request).failed(Failure.CORRUPT, "not JSON", 0.0)
    assert Attempts(conf, RetryPolicy(base=0), request).failed(Failure.CONNECT, "x", 0.0) == 0


# Paging ---------------------------------------------------------------------


def _drain(pager: Pager, available: int) -> tuple[list[int], int]:
    """Serve pages from a store of ``available`` records, as the API would."""
    pages, total = [], 0
    while (page := pager.next_page()) is not None:
        pages.append(page)
        start = (page - 1) * pager.size
        window = available if pager.remaining is None else min(available, start + pager.size)
        got = [Record(str(i), {}) for i in range(start, min(window, start + pager.size))]
        total += len(pager.accept(got))
    return pages, total


@pytest.mark.parametrize(
    ("query", "available", "pages", "total"),
    [
        (Query("c"), 5, [1, 2, 3], 5),
        (Query("c"), 4, [1, 2, 3], 4),
        (Query("c"), 0, [1], 0),
        (Query("c").limit(3), 100, [1, 2], 3),
        (Query("c").limit(4), 100, [1, 2], 4),
        (Query("c").page(3, size=2), 7, [3, 4], 3),
    ],
)
def test_pager_plan(query: Query, available: int, pages: list[int], total: int) -> None:
    assert _drain(Pager(query, default_size=2), available) == (pages, total)


def test_pager_stops_a_server_that_ignores_paging(conf: Settings) -> None:
    # A server that ignores page or pagesize would make iter() read forever.
    same = [Record("1"), Record("2")]
    pager = Pager(Query("contact").where('EMail $eq "jo@x.net"'), default_size=2)
    for page in (1, 2):  # two requests in flight, as iter() sends them
        assert pager.next_page() == page
        pager.request(conf, page)
    pager.accept(same)
    with pytest.raises(APIConnectionError, match="ignores the page parameter") as caught:
        pager.accept(same)
    assert caught.value.url.endswith("page=2&pagesize=2") and "jo" not in str(caught.value)
    pager = Pager(Query("contact"), default_size=2)
    pager.request(conf, pager.next_page() or 0)
    with pytest.raises(APIConnectionError, match="3 records for a page of 2: it ignores pagesize"):
        pager.accept([*same, Record("3")])


def test_pager_request_asks_for_the_page(conf: Settings) -> None:
    pager = Pager(Query("contact").where("a $eq 1"), default_size=250)
    request = pager.request(conf, 4)
    assert request.url.endswith("?filter=a%20%24eq%201&page=4&pagesize=250")


# Batched writes -------------------------------------------------------------


def test_batch_write_checks_every_record_before_sending(conf: Settings) -> None:
    with pytest.raises(ValueError, match="record 2: id must be digits"):
        BatchWrite(conf, "contact", [{"data": {}}, {"data": {}}, {"id": "x"}], 1)
    # Record 1500 would be in the second batch: it is refused before the first is made.
    records = [{"data": {"Nom": "ok"}}] * 1500 + [{"data": {"Nom": "\udc80"}}]
    with pytest.raises(ValueError, match=r"record 1500: data\['Nom'\] holds a lone surrogate"):
        BatchWrite(conf, "contact", records, 1000)
    for bad in (0, MAX_BATCH_SIZE + 1, True, 2.0):
        with pytest.raises(
            ValueError, match=f"batch_size must be a whole number from 1 to {MAX_BATCH_SIZE}"
        ):
            BatchWrite(conf, "contact", [], bad)  # type: ignore[arg-type]


def test_every_batch_body_encodes(conf: Settings) -> None:
    records = [{"data": {"Nom": f"Zoé {i}", "Ville": "北京"}} for i in range(5)]
    for _, request in BatchWrite(conf, "contact", records, 2).batches():
        ((_, body),) = request.form
        assert json.loads(body.encode("utf-8"))[0]["data"]["Ville"] == "北京"


def test_batch_write_failure_says_what_was_written(conf: Settings) -> None:
    write = BatchWrite(conf, "contact", [{"data": {}}] * 7, 3)
    starts = [start for start, _ in write.batches()]
    assert starts == [0, 3, 6]
    certain = write.failure(3, ServiceUnavailable(503, "down"))
    assert (certain.not_written, certain.unknown) == ([3, 4, 5, 6], [])
    lost = write.failure(3, APIConnectionError("timeout", reached_server=True))
    assert (lost.not_written, lost.unknown) == ([6], [3, 4, 5])
    refused = write.failure(6, APIConnectionError("refused", reached_server=False))
    assert (refused.not_written, refused.unknown) == ([6], [])
    assert "1 not written" in str(refused)
    # An error of another kind may have come after the request went out.
    other = write.failure(3, RuntimeError("inside the HTTP library"))
    assert (other.not_written, other.unknown) == ([6], [3, 4, 5])


_TOKEN_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


def _escaped(char: str, how: int) -> str:
    """``char`` as a server may echo it: raw, JSON-escaped, \\u-escaped or percent-encoded."""
    code = ord(char)
    forms = [
        char,
        json.dumps(char)[1:-1],
        f"\\u{code:04x}",
        f"\\u{code:04X}",
        f"%{code:02X}",
        f"%{code:02x}",
        "\\/" if char == "/" else char,
    ]
    return forms[how % len(forms)]


@pytest.mark.slow  # about 1.5 s of examples
@settings(max_examples=200, deadline=None)
@given(
    st.text(_TOKEN_CHARS, min_size=8, max_size=40),
    st.lists(st.integers(0, 6), min_size=40, max_size=40),
    # No ASCII around it: nothing there can complete or start a spelling of the token.
    st.text(st.characters(min_codepoint=0xA1, max_codepoint=0x2FF), max_size=20),
)
def test_a_token_echoed_with_any_mix_of_escapes_is_masked(
    token: str, hows: list[int], around: str
) -> None:
    settings_ = Settings("demo", BASE, token)
    echoed = "".join(_escaped(char, how) for char, how in zip(token, hows, strict=False))
    masked = settings_.redact(f"{around}{echoed}{around}")
    assert masked == f"{around}***{around}"
    body = json.dumps({"error": f"bad token {token}"}).replace("/", "\\/").encode()
    error = error_from_response(settings_, list_objects_request(settings_), 401, {}, body)
    for text in (str(error), repr(error), error.message, error.body):
        assert token not in text


def test_names_that_spell_only_some_settings_still_give_the_missing_ones_message() -> None:
    # A caller may rename only the token: the instance is still asked for by its own name.
    with pytest.raises(ValueError, match=r"^no instance id: pass instance= or set SCALE_INSTANCE$"):
        Settings.resolve(TOKEN, names={"token": "--token"}, environ={})


@pytest.mark.parametrize(("key", "what"), [("token", "API token"), ("instance", "instance id")])
def test_an_empty_setting_given_says_it_is_empty_not_that_the_variable_is_unset(
    key: str, what: str
) -> None:
    # --token '' beside a set SCALE_TOKEN said "pass --token, set SCALE_TOKEN".
    flags = {"token": "--token", "instance": "--instance", "base_url": "--base-url"}
    given = {"token": TOKEN, "instance": "demo", key: ""}
    env = {"SCALE_TOKEN": TOKEN, "SCALE_INSTANCE": "demo"}
    with pytest.raises(ValueError, match=rf"^no {what}: {flags[key]} is empty") as caught:
        Settings.resolve(**given, names=flags, environ=env)
    assert TOKEN not in str(caught.value)
