"""serve() with a datamart of one's own, --db persistence, and `scale-query serve`."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from scale_query.cli import main
from scale_query.emulator import build, load_datamart, serve

MART: dict[str, Any] = {
    "objects": {
        "client": {
            "fields": {
                "Nom": {"attribs": {"type": "text", "length": "20"}, "read": "Y", "write": "Y"},
                "Score": {"attribs": {"type": "int"}, "read": "Y", "write": "N"},
            },
            "records": [{"id": 5, "data": {"Nom": "Zoé", "Score": "3"}}, {"data": {"Nom": "al"}}],
        },
        "visite": {
            "fields": {"Jour": {"attribs": {"type": "date"}}},
            "links": ["client"],
            "records": [{"data": {"Jour": "2024-01-02"}, "link": {"client": 6}}],
        },
    },
    "profiles": [
        {"name": "app", "token": "s3cret"},
        {"token": "lecteur", "objects": {"client": {"read": ["Nom"], "write": []}}},
    ],
}


def _get(base: str, path: str, token: str, **params: str) -> httpx.Response:
    return httpx.get(f"{base}/{path}", params=params, headers={"Authorization": f"Bearer {token}"})


def test_own_datamart_instance_and_page_cap() -> None:
    with serve(datamart=MART, instance="acme", max_page_size=1) as emu:
        assert (emu.instance, emu.token) == ("acme", "s3cret")
        base = f"{emu.base_url}/acme"
        first = _get(base, "get_objects/client", "s3cret").json()["objects"]
        assert first == [{"id": "5", "data": {"id_client": "5", "Nom": "Zoé", "Score": "3"}}]
        nxt = _get(base, "get_objects/client", "s3cret", offset="1").json()["objects"]
        assert nxt[0]["id"] == "6"  # id 0 in a definition takes the next free id
        visit = _get(base, "get_objects/visite", "s3cret").json()["objects"][0]
        assert visit["link"] == {"client": "6"} and visit["data"]["id_client"] == "6"
        sorted_ = _get(base, "get_objects/client", "s3cret", sort_by='{"Nom":"asc"}').json()
        assert sorted_["objects"][0]["data"]["Nom"] == "al"  # case-insensitive order
        assert _get(base, "get_objects/visite", "lecteur").status_code == 403
        assert _get(base, "get_objects/client", "lecteur", fields="Score").status_code == 403


def test_token_argument_replaces_the_profiles_unless_kept() -> None:
    with serve(datamart=MART, token=["autre", "encore"]) as emu:
        assert emu.token == "autre"
        base = f"{emu.base_url}/demo"
        assert _get(base, "get_object_list", "autre").status_code == 200
        assert _get(base, "get_object_list", "encore").status_code == 200
        assert _get(base, "get_object_list", "s3cret").status_code == 401
    with serve(datamart=MART, token="autre", keep_profiles=True) as emu:
        assert _get(f"{emu.base_url}/demo", "get_object_list", "s3cret").status_code == 200
        assert [t for t, _ in emu.profiles] == ["s3cret", "lecteur", "autre"]


def test_db_file_keeps_data_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "mart.sqlite"
    with serve(datamart=MART, db=db) as emu:
        httpx.post(
            f"{emu.base_url}/demo/put_objects/client",
            headers={"Authorization": "Bearer s3cret"},
            data={"objects": json.dumps([{"id": 0, "data": {"Nom": "Durable"}}])},
        )
    with serve(datamart=MART, db=db) as emu:
        found = _get(
            f"{emu.base_url}/demo", "get_objects/client", "s3cret", filter='Nom $eq "durable"'
        )
        assert len(found.json()["objects"]) == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"objects": []}, "JSON object"),
        ({"objects": {"a": {"links": ["b"]}}}, "'b' is not another object"),
        ({"objects": {"a": {"fields": {"id_a": {}}}}}, "reserved"),
        ({"objects": {"a": {"records": [{"id": 1}, {"id": 1}]}}}, "id 1 is taken"),
        (
            {
                "objects": {
                    "a": {
                        "fields": {"N": {"attribs": {"type": "int"}}},
                        "records": [{"data": {"N": "x"}}],
                    }
                }
            },
            "objects.a.records[0]: field 'N' is a integer field",
        ),
        ({"objects": {}, "profiles": [{"token": ""}]}, "profiles[0]: the 'token' is empty"),
        ({"objects": {}, "profiles": [{"token": "a b"}]}, "profiles[0]: the 'token' holds a"),
    ],
)
def test_bad_definitions_say_where(change: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        build(datamart={"profiles": [{"token": "t"}], **change})


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "mart.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(ValueError, match=r"mart\.json: not valid JSON"):
        load_datamart(broken)


def test_serve_command_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--datamart", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["serve"]) == 2
    assert "--demo or --datamart" in capsys.readouterr().err
    assert main(["serve", "--demo", "--port", "99999"]) == 2
    assert "not between 0 and 65535" in capsys.readouterr().err


@pytest.mark.slow
def test_serve_command_runs_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    mart = tmp_path / "mart.json"
    mart.write_text(json.dumps(MART), encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scale_query.cli",
            "serve",
            "--datamart",
            str(mart),
            "--port",
            str(port),
            "--token",
            "tok",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].strip() == f"base URL: http://127.0.0.1:{port}/v1/datamart"
        assert "instance: demo" in lines[1] and "tok" in lines[2]
        for _ in range(100):
            try:
                response = _get(
                    f"http://127.0.0.1:{port}/v1/datamart/demo", "get_object_list", "tok"
                )
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
