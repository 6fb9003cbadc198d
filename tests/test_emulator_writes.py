"""put_objects over real HTTP: creation, update, links, per-record errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from helpers import TLS

from scale_query.emulator import Emulator


def _post(emu: Emulator, name: str, data: Any, token: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/{emu.instance}/put_objects/{name}",
        headers={"Authorization": f"Bearer {token or emu.token}"},
        data=data,  # url-encoded; the multipart form is tested in test_emulator_http
        verify=TLS,
    )


def _put(emu: Emulator, name: str, records: Any, token: str | None = None) -> list[Any]:
    response = _post(emu, name, {"objects": json.dumps(records)}, token)
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["objects"]
    return results


def _record(emu: Emulator, name: str, record_id: str) -> Any:
    response = httpx.get(
        f"{emu.base_url}/{emu.instance}/get_objects/{name}",
        params={"filter": f"id_{name} $eq {record_id}"},
        headers={"Authorization": f"Bearer {emu.token}"},
        verify=TLS,
    )
    objects = response.json()["objects"]
    return objects[0] if objects else None


def test_create_update_and_link(scale_emulator: Emulator) -> None:
    (created,) = _put(
        scale_emulator,
        "orders",
        [
            {
                "id": 0,
                "link": {"contact": "7"},
                "data": {
                    "Montant": 12.5,
                    "Reference": "R-1",
                    "DateCommande": "2020-12-19 12:50:50",
                },
            }
        ],
    )
    assert (created["status"], created["created"], created["updated"], created["found"]) == (
        "OK",
        "Y",
        "N",
        "N",
    )
    assert created["data"] == {
        "Montant": "12.50",  # stored as MySQL stores it: DECIMAL at scale 2
        "Reference": "R-1",
        "DateCommande": "2020-12-19 12:50:50",
    }
    assert created["link"] == {"contact": "7"}
    stored = _record(scale_emulator, "orders", created["id"])
    assert stored["data"]["Montant"] == "12.50" and stored["link"] == {"contact": "7"}
    (updated,) = _put(
        scale_emulator, "orders", [{"id": int(created["id"]), "data": {"Statut": "livrée"}}]
    )
    assert (updated["status"], updated["created"], updated["updated"], updated["found"]) == (
        "OK",
        "N",
        "Y",
        "Y",
    )
    assert _record(scale_emulator, "orders", created["id"])["data"]["Statut"] == "livrée"


def test_each_record_on_its_own(scale_emulator: Emulator) -> None:
    results = _put(
        scale_emulator,
        "contact",
        [
            {"id": 0, "data": {"Nom": "Premier"}},
            {"id": 0, "data": {"Nom": "Second", "Inconnu": "x"}},
            {"id": 99_999_999, "data": {"Nom": "Absent"}},
            {"id": 0, "data": {"Nom": "x" * 51}},
            {"id": 0, "data": {"DateNaissance": "12/06/1990", "Nom": "Partiel"}},
            {"id": 0, "data": {"id_contact": "5"}},
            {"id": 0, "link": {"contact": "1"}, "data": {}},
            {"id": 0, "data": {"Nom": True}},
            "not a record",
            {"id": 0, "data": {"Nom": "Dernier"}},
        ],
    )
    statuses = [r["status"] for r in results]
    assert statuses == ["OK"] + ["ERROR"] * 8 + ["OK"]
    errors = [r["error"] for r in results[1:-1]]
    for error, words in zip(
        errors,
        [
            "unknown field 'Inconnu'",
            "no contact record",
            "longer than its length 50",
            "not like '1990-06-12'",
            "not writable",
            "no link",
            "string or a number",
            "JSON object",
        ],
        strict=True,
    ):
        assert words in error
    assert results[2]["found"] == "N"
    # All or nothing per record: the record with a bad date left no trace.
    names = httpx.get(
        f"{scale_emulator.base_url}/demo/get_objects/contact",
        params={"filter": "Nom $in [Partiel, Second]"},
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    ).json()
    assert names["objects"] == []


def test_link_must_point_at_an_existing_record(scale_emulator: Emulator) -> None:
    (bad,) = _put(
        scale_emulator,
        "orders",
        [{"id": 0, "link": {"contact": 10**9}, "data": {"Reference": "R"}}],
    )
    assert bad["status"] == "ERROR" and "no contact record has id" in bad["error"]
    (update_bad,) = _put(
        scale_emulator, "orders", [{"id": 1, "link": {"contact": 10**9}, "data": {}}]
    )
    assert update_bad["found"] == "Y" and update_bad["status"] == "ERROR"


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"objects": "{not json"}, "not valid JSON"),
        ({"objects": '{"id": 0}'}, "JSON array"),
        ({"other": "[]"}, "missing form field 'objects'"),
    ],
)
def test_bad_bodies_are_400(scale_emulator: Emulator, form: dict[str, str], words: str) -> None:
    response = _post(scale_emulator, "contact", form)
    assert response.status_code == 400 and words in response.json()["message"]


def test_readonly_token_cannot_write(scale_emulator: Emulator) -> None:
    (result,) = _put(
        scale_emulator, "products", [{"id": 1, "data": {"Stock": "3"}}], token="readonly-token"
    )
    assert result["status"] == "ERROR" and result["found"] == "Y"


def test_reset_restores_the_data(scale_emulator: Emulator) -> None:
    (created,) = _put(scale_emulator, "products", [{"id": 0, "data": {"Nom": "Neuf"}}])
    assert _record(scale_emulator, "products", created["id"]) is not None
    scale_emulator.reset()
    assert _record(scale_emulator, "products", created["id"]) is None
    assert scale_emulator.request_count() == 1  # counts restart at reset


@pytest.mark.parametrize(
    "record",
    [
        {"id": 5, "data": {}, "link": {"contact": 4242}},  # re-link
        {"id": 5, "data": {}},  # an update of nothing still moves update_time
        {"id": 0, "data": {}},  # create
        {"id": 0, "data": {}, "link": {"contact": 1}},  # create with a link
    ],
)
def test_a_profile_that_may_write_nothing_writes_nothing(
    scale_emulator: Emulator, record: dict[str, Any]
) -> None:
    before = _record(scale_emulator, "orders", "5")
    (result,) = _put(scale_emulator, "orders", [record], token="readonly-token")
    assert result["status"] == "ERROR" and "may not write" in result["error"]
    assert result["found"] == ("Y" if record["id"] else "N")
    assert _record(scale_emulator, "orders", "5") == before
    assert scale_emulator.api.store.dirty is False


def test_a_link_needs_its_id_field_in_the_write_list() -> None:
    from scale_query.emulator import serve

    mart = {
        "objects": {
            "client": {"fields": {"Nom": {"attribs": {"type": "text"}}}, "records": [{}, {}]},
            "visite": {
                "fields": {"Jour": {"attribs": {"type": "text"}}},
                "links": ["client"],
                "records": [{"data": {"Jour": "lundi"}, "link": {"client": 1}}],
            },
        },
        "profiles": [
            {"token": "jour", "objects": {"visite": {"write": ["Jour"]}}},
            {"token": "lien", "objects": {"visite": {"write": ["id_client"]}}},
        ],
    }
    with serve(datamart=mart) as emu:
        relink = [{"id": 1, "data": {}, "link": {"client": 2}}]
        (refused,) = _put(emu, "visite", relink, token="jour")
        assert refused["status"] == "ERROR" and "link 'client'" in refused["error"]
        (day,) = _put(emu, "visite", [{"id": 1, "data": {"Jour": "mardi"}}], token="jour")
        assert day["status"] == "OK"
        (linked,) = _put(emu, "visite", relink, token="lien")
        assert linked["status"] == "OK"
        assert _record(emu, "visite", "1")["link"] == {"client": "2"}
