"""The ``objects`` field of a ``put_objects`` form, read as the body arrives.

The app feeds each piece of the body to a :class:`FormReader` as it comes
off the socket (in a worker thread, off the event loop). The form is parsed
as a stream: python-multipart's streaming parser for ``multipart/form-data``
(``curl --form``, ``requests`` with ``files=``), a split on ``&`` for
``application/x-www-form-urlencoded``. The bytes of the ``objects`` field go
through a :class:`~._jsonscan.Scan` as they arrive, so a body with too many
records or values is refused at the first byte past the bound, before
anything is parsed into Python objects. Only that field's bytes are kept
(bounded by :data:`~._limits.MAX_BODY_BYTES`); the other fields are counted
and dropped.

>>> objects_field(b"application/x-www-form-urlencoded", b"objects=%5B%5D")
'[]'
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from python_multipart.multipart import MultipartParser, parse_options_header

from ._jsonscan import Scan
from ._limits import MAX_BOUNDARY_BYTES, MAX_FORM_FIELDS, InputError

__all__ = ["FIELD", "FormReader", "objects_field"]

FIELD = "objects"
_NAME = FIELD.encode()
#: The bytes of a multipart boundary (RFC 2046's bchars).
_BOUNDARY_BYTES = frozenset(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
)
#: Headers of one multipart part: how many, and how long each may be.
_PART_HEADERS = 8
_PART_HEADER_BYTES = 8192


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the form field {FIELD!r} is not UTF-8 text (bad byte at offset {error.start})"
        ) from None


class _Field:
    """The bytes of one ``objects`` field, scanned as they arrive."""

    def __init__(self) -> None:
        self.scan = Scan()
        self.parts: list[bytes] = []

    def add(self, data: bytes) -> None:
        if data:
            self.scan.feed(data)
            self.parts.append(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


class FormReader:
    """Reads the ``objects`` field of a form body given piece by piece.

    ``write`` each piece, then ``close`` for the field's text (None when the
    form has none). Both raise :class:`~._limits.InputError` for a body that
    is not such a form or holds too much.
    """

    def __init__(self, content_type: bytes) -> None:
        media = content_type.split(b";")[0].strip().lower()
        self._fields = 0
        self._field: _Field | None = None
        self._last: _Field | None = None
        self._multipart: MultipartParser | None = None
        self._urlencoded = media == b"application/x-www-form-urlencoded"
        self._pending = b""  # url-encoded: the bytes of an unfinished field or escape
        if media == b"multipart/form-data":
            self._multipart = self._multipart_parser(content_type)

    # ---- multipart/form-data ----

    def _multipart_parser(self, content_type: bytes) -> MultipartParser:
        _, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if not boundary:
            raise InputError("a multipart/form-data body needs a boundary in its Content-Type")
        if len(boundary) > MAX_BOUNDARY_BYTES:
            raise InputError(
                f"the multipart boundary holds {len(boundary)} bytes; "
                f"the limit is {MAX_BOUNDARY_BYTES} (RFC 2046)"
            )
        if not set(boundary) <= _BOUNDARY_BYTES or boundary.endswith(b" "):
            # A CR or a control byte in it: the parser reads such a body differently
            # depending on where the pieces are cut (found by fuzz/harnesses.py).
            raise InputError(
                "the multipart boundary may hold letters, digits and '()+_,-./:=? only (RFC 2046)"
            )
        header: list[bytes] = []
        headers: dict[bytes, bytes] = {}
        name: list[bytes] = []

        def on_part_begin() -> None:
            headers.clear()
            self._count_field()

        def on_header_field(data: bytes, start: int, end: int) -> None:
            name.append(data[start:end])

        def on_header_value(data: bytes, start: int, end: int) -> None:
            header.append(data[start:end])

        def on_header_end() -> None:
            headers[b"".join(name).lower()] = b"".join(header)
            name.clear()
            header.clear()

        def on_headers_finished() -> None:
            _, options = parse_options_header(headers.get(b"content-disposition", b""))
            if options.get(b"name") != _NAME:
                self._field = None
            elif b"filename" in options:
                raise InputError(f"the form field {FIELD!r} must be text, not a file")
            else:
                self._field = _Field()

        def on_part_data(data: bytes, start: int, end: int) -> None:
            if self._field is not None:
                self._field.add(data[start:end])

        def on_part_end() -> None:
            if self._field is not None:
                self._last, self._field = self._field, None

        return MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
            },
            max_header_count=_PART_HEADERS,
            max_header_size=_PART_HEADER_BYTES,
        )

    def _count_field(self) -> None:
        self._fields += 1
        if self._fields > MAX_FORM_FIELDS:
            raise InputError(f"the form has more than {MAX_FORM_FIELDS} fields; the API reads one")

    # ---- application/x-www-form-urlencoded ----

    def _urlencoded_piece(self, data: bytes, final: bool) -> None:
        data = self._pending + data
        start = 0
        while True:
            stop = data.find(b"&", start)
            if stop < 0:
                break
            self._urlencoded_field(data[start:stop], done=True)
            start = stop + 1
        rest = data[start:]
        if final:
            self._pending = b""
            if rest or self._field is not None:
                self._urlencoded_field(rest, done=True)
            return
        # The unfinished field: its name is kept until its '=' arrives; once in the
        # value of 'objects', the decoded bytes go on, less an escape cut in two.
        self._pending = self._urlencoded_field(rest, done=False)

    def _urlencoded_field(self, item: bytes, *, done: bool) -> bytes:
        """Take (part of) one ``name=value`` item; return what must wait for more bytes."""
        if self._field is None:
            name, equals, value = item.partition(b"=")
            if not equals and not done:
                return item  # the name goes on in the next piece
            if not item:
                return b""
            self._count_field()
            if _decode(name) != _NAME:
                # Another field: its value is dropped (what is left of it, next piece).
                if not done:
                    self._field = _SKIP
                return b""
            self._field = _Field()
            item = value
        if self._field is not _SKIP:
            keep = 0 if done else _cut_escape(item)
            self._field.add(_decode(item[: len(item) - keep]))
            item = item[len(item) - keep :]
        else:
            item = b""
        if done:
            if self._field is not _SKIP:
                self._last = self._field
            self._field = None
        return item

    # ---- both ----

    def write(self, data: bytes) -> None:
        """Read the next piece of the body."""
        if self._multipart is not None:
            try:
                self._multipart.write(data)
            except InputError:
                raise
            except ValueError as error:  # python-multipart's parse errors are ValueErrors
                raise InputError(f"the multipart body is not readable: {error}") from None
        elif self._urlencoded:
            self._urlencoded_piece(data, final=False)

    def close(self) -> str | None:
        """The text of the last ``objects`` field, None when the form has none."""
        if self._multipart is not None:
            try:
                self._multipart.finalize()
            except ValueError as error:
                raise InputError(f"the multipart body is not readable: {error}") from None
        elif self._urlencoded:
            self._urlencoded_piece(b"", final=True)
        return None if self._last is None else _text(self._last.value())


# The field being read is not 'objects': its bytes are dropped.
_SKIP = _Field()


def _decode(raw: bytes) -> bytes:
    """Percent-escapes and ``+`` of a url-encoded name or value, as bytes."""
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _cut_escape(raw: bytes) -> int:
    """How many bytes at the end of ``raw`` are an escape cut short (``%`` or ``%4``)."""
    tail = raw[-2:]
    percent = tail.rfind(b"%")
    return 0 if percent < 0 else len(tail) - percent


def objects_field(content_type: bytes, body: bytes) -> str | None:
    """The text of the form field ``objects`` of a whole body, None when the form has none."""
    reader = FormReader(content_type)
    reader.write(body)
    return reader.close()
