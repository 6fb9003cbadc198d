"""The errors the client raises: one base class, one subclass per API status.

>>> error = error_for_status(404, "unknown object 'contcat'", method="GET", url="/x")
>>> isinstance(error, NotFound), error.status, str(error)
(True, 404, "GET /x: 404 Not Found: unknown object 'contcat'")

No error ever holds the API token: the client sends it only in a header, and
the body excerpt kept here has it masked before the error is made. An error's
text shows the method, the path and the query parameters' names, never their
values (filter values are often personal data); the whole URL is ``error.url``.

>>> error = error_for_status(400, "bad filter", method="GET", url="https://h/v1/x?filter=EMail%20%24eq%20%22jo%40x.net%22")
>>> str(error)
'GET /v1/x?filter=…: 400 Bad Request: bad filter'
>>> error.url
'https://h/v1/x?filter=EMail%20%24eq%20%22jo%40x.net%22'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..language import ScaleError
from ._urls import redacted_url

if TYPE_CHECKING:
    from ._models import WriteResult

__all__ = [
    "APIConnectionError",
    "APIError",
    "BadRequest",
    "DecodingError",
    "Forbidden",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "PartialWriteError",
    "RateLimited",
    "ScaleError",
    "ServerError",
    "ServiceUnavailable",
    "Unauthorized",
    "error_for_status",
]


class APIError(ScaleError):
    """The server answered with an error status.

    ``message`` is the server's own message, ``body`` an excerpt of the
    response body (truncated, the token masked), ``url`` the whole request URL,
    query string included (it never holds the token, which travels in a
    header, but it holds the filter values: mind where you log it).
    ``str(error)`` shows only the path and the parameter names.

    >>> str(APIError(418, "teapot", method="GET", url="/v1/x"))
    'GET /v1/x: 418: teapot'
    """

    status_text = ""

    def __init__(
        self, status: int, message: str, *, body: str = "", method: str = "", url: str = ""
    ) -> None:
        self.status = status
        self.message = message
        self.body = body
        self.method = method
        self.url = url
        super().__init__(status, message)

    def __str__(self) -> str:
        head = f"{self.method} {redacted_url(self.url)}: " if self.method else ""
        label = f"{self.status} {self.status_text}".rstrip()
        return f"{head}{label}: {self.message}" if self.message else f"{head}{label}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, message={self.message!r})"


class BadRequest(APIError):
    """400: the request is invalid (a bad filter, say; the message tells where)."""

    status_text = "Bad Request"


class Unauthorized(APIError):
    """401: the API token is wrong or missing."""

    status_text = "Unauthorized"


class Forbidden(APIError):
    """403: the API profile may not do this."""

    status_text = "Forbidden"


class NotFound(APIError):
    """404: no such instance or object."""

    status_text = "Not Found"


class MethodNotAllowed(APIError):
    """405: the endpoint does not take this HTTP method."""

    status_text = "Method Not Allowed"


class NotAcceptable(APIError):
    """406: a format other than JSON was asked for."""

    status_text = "Not Acceptable"


class RateLimited(APIError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, in seconds."""

    status_text = "Too Many Requests"

    def __init__(
        self,
        status: int,
        message: str,
        *,
        body: str = "",
        method: str = "",
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, message, body=body, method=method, url=url)
        self.retry_after = retry_after


class ServerError(APIError):
    """500 (or another 5xx): the server failed."""

    status_text = "Internal Server Error"


class ServiceUnavailable(APIError):
    """503: the service is down for maintenance."""

    status_text = "Service Unavailable"


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    429: RateLimited,
    500: ServerError,
    503: ServiceUnavailable,
}


def error_for_status(
    status: int,
    message: str,
    *,
    body: str = "",
    method: str = "",
    url: str = "",
    retry_after: float | None = None,
) -> APIError:
    """The error class for ``status``: documented ones get their own, other 5xx ServerError."""
    kind = _BY_STATUS.get(status)
    if kind is None:
        kind = ServerError if status >= 500 else APIError
    if kind is RateLimited:
        return RateLimited(
            status, message, body=body, method=method, url=url, retry_after=retry_after
        )
    error = kind(status, message, body=body, method=method, url=url)
    if kind is ServerError and status != 500:
        error.status_text = ""
    return error


class _RequestFailure(ScaleError):
    """What a request failed with when no error status says it: a message and where."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.message = message
        self.method = method
        self.url = url
        super().__init__(message)

    def __str__(self) -> str:
        if not self.method:
            return self.message
        return f"{self.method} {redacted_url(self.url)}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class APIConnectionError(_RequestFailure):
    """The network failed: refused, timed out, cut, or an answer past the client's bounds.

    ``url`` is the whole request URL (see :class:`APIError`); ``str(error)``
    shows only its path and parameter names.

    >>> str(APIConnectionError("connection refused", method="GET", url="/v1/x"))
    'GET /v1/x: connection refused'
    """

    def __init__(
        self, message: str, *, method: str = "", url: str = "", reached_server: bool = True
    ) -> None:
        super().__init__(message, method=method, url=url)
        #: False when no connection was made: the request cannot have been applied.
        self.reached_server = reached_server


class DecodingError(_RequestFailure):
    """The server answered, but the body does not decode into what was asked for.

    Not JSON, a ``Content-Encoding`` that does not decompress, or JSON of
    another shape (a record without an ``id``, a write result without a
    ``status``). A read (GET) is retried first, as a transient failure; a
    write is not (it may have been applied). ``url`` as on
    :class:`APIConnectionError`.

    >>> str(DecodingError("the response is not valid JSON", method="GET", url="/v1/x?limit=5"))
    'GET /v1/x?limit=…: the response is not valid JSON'
    """


class PartialWriteError(ScaleError):
    """A ``put`` that failed partway: which records were written and which were not.

    ``results`` holds the ``WriteResult`` of every record of the batches that
    went through (input indices ``0 .. len(results) - 1``); ``not_written``
    the input indices certainly not applied; ``unknown`` the indices of the
    batch whose fate cannot be known (the request reached the server but the
    answer was lost: a read timeout, a 500); ``cause`` the error that stopped
    the write (also ``__cause__``).

    >>> error = PartialWriteError([], not_written=[0, 1], unknown=[], cause=ScaleError("boom"))
    >>> str(error)
    'write stopped after 0 records written; 2 not written: boom'
    """

    def __init__(
        self,
        results: Sequence[WriteResult],
        *,
        not_written: Sequence[int],
        unknown: Sequence[int],
        cause: BaseException,
    ) -> None:
        self.results = list(results)
        self.not_written = list(not_written)
        self.unknown = list(unknown)
        self.cause = cause
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"write stopped after {len(self.results)} records written"]
        if self.unknown:
            parts.append(f"{len(self.unknown)} possibly written (no answer)")
        parts.append(f"{len(self.not_written)} not written")
        return "; ".join(parts) + f": {self.cause}"
