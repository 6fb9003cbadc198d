"""docs/openapi.json: current, valid OpenAPI 3, served by the emulator, and true of it.

schemathesis (its command line, with a fixed seed and a bounded number of
examples per operation) sends the emulator what the document allows and
what it does not: no 5xx, every status, header, content type and body as
the document says, schema-violating requests refused, the token enforced.
``positive_data_acceptance`` is left out: the document cannot express the
filter language or that ``page`` needs ``pagesize``, so a schema-valid
request may rightly get a 400.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from scale_query.emulator import Emulator, serve
from scale_query.emulator._limits import MAX_BODY_BYTES, MAX_RECORDS_PER_WRITE, MAX_URL_BYTES
from scale_query.emulator._openapi import OPENAPI_PATH, openapi_document, openapi_text
from scale_query.semantics import MAX_INT64, MAX_PAGE_SIZE, PARAMS, read_window

DOC = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
#: Examples per operation and phase: the whole run stays well under a minute.
MAX_EXAMPLES = 60


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    # Its own emulator: schemathesis writes records the other tests do not expect.
    with serve(demo=True) as emu:
        yield emu


def test_the_document_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is stale: python -m scale_query.emulator._openapi > docs/openapi.json"
    )


def test_the_document_is_valid_openapi_3() -> None:
    document = json.loads(DOC.read_text(encoding="utf-8"))
    validate(document)
    assert document["openapi"].startswith("3.")
    assert str(MAX_URL_BYTES) in document["info"]["description"]
    assert str(MAX_BODY_BYTES) in document["components"]["responses"]["TooLarge"]["description"]


def test_get_objects_parameters_are_the_bounds_the_url_is_read_with() -> None:
    operation = openapi_document()["paths"]["/{instance}/get_objects/{object}"]["get"]
    query = {p["name"]: p for p in operation["parameters"] if p.get("in") == "query"}
    assert list(query) == [param.name for param in PARAMS]
    for name, described in query.items():
        schema = described["schema"]
        if schema["type"] == "string":
            continue
        # What the document allows, the emulator's and Query.from_url's reading takes.
        pair = {} if name == "pagesize" else {"pagesize": "1"}
        low, high = schema["minimum"], schema["maximum"]
        assert read_window({name: str(low), **pair}) == read_window({name: f" {low} ", **pair})
        with pytest.raises(ValueError, match=f"{name} must be a whole number from {low} "):
            read_window({name: str(low - 1), **pair})
        if name == "pagesize":
            # Read up to MAX_INT64 (a server's cap may be higher), answered up to the cap.
            assert high == MAX_PAGE_SIZE
            read_window({name: str(high)}).rows(MAX_PAGE_SIZE)
            with pytest.raises(ValueError, match=f"pagesize {high + 1} is over the maximum"):
                read_window({name: str(high + 1)}).rows(MAX_PAGE_SIZE)
            continue
        assert high == MAX_INT64
        with pytest.raises(ValueError, match=f"{name} must be a whole number from {low} "):
            read_window({name: str(high + 1), **pair})


def test_the_data_file_bounds_are_filled_in_as_numbers() -> None:
    document = openapi_document()
    assert "${" not in json.dumps(document)
    write = document["paths"]["/{instance}/put_objects/{object}"]["post"]["requestBody"]
    objects = write["content"]["multipart/form-data"]["schema"]["properties"]["objects"]
    assert objects["maxItems"] == MAX_RECORDS_PER_WRITE


def test_the_emulator_serves_it_with_itself_as_first_server(emulator: Emulator) -> None:
    response = httpx.get(emulator.base_url.replace("/v1/datamart", OPENAPI_PATH))
    assert response.status_code == 200
    assert response.json() == openapi_document(emulator.base_url)
    assert response.json()["servers"][1:] == json.loads(openapi_text())["servers"]


@pytest.mark.slow
def test_schemathesis_finds_nothing(emulator: Emulator, tmp_path: Path) -> None:
    program = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert program is not None, "schemathesis is in the dev extra: pip install -e '.[dev]'"
    run = subprocess.run(
        [
            program,
            "run",
            str(DOC),
            "--url",
            emulator.base_url,
            "--header",
            f"Authorization: Bearer {emulator.token}",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20240607",
            "--generation-database",
            "none",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout


def test_pagesize_maximum_is_the_cap_the_emulator_answers_400_past() -> None:
    # What the served document allows for pagesize, the emulator answers; one more is its 400.
    with serve(demo=True, max_page_size=7) as emu:
        document = httpx.get(emu.base_url.replace("/v1/datamart", OPENAPI_PATH)).json()
        operation = document["paths"]["/{instance}/get_objects/{object}"]["get"]
        (pagesize,) = (p for p in operation["parameters"] if p.get("name") == "pagesize")
        highest = pagesize["schema"]["maximum"]
        headers = {"Authorization": f"Bearer {emu.token}"}
        url = f"{emu.instance_url}/get_objects/contact"
        assert httpx.get(url, params={"pagesize": highest}, headers=headers).status_code == 200
        over = httpx.get(url, params={"pagesize": highest + 1}, headers=headers)
        assert over.status_code == 400 and "over the maximum" in over.json()["message"]
    static = openapi_document()["paths"]["/{instance}/get_objects/{object}"]["get"]
    (default,) = (p for p in static["parameters"] if p.get("name") == "pagesize")
    assert default["schema"]["maximum"] == MAX_PAGE_SIZE
