"""The emulator wing: the Scal-e datamart API served over real HTTP, backed by SQLite.

>>> from scale_query.emulator import serve
>>> with serve(demo=True) as emu:  # doctest: +SKIP
...     print(emu.base_url, emu.instance, emu.token)
http://127.0.0.1:53211/v1/datamart demo demo-token

Holds, one job per module: the datamart definition and its API profiles
(``_definition``; the demo one in ``_demo``), instance ids and tokens
(``_names``), the API's rules without HTTP (``_api``), the bounds every
request meets (``_limits``), the Host names it answers (``_hosts``), the
form of a write read as it arrives (``_form``; the bounds of its JSON
counted in ``_jsonscan``), the SQLite store (``_store``; its files in
``_dbfile``, its connections in ``_pool``), the fault switches
(``_faults``), the Starlette app (``_app``), the OpenAPI document
(``_openapi``, from the data file ``openapi.json``), uvicorn's HTTP
protocol with a deadline on the request head (``_http``), the
``/playground`` page and where its built assets are (``_playground``: a
checkout's ``web/``, or the ``scale_query_web_assets`` package of the
``web`` extra), the server thread (``_server``) and the
pytest plugin (``pytest_plugin``).

May import: the language and semantics wings, the standard library, and
its extra's libraries (starlette, uvicorn and its h11, python-multipart); never the
client (tests talk to it over HTTP, as any client would) nor the command
line. Starlette and uvicorn are imported on first use of ``serve``/``Emulator``
(install them with ``pip install 'scale-query[emulator]'``).

Semantics, the datamart JSON format, the fault switches and every bound:
docs/emulator.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language import lazy_door

if TYPE_CHECKING:
    from ._definition import Datamart, load_datamart
    from ._demo import DEMO_TOKEN, demo_datamart
    from ._playground import playground_assets
    from ._server import Emulator, build, serve

__all__ = [
    "DEMO_TOKEN",
    "Datamart",
    "Emulator",
    "build",
    "demo_datamart",
    "load_datamart",
    "playground_assets",
    "serve",
]

_EXPORTS = {
    "Datamart": "_definition",
    "load_datamart": "_definition",
    "DEMO_TOKEN": "_demo",
    "demo_datamart": "_demo",
    "Emulator": "_server",
    "build": "_server",
    "serve": "_server",
    "playground_assets": "_playground",
}

INSTALL_HINT = "the emulator needs its extra: pip install 'scale-query[emulator]'"

# The door's inner side: what the other wings use. Not public: not in __all__,
# never cached in the namespace, looked up on each import.
_INNER = {
    "FAULT_SWITCHES": "_faults",
    "FaultSwitch": "_faults",
    "listening_socket": "_server",
}
if TYPE_CHECKING:
    from ._faults import FAULT_SWITCHES as FAULT_SWITCHES
    from ._faults import FaultSwitch as FaultSwitch
    from ._server import listening_socket as listening_socket


__getattr__ = lazy_door(
    globals(),
    _EXPORTS,
    _INNER,
    extra=("starlette", "uvicorn", "multipart", "python_multipart"),
    hint=INSTALL_HINT,
)


def __dir__() -> list[str]:
    return sorted(__all__)
