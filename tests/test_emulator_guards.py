"""The emulator's guards of issue 20: Host checked (DNS rebinding), a quiet stop.

Each test fails on the code before the fix: the Host header was reflected
into /openapi.json and never checked, and stopping with a request in flight
printed a 60-line traceback.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from scale_query.emulator import Emulator, serve
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
