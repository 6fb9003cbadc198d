"""The embedded Scal-e datamart emulator: the documented API over real HTTP and SQLite.

>>> from scale_query.emulator import serve
>>> with serve(demo=True) as emu:  # doctest: +SKIP
...     print(emu.base_url, emu.instance, emu.token)
http://127.0.0.1:53211/v1/datamart demo demo-token

Semantics, the datamart JSON format and the fault switches: docs/emulator.md.
Starlette and uvicorn are imported on first use of ``serve``/``Emulator``
(install them with ``pip install 'scale-query[emulator]'``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._definition import Datamart, load_datamart
    from ._demo import DEMO_TOKEN, demo_datamart
    from ._server import Emulator, build, serve

__all__ = ["DEMO_TOKEN", "Datamart", "Emulator", "build", "demo_datamart", "load_datamart", "serve"]

_EXPORTS = {
    "Datamart": "_definition",
    "load_datamart": "_definition",
    "DEMO_TOKEN": "_demo",
    "demo_datamart": "_demo",
    "Emulator": "_server",
    "build": "_server",
    "serve": "_server",
}

INSTALL_HINT = "the emulator needs its extra: pip install 'scale-query[emulator]'"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scale_query.emulator' has no attribute {name!r}")
    try:
        value = getattr(import_module(f".{module}", __name__), name)
    except ModuleNotFoundError as error:
        if error.name in ("starlette", "uvicorn", "multipart", "python_multipart"):
            raise ModuleNotFoundError(f"{INSTALL_HINT} ({error.name} is missing)") from None
        raise
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
