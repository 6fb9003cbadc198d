"""``/playground``: a page to try filters against the emulator's data.

The page (``web/index.html`` and its script) runs scale-query's own Python in
the browser through Pyodide (``web/scale-query.js``), so its diagnostics are
those of ``scale-query check``; it reads records from the emulator's API on
the same origin. Its assets (the Pyodide runtime, the wheel, the memory
snapshot) are built into ``web/dist/`` by ``python web/build.py``; the folder
comes from ``SCALE_QUERY_WEB``, else the ``web/`` folder of the checkout
scale-query runs from when it is built, else the companion package
``scale_query_web_assets`` that ``pip install 'scale-query[web]'`` installs
(``python web/build.py --wheels DIR`` makes its wheel). Without built assets
the page, and ``serve``'s banner, say how to get them. See docs/web.md.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ._api import Api
from ._demo import DEMO_TOKEN

__all__ = ["INSTALL_ASSETS", "PLAYGROUND", "playground_assets", "playground_routes", "web_folder"]

#: Where the page is served.
PLAYGROUND = "/playground"
#: The package of the companion wheel holding the built assets.
ASSETS_PACKAGE = "scale_query_web_assets"
#: How to get the assets without a checkout.
INSTALL_ASSETS = "pip install 'scale-query[web]'"
#: The page's own files, served from the web folder (nothing else of it is).
PAGE_FILES = {
    "index.html": "text/html; charset=utf-8",
    "playground.js": "text/javascript; charset=utf-8",
    "playground.css": "text/css; charset=utf-8",
    "scale-query.js": "text/javascript; charset=utf-8",
}
# The page may run WebAssembly and talk to its own origin only: no CDN, no
# other host, whatever a script would try ('wasm-unsafe-eval' lets Pyodide
# compile its runtime; blob: is the CSV download).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Rebuilt assets must be seen at once: revalidate (ETag) on every load.
    "Cache-Control": "no-cache",
}

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scale-query playground</title></head>
<body><h1>scale-query playground</h1>
<p>The playground's browser assets are not installed. Install them with</p>
<pre>pip install 'scale-query[web]'</pre>
<p>(from a folder of wheels made by <code>python web/build.py --wheels DIR</code>:
<code>pip install --find-links DIR 'scale-query[emulator,web]'</code>), or, in a checkout of
scale-query, run <code>python web/build.py</code>; then restart the emulator and reload this
page (or point <code>SCALE_QUERY_WEB</code> at a built <code>web/</code> folder). See
docs/web.md.</p></body></html>
"""


def web_folder() -> Path | None:
    """The folder holding ``scale-query.js`` and the page, or None when there is none.

    ``SCALE_QUERY_WEB`` when set; else the checkout's ``web/`` when built;
    else the installed ``scale_query_web_assets``; else an unbuilt checkout's
    ``web/`` (whose page says how to build it).
    """
    configured = os.environ.get("SCALE_QUERY_WEB")
    if configured:
        return _page_folder(Path(configured))
    checkout = _page_folder(Path(__file__).resolve().parents[2] / "web")
    if _built(checkout):
        return checkout
    return _installed_assets() or checkout


def _page_folder(folder: Path) -> Path | None:
    return folder if (folder / "scale-query.js").is_file() else None


def _installed_assets() -> Path | None:
    # find_spec reads where the package is without importing it (a data-only package).
    spec = importlib.util.find_spec(ASSETS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = _page_folder(Path(location))
        if folder is not None:
            return folder
    return None


def playground_assets() -> Path | None:
    """The built folder ``/playground`` serves, or None when there is none (a 503 page)."""
    folder = web_folder()
    return folder if _built(folder) else None


def _built(folder: Path | None) -> bool:
    return folder is not None and (folder / "dist" / "manifest.json").is_file()


class _Assets(StaticFiles):
    """The built assets; a 404 (not a 500) while they are not built yet."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def check_config(self) -> None:
        if self.directory is None or not os.path.isdir(self.directory):
            raise HTTPException(404)
        await super().check_config()


def playground_routes(api: Api, instance: str, prefix: str) -> list[BaseRoute]:
    """The routes of ``/playground``: the page, its files, its settings, its assets."""
    folder = web_folder()

    async def redirect(request: Request) -> Response:
        return RedirectResponse(PLAYGROUND + "/", status_code=308)

    async def page_file(request: Request) -> Response:
        name = request.path_params.get("name") or "index.html"
        if name not in PAGE_FILES:
            return JSONResponse({"message": f"no such playground file: {name}"}, 404)
        if folder is None or not _built(folder):
            return HTMLResponse(_NOT_BUILT, 503, headers=_HEADERS)
        return FileResponse(folder / name, media_type=PAGE_FILES[name], headers=_HEADERS)

    async def config(request: Request) -> Response:
        # The demo token is public (docs/emulator.md); any other token is typed
        # in by the user, never sent to whoever loads the page.
        demo = any(profile.token == DEMO_TOKEN for profile in api.datamart.profiles)
        body = {
            "instance": instance,
            "api": prefix,
            "token": DEMO_TOKEN if demo else None,
        }
        return JSONResponse(body, headers=_HEADERS)

    routes: list[BaseRoute] = [
        Route(PLAYGROUND, redirect, methods=["GET", "HEAD"]),
        Route(PLAYGROUND + "/", page_file, methods=["GET", "HEAD"]),
        Route(PLAYGROUND + "/config.json", config, methods=["GET", "HEAD"]),
    ]
    if folder is not None:
        routes.append(Mount(PLAYGROUND + "/dist", app=_Assets(directory=folder / "dist")))
    routes.append(Route(PLAYGROUND + "/{name}", page_file, methods=["GET", "HEAD"]))
    return routes
