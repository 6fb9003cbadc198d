"""Take docs/playground.png: the playground with records and a diagnostic shown.

    python web/screenshot.py [PATH]

Runs the demo emulator and Debian's headless Chromium (through playwright),
runs a query, then types a filter with a mistake, and saves the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from scale_query.emulator import serve

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOOD = 'Pays $in [FR,BE] $and Nom $like "*an*"'
BROKEN = GOOD + ' $and DateNaissance $ge "1990-06-12"'


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "playground.png"
    with serve(demo=True) as emu, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800}, device_scale_factor=1)
        page.goto(emu.base_url.removesuffix("/v1/datamart") + "/playground/")
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        page.wait_for_selector("#object option", state="attached")
        page.select_option("#pagesize", "10")
        page.focus("#filter")
        page.keyboard.type(GOOD)
        page.keyboard.press("Control+Enter")
        page.wait_for_function("() => Number(document.body.dataset.runs ?? 0) > 0")
        page.keyboard.type(BROKEN.removeprefix(GOOD))
        page.wait_for_selector("#diagnostics .hint")
        page.wait_for_timeout(400)  # the debounced forms
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
