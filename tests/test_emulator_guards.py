"""The emulator's guards of issue 20: Host checked (DNS rebinding), a quiet stop,
a deadline on the request head, a budget of SQLite steps per read.

Each test fails on the code before the fix: the Host header was reflected
into /openapi.json and never checked, and stopping with a request in flight
printed a 60-line traceback.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from scale_query.emulator import Emulator, build, serve
from scale_query.emulator import _server as server_module
from scale_query.emulator._hosts import served_host


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io", "a.b"])
@pytest.mark.parametrize(
    "path", ["/v1/datamart/demo/get_object_list", "/openapi.json", "/playground/"]
)
def test_a_host_that_is_not_the_emulator_is_a_400(
    scale_emulator: Emulator, host: str, path: str
) -> None:
    site = scale_emulator.base_url.removesuffix("/v1/datamart")
    response = httpx.get(
        site + path, headers={"Host": host, "Authorization": f"Bearer {scale_emulator.token}"}
    )
    assert response.status_code == 400
    assert "DNS rebinding" in response.json()["message"]


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1", "127.0.0.1", "[::1]:99", "10.1.2.3"])
def test_loopback_names_and_addresses_are_served(scale_emulator: Emulator, host: str) -> None:
    response = httpx.get(
        f"{scale_emulator.instance_url}/get_object_list",
        headers={"Host": host, "Authorization": f"Bearer {scale_emulator.token}"},
    )
    assert response.status_code == 200


def test_the_openapi_servers_never_reflect_the_host_header(scale_emulator: Emulator) -> None:
    site = scale_emulator.base_url.removesuffix("/v1/datamart")
    document = httpx.get(f"{site}/openapi.json", headers={"Host": "10.9.8.7:1"}).json()
    assert document["servers"][0]["url"] == scale_emulator.base_url
    assert "10.9.8.7" not in str(document)


def test_the_host_it_listens_on_by_name_is_served() -> None:
    assert served_host("devbox.lan:8765", "devbox.lan")
    assert not served_host("devbox.lan:8765", "0.0.0.0")
    assert not served_host("localhost.evil.example", "127.0.0.1")


def test_stopping_with_a_request_in_flight_prints_no_traceback(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "GRACEFUL_SHUTDOWN_SECONDS", 0.05)
    answers: list[int] = []
    with serve(demo=True, latency=3600) as emu:
        held = threading.Thread(
            target=lambda: answers.append(
                httpx.get(
                    f"{emu.instance_url}/get_object_list",
                    headers={"Authorization": f"Bearer {emu.token}"},
                    timeout=60,
                ).status_code
            ),
        )
        held.start()
        while emu.request_count() == 0:  # the request is in its latency
            held.join(0.001)
    held.join()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "CancelledError" not in err, err
    assert answers == [503]


def _raw(emu: Emulator, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    with socket.create_connection((emu.host, emu.port)) as sock:
        sock.settimeout(60)  # a safety net only: the server is expected to act first
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.fixture(scope="module")
def quick_head() -> Iterator[Emulator]:
    emu = build(demo=True, head_timeout=0.2, query_steps=20_000)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.mark.parametrize(
    "head", [b"", b"GET / HTTP/1.1\r\n", b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n"]
)
def test_a_request_head_not_finished_in_time_is_dropped(quick_head: Emulator, head: bytes) -> None:
    answer = _raw(quick_head, head)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"request head" in answer


def test_the_deadline_starts_again_with_each_request_of_a_kept_alive_connection(
    quick_head: Emulator,
) -> None:
    whole = b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n"
    answer = _raw(quick_head, whole + b"GET /openapi.json HTTP/1.1\r\n")
    first, _, rest = answer.partition(b"HTTP/1.1 408 ")
    assert first.startswith(b"HTTP/1.1 200 ") and rest


def test_a_head_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="head_timeout"):
        build(demo=True, head_timeout=0)


def test_a_read_past_its_budget_of_sqlite_steps_is_a_clear_400(quick_head: Emulator) -> None:
    headers = {"Authorization": f"Bearer {quick_head.token}"}
    url = f"{quick_head.instance_url}/get_objects/contact"
    heavy = httpx.get(url, params={"filter": 'EMail $regex "zz[0-9]+q"'}, headers=headers)
    assert heavy.status_code == 400, heavy.text
    assert "budget of 20,000 SQLite steps" in heavy.json()["message"]
    # Cheap reads stay within it, and the store is usable after a stopped read.
    assert httpx.get(url, params={"pagesize": "5"}, headers=headers).status_code == 200
    listing = httpx.get(f"{quick_head.instance_url}/get_object_list", headers=headers)
    assert listing.status_code == 200
