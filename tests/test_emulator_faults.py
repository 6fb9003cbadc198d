"""Fault switches, request counts, the admin endpoint, and latency after the write."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from helpers import TLS

from scale_query.emulator import Emulator


def _list(emu: Emulator) -> httpx.Response:
    return httpx.get(
        f"{emu.base_url}/{emu.instance}/get_object_list",
        headers={"Authorization": f"Bearer {emu.token}"},
        verify=TLS,
    )


def test_rate_limit_then_back_to_normal(scale_emulator: Emulator) -> None:
    scale_emulator.set_faults(rate_limit=2, retry_after=3)
    first, second, third = (_list(scale_emulator) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "3" and "message" in first.json()


def test_maintenance_and_next_n_unavailable(scale_emulator: Emulator) -> None:
    scale_emulator.set_faults(maintenance=True)
    assert [_list(scale_emulator).status_code for _ in range(3)] == [503] * 3
    scale_emulator.set_faults(maintenance=False, unavailable=1)
    assert [_list(scale_emulator).status_code for _ in range(2)] == [503, 200]


@pytest.mark.slow
def test_failures_and_seeded_failure_rate(scale_emulator: Emulator) -> None:
    scale_emulator.set_faults(failures=1)
    assert [_list(scale_emulator).status_code for _ in range(2)] == [500, 200]
    scale_emulator.set_faults(failure_rate=0.5, seed=7)
    first = [_list(scale_emulator).status_code for _ in range(20)]
    scale_emulator.set_faults(seed=7)
    assert [_list(scale_emulator).status_code for _ in range(20)] == first
    assert set(first) == {200, 500}


def test_corrupt_body_is_cut_in_half(scale_emulator: Emulator) -> None:
    whole = _list(scale_emulator).content
    scale_emulator.set_faults(corrupt=1)
    cut = _list(scale_emulator)
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


@pytest.mark.slow  # waits out a second of latency
def test_latency_comes_after_the_write(scale_emulator: Emulator) -> None:
    scale_emulator.set_faults(latency=1.0)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{scale_emulator.base_url}/demo/put_objects/products",
            headers={"Authorization": f"Bearer {scale_emulator.token}"},
            data={"objects": json.dumps([{"id": 0, "data": {"Nom": "Lent"}}])},
            timeout=0.3,
        )
    scale_emulator.clear_faults()
    time.sleep(0.8)  # let the delayed response finish before counting
    found = httpx.get(
        f"{scale_emulator.base_url}/demo/get_objects/products",
        params={"filter": 'Nom $eq "Lent"'},
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    ).json()["objects"]
    assert len(found) == 1
    assert scale_emulator.request_count("POST", "put_objects") == 1
    assert scale_emulator.request_count("GET") == 1


def test_unknown_or_bad_faults_are_refused(scale_emulator: Emulator) -> None:
    with pytest.raises(TypeError, match="unknown fault 'ratelimit'"):
        scale_emulator.set_faults(ratelimit=1)
    with pytest.raises(ValueError, match="probability"):
        scale_emulator.set_faults(failure_rate=2)
    with pytest.raises(TypeError, match="bool"):
        scale_emulator.set_faults(maintenance=1)


def test_admin_paths_need_the_admin_token(scale_emulator: Emulator) -> None:
    admin = scale_emulator.base_url.replace("/v1/datamart", "/_emulator")
    bare = httpx.post(f"{admin}/faults", json={"failures": 1})
    assert bare.status_code == 401 and bare.headers["WWW-Authenticate"].startswith("Bearer")
    for token in ("demo-token", "readonly-token"):  # API tokens, even full-rights ones
        for action in ("faults", "clear", "reset"):
            denied = httpx.post(
                f"{admin}/{action}", json={}, headers={"Authorization": f"Bearer {token}"}
            )
            assert denied.status_code == 403, (token, action)
    wrong = httpx.get(f"{admin}/requests", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "nope" not in wrong.text
    assert scale_emulator.faults.current()["failures"] == 0
    assert scale_emulator.admin_token not in repr(scale_emulator)


def test_admin_endpoint(scale_emulator: Emulator) -> None:
    headers = {"Authorization": f"Bearer {scale_emulator.admin_token}"}
    admin = scale_emulator.base_url.replace("/v1/datamart", "/_emulator")
    state = httpx.post(f"{admin}/faults", json={"failures": 1}, headers=headers).json()
    assert state["failures"] == 1
    assert _list(scale_emulator).status_code == 500
    bad = httpx.post(f"{admin}/faults", json={"nope": 1}, headers=headers)
    assert bad.status_code == 400 and "unknown fault" in bad.json()["message"]
    counts = httpx.get(f"{admin}/requests", headers=headers).json()
    assert counts == [{"method": "GET", "endpoint": "get_object_list", "count": 1}]
    httpx.post(
        f"{scale_emulator.base_url}/demo/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
        data={"objects": json.dumps([{"id": 0, "data": {"Nom": "Admin"}}])},
    )
    assert httpx.post(f"{admin}/reset", headers=headers).json() == {"reset": "Y"}
    found = httpx.get(
        f"{scale_emulator.base_url}/demo/get_objects/products",
        params={"filter": 'Nom $eq "Admin"'},
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    ).json()["objects"]
    assert found == []
