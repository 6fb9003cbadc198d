"""What each fuzz harness feeds scale-query, and what counts as a failure.

One function per harness takes the fuzzer's bytes and raises when scale-query
misbehaves: an exception other than the documented ones (it propagates as
is), an error position outside the text or not where it says, a broken law
(a parsed filter's canonical text parses back to the same filter; a URL a
query came from and the URL it writes read back the same). An input that
takes more than a second is a failure too: ``fuzz/run.py`` runs libFuzzer
with ``-timeout=1``. The functions import no fuzzer: ``fuzz/run.py`` drives
them with atheris, and ``tests/test_fuzz_corpus.py`` replays the stored
corpus through them.

>>> check_parse(b'Nom $eq "x" $and (Age $gt 1 $or Pays $in [FR,BE])')
>>> check_parse(b"Nom $eq")  # a syntax error in the right place is no failure
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_from_bytes, unquote

from scale_query import FilterSyntaxError, Query, parse, render, validate
from scale_query.cli.check._pysource import python_filters
from scale_query.emulator._api import exact_number
from scale_query.emulator._demo import demo_datamart
from scale_query.emulator._form import FormReader
from scale_query.emulator._limits import MAX_JSON_DEPTH, MAX_RECORDS_PER_WRITE, InputError
from scale_query.semantics import ObjectSchema

__all__ = [
    "HARNESSES",
    "check_emulator",
    "check_form",
    "check_from_url",
    "check_lsp",
    "check_parse",
    "check_python_source",
    "check_validate",
]

_CODE = re.compile(r"SQ[0-9]{3}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SCHEMA: ObjectSchema = demo_datamart(contacts=0).objects["contact"].schema


def _text(data: bytes) -> str:
    # Bytes that are not UTF-8 become lone surrogates: input no one should crash on.
    return data.decode("utf-8", "surrogateescape")


def _printable(message: str) -> None:
    message.encode("utf-8")  # no lone surrogate: a terminal or a log can show it


def _printable_hint(hint: str | None) -> None:
    # A single-quoted string's hint quotes it back: a lone surrogate in it is
    # written as its escape.
    if hint is not None:
        _printable(hint)


def _printable_shown(shown: str) -> None:
    """A message as ``str(FilterSyntaxError)`` shows it: the hint, last, as above."""
    message, found, hint = shown.rpartition("\n  hint: ")
    _printable(message if found else hint)
    if found:
        _printable_hint(hint)


def _span(text: str, offset: int, end: int, what: str) -> None:
    # A span is never empty; at the end of the text it is the place after it.
    ok = 0 <= offset <= len(text) and offset < end <= max(len(text), offset + 1)
    assert ok, f"{what}: span {offset}-{end} in a text of {len(text)}"


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_syntax_error(text: str, error: FilterSyntaxError) -> None:
    """The error says where, in the text it was given, and prints."""
    assert error.text == text
    assert isinstance(error.message, str) and error.message
    _span(text, error.offset, error.end_offset, "FilterSyntaxError")
    assert (error.line, error.column) == _line_column(text, error.offset), (
        error.line,
        error.column,
    )
    assert all(isinstance(word, str) for word in error.expected)
    assert error.hint is None or isinstance(error.hint, str)
    _printable(error.message)
    _printable_hint(error.hint)
    shown = str(error)
    _printable_shown(shown)
    assert shown.startswith(f"filter:{error.line}:{error.column}: "), shown[:80]


def check_parse(data: bytes) -> None:
    """``parse``: an expression or a :class:`FilterSyntaxError`; the canonical text reads back."""
    text = _text(data)
    try:
        expr = parse(text)
    except FilterSyntaxError as error:
        check_syntax_error(text, error)
        return
    canonical = render(expr)
    assert parse(canonical) == expr, canonical[:200]
    assert render(parse(canonical)) == canonical


def check_validate(data: bytes) -> None:
    """``validate``, with and without a schema: diagnostics in the text, SQ001 iff no parse."""
    text = _text(data)
    try:
        parse(text)
        parses = True
    except FilterSyntaxError:
        parses = False
    for schema in (None, _SCHEMA):
        found = validate(text, schema=schema)
        assert any(d.code == "SQ001" for d in found) is not parses
        for d in found:
            assert _CODE.fullmatch(d.code), d.code
            _printable(d.message)
            _printable_hint(d.hint)
            if d.offset is None:
                continue
            assert d.end_offset is not None
            _span(text, d.offset, d.end_offset, d.code)
            assert (d.line, d.column) == _line_column(text, d.offset), (d.code, d.line, d.column)


def check_from_url(data: bytes) -> None:
    """``Query.from_url``: a query or a ValueError; a query's own URL reads back the same."""
    url = _text(data)
    try:
        query = Query.from_url(url)
    except ValueError as error:
        _printable_shown(str(error))
        return
    try:
        again = query.to_url("demo")
    except ValueError:
        return  # a query whose object name no URL can carry: refused, not crashed
    assert Query.from_url(again) == query, again[:200]


_HEADER = b"from scale_query import Query, parse, validate\n"


def check_python_source(data: bytes) -> None:
    """``check``'s Python scanner: filters found, every character placed inside the file."""
    # Half the inputs import scale_query, so that the scanner looks further.
    text = _text(_HEADER + data[1:] if data[:1] and data[0] % 2 else data)
    found, problem = python_filters(text)
    assert problem is None or isinstance(problem, str)
    if not found:
        return
    # Lines as Python's parser splits them (and editors show them): at \r\n, \r and \n.
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))

    def inside(place: tuple[int, int], past_break: bool = False) -> bool:
        # past_break: the end of a span whose last character is a line break
        # written in the literal (a raw string's backslash-newline), which the
        # scanner places just after the break, on the same line.
        line, column = place
        width = len(lines[line - 1]) + (2 if past_break else 1) if 1 <= line <= len(lines) else 0
        return 1 <= column <= width

    for one in found:
        for offset in range(len(one.text) + 1):
            after_break = one.text[offset - 1 : offset] in ("\r", "\n")
            at_end = offset == len(one.text)  # the place after the text: an end too
            assert inside(one.position(offset), after_break and at_end), (one, offset)
            assert inside(one.position(offset, end=True), after_break), (one, offset)
        for d in validate(one.text):  # where check reports each finding
            if d.offset is not None and d.end_offset is not None:
                after_break = one.text[d.end_offset - 1 : d.end_offset] in ("\r", "\n")
                assert inside(one.position(d.offset)), (one, d)
                assert inside(one.position(d.end_offset, end=True), after_break), (one, d)


# ---- the emulator, in process, through its ASGI app ------------------------

_TOKENS = [b"demo-token", b"readonly-token", b"marketing-token"]
_METHODS = ["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE"]
_OBJECTS = [b"contact", b"orders", b"products"]
_SAFE = b"/=&%+;,:@!$'()*[]~-._"  # left as written; anything else is percent-encoded
_RESET_EVERY = 500  # writes pile up: the data goes back to the demo's now and then


class _App:
    """One demo emulator and an event loop to call its app on, made at first use."""

    def __init__(self) -> None:
        from scale_query.emulator._server import build

        self.emulator = build(demo=True, admin_token="fuzz-admin-token-0123456789")
        self.loop = asyncio.new_event_loop()
        self.calls = 0

    def request(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, dict[bytes, bytes], bytes]:
        self.calls += 1
        if self.calls % _RESET_EVERY == 0:
            self.emulator.reset()
        raw_path, _, query = target.partition(b"?")
        scope = {  # what uvicorn hands the app for this request
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(raw_path.decode("ascii")),
            "raw_path": raw_path,
            "query_string": query,
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), *headers],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        return self.loop.run_until_complete(self._call(scope, body))

    async def _call(
        self, scope: dict[str, Any], body: bytes
    ) -> tuple[int, dict[bytes, bytes], bytes]:
        incoming = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return incoming.pop(0) if incoming else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.emulator.app(scope, receive, send)
        (start,) = [m for m in sent if m["type"] == "http.response.start"]
        content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], dict(start.get("headers", [])), content


_app: _App | None = None


def _parts(data: bytes) -> tuple[int, int, int, int, list[bytes]]:
    head = data[:4].ljust(4, b"\0")
    return head[0], head[1], head[2], head[3], (data[4:].split(b"\0") + [b""] * 4)[:4]


def check_emulator(data: bytes) -> None:
    """One request to the emulator: never a 5xx, errors as JSON with a message, no token echoed.

    The bytes choose the method, the endpoint, the object, the token and the
    body's form; what follows (split at NUL bytes) is the path's last segment,
    the query string, the body and a token of its own.
    """
    global _app
    if _app is None:
        _app = _App()
    how, where, who, form, (segment, query, payload, token) = _parts(data)
    method = _METHODS[how % len(_METHODS)]
    name = _OBJECTS[where % 3] if where % 7 < 6 else segment
    path = [
        b"get_object_list",
        b"get_objects/" + name,
        b"get_object_info/" + name,
        b"put_objects/" + name,
        b"get_objects/" + name,
        b"put_objects/" + name,
        segment,
    ][where % 7]
    target = quote_from_bytes(b"/v1/datamart/demo/" + path, safe=_SAFE).encode("ascii")
    if query:
        target += b"?" + quote_from_bytes(query, safe=_SAFE).encode("ascii")
    # Header values as an HTTP server lets them through: no control characters.
    token = bytes(c for c in token if 0x20 <= c != 0x7F)
    secret = _TOKENS[who % 3] if who % 5 < 3 else token
    headers = [] if who % 5 == 3 else [(b"authorization", b"Bearer " + secret)]
    if form % 3 == 0:
        boundary = b"fuzzboundary"
        body = (
            b"--"
            + boundary
            + b'\r\nContent-Disposition: form-data; name="objects"\r\n\r\n'
            + payload
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
        kind = b"multipart/form-data; boundary=" + boundary
    elif form % 3 == 1:
        body = b"objects=" + quote_from_bytes(payload).encode("ascii")
        kind = b"application/x-www-form-urlencoded"
    else:
        body, kind = payload, bytes(c for c in segment if 0x20 <= c != 0x7F)
    if method in ("POST", "PUT"):
        headers += [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    else:
        body = b""
    status, answer_headers, content = _app.request(method, target, headers, body)
    shown = f"{method} {target[:200]!r} -> {status} {content[:300]!r}"
    assert status < 500, shown
    if answer_headers.get(b"content-type", b"").startswith(b"application/json") and content:
        answer = json.loads(content)
        if status >= 400:
            assert isinstance(answer, dict) and isinstance(answer.get("message"), str), shown
    if secret not in _TOKENS and len(secret) >= 8:
        assert secret not in content, f"the token is echoed: {shown}"


def _form_outcome(content_type: bytes, pieces: list[bytes]) -> str | None:
    """What a :class:`FormReader` makes of a body given in ``pieces``: the field's text,
    or None for a 400 (no such field, or an ``InputError``, the only exception it may
    raise). Which 400 may differ with the pieces: python-multipart ignores bytes
    before the first boundary when they come in one piece, and refuses them when cut."""
    try:
        reader = FormReader(content_type)
        for piece in pieces:
            reader.write(piece)
        return reader.close()
    except InputError as error:
        _printable(str(error))
        return None


def _json_depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_json_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_json_depth, value), default=0)
    return 0


def check_form(data: bytes) -> None:
    """The ``put_objects`` form read as a stream: the same in any pieces, and within bounds.

    The first byte chooses the form (a multipart body as given, the third part
    wrapped in a multipart envelope, or url-encoded), the next three where the
    body is cut into pieces; then (split at NUL bytes) the boundary, the body
    and the field's value. The reader may only refuse with an ``InputError``;
    read whole or in pieces it must give the same field (or a 400 both ways);
    what it lets through, once
    parsed as JSON, holds at most ``MAX_RECORDS_PER_WRITE`` records nested at
    most ``MAX_JSON_DEPTH`` deep (the scan of :mod:`_jsonscan` counted them
    right).
    """
    kind, a, b, c, (boundary, body, value, _) = _parts(data)
    if kind % 3 == 0:
        content_type = b"multipart/form-data; boundary=" + boundary
    elif kind % 3 == 1:
        content_type = b"multipart/form-data; boundary=" + boundary
        body = (
            b"--"
            + boundary
            + b'\r\nContent-Disposition: form-data; name="objects"\r\n\r\n'
            + value
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    else:
        content_type = b"application/x-www-form-urlencoded"
    cuts = sorted({0, len(body), *(n % (len(body) + 1) for n in (a, a + b, a + b + c))})
    pieces = [body[i:j] for i, j in itertools.pairwise(cuts)]
    whole = _form_outcome(content_type, [body])
    assert _form_outcome(content_type, pieces) == whole, f"pieces at {cuts} differ from whole"
    text = whole
    if text is None:
        return
    try:
        records = json.loads(text, parse_float=exact_number)
    except ValueError:  # not JSON (or a number too long): a 400 for the API
        return
    if isinstance(records, list):
        assert len(records) <= MAX_RECORDS_PER_WRITE, f"{len(records)} records let through"
        assert _json_depth(records) <= MAX_JSON_DEPTH, "nested past the bound, let through"


# ---- the language server's JSON-RPC input -----------------------------------------

_LSP_URIS = ["file:///fuzz/a.filter", "file:///fuzz/b.py", "file:///fuzz/c.txt", "untitled:x"]
_LSP_LANGUAGES = ["scale-filter", "python", "plaintext"]
_LSP_REQUESTS = [
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/formatting",
    "textDocument/codeAction",
]
_INTERNAL_ERROR = -32603  # JSON-RPC's code for an exception in a handler


class _Lsp:
    """One language server, initialized, with its output and stderr captured per input."""

    def __init__(self) -> None:
        from scale_query.cli.lsp._server import build_server

        self.server, self.idle = build_server()
        self.output: list[bytes] = []
        self.server.protocol.set_writer(self)
        self.loop = asyncio.new_event_loop()
        self.feed([_rpc({"id": 0, "method": "initialize", "params": {"capabilities": {}}})])
        self.feed([_rpc({"method": "initialized", "params": {}})])

    def write(self, data: bytes) -> None:  # the protocol's writer
        self.output.append(data)

    def close(self) -> None:
        pass

    def feed(self, bodies: list[bytes]) -> str:
        """Hand the bodies to the server as one batch, let it validate; what it wrote to stderr."""
        import contextlib
        import io

        from scale_query.cli.lsp._io import handle

        async def batch() -> None:
            for body in bodies:
                handle(self.server, body)
            await asyncio.sleep(0)
            self.idle()
            for _ in range(10_000):  # the validations the batch started, to their end
                if len(asyncio.all_tasks()) <= 1:
                    break
                await asyncio.sleep(0)

        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            self.loop.run_until_complete(batch())
        return errors.getvalue()


def _rpc(payload: dict[str, Any]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **payload}).encode()


_lsp: _Lsp | None = None


def _lsp_messages(data: bytes) -> tuple[list[bytes], set[int]]:
    """JSON-RPC bodies the bytes describe (one per NUL-separated part), and the request ids."""
    bodies = []
    asked = set()
    for number, part in enumerate(data.split(b"\0")[:8]):
        head, text = part[:4].ljust(4, b"\0"), _text(part[4:])
        uri = _LSP_URIS[head[1] % len(_LSP_URIS)]
        # Positions: small ones mostly, past the end and negative now and then.
        line = head[2] % 8 if head[2] < 240 else head[2] * 1_000_003 - 2**31
        character = head[3] % 40 if head[3] < 240 else head[3] * 7_000_001 - 2**31
        where = {"line": line, "character": character}
        kind = head[0] % 8
        if kind == 0:
            document = {
                "uri": uri,
                "languageId": _LSP_LANGUAGES[head[3] % 3],
                "version": head[2],
                "text": text,
            }
            message = {"method": "textDocument/didOpen", "params": {"textDocument": document}}
        elif kind in (1, 2):
            change: dict[str, Any] = {"text": text}
            if kind == 2:
                change["range"] = {"start": where, "end": where}
            message = {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": head[2]},
                    "contentChanges": [change],
                },
            }
        elif kind == 3:
            message = {"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
        elif kind == 7:
            # The bytes as a body of their own: no JSON, or JSON of any shape.
            bodies.append(part[1:])
            continue
        else:
            params: dict[str, Any] = {"textDocument": {"uri": uri}, "position": where}
            method = _LSP_REQUESTS[head[3] % len(_LSP_REQUESTS)]
            if method == "textDocument/formatting":
                params = {
                    "textDocument": {"uri": uri},
                    "options": {"tabSize": 4, "insertSpaces": True},
                }
            elif method == "textDocument/codeAction":
                span = {"start": where, "end": where}
                params = {
                    "textDocument": {"uri": uri},
                    "range": span,
                    "context": {"diagnostics": []},
                }
            message = {"id": number + 1, "method": method, "params": params}
            asked.add(number + 1)
        bodies.append(_rpc(message))
    return bodies, asked


def check_lsp(data: bytes) -> None:
    """The language server's input: framing refused or read, and no handler failing on a message.

    The first byte chooses: the bytes as raw stdin for the framing (a
    :class:`FramingError` or bodies, nothing else), or as up to eight
    messages (open, change, close, hover, completion, formatting, code
    actions, or a body of any bytes) that the server handles as one batch
    and validates. Every request is answered, and never with an internal
    error; no handler fails (nothing logged as such).
    """
    global _lsp
    from scale_query.cli.lsp._io import Framer, FramingError

    if data[:1] == b"F":
        framer = Framer()
        try:
            for at in range(1, len(data), 7):  # in pieces, as a pipe hands them over
                framer.feed(data[at : at + 7])
        except FramingError:
            pass
        return
    if _lsp is None:
        _lsp = _Lsp()
    bodies, asked = _lsp_messages(data)
    _lsp.output.clear()
    errors = _lsp.feed(bodies)
    # pygls logs what a client got wrong ("Unable to deserialize message"); a
    # handler that failed is logged as "Failed to handle", ours as "could not be handled".
    for failed in ("Failed to handle", "could not be handled"):
        assert failed not in errors, errors[-2000:]
    answered = set()
    for frame in _lsp.output:
        answer = json.loads(frame.partition(b"\r\n\r\n")[2])
        error = answer.get("error")
        assert error is None or error.get("code") != _INTERNAL_ERROR, f"internal error: {error}"
        if "id" in answer and "method" not in answer:
            answered.add(answer["id"])
    assert asked <= answered, f"requests never answered: {asked - answered}"
    # Close what the input opened: the next input starts from an empty workspace.
    _lsp.feed(
        [
            _rpc({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
            for uri in _LSP_URIS
        ]
    )


#: Harness name -> its check, as ``fuzz/run.py`` and the corpus folders name them.
HARNESSES: dict[str, Callable[[bytes], None]] = {
    "parse": check_parse,
    "validate": check_validate,
    "from_url": check_from_url,
    "python_source": check_python_source,
    "emulator": check_emulator,
    "form": check_form,
    "lsp": check_lsp,
}
