"""The Starlette application: routes, content negotiation, faults, JSON errors."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._api import Api, ApiError
from ._definition import Profile
from ._faults import FaultState

__all__ = ["PREFIX", "build_app"]

PREFIX = "/v1/datamart"
_JSON = "application/json"

Handler = Callable[[Request, Profile], Any]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(data, status, headers=headers, media_type=_JSON)


def _error(status: int, message: str, **extra: Any) -> Response:
    return _json({"message": message, **extra}, status)


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


class _Endpoints:
    def __init__(self, api: Api, faults: FaultState, instance: str) -> None:
        self.api = api
        self.faults = faults
        self.instance = instance

    async def handle(self, request: Request, endpoint: str, handler: Handler) -> Response:
        self.faults.count(request.method, endpoint)
        fault = self.faults.next_fault()
        if fault.status is not None:
            headers = None
            if fault.retry_after is not None:
                headers = {"Retry-After": str(math.ceil(fault.retry_after))}
            return _json({"message": fault.message}, fault.status, headers)
        try:
            if not accepts_json(request.headers.get("accept")):
                raise ApiError(406, "this API only answers in JSON: accept application/json")
            profile = self.api.authenticate(request.headers.get("authorization"))
            if request.path_params["instance"] != self.instance:
                raise ApiError(404, f"unknown instance {request.path_params['instance']!r}")
            result = handler(request, profile)
            if isinstance(result, Awaitable):
                result = await result
            response = _json(result)
        except ApiError as error:
            response = _json(error.body(), error.status)
        # Latency comes after the work: a client that times out still had its write applied.
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.corrupt:
            body = bytes(response.body)
            response = Response(body[: len(body) // 2], response.status_code, media_type=_JSON)
        return response

    async def object_list(self, request: Request) -> Response:
        return await self.handle(request, "get_object_list", lambda r, p: self.api.object_list(p))

    async def get_objects(self, request: Request) -> Response:
        return await self.handle(
            request,
            "get_objects",
            lambda r, p: self.api.get_objects(p, r.path_params["object"], r.query_params),
        )

    async def object_info(self, request: Request) -> Response:
        return await self.handle(
            request,
            "get_object_info",
            lambda r, p: self.api.object_info(p, r.path_params["object"]),
        )

    async def put_objects(self, request: Request) -> Response:
        async def write(r: Request, profile: Profile) -> Any:
            try:
                form = await r.form()
            except Exception as error:  # a malformed multipart body, whatever the parser says
                raise ApiError(400, f"the body is not a readable form: {error}") from None
            value = form.get("objects")
            if value is not None and not isinstance(value, str):
                raise ApiError(400, "the form field 'objects' must be text, not a file")
            return self.api.put_objects(profile, r.path_params["object"], value)

        return await self.handle(request, "put_objects", write)

    async def admin(self, request: Request) -> Response:
        try:
            self.api.authenticate(request.headers.get("authorization"))
        except ApiError as error:
            return _json(error.body(), error.status)
        action = request.path_params["action"]
        if action == "faults" and request.method == "POST":
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise TypeError("the body must be a JSON object of fault switches")
                self.faults.set(**body)
            except (ValueError, TypeError) as error:
                return _error(400, str(error))
            return _json(self.faults.current())
        if action == "faults":
            return _json(self.faults.current())
        if action == "clear" and request.method == "POST":
            self.faults.clear()
            return _json(self.faults.current())
        if action == "reset" and request.method == "POST":
            self.api.store.reset()
            return _json({"reset": "Y"})
        if action == "requests":
            counts = self.faults.counts()
            return _json([{"method": m, "endpoint": e, "count": n} for (m, e), n in counts.items()])
        return _error(404, f"unknown emulator admin action {action!r}")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        return _error(405, f"method {request.method} not allowed on {request.url.path}")
    if status == 404:
        return _error(404, f"no such endpoint: {request.url.path}")
    return _error(status, str(getattr(exc, "detail", "error")))


async def _server_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"internal error in the emulator: {type(exc).__name__}")


def build_app(api: Api, faults: FaultState, instance: str) -> Starlette:
    """The ASGI app serving ``/v1/datamart/{instance}/...`` and ``/_emulator/...``."""
    ep = _Endpoints(api, faults, instance)
    base = PREFIX + "/{instance}"
    routes = [
        Route(f"{base}/get_object_list", ep.object_list, methods=["GET"]),
        Route(f"{base}/get_objects/{{object}}", ep.get_objects, methods=["GET"]),
        Route(f"{base}/get_object_info/{{object}}", ep.object_info, methods=["GET"]),
        Route(f"{base}/put_objects/{{object}}", ep.put_objects, methods=["POST"]),
        Route("/_emulator/{action}", ep.admin, methods=["GET", "POST"]),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
