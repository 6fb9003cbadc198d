"""The emulator over real HTTP: endpoints, shapes, rules and status codes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from helpers import TLS

from scale_query import evaluate, parse
from scale_query.emulator import Emulator

Json = Any


def _get(emu: Emulator, path: str, token: str | None = None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token or emu.token}"}
    url = f"{emu.base_url}/{emu.instance}/{path}"
    return httpx.get(url, params=params, headers=headers, verify=TLS)


def _put(emu: Emulator, name: str, records: Json, token: str | None = None) -> httpx.Response:
    body = records if isinstance(records, str) else json.dumps(records)
    return httpx.post(
        f"{emu.base_url}/{emu.instance}/put_objects/{name}",
        headers={"Authorization": f"Bearer {token or emu.token}"},
        files={"objects": (None, body)},  # multipart, as the reference sends it
        verify=TLS,
    )


def _objects(response: httpx.Response) -> list[Json]:
    assert response.status_code == 200, response.text
    objects: list[Json] = response.json()["objects"]
    return objects


def test_object_list_shape(scale_emulator: Emulator) -> None:
    body = _get(scale_emulator, "get_object_list").json()
    assert set(body) == {"contact", "orders", "products"}
    assert set(body["contact"]) == {"acl", "create_time", "update_time"}


def test_object_info_shape_and_rights(scale_emulator: Emulator) -> None:
    info = _get(scale_emulator, "get_object_info/contact").json()
    assert info["Nom"]["attribs"]["type"] == "text" and info["Nom"]["read"] == "Y"
    assert info["id_contact"]["write"] == "N"
    limited = _get(scale_emulator, "get_object_info/contact", token="marketing-token").json()
    assert limited["Telephone"]["read"] == "N" and limited["Nom"]["write"] == "N"
    assert limited["Optin"]["write"] == "Y"


def test_records_are_strings_and_links_are_shown(scale_emulator: Emulator) -> None:
    (order,) = _objects(_get(scale_emulator, "get_objects/orders", page="1", pagesize="1"))
    assert order["id"] == "1" and isinstance(order["data"]["Montant"], str)
    assert order["link"] == {"contact": order["data"]["id_contact"]}
    (contact,) = _objects(_get(scale_emulator, "get_objects/contact", limit="1"))
    assert "link" not in contact


def test_filter_sort_and_fields_match_the_evaluator(scale_emulator: Emulator) -> None:
    text = 'Nom $like "*du*" $and (Pays $eq "be" $or DateNaissance $gt "1990-06-12")'
    got = _objects(
        _get(
            scale_emulator,
            "get_objects/contact",
            filter=text,
            pagesize="1000",
            page="1",
            fields="Nom,Pays,DateNaissance",
            sort_by='{"Nom":"desc"}',
        )
    )
    assert got and all(set(r["data"]) == {"Nom", "Pays", "DateNaissance"} for r in got)
    assert all(evaluate(parse(text), r["data"]) for r in got)
    keys = [(r["data"]["Nom"].casefold(), -int(r["id"])) for r in got]
    assert keys == sorted(keys, reverse=True)  # descending, ties by ascending id


def test_numbers_compare_as_numbers(scale_emulator: Emulator) -> None:
    got = _objects(
        _get(
            scale_emulator,
            "get_objects/orders",
            filter="Montant $gte 450",
            sort_by='{"Montant":"asc"}',
        )
    )
    amounts = [float(r["data"]["Montant"]) for r in got]
    assert amounts and min(amounts) >= 450 and amounts == sorted(amounts)
    empty = _objects(_get(scale_emulator, "get_objects/orders", filter="Montant $neq 1"))
    assert all(r["data"]["Montant"] != "" for r in empty)


def test_paging_pages_over_the_limit_offset_window(scale_emulator: Emulator) -> None:
    every = [r["id"] for r in _objects(_get(scale_emulator, "get_objects/products"))]
    page = _get(
        scale_emulator, "get_objects/products", offset="5", limit="12", page="2", pagesize="5"
    )
    assert [r["id"] for r in _objects(page)] == every[10:15]
    last = _get(
        scale_emulator, "get_objects/products", offset="5", limit="12", page="3", pagesize="5"
    )
    assert [r["id"] for r in _objects(last)] == every[15:17]


def test_response_cap(scale_emulator: Emulator) -> None:
    assert len(_objects(_get(scale_emulator, "get_objects/contact"))) == 1000
    too_big = _get(scale_emulator, "get_objects/contact", page="1", pagesize="1001")
    assert too_big.status_code == 400 and "1000" in too_big.json()["message"]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"filter": 'DateNaissance $ge "1990-06-12"'}, 400, "line 1, column 15"),
        ({"filter": 'Nom $eq "a" $and Nomm $eq "b"'}, 400, "did you mean 'Nom'"),
        ({"filter": 'DateNaissance $gt "12/06/1990"'}, 400, "not a date"),
        ({"filter": f'Nom $regex "{"a" * 201}"'}, 400, "the limit is 200"),
        ({"fields": "Nom,,Pays"}, 400, "commas"),
        ({"fields": "Nom,Inconnu"}, 400, "unknown field 'Inconnu'"),
        ({"sort_by": '{"Nom":"up"}'}, 400, "asc"),
        ({"sort_by": "Nom"}, 400, "JSON object"),
        ({"sort_by": '{"Zip":"asc"}'}, 400, "unknown field"),
        ({"page": "2"}, 400, "pagesize"),
        ({"limit": "-1"}, 400, "limit"),
        ({"pagesize": "0"}, 400, "pagesize"),
        ({"offset": "abc"}, 400, "offset"),
    ],
)
def test_bad_requests(
    scale_emulator: Emulator, params: dict[str, str], status: int, words: str
) -> None:
    response = _get(scale_emulator, "get_objects/contact", **params)
    assert response.status_code == status
    assert words in response.json()["message"]


def test_bad_filter_carries_position_and_hint(scale_emulator: Emulator) -> None:
    body = _get(scale_emulator, "get_objects/contact", filter='Nom $ge "x"').json()
    assert (body["line"], body["column"], body["hint"]) == (1, 5, "did you mean '$gte'?")


def test_deep_nesting_beyond_sqlite_runs_through_the_evaluator(
    scale_emulator: Emulator,
) -> None:
    first = _objects(_get(scale_emulator, "get_objects/contact", pagesize="40", page="1"))
    names = [r["data"]["Nom"] for r in first]
    deep = 'Nom $eq "nobody"'
    for name in names:  # 40 levels: far past SQLite's parser stack
        deep = f"(Nom $eq {json.dumps(name)} $or {deep}) $and Pays $in [FR,BE]"
    flat = f"Nom $in {json.dumps(names)} $and Pays $in [FR,BE]"
    window = {"sort_by": '{"Nom":"desc"}', "pagesize": "1000", "page": "1"}
    got = _get(scale_emulator, "get_objects/contact", filter=deep, **window)
    assert got.status_code == 200, got.text
    want = _objects(_get(scale_emulator, "get_objects/contact", filter=flat, **window))
    assert want
    assert [r["id"] for r in _objects(got)] == [r["id"] for r in want]


def test_sql_injection_in_values_and_field_names(scale_emulator: Emulator) -> None:
    before = len(_objects(_get(scale_emulator, "get_objects/products")))
    assert (
        _objects(_get(scale_emulator, "get_objects/products", filter='Nom $eq "x\' OR 1=1 --"'))
        == []
    )
    assert (
        _objects(
            _get(
                scale_emulator, "get_objects/products", filter='Nom $like "*\'; DROP TABLE o2; --*"'
            )
        )
        == []
    )
    for text in ('[Nom" OR 1=1 --] $eq "x"', '[Nom") ; DROP TABLE "o2] $eq "x"'):
        bad = _get(scale_emulator, "get_objects/products", filter=text)
        assert bad.status_code == 400 and "unknown field" in bad.json()["message"]
    bad_sort = _get(scale_emulator, "get_objects/products", sort_by='{"id\\" ; --":"asc"}')
    assert bad_sort.status_code == 400
    assert len(_objects(_get(scale_emulator, "get_objects/products"))) == before


def test_auth(scale_emulator: Emulator) -> None:
    url = f"{scale_emulator.base_url}/{scale_emulator.instance}/get_object_list"
    assert httpx.get(url).status_code == 401
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope-secret"})
    assert wrong.status_code == 401 and "nope-secret" not in wrong.text
    assert (
        httpx.get(url, headers={"Authorization": f"Basic {scale_emulator.token}"}).status_code
        == 401
    )


def test_profile_rights(scale_emulator: Emulator) -> None:
    listed = _get(scale_emulator, "get_object_list", token="marketing-token").json()
    assert list(listed) == ["contact"]
    assert _get(scale_emulator, "get_objects/orders", token="marketing-token").status_code == 403
    for params in (
        {"filter": 'Telephone $eq "x"'},
        {"fields": "Telephone"},
        {"sort_by": '{"Telephone":"asc"}'},
    ):
        response = _get(scale_emulator, "get_objects/contact", token="marketing-token", **params)
        assert response.status_code == 403, params
    (record,) = _objects(
        _get(scale_emulator, "get_objects/contact", token="marketing-token", limit="1")
    )
    assert "Telephone" not in record["data"]
    denied = _put(
        scale_emulator, "contact", [{"id": 1, "data": {"Nom": "X"}}], token="marketing-token"
    ).json()["objects"][0]
    assert denied["status"] == "ERROR" and "not writable" in denied["error"]
    allowed = _put(
        scale_emulator, "contact", [{"id": 1, "data": {"Optin": "N"}}], token="marketing-token"
    ).json()["objects"][0]
    assert allowed["status"] == "OK"


def test_not_found_method_and_accept(scale_emulator: Emulator) -> None:
    assert _get(scale_emulator, "get_objects/contacts").status_code == 404
    assert "did you mean 'contact'" in _get(scale_emulator, "get_objects/contacts").text
    assert _get(scale_emulator, "get_nothing").status_code == 404
    other = httpx.get(
        f"{scale_emulator.base_url}/other/get_object_list",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    )
    assert other.status_code == 404
    wrong = httpx.post(f"{scale_emulator.base_url}/demo/get_objects/contact")
    assert wrong.status_code == 405 and "message" in wrong.json()
    headers = {"Authorization": f"Bearer {scale_emulator.token}", "Accept": "text/csv"}
    url = f"{scale_emulator.base_url}/demo/get_object_list"
    assert httpx.get(url, headers=headers).status_code == 406
    headers["Accept"] = "text/html, application/*;q=0.1"
    assert httpx.get(url, headers=headers).status_code == 200
