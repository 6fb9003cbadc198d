"""The ``objects`` field of a ``put_objects`` form, read from the body's bytes.

Synchronous on purpose: the app reads the body (bounded by
:data:`~._limits.MAX_BODY_BYTES`) and hands it to a worker thread, where this
parsing runs with the rest of the write, off the event loop. Both encodings
the reference's examples use are read: ``multipart/form-data`` (``curl
--form``, ``requests`` with ``files=``) and ``application/x-www-form-urlencoded``.

>>> objects_field(b"application/x-www-form-urlencoded", b"objects=%5B%5D")
'[]'
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from python_multipart import FormParser
from python_multipart.multipart import parse_options_header

from ._limits import MAX_FORM_FIELDS, InputError

__all__ = ["FIELD", "objects_field"]

FIELD = "objects"


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the form field {FIELD!r} is not UTF-8 text (bad byte at offset {error.start})"
        ) from None


def _urlencoded(body: bytes) -> str | None:
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError:
        raise InputError(f"the form field {FIELD!r} is not UTF-8 text") from None
    except ValueError as error:  # more fields than max_num_fields
        raise InputError(f"the form is not readable: {error}") from None
    values = [value for name, value in pairs if name == FIELD]
    return values[-1] if values else None


def _multipart(content_type: bytes, body: bytes) -> str | None:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise InputError("a multipart/form-data body needs a boundary in its Content-Type")
    values: list[bytes] = []
    files: list[bytes] = []
    count = 0

    def on_field(field: object) -> None:
        nonlocal count
        count += 1
        if getattr(field, "field_name", None) == FIELD.encode():
            values.append(getattr(field, "value", None) or b"")

    def on_file(file: object) -> None:
        files.append(getattr(file, "field_name", None) or b"")

    parser = FormParser(
        "multipart/form-data",
        on_field,
        on_file,
        boundary=boundary,
        config={"MAX_MEMORY_FILE_SIZE": len(body) + 1},
    )
    try:
        parser.write(body)
        parser.finalize()
    except ValueError as error:  # python-multipart's parse errors are ValueErrors
        raise InputError(f"the multipart body is not readable: {error}") from None
    if FIELD.encode() in files:
        raise InputError(f"the form field {FIELD!r} must be text, not a file")
    if count > MAX_FORM_FIELDS:
        raise InputError(f"the form has {count} fields; at most {MAX_FORM_FIELDS} are read")
    return _text(values[-1]) if values else None


def objects_field(content_type: bytes, body: bytes) -> str | None:
    """The text of the form field ``objects``, None when the form has none."""
    media = content_type.split(b";")[0].strip().lower()
    if media == b"multipart/form-data":
        return _multipart(content_type, body)
    if media == b"application/x-www-form-urlencoded":
        return _urlencoded(body)
    return None
