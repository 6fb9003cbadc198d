"""The datamart's own deletions: ``Emulator.delete`` and ``POST /_emulator/delete`` (admin)."""

from __future__ import annotations

import httpx
import pytest
from helpers import TLS

from scale_query.emulator import Emulator


def _get(emu: Emulator, path: str) -> httpx.Response:
    return httpx.get(
        f"{emu.base_url}/{emu.instance}/{path}",
        headers={"Authorization": f"Bearer {emu.token}"},
        verify=TLS,
    )


def _ids(emu: Emulator, wanted: str) -> list[str]:
    answer = _get(emu, f"get_objects/contact?filter=id_contact $in [{wanted}]")
    return [record["id"] for record in answer.json()["objects"]]


def _update_time(emu: Emulator) -> str:
    return str(_get(emu, "get_object_list").json()["contact"]["update_time"])


def test_delete_removes_records_and_moves_update_time(scale_emulator: Emulator) -> None:
    before = _update_time(scale_emulator)
    assert scale_emulator.delete("contact", [3, 2, 3, 10**9]) == [2, 3]
    assert _ids(scale_emulator, "1, 2, 3") == ["1"]
    assert _update_time(scale_emulator) > before
    with pytest.raises(KeyError, match="nope"):
        scale_emulator.delete("nope", [1])


def test_the_admin_path_deletes_with_the_admin_token_only(scale_emulator: Emulator) -> None:
    url = scale_emulator.base_url.replace("/v1/datamart", "/_emulator") + "/delete"
    admin = {"Authorization": f"Bearer {scale_emulator.admin_token}"}
    body = {"object": "contact", "ids": [4, "5"]}
    assert httpx.post(url, json=body).status_code == 401
    api = {"Authorization": f"Bearer {scale_emulator.token}"}
    assert httpx.post(url, json=body, headers=api).status_code == 403
    assert _ids(scale_emulator, "4, 5") == ["4", "5"]
    done = httpx.post(url, json=body, headers=admin)
    assert done.status_code == 200 and done.json() == {"deleted": [4, 5]}
    assert _ids(scale_emulator, "4, 5") == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"object": "nope", "ids": [1]}, 404),
        ({"object": "contact", "ids": [True]}, 400),
        ({"object": "contact", "ids": ["x"]}, 400),
        ({"object": "contact", "ids": 7}, 400),
        ({"object": "contact"}, 400),
        ([1, 2], 400),
        ({"object": "contact", "ids": [[[1]]]}, 400),
    ],
)
def test_a_bad_delete_is_a_4xx_and_deletes_nothing(
    scale_emulator: Emulator, body: object, status: int
) -> None:
    url = scale_emulator.base_url.replace("/v1/datamart", "/_emulator") + "/delete"
    admin = {"Authorization": f"Bearer {scale_emulator.admin_token}"}
    answer = httpx.post(url, json=body, headers=admin)
    assert answer.status_code == status and "message" in answer.json()
    assert not scale_emulator.api.store.dirty
