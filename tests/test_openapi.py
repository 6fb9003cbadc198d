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
from scale_query.emulator._limits import MAX_BODY_BYTES, MAX_URL_BYTES
from scale_query.emulator._openapi import OPENAPI_PATH, openapi_document, openapi_text

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
