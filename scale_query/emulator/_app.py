"""The Starlette application: routes, limits, faults, JSON errors.

The event loop only moves bytes: every request's work (reading the form,
parsing the filter, matching regexes, SQLite) runs in a worker thread
(``run_in_threadpool``), so a slow request never holds up a cheap one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import math
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..semantics import excerpt, query_pairs
from ._api import CHALLENGE, INVALID_TOKEN, Api, ErrorResponse
from ._definition import Profile
from ._faults import FaultState
from ._form import FormReader
from ._hosts import served_host
from ._limits import (
    MAX_ADMIN_BODY_BYTES,
    MAX_BODY_BYTES,
    MAX_CONCURRENT_QUERIES,
    MAX_HEAD_BYTES,
    MAX_URL_BYTES,
    InputError,
    json_depth_exceeds,
)
from ._openapi import OPENAPI_PATH, openapi_document
from ._playground import playground_routes

__all__ = ["ADMIN_PREFIX", "PREFIX", "build_app"]

PREFIX = "/v1/datamart"
ADMIN_PREFIX = "/_emulator"
_JSON = "application/json"

#: What one request does in its worker thread: (profile, objects field) -> JSON body.
Work = Callable[[Profile, str | None], Any]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # ensure_ascii=False keeps names readable; the inputs were checked for lone
    # surrogates, and the ASCII fallback keeps any that slipped through a 200.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        data = text.encode()
    except UnicodeEncodeError:
        data = json.dumps(body, separators=(",", ":")).encode()
    return Response(data, status, headers=headers, media_type=_JSON)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _json({"message": message}, status, headers)


def accepts_json(header: str | None) -> bool:
    """Whether an ``Accept`` header allows ``application/json`` (no header: yes).

    >>> accepts_json("text/html, application/*;q=0.5"), accepts_json("text/csv")
    (True, False)
    """
    if header is None or not header.strip():
        return True
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and media.lower() in (_JSON, "application/*", "*/*"):
            return True
    return False


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, or a 413 as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ErrorResponse(413, f"the body holds {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ErrorResponse(413, f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request, limit: int = MAX_BODY_BYTES) -> str | None:
    """The ``objects`` field of a ``put_objects`` form, parsed as the body arrives.

    Each piece goes to a :class:`FormReader` in a worker thread as it comes: a
    body past a bound (size, records, values, depth) is refused at the first
    piece past it, with only that field's bytes ever kept. After a refusal the
    rest of the body is read and dropped (up to ``limit``), so that a client
    still sending it gets the answer instead of a reset connection.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ErrorResponse(413, f"the body holds {declared} bytes; the limit is {limit}")
    content_type = request.headers.get("content-type", "").encode("latin-1")
    refusal: ErrorResponse | None = None
    reader: FormReader | None = None
    try:
        reader = FormReader(content_type)
    except InputError as error:
        refusal = ErrorResponse(400, str(error))
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ErrorResponse(413, f"the body is larger than the limit of {limit} bytes")
        if refusal is None and reader is not None and chunk:
            try:
                await run_in_threadpool(reader.write, chunk)
            except InputError as error:
                refusal = ErrorResponse(400, str(error))
    if refusal is not None or reader is None:
        raise refusal or ErrorResponse(400, "the body is not a form")
    try:
        return await run_in_threadpool(reader.close)
    except InputError as error:
        raise ErrorResponse(400, str(error)) from None


class _HeadLimits:
    """414 for a request target (path and query string) longer than MAX_URL_BYTES,
    431 for headers (names and values) past MAX_HEAD_BYTES."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode()
            query = scope.get("query_string", b"")
            size = len(path) + (len(query) + 1 if query else 0)
            if size > MAX_URL_BYTES:
                message = (
                    f"the URL holds {size} bytes; the limit is {MAX_URL_BYTES}: "
                    "shorten the filter (an $in list can often be split into several requests)"
                )
                await _error(414, message)(scope, receive, send)
                return
            headers = sum(len(name) + len(value) for name, value in scope["headers"])
            if headers > MAX_HEAD_BYTES:
                message = f"the headers hold {headers:,} bytes; the limit is {MAX_HEAD_BYTES:,}"
                await _error(431, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _HostCheck:
    """400 for a ``Host`` header not naming this emulator (DNS rebinding: :mod:`._hosts`)."""

    def __init__(self, app: ASGIApp, bound: Callable[[], str]) -> None:
        self.app = app
        self.bound = bound

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hosts = [v for k, v in scope["headers"] if k == b"host"]
            header = hosts[-1].decode("latin-1") if hosts else None
            if len(hosts) > 1 or not served_host(header, self.bound()):
                message = (
                    "the Host header does not name this emulator: reach it as localhost, "
                    "by an IP address or by the host name it listens on (a defence against "
                    "DNS rebinding)"
                )
                await _error(400, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _QuietStop:
    """A request still running when the server stops is cut short without a traceback.

    uvicorn cancels such a request after its graceful shutdown time and logs
    the cancellation with a traceback; the one line it prints first says it all.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if scope["type"] != "http":
                raise
            if not started:
                with contextlib.suppress(Exception):
                    await _error(503, "the emulator is stopping")(scope, receive, send)


class _Endpoints:
    def __init__(self, api: Api, faults: FaultState, instance: str, admin_token: str) -> None:
        self.api = api
        self.faults = faults
        self.instance = instance
        self._admin_token = admin_token.encode()
        # Queries wait here, not in a worker thread: the threads stay free for cheap requests.
        self.queries = asyncio.Semaphore(MAX_CONCURRENT_QUERIES)

    async def handle(
        self,
        request: Request,
        endpoint: str,
        work: Work,
        *,
        body: bool = False,
        gate: asyncio.Semaphore | None = None,
    ) -> Response:
        """Count, draw a fault, check the request, then run ``work`` in a worker thread."""
        self.faults.count(request.method, endpoint)
        fault = self.faults.next_fault()
        if fault.status is not None:
            headers = None
            if fault.retry_after is not None:
                headers = {"Retry-After": str(math.ceil(fault.retry_after))}
            return _json({"message": fault.message}, fault.status, headers)
        try:
            if not accepts_json(request.headers.get("accept")):
                raise ErrorResponse(406, "this API only answers in JSON: accept application/json")
            profile = self.api.authenticate(request.headers.get("authorization"))
            if request.path_params["instance"] != self.instance:
                raise ErrorResponse(
                    404, f"unknown instance {excerpt(request.path_params['instance'])}"
                )
            raw = await read_form(request) if body else None
            # The answer is encoded in the worker thread too: a 1,000-record page is work.
            async with gate or contextlib.nullcontext():
                response = await run_in_threadpool(lambda: _json(work(profile, raw)))
        except ErrorResponse as error:
            response = _json(error.body(), error.status, error.headers)
        # Latency comes after the work: a client that times out still had its write applied.
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.corrupt:
            data = bytes(response.body)
            response = Response(data[: len(data) // 2], response.status_code, media_type=_JSON)
        return response

    async def object_list(self, request: Request) -> Response:
        return await self.handle(
            request, "get_object_list", lambda profile, _: self.api.object_list(profile)
        )

    async def get_objects(self, request: Request) -> Response:
        name = request.path_params["object"]
        query = request.scope.get("query_string", b"")

        def work(profile: Profile, _: str | None) -> Any:
            # Parsed here, in the worker thread, like the rest of the request;
            # a repeated parameter takes its last value, as PHP and Starlette do.
            try:
                params = dict(query_pairs(query.decode("latin-1")))
            except ValueError as error:
                raise ErrorResponse(400, str(error)) from None
            return self.api.get_objects(profile, name, params)

        return await self.handle(request, "get_objects", work, gate=self.queries)

    async def object_info(self, request: Request) -> Response:
        name = request.path_params["object"]
        return await self.handle(
            request, "get_object_info", lambda profile, _: self.api.object_info(profile, name)
        )

    async def put_objects(self, request: Request) -> Response:
        name = request.path_params["object"]
        return await self.handle(
            request,
            "put_objects",
            lambda profile, text: self.api.put_objects(profile, name, text),
            body=True,
        )

    # ---- the emulator's own admin paths (not part of the datamart API) ----

    def _admin(self, request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        given = token.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not given:
            raise ErrorResponse(
                401,
                "the emulator's admin paths need 'Authorization: Bearer <admin token>' "
                "(printed by scale-query serve; Emulator.admin_token in Python)",
                headers=CHALLENGE,
            )
        if hmac.compare_digest(given, self._admin_token):
            return
        try:
            self.api.authenticate(request.headers.get("authorization"))
        except ErrorResponse:
            raise ErrorResponse(401, "invalid admin token", headers=INVALID_TOKEN) from None
        raise ErrorResponse(
            403, "this is an API token; the emulator's admin paths need the admin token"
        )

    async def _run_admin(self, request: Request, action: Callable[[], Any]) -> Response:
        try:
            self._admin(request)
            return await run_in_threadpool(lambda: _json(action()))
        except ErrorResponse as error:
            return _json(error.body(), error.status, error.headers)

    async def faults_get(self, request: Request) -> Response:
        return await self._run_admin(request, self.faults.current)

    async def faults_post(self, request: Request) -> Response:
        try:
            self._admin(request)
            raw = await read_body(request, MAX_ADMIN_BODY_BYTES)
        except ErrorResponse as error:
            return _json(error.body(), error.status, error.headers)

        def change() -> Any:
            try:
                text = raw.decode("utf-8")
                body = None if json_depth_exceeds(text, 1) else json.loads(text)
                if not isinstance(body, dict):
                    raise TypeError("the body must be a JSON object of fault switches")
                self.faults.set(**body)
            except (ValueError, TypeError) as error:
                raise ErrorResponse(400, str(error)) from None
            return self.faults.current()

        return await self._run_admin(request, change)

    async def delete(self, request: Request) -> Response:
        # The datamart's own deletions (the API has none): {"object": ..., "ids": [...]}.
        try:
            self._admin(request)
            raw = await read_body(request, MAX_ADMIN_BODY_BYTES)
        except ErrorResponse as error:
            return _json(error.body(), error.status, error.headers)

        def action() -> Any:
            try:
                text = raw.decode("utf-8")
                body = None if json_depth_exceeds(text, 2) else json.loads(text)
            except ValueError as error:
                raise ErrorResponse(400, str(error)) from None
            if (
                not isinstance(body, dict)
                or set(body) != {"object", "ids"}
                or not isinstance(body["ids"], list)
            ):
                raise ErrorResponse(400, 'the body is {"object": "<name>", "ids": [<id>, ...]}')
            name = body["object"]
            if name not in self.api.store.tables:
                raise ErrorResponse(404, f"unknown object {str(name)[:100]!r}")
            try:
                return {"deleted": self.api.store.delete(name, body["ids"])}
            except ValueError as error:
                raise ErrorResponse(400, str(error)) from None

        return await self._run_admin(request, action)

    async def clear(self, request: Request) -> Response:
        def action() -> Any:
            self.faults.clear()
            return self.faults.current()

        return await self._run_admin(request, action)

    async def reset(self, request: Request) -> Response:
        def action() -> Any:
            self.api.store.reset()
            return {"reset": "Y"}

        return await self._run_admin(request, action)

    async def requests(self, request: Request) -> Response:
        def action() -> Any:
            counts = self.faults.counts()
            return [{"method": m, "endpoint": e, "count": n} for (m, e), n in counts.items()]

        return await self._run_admin(request, action)

    async def openapi(self, request: Request) -> Response:
        # The address the connection came in on, never the Host header (a caller's text).
        host, port = request.scope.get("server") or ("127.0.0.1", 80)
        shown = f"[{host}]" if ":" in host else host
        return _json(
            openapi_document(f"http://{shown}:{port}{PREFIX}", max_page_size=self.api.max_page_size)
        )


def _routes(ep: _Endpoints) -> list[Route]:
    base = PREFIX + "/{instance}"
    return [
        Route(f"{base}/get_object_list", ep.object_list, methods=["GET"]),
        Route(f"{base}/get_objects/{{object}}", ep.get_objects, methods=["GET"]),
        Route(f"{base}/get_object_info/{{object}}", ep.object_info, methods=["GET"]),
        Route(f"{base}/put_objects/{{object}}", ep.put_objects, methods=["POST"]),
        Route(OPENAPI_PATH, ep.openapi, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/faults", ep.faults_get, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/faults", ep.faults_post, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/delete", ep.delete, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/clear", ep.clear, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/reset", ep.reset, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/requests", ep.requests, methods=["GET"]),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    path = request.url.path
    if status == 405:
        allow = _allowed(request)
        return _error(
            405, f"method {request.method} not allowed on {path}; use {allow}", {"Allow": allow}
        )
    if status == 404:
        hint = ""
        if path.endswith("/") and _allowed(request, path.rstrip("/")):
            hint = " (the API's paths end without a '/')"
        return _error(404, f"no such endpoint: {path}{hint}")
    return _error(status, str(getattr(exc, "detail", "error")))


def _allowed(request: Request, path: str | None = None) -> str:
    """The methods the app's routes take on ``path`` (default: the request's), ``Allow`` style."""
    scope = {**request.scope, "path": path or request.url.path, "method": "GET"}
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(scope)
        if match.name != "NONE" and isinstance(route, Route) and route.methods:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _server_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"internal error in the emulator: {type(exc).__name__}")


def build_app(
    api: Api,
    faults: FaultState,
    instance: str,
    admin_token: str,
    bound: Callable[[], str] = lambda: "127.0.0.1",
) -> ASGIApp:
    """The ASGI app serving ``/v1/datamart/{instance}/...``, the OpenAPI document and the
    admin paths ``/_emulator/...`` (those need ``admin_token``); ``bound`` gives the host
    it listens on (a Host header may name it)."""
    app = Starlette(
        routes=[
            *_routes(_Endpoints(api, faults, instance, admin_token)),
            *playground_routes(api, instance, PREFIX),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    # A path with a trailing '/' is a 404 with a hint, not a 307 to follow.
    app.router.redirect_slashes = False
    return _QuietStop(_HostCheck(_HeadLimits(app), bound))
