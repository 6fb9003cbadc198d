"""The emulator under hostile input, over real HTTP: 4xx with clear words, never a 500.

Each input of issue 9 that once gave a 500, a half-reported write or a
redirect is here, sent as curl or requests would send it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scale_query import MAX_DEPTH
from scale_query.emulator import Emulator
from scale_query.emulator._limits import (
    MAX_ADMIN_BODY_BYTES,
    MAX_BODY_BYTES,
    MAX_BOUNDARY_BYTES,
    MAX_CONNECTIONS,
    MAX_FORM_FIELDS,
    MAX_HEAD_BUFFER_BYTES,
    MAX_HEAD_BYTES,
    MAX_INT64,
    MAX_JSON_DEPTH,
    MAX_JSON_VALUES,
    MAX_QUERY_STEPS,
    MAX_RECORDS_PER_WRITE,
    MAX_URL_BYTES,
)
from scale_query.emulator._names import MAX_TOKEN_LENGTH
from scale_query.semantics._reading import MAX_REGEX_LENGTH


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def _get(
    http: httpx.Client, emu: Emulator, path: str, params: str | dict[str, str] = ""
) -> httpx.Response:
    return http.get(
        f"{emu.instance_url}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {emu.token}"},
    )


def _put_raw(
    http: httpx.Client, emu: Emulator, body: str, name: str = "products"
) -> httpx.Response:
    return http.post(
        f"{emu.instance_url}/put_objects/{name}",
        headers={"Authorization": f"Bearer {emu.token}"},
        files={"objects": (None, body)},  # multipart, as curl --form sends it
    )


def _count(http: httpx.Client, emu: Emulator, filter_: str) -> int:
    response = _get(http, emu, "get_objects/products", {"filter": filter_, "pagesize": "1000"})
    assert response.status_code == 200, response.text
    return len(response.json()["objects"])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("offset=9223372036854775808", "offset"),
        ("page=99999999999999999999&pagesize=5", "page"),
        ("pagesize=99999999999999999999", "pagesize"),
        ("limit=%C2%B2", "limit"),  # "²": str.isdigit() says yes
        ("limit=%D9%A3", "limit"),  # Arabic-Indic three
        ("limit=" + "9" * 5000, "limit"),
        ("limit=-1", "limit"),
        ("page=0&pagesize=5", "page"),
        ("offset=1e3", "offset"),
    ],
)
def test_paging_values_are_ascii_digits_within_64_bits(
    http: httpx.Client, scale_emulator: Emulator, query: str, name: str
) -> None:
    response = _get(http, scale_emulator, "get_objects/contact", query)
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert message.startswith(f"{name} must be a whole number") and str(MAX_INT64) in message
    assert len(message) < 300  # a 5,000-digit value is not echoed whole


@pytest.mark.parametrize(
    "query", [f"offset={MAX_INT64}&limit=5", f"page={MAX_INT64}&pagesize=1000"]
)
def test_paging_at_the_top_of_the_range_is_an_empty_page(
    http: httpx.Client, scale_emulator: Emulator, query: str
) -> None:
    response = _get(http, scale_emulator, "get_objects/contact", query)
    assert response.status_code == 200 and response.json() == {"objects": []}


def test_a_lone_surrogate_in_a_filter_is_a_400_with_its_place(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    response = _get(http, scale_emulator, "get_objects/contact", {"filter": 'Nom $eq "\\ud800"'})
    assert response.status_code == 400
    body = response.json()
    assert "surrogate" in body["message"] and (body["line"], body["column"]) == (1, 9)


@pytest.mark.parametrize(
    "query",
    ["filter=Nom%20%24eq%20%22%FF%22", "filter=Nom%20%24eq%20%22%ED%A0%80%22", "fields=%C3"],
)
def test_a_percent_escape_that_is_not_utf8_is_a_400_naming_the_parameter(
    http: httpx.Client, scale_emulator: Emulator, query: str
) -> None:
    # Not read as U+FFFD, which would answer a 200 for another value than the one sent.
    # In the URL itself: httpx would re-encode params= as UTF-8.
    response = http.get(
        f"{scale_emulator.instance_url}/get_objects/contact?{query}",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    )
    assert str(response.request.url).endswith(query)
    name = query.partition("=")[0]
    assert response.status_code == 400
    message = response.json()["message"]
    assert f"query parameter '{name}' is not UTF-8" in message and "Nom" not in message


def test_a_malformed_record_gets_its_error_and_the_others_their_result(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    batch = [
        {"id": 0, "data": {"Nom": "ok1"}},
        {"id": "²", "data": {}},
        {"id": 99999999999999999999999, "data": {}},
        {"id": None, "data": {}},
        {"id": True, "data": {}},
        {"id": 0, "data": {"Nom": {"nested": 1}}},
        {"id": 0, "link": {"contact": "1"}, "data": {}},
        {"id": 0, "data": {"Nom": "ok2"}},
    ]
    response = _put_raw(http, scale_emulator, json.dumps(batch))
    assert response.status_code == 200, response.text
    results = response.json()["objects"]
    assert [r["status"] for r in results] == ["OK", *["ERROR"] * 6, "OK"]
    # Ids spelled as JSON spells them, never Python's "None"/"True".
    assert [r["id"] for r in results[1:5]] == ["²", "99999999999999999999999", "null", "true"]
    assert all(r["error"] and r["created"] == "N" for r in results[1:7])
    assert "ASCII digits" in results[1]["error"] and str(MAX_INT64) in results[2]["error"]
    # Both good records are written exactly once, and reported with their ids.
    for result, name in ((results[0], "ok1"), (results[-1], "ok2")):
        assert result["id"].isdigit() and result["data"] == {"Nom": name}
        assert _count(http, scale_emulator, f'Nom $eq "{name}"') == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            '[{"id":0,"data":{"Nom":"first"}},{"id":0,"data":{"Nom":"\\udc80"}}]',
            "objects[1].data.Nom",
        ),
        ('[{"id":0,"data":{"Nom":"first"}},{"id":0,"data":{"\\ud800":"x"}}]', "objects[1].data"),
        ('[{"id":0,"data":{"Nom":"first"}},{"id":' + "9" * 5000 + "}]", "too long"),
        ('[{"id":0,"data":{"Nom":"first"}},' + "[" * 100_000, "deeper than"),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "deeper than"),
        ('{"id":0,"data":{"Nom":"first"}}', "JSON array"),
        ('[{"id":0,"data":{"Nom":"first"}}', "not valid JSON"),
    ],
)
def test_a_body_that_is_not_records_is_a_400_and_writes_nothing(
    http: httpx.Client, scale_emulator: Emulator, body: str, words: str
) -> None:
    response = _put_raw(http, scale_emulator, body)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]
    assert _count(http, scale_emulator, 'Nom $eq "first"') == 0


@pytest.mark.parametrize(
    ("content_type", "body", "words"),
    [
        ("application/x-www-form-urlencoded", b"objects=%ff%fe", "not UTF-8"),
        (
            "multipart/form-data; boundary=B",
            b'--B\r\nContent-Disposition: form-data; name="objects"\r\n\r\n\xff\r\n--B--\r\n',
            "not UTF-8",
        ),
        (
            "multipart/form-data; boundary=B",
            b'--B\r\nContent-Disposition: form-data; name="objects"; filename="o.json"\r\n'
            b"Content-Type: application/json\r\n\r\n[]\r\n--B--\r\n",
            "not a file",
        ),
        ("multipart/form-data", b"objects=[]", "boundary"),
        ("application/json", b'{"objects": []}', "missing form field 'objects'"),
    ],
)
def test_unreadable_forms_are_400s(
    http: httpx.Client, scale_emulator: Emulator, content_type: str, body: bytes, words: str
) -> None:
    response = http.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}", "Content-Type": content_type},
        content=body,
    )
    assert response.status_code == 400 and words in response.json()["message"]


def test_a_url_past_the_bound_is_a_414_in_json(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    items = ",".join(f'"name{n}"' for n in range(1000))
    response = _get(http, scale_emulator, "get_objects/contact", {"filter": f"Nom $in [{items}]"})
    assert response.status_code == 414
    assert str(MAX_URL_BYTES) in response.json()["message"]
    fits = ",".join(f'"name{n}"' for n in range(200))
    assert _get(
        http, scale_emulator, "get_objects/contact", {"filter": f"Nom $in [{fits}]"}
    ).is_success


def test_headers_past_the_bound_are_a_431_in_json(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    # The documented bound holds exactly, whatever chunks the bytes arrive in
    # (h11's own buffer limit let a 70,000-byte head through).
    url = f"{scale_emulator.instance_url}/get_object_list"
    auth = {"Authorization": f"Bearer {scale_emulator.token}"}
    response = http.get(url, headers={**auth, "X-Padding": "x" * (MAX_HEAD_BYTES + 5000)})
    assert response.status_code == 431
    assert f"{MAX_HEAD_BYTES:,}" in response.json()["message"]
    assert http.get(url, headers={**auth, "X-Padding": "x" * (MAX_HEAD_BYTES - 500)}).is_success


def test_a_body_past_the_bound_is_a_413(http: httpx.Client, scale_emulator: Emulator) -> None:
    response = http.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
        data={"objects": "x" * (MAX_BODY_BYTES + 1)},
    )
    assert response.status_code == 413 and str(MAX_BODY_BYTES) in response.json()["message"]


def test_a_trailing_slash_is_a_json_404_not_a_redirect(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    response = _get(http, scale_emulator, "get_object_list/")
    assert response.status_code == 404 and "location" not in response.headers
    assert "without a '/'" in response.json()["message"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "get_objects/contact", "GET, HEAD"),
        ("DELETE", "get_object_list", "GET, HEAD"),
        ("GET", "put_objects/contact", "POST"),
    ],
)
def test_a_wrong_method_is_a_405_with_allow(
    http: httpx.Client, scale_emulator: Emulator, method: str, path: str, allow: str
) -> None:
    response = http.request(method, f"{scale_emulator.instance_url}/{path}")
    assert response.status_code == 405 and response.headers["Allow"] == allow
    assert allow in response.json()["message"]


@pytest.mark.parametrize(
    ("header", "challenge"),
    [
        (None, 'Bearer realm="datamart"'),
        ("Bearer not-a-token", 'Bearer realm="datamart", error="invalid_token"'),
        ("Basic ZGVtbzpkZW1v", 'Bearer realm="datamart"'),
    ],
)
def test_a_401_says_how_to_authenticate(
    http: httpx.Client, scale_emulator: Emulator, header: str | None, challenge: str
) -> None:
    headers: dict[str, Any] = {} if header is None else {"Authorization": header}
    response = http.get(f"{scale_emulator.instance_url}/get_object_list", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == challenge
    assert "not-a-token" not in response.text


def _doc_section(title: str) -> str:
    text = (Path(__file__).resolve().parent.parent / "docs" / "emulator.md").read_text("utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_docs_state_every_bound_with_its_value() -> None:
    section = _doc_section("Security and limits")
    for value in (
        MAX_URL_BYTES,
        MAX_HEAD_BYTES,
        MAX_HEAD_BUFFER_BYTES,
        MAX_BODY_BYTES,
        MAX_RECORDS_PER_WRITE,
        MAX_INT64,
        MAX_REGEX_LENGTH,
        MAX_TOKEN_LENGTH,
        MAX_ADMIN_BODY_BYTES,
        MAX_CONNECTIONS,
        MAX_JSON_VALUES,
        MAX_BOUNDARY_BYTES,
        MAX_QUERY_STEPS,
    ):
        assert f"{value:,}" in section, value
    assert f"{MAX_JSON_DEPTH} levels" in section and f"{MAX_DEPTH} levels" in section
    assert f"| form fields in a write | {MAX_FORM_FIELDS} |" in section


@pytest.mark.parametrize("sort_by", ["[" * 2000, '{"N":' * 600, '{"Nom":["asc"]}'])
def test_sort_by_nested_json_is_a_400(
    http: httpx.Client, scale_emulator: Emulator, sort_by: str
) -> None:
    response = _get(http, scale_emulator, "get_objects/contact", {"sort_by": sort_by})
    assert response.status_code == 400 and "sort_by" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 20_000,
        '{"failures":' * 5000,
        "\udc80",
        '["x"]',
        # Python's json reads these; a NaN latency or an infinite Retry-After
        # answered later requests with a 500, and made GET faults invalid JSON.
        '{"failures": 0, "latency": NaN}',
        '{"failures": 0, "retry_after": Infinity}',
        '{"failures": 0, "failure_rate": -Infinity}',
    ],
)
def test_admin_bodies_that_are_not_switches_are_400s(
    http: httpx.Client, scale_emulator: Emulator, body: str
) -> None:
    response = http.post(
        scale_emulator.base_url.replace("/v1/datamart", "/_emulator/faults"),
        headers={"Authorization": f"Bearer {scale_emulator.admin_token}"},
        content=body.encode("utf-8", "surrogatepass"),
    )
    assert response.status_code == 400 and response.json()["message"]
    assert scale_emulator.faults.current()["failures"] == 0


_PARAM = st.sampled_from(["filter", "fields", "sort_by", "limit", "offset", "page", "pagesize"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(_PARAM, st.text(max_size=60), max_size=4))
def test_any_read_parameters_get_an_answer_not_a_500(
    http: httpx.Client, scale_emulator: Emulator, params: dict[str, str]
) -> None:
    response = _get(http, scale_emulator, "get_objects/orders", params)
    assert response.status_code in (200, 400, 403), response.text
    assert isinstance(response.json(), dict)


@pytest.mark.slow
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_JSON, max_size=5) | _JSON)
def test_any_json_written_gets_one_result_per_record_or_a_400(
    http: httpx.Client, scale_emulator: Emulator, records: Any
) -> None:
    response = _put_raw(http, scale_emulator, json.dumps(records), name="orders")
    if isinstance(records, list):
        assert response.status_code == 200, response.text
        results = response.json()["objects"]
        assert len(results) == len(records)
        assert all(r["status"] in ("OK", "ERROR") and isinstance(r["id"], str) for r in results)
    else:
        assert response.status_code == 400 and "JSON array" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("get_objects/contact", {"fields": "A" * 5000}),
        ("get_objects/contact", {"sort_by": json.dumps({"x" * 5000: "asc"})}),
        ("get_objects/contact", {"filter": "B" * 5000 + ' $eq "a"'}),
        ("get_objects/" + "C" * 5000, {}),
        ("get_object_info/" + "C" * 5000, {}),
    ],
)
def test_a_huge_unknown_name_is_not_echoed_whole(
    http: httpx.Client, scale_emulator: Emulator, path: str, params: dict[str, str]
) -> None:
    response = _get(http, scale_emulator, path, params)
    message = response.json()["message"]
    assert response.status_code in (400, 404), message
    # The name is shortened, and the message still says how long it was.
    assert len(message) < 300 and "(5000 characters)" in message, message


def test_a_huge_unknown_instance_is_not_echoed_whole(
    http: httpx.Client, scale_emulator: Emulator
) -> None:
    base = scale_emulator.instance_url.rsplit("/", 1)[0]
    response = http.get(
        f"{base}/{'D' * 5000}/get_objects/contact",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    )
    message = response.json()["message"]
    assert response.status_code == 404 and "(5000 characters)" in message
    assert len(message) < 300, message


@pytest.mark.parametrize(
    "target",
    [
        "/v1/datamart/demo/get_objects/contact?fields=Nöm".encode(),
        b"/v1/datamart/demo/get_objects/contact?limit=1 x",
    ],
)
def test_a_request_line_http_cannot_read_is_a_400_in_json(
    scale_emulator: Emulator, target: bytes
) -> None:
    # A raw non-ASCII byte in the URL (not percent-encoded) got h11's plain-text 400.
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(scale_emulator.base_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), head
    assert b"content-type: application/json" in head.lower(), head
    assert "percent-encode" in json.loads(body)["message"]
