"""The OpenAPI 3 description of the datamart API: a data file, its bounds filled in.

The document's static parts (paths, schemas, responses, examples: what the
reference says, and where it is silent or loose, our decisions, each in
docs/emulator.md too) are ``openapi.json`` beside this module, package data.
Its numbers are placeholders (``"${MAX_INT64}"``; a string that is only a
placeholder becomes the number), filled from :mod:`._limits`; the query
parameters of ``get_objects`` are written from the URL's rules
(``PARAMS`` of :mod:`scale_query.semantics._url_rules`), which the client and
the emulator read too. So the document, the emulator, the client and
docs/emulator.md say the same names and numbers.

``docs/openapi.json`` is the filled document, for people who call the real
API from other languages; a test fails when it is stale (regenerate it with
``python -m scale_query.emulator._openapi > docs/openapi.json``). The
emulator serves it at :data:`OPENAPI_PATH`, with its own URL first in
``servers`` (its configured URL, never the request's Host header).

>>> doc = openapi_document("http://127.0.0.1:8765/v1/datamart")
>>> doc["openapi"], doc["servers"][0]["url"], len(doc["paths"])
('3.0.3', 'http://127.0.0.1:8765/v1/datamart', 4)
"""

from __future__ import annotations

import copy
import functools
import json
import re
import sys
from typing import Any

from ..semantics import MAX_INT64, MAX_PAGE_SIZE, PARAMS, Param
from . import _limits

__all__ = ["OPENAPI_PATH", "openapi_document", "openapi_text"]

#: Where the emulator serves the document (no token needed).
OPENAPI_PATH = "/openapi.json"

Json = dict[str, Any]

# The bounds the data file may name: every MAX_* of the emulator's limits.
_BOUNDS = {name: getattr(_limits, name) for name in _limits.__all__ if name.startswith("MAX_")}
# "${NAME}": no backtracking, linear in the text.
_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
_GET_OBJECTS = "/{instance}/get_objects/{object}"


def _fill(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _fill(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item) for item in value]
    if isinstance(value, str) and "${" in value:
        whole = _PLACEHOLDER.fullmatch(value)
        if whole is not None:
            return _BOUNDS[whole.group(1)]
        return _PLACEHOLDER.sub(lambda match: str(_BOUNDS[match.group(1)]), value)
    return value


def _parameter(param: Param) -> Json:
    if param.minimum is None:
        schema: Json = {"type": "string"}
        description = param.description
    else:
        schema = {
            "type": "integer",
            "format": "int64",
            "minimum": param.minimum,
            # A pagesize over the server's cap is a 400 (not cut to it): the
            # document allows only what the emulator answers.
            "maximum": MAX_PAGE_SIZE if param.name == "pagesize" else MAX_INT64,
        }
        description = param.description + " ASCII digits only."
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        "example": param.example,
    }


@functools.cache
def _document() -> Json:
    # Read on first use, not at import: the emulator starts without it (nor
    # importlib.resources, which loads tempfile and shutil: about 8 ms).
    from importlib.resources import files

    text = files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")
    doc: Json = _fill(json.loads(text))
    doc["paths"][_GET_OBJECTS]["get"]["parameters"] += [_parameter(p) for p in PARAMS]
    return doc


def openapi_document(server: str | None = None, *, max_page_size: int = MAX_PAGE_SIZE) -> Json:
    """The document; ``server`` (a base URL ending in ``/v1/datamart``) is listed first.

    ``max_page_size`` is the serving emulator's cap, ``pagesize``'s maximum.
    """
    doc = copy.deepcopy(_document())
    for param in doc["paths"][_GET_OBJECTS]["get"]["parameters"]:
        if param.get("name") == "pagesize":
            param["schema"]["maximum"] = max_page_size
    if server is not None:
        doc["servers"] = [{"url": server, "description": "this emulator"}, *doc["servers"]]
    return doc


def openapi_text() -> str:
    """The document as docs/openapi.json holds it."""
    return json.dumps(_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(openapi_text())
