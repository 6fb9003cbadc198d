"""The OpenAPI 3 description of the datamart API, written from the reference.

``docs/openapi.json`` is this document as text, for people who call the real
API from other languages; a test fails when the file is stale (regenerate it
with ``python -m scale_query.emulator._openapi > docs/openapi.json``). The
emulator serves it at :data:`OPENAPI_PATH`, with its own URL first in
``servers``. Bounds come from :mod:`._limits`, so the document, the emulator and
docs/emulator.md say the same numbers.

Where the reference is silent or loose, the document records our decisions
(each is in docs/emulator.md too): ids and values are strings; ``sort_by`` is
a JSON object, a stray ``"`` around it tolerated; ``page`` needs
``pagesize``; errors are ``{"message": ...}``; a bad filter adds its position.

>>> doc = openapi_document("http://127.0.0.1:8765/v1/datamart")
>>> doc["openapi"], doc["servers"][0]["url"], len(doc["paths"])
('3.0.3', 'http://127.0.0.1:8765/v1/datamart', 4)
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

from ._limits import (
    MAX_BODY_BYTES,
    MAX_HEAD_BYTES,
    MAX_INT64,
    MAX_JSON_VALUES,
    MAX_RECORDS_PER_WRITE,
    MAX_URL_BYTES,
)

__all__ = ["OPENAPI_PATH", "openapi_document", "openapi_text"]

#: Where the emulator serves the document (no token needed).
OPENAPI_PATH = "/openapi.json"

Json = dict[str, Any]

_SERVERS = [
    {"url": "https://api.scal-e.com/v1/datamart", "description": "production"},
    {"url": "https://api-demo.scal-e.com/v1/datamart", "description": "demo"},
]

_YN = {"type": "string", "enum": ["Y", "N"]}
_TIME = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
    "example": "2022-10-25 16:45:09",
}
_ID = {"type": "string", "pattern": "^[0-9]+$", "example": "109128"}
_VALUES = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "Field name to value; every value is a string (US notation for "
    "numbers and dates), an empty one included.",
}


def _ref(kind: str, name: str) -> Json:
    return {"$ref": f"#/components/{kind}/{name}"}


def _schemas() -> Json:
    return {
        "ObjectList": {
            "type": "object",
            "description": "The objects the token's API profile may use, by name.",
            "additionalProperties": _ref("schemas", "ObjectSummary"),
        },
        "ObjectSummary": {
            "type": "object",
            "required": ["acl", "create_time", "update_time"],
            "properties": {"acl": {"type": "string"}, "create_time": _TIME, "update_time": _TIME},
        },
        "Records": {
            "type": "object",
            "required": ["objects"],
            "properties": {"objects": {"type": "array", "items": _ref("schemas", "Record")}},
        },
        "Record": {
            "type": "object",
            "required": ["id", "data"],
            "properties": {
                "id": _ID,
                "data": _VALUES,
                "link": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Linked object name to the linked record's id "
                    '("" when unlinked); only on objects that declare links.',
                },
            },
        },
        "ObjectInfo": {
            "type": "object",
            "description": "Every field of the object, by name, with this token's rights.",
            "additionalProperties": _ref("schemas", "FieldInfo"),
        },
        "FieldInfo": {
            "type": "object",
            "required": ["attribs", "read", "write"],
            "properties": {
                "attribs": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {
                        "created_date": {"type": "string"},
                        "modified_date": {"type": "string"},
                        "label": {"type": "string"},
                        "description": {"type": "string"},
                        "type": {
                            "type": "string",
                            "description": "text, choice, email, phone, int, integer, float, "
                            "decimal, number, date, datetime, ...",
                        },
                        "length": {
                            "type": "string",
                            "pattern": "^[0-9]*$",
                            "description": "Maximum length, as text; empty when unbounded.",
                        },
                        "is_personal_data": _YN,
                        "mandatory": _YN,
                    },
                },
                "read": _YN,
                "write": _YN,
            },
        },
        "WriteRecord": {
            "type": "object",
            "required": ["data"],
            "properties": {
                "id": {
                    "description": "0 (or absent) creates a record; another id updates that "
                    "record if it exists. A whole number or its digits as a string.",
                    "oneOf": [
                        {"type": "integer", "minimum": 0, "maximum": MAX_INT64},
                        {"type": "string", "pattern": "^[0-9]+$"},
                    ],
                },
                "data": {
                    "type": "object",
                    "additionalProperties": {
                        "oneOf": [{"type": "string"}, {"type": "number"}],
                        "nullable": True,
                    },
                },
                "link": {
                    "type": "object",
                    "additionalProperties": {
                        "oneOf": [
                            {"type": "integer", "minimum": 1, "maximum": MAX_INT64},
                            {"type": "string", "pattern": "^[0-9]+$"},
                        ]
                    },
                },
            },
            "additionalProperties": False,
        },
        "WriteResults": {
            "type": "object",
            "required": ["objects"],
            "properties": {
                "objects": {
                    "type": "array",
                    "description": "One result per record sent, in the same order.",
                    "items": _ref("schemas", "WriteResult"),
                }
            },
        },
        "WriteResult": {
            "type": "object",
            "required": ["status", "id", "data", "updated", "created", "found"],
            "properties": {
                "status": {"type": "string", "enum": ["OK", "ERROR"]},
                "id": {
                    "type": "string",
                    "description": "The record's id; for an ERROR, the id sent, as JSON text.",
                },
                "data": _VALUES,
                "link": {"type": "object", "additionalProperties": {"type": "string"}},
                "updated": _YN,
                "created": _YN,
                "found": _YN,
                "error": {"type": "string", "description": "Why the record was not written."},
            },
        },
        "Error": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "message": {"type": "string"},
                "line": {"type": "integer", "description": "Bad filter: 1-based line."},
                "column": {"type": "integer", "description": "Bad filter: 1-based column."},
                "hint": {"type": "string", "nullable": True},
                "detail": {"type": "string", "description": "Bad filter: the line and a caret."},
            },
        },
    }


def _error(description: str, headers: Json | None = None) -> Json:
    out: Json = {
        "description": description,
        "content": {"application/json": {"schema": _ref("schemas", "Error")}},
    }
    if headers:
        out["headers"] = headers
    return out


def _responses() -> Json:
    return {
        "BadRequest": _error("The request is invalid; the message says what and where."),
        "Unauthorized": _error(
            "No bearer token, or a token no API profile has.",
            {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
        ),
        "Forbidden": _error("The token's API profile does not include this object or field."),
        "NotFound": _error("Unknown instance, object or path."),
        "NotAcceptable": _error("The Accept header rules out application/json."),
        "TooLarge": _error(f"The body is larger than {MAX_BODY_BYTES} bytes."),
        "UriTooLong": _error(f"The URL is longer than {MAX_URL_BYTES} bytes."),
        "HeadersTooLarge": _error(f"The headers hold more than {MAX_HEAD_BYTES} bytes."),
        "TooManyRequests": _error(
            "Rate limited: wait Retry-After seconds.",
            {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}}},
        ),
        "ServerError": _error("A problem on the server's side."),
        "Unavailable": _error("Offline for maintenance."),
    }


def _common_errors(*extra: tuple[str, str]) -> Json:
    out = {
        "400": _ref("responses", "BadRequest"),
        "401": _ref("responses", "Unauthorized"),
        "403": _ref("responses", "Forbidden"),
        "404": _ref("responses", "NotFound"),
        "406": _ref("responses", "NotAcceptable"),
        "414": _ref("responses", "UriTooLong"),
        "429": _ref("responses", "TooManyRequests"),
        "431": _ref("responses", "HeadersTooLarge"),
        "500": _ref("responses", "ServerError"),
        "503": _ref("responses", "Unavailable"),
    }
    out.update({code: _ref("responses", name) for code, name in extra})
    return dict(sorted(out.items()))


def _ok(description: str, schema: str, example: Any) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("schemas", schema), "example": example}},
    }


def _count(name: str, minimum: int, description: str, example: int) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description + " ASCII digits only.",
        "schema": {"type": "integer", "format": "int64", "minimum": minimum, "maximum": MAX_INT64},
        "example": example,
    }


def _query(name: str, description: str, example: str) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


def _path_params() -> Json:
    return {
        "Instance": {
            "name": "instance",
            "in": "path",
            "required": True,
            "description": "The instance id of the datamart.",
            "schema": {"type": "string"},
            "example": "demo",
        },
        "Object": {
            "name": "object",
            "in": "path",
            "required": True,
            "description": "The object's name, as get_object_list gives it.",
            "schema": {"type": "string"},
            "example": "contact",
        },
    }


_CONTACTS_EXAMPLE = {
    "objects": [
        {
            "id": "109128",
            "data": {
                "Civilite": "Madame",
                "Prenom": "John",
                "Nom": "Doe",
                "EMail": "johndoe@example.net",
                "Pays": "",
            },
        }
    ]
}
_WRITE_EXAMPLE = {
    "objects": [
        {
            "status": "OK",
            "id": "10001",
            "data": {"Nom": "Doe", "Prenom": "John"},
            "updated": "N",
            "created": "Y",
            "found": "N",
        }
    ]
}


def _paths() -> Json:
    instance = _ref("parameters", "Instance")
    obj = _ref("parameters", "Object")
    # The same field both ways: in a multipart form, a part holding the JSON
    # of the records (described as such); url-encoded, the JSON text itself.
    described = (
        f"A JSON array of records (at most {MAX_RECORDS_PER_WRITE}, holding at most "
        f"{MAX_JSON_VALUES} JSON values in all), each a WriteRecord; "
        "an item that is not one gets status ERROR and the others are written."
    )
    multipart = {
        "type": "object",
        "required": ["objects"],
        "properties": {
            "objects": {
                "type": "array",
                "maxItems": MAX_RECORDS_PER_WRITE,
                # Any item is a valid request: one that is not a WriteRecord gets
                # its own ERROR result, as the reference's per-record statuses go.
                "items": {"description": "A WriteRecord (components.schemas.WriteRecord)."},
                "description": described,
                "example": [{"id": 0, "data": {"Nom": "Doe", "Prenom": "John"}}],
            }
        },
    }
    urlencoded = {
        "type": "object",
        "required": ["objects"],
        "properties": {
            "objects": {
                "type": "string",
                "description": described,
                "example": '[{"id": 0, "data": {"Nom": "Doe", "Prenom": "John"}}]',
            }
        },
    }
    return {
        "/{instance}/get_object_list": {
            "get": {
                "operationId": "get_object_list",
                "summary": "The objects the token may use, with their creation and update times",
                "parameters": [instance],
                "responses": {
                    "200": _ok(
                        "Objects by name.",
                        "ObjectList",
                        {
                            "contact": {
                                "acl": "",
                                "create_time": "2022-10-25 16:45:09",
                                "update_time": "2023-01-27 01:19:17",
                            }
                        },
                    ),
                    **_common_errors(),
                },
            }
        },
        "/{instance}/get_objects/{object}": {
            "get": {
                "operationId": "get_objects",
                "summary": "Records of an object: filtered, sorted, projected, paged",
                "parameters": [
                    instance,
                    obj,
                    _query(
                        "filter",
                        "A filter in the datamart's language, e.g. "
                        '`DateNaissance $gt "1990-06-12" $and EMail $like "*S*"`. '
                        "A bad filter is a 400 with its line, column and a hint.",
                        'Nom $like "*du*"',
                    ),
                    _query(
                        "fields",
                        "Field names separated by commas: only these, in this order.",
                        "Nom,Prenom,EMail",
                    ),
                    _query(
                        "sort_by",
                        'A JSON object of field name to "asc" or "desc"; ties by ascending id.',
                        '{"Nom":"asc"}',
                    ),
                    _count("limit", 0, "At most this many records of the sorted result.", 50),
                    _count("offset", 0, "Skip this many records of the sorted result.", 0),
                    _count(
                        "page", 1, "1-based page over the limit/offset window; needs pagesize.", 1
                    ),
                    _count("pagesize", 1, "Records per page (the server caps it).", 30),
                ],
                "responses": {
                    "200": _ok("One page of records.", "Records", _CONTACTS_EXAMPLE),
                    **_common_errors(),
                },
            }
        },
        "/{instance}/get_object_info/{object}": {
            "get": {
                "operationId": "get_object_info",
                "summary": "The fields of an object, with their metadata and the token's rights",
                "parameters": [instance, obj],
                "responses": {
                    "200": _ok(
                        "Fields by name.",
                        "ObjectInfo",
                        {
                            "CP": {
                                "attribs": {
                                    "created_date": "2018-07-28 16:31:28",
                                    "modified_date": "2019-10-17 15:25:14",
                                    "label": "",
                                    "description": "",
                                    "type": "text",
                                    "length": "50",
                                    "is_personal_data": "N",
                                },
                                "read": "Y",
                                "write": "Y",
                            }
                        },
                    ),
                    **_common_errors(),
                },
            }
        },
        "/{instance}/put_objects/{object}": {
            "post": {
                "operationId": "put_objects",
                "summary": "Create or update records, each on its own",
                "description": "Each record gets its own result: a malformed or refused "
                "record gets status ERROR and nothing of it is written, the others go "
                "through. A body that is not a JSON array of records is a 400 and nothing "
                "is written.",
                "parameters": [instance, obj],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": multipart,
                            "encoding": {"objects": {"contentType": "application/json"}},
                        },
                        "application/x-www-form-urlencoded": {"schema": urlencoded},
                    },
                },
                "responses": {
                    "200": _ok("One result per record.", "WriteResults", _WRITE_EXAMPLE),
                    **_common_errors(("413", "TooLarge")),
                },
            }
        },
    }


_DOCUMENT: Json = {
    "openapi": "3.0.3",
    "info": {
        "title": "Scal-e datamart API",
        "version": "1",
        "description": "Read the objects of a Scal-e datamart and write their records. "
        "Written by scale-query from the Scal-e reference; where the reference is "
        "silent, the choices are scale-query's (docs/emulator.md). Values are strings "
        "in US notation (numbers 12.50, dates yyyy-mm-dd). Bounds of the scale-query "
        f"emulator: URLs up to {MAX_URL_BYTES} bytes, bodies up to {MAX_BODY_BYTES} "
        f"bytes, {MAX_RECORDS_PER_WRITE} records and {MAX_JSON_VALUES} JSON values per write.",
    },
    "servers": _SERVERS,
    "security": [{"bearerAuth": []}],
    "paths": _paths(),
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "The API token of the datamart's API profile.",
            }
        },
        "parameters": _path_params(),
        "schemas": _schemas(),
        "responses": _responses(),
    },
}


def openapi_document(server: str | None = None) -> Json:
    """The document; ``server`` (a base URL ending in ``/v1/datamart``) is listed first."""
    doc = copy.deepcopy(_DOCUMENT)
    if server is not None:
        doc["servers"] = [{"url": server, "description": "this emulator"}, *doc["servers"]]
    return doc


def openapi_text() -> str:
    """The document as docs/openapi.json holds it."""
    return json.dumps(_DOCUMENT, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(openapi_text())
