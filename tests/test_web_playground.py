"""/playground on the emulator, over HTTP: what it serves, what it never does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from scale_query.emulator import serve
from scale_query.emulator._playground import CONTENT_SECURITY_POLICY, PAGE_FILES

ROOT = Path(__file__).resolve().parent.parent
MART = {
    "objects": {"client": {"fields": {"Nom": {"attribs": {"type": "text"}}}}},
    "profiles": [{"name": "app", "token": "s3cret"}],
}


def _root(base_url: str) -> str:
    return base_url.removesuffix("/v1/datamart")


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A web folder with the page's files and a (tiny) built dist/."""
    for name in [*PAGE_FILES, "build.py"]:
        shutil.copy(ROOT / "web" / name, tmp_path / name)
    (tmp_path / "dist" / "pyodide").mkdir(parents=True)
    (tmp_path / "dist" / "manifest.json").write_text('{"pyodide": "0"}')
    (tmp_path / "dist" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    monkeypatch.setenv("SCALE_QUERY_WEB", str(tmp_path))
    return tmp_path


def test_the_page_and_its_files(web: Path) -> None:
    with serve(demo=True) as emu, httpx.Client(base_url=_root(emu.base_url)) as http:
        moved = http.get("/playground")
        assert moved.status_code == 308 and moved.headers["location"] == "/playground/"
        page = http.get("/playground/")
        assert page.status_code == 200
        assert page.text == (web / "index.html").read_text()
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "connect-src 'self'" in CONTENT_SECURITY_POLICY
        script = http.get("/playground/scale-query.js")
        assert script.headers["content-type"].startswith("text/javascript")
        wasm = http.get("/playground/dist/pyodide/pyodide.asm.wasm")
        assert wasm.headers["content-type"] == "application/wasm"  # streamed compilation
        assert http.get("/playground/dist/manifest.json").json() == {"pyodide": "0"}


def test_nothing_else_of_the_folder_is_served(web: Path) -> None:
    with serve(demo=True) as emu, httpx.Client(base_url=_root(emu.base_url)) as http:
        assert http.get("/playground/build.py").status_code == 404
        assert http.get("/playground/dist/%2e%2e/build.py").status_code == 404
        assert http.get("/playground/dist/..%2fbuild.py").status_code == 404
        assert http.post("/playground/").status_code == 405


def test_the_demo_token_is_offered_and_no_other(web: Path) -> None:
    with serve(demo=True) as emu:
        config = httpx.get(_root(emu.base_url) + "/playground/config.json").json()
        assert config == {"instance": "demo", "api": "/v1/datamart", "token": emu.token}
    with serve(datamart=MART, instance="acme") as emu:
        config = httpx.get(_root(emu.base_url) + "/playground/config.json").json()
        assert config == {"instance": "acme", "api": "/v1/datamart", "token": None}
        assert "s3cret" not in httpx.get(_root(emu.base_url) + "/playground/").text


def test_unbuilt_assets_say_how_to_build_them(
    web: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path_factory.mktemp("bare")
    shutil.copy(web / "scale-query.js", bare / "scale-query.js")
    monkeypatch.setenv("SCALE_QUERY_WEB", str(bare))
    with serve(demo=True) as emu:
        page = httpx.get(_root(emu.base_url) + "/playground/")
        assert page.status_code == 503 and "python web/build.py" in page.text
        missing = httpx.get(_root(emu.base_url) + "/playground/dist/manifest.json")
        assert missing.status_code == 404
        assert json.loads(missing.text)["message"]  # the emulator's JSON error


@pytest.mark.slow
def test_serve_prints_the_playground_address(web: Path) -> None:
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "scale_query.cli", "serve", "--demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or lines[-1] != "Ctrl-C stops.":
            line = process.stdout.readline()
            assert line, "serve ended early"
            lines.append(line.rstrip("\n"))
        (address,) = [line.split()[1] for line in lines if line.startswith("  playground ")]
        assert address.startswith("http://127.0.0.1:") and address.endswith("/playground/")
        page = httpx.get(address)
        assert page.status_code == 200 and page.text == (web / "index.html").read_text()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
