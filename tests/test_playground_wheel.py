"""The playground from wheels: ``web/build.py --wheels DIR``, a fresh venv, Chromium.

A new user's path: no checkout, no Node or npm, only
``pip install --find-links DIR 'scale-query[emulator,web]'`` and
``scale-query serve --demo``; ``/playground`` must then work in a browser.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from scale_query.emulator._playground import PAGE_FILES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_build", ROOT / "web" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_companion_wheel_carries_the_pages_files_and_the_extra_pins_it() -> None:
    import tomllib

    build = _build_module()
    assert set(build.PAGE_FILES) == set(PAGE_FILES)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pin = f"{build.ASSETS_DISTRIBUTION}=={project['version']}"
    assert project["optional-dependencies"]["web"] == [pin]


def test_without_assets_the_banner_says_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scale_query.cli._serve import _playground_line

    monkeypatch.setenv("SCALE_QUERY_WEB", str(tmp_path))
    assert _playground_line("http://x") == (
        "not installed: pip install 'scale-query[web]' (docs/web.md)"
    )
    (tmp_path / "scale-query.js").write_text("")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "manifest.json").write_text("{}")
    assert _playground_line("http://x") == "http://x/playground/"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: see .ci/run)")
    pytest.skip(reason)


@pytest.mark.slow
def test_the_playground_works_from_wheels_in_a_fresh_venv(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        _unavailable("no chromium: apt-get install chromium chromium-driver")
    if shutil.which("npm") is None or shutil.which("node") is None:
        _unavailable("no Node.js/npm to build the browser assets")
    build = _build_module()
    wheels = tmp_path / "wheels"
    try:
        made = build.wheels(wheels, quiet=True)
    except build.BuildError as error:
        pytest.fail(f"web/build.py --wheels: {error}")
    (assets,) = (p for p in made if p.name.startswith(build.ASSETS_PACKAGE))
    names = zipfile.ZipFile(assets).namelist()
    package = build.ASSETS_PACKAGE
    assert {f"{package}/{name}" for name in PAGE_FILES} <= set(names)
    assert f"{package}/dist/manifest.json" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    # As a user would, from a folder that is no checkout; the path has no node.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCALE_", "PYTHON"))}
    clean["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    install = subprocess.run(
        [str(bin_dir / "pip"), "install", "-q", "--find-links", str(wheels),
         "scale-query[emulator,web]"],
        cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    where = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import scale_query, importlib.metadata as m;"
         "scale_query.parse('a $eq :x', params={'x': '1'});"  # this checkout's wheel
         "print(scale_query.__file__, m.version('scale-query-web-assets'))"],
        cwd=tmp_path, env=clean, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(str(env_dir)) and where.split()[1] == build.project_version()

    server = subprocess.Popen(
        [str(bin_dir / "scale-query"), "serve", "--demo", "--port", "0"],
        cwd=tmp_path, env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        banner = []
        for line in server.stdout:
            banner.append(line)
            if line.startswith("Ctrl-C"):
                break
        found = re.search(r"playground\s+(http://\S+/playground/)", "".join(banner))
        assert found, "".join(banner)
        _load_in_chromium(found.group(1))
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load_in_chromium(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]", timeout=120_000)
            ready_ms = page.evaluate("performance.now()")
            rows = page.evaluate("window.scaleQuery.validate('Nom $eq')")
            assert [r["code"] for r in rows] == ["SQ001"]
            assert page.evaluate("window.scaleQuery.validate('Nom $eq :nom')") == []
            # Printed for the record (docs/web.md quotes a measured cold load).
            print(f"cold load to ready: {ready_ms:.0f} ms", file=sys.stderr)
        finally:
            browser.close()
