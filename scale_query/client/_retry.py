"""Retry decisions without I/O: which failures to retry, how long to wait, the loop's state.

Reads retry 429, 500, 503, network failures and bodies that do not decode
(a corrupt 200); writes only what cannot have
been applied (429, 503, a connection never made), so a retry never writes a
record twice. Waits grow exponentially with full jitter, capped, and honour
``Retry-After``.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass

from ._exceptions import APIConnectionError, DecodingError
from ._protocol import Request, Settings, error_from_response

__all__ = ["Attempts", "Failure", "RetryPolicy"]

_log = logging.getLogger("scale_query")


class Failure(enum.Enum):
    """How a request failed, for the retry decision."""

    #: No connection was made (refused, connect timeout): nothing reached the server.
    CONNECT = "connect"
    #: The request was sent but no (whole) answer came: it may have been applied.
    NO_ANSWER = "no answer"
    #: An answer came, but its body does not decode: a read retries, a write may be applied.
    CORRUPT = "corrupt body"


_RETRY_READ = frozenset({429, 500, 503})
_RETRY_WRITE = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to retry and how long to wait: exponential backoff with full jitter.

    Reads retry 429, 500, 503, any network failure and a body that does not
    decode (:class:`DecodingError`); writes retry only 429,
    503 and a connection never made, so a retry never applies a write twice.
    A ``Retry-After`` is honoured; one longer than ``cap`` is not waited for
    (the error is raised, with ``retry_after`` set).

    >>> RetryPolicy(retries=3).delay(False, 1, 0, Failure.NO_ANSWER) is None
    True
    """

    retries: int = 3
    base: float = 0.5
    cap: float = 30.0

    def __post_init__(self) -> None:
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise ValueError(f"retries must be a whole number >= 0, not {self.retries!r}")
        if self.base < 0 or self.cap < 0:
            raise ValueError("backoff base and cap cannot be negative")

    def retryable(self, write: bool, outcome: int | Failure) -> bool:
        """Whether a failure of this kind may be retried at all."""
        if isinstance(outcome, Failure):
            return outcome is Failure.CONNECT or not write
        return outcome in (_RETRY_WRITE if write else _RETRY_READ)

    def delay(
        self,
        write: bool,
        attempt: int,
        outcome: int | Failure,
        retry_after: float | None = None,
        rand: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before retry number ``attempt`` (from 1), or None to give up."""
        if attempt > self.retries or not self.retryable(write, outcome):
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.cap else None
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return (rand or random).uniform(0, ceiling)


class Attempts:
    """The retry loop of one request, without the I/O: the shells report each outcome.

    ``answered`` returns the body of a good answer, or None to retry after
    ``wait`` seconds; ``failed`` (a network failure) returns the wait. Both
    raise the error when the policy gives up. Each attempt is logged to the
    ``scale_query`` logger: method, path and parameter names (no values:
    filter values may be personal data), status, duration, attempt; never the
    token or record data.
    """

    def __init__(self, settings: Settings, policy: RetryPolicy, request: Request) -> None:
        self.settings = settings
        self.policy = policy
        self.request = request
        self.attempt = 1
        self.wait = 0.0

    def answered(
        self, status: int, headers: Mapping[str, str], body: bytes, duration: float
    ) -> bytes | None:
        """Handle a response; the body if it is a success."""
        self._log(str(status), duration)
        if status < 400:
            return body
        error = error_from_response(self.settings, self.request, status, headers, body)
        retry_after = getattr(error, "retry_after", None)
        self._next(status, error, retry_after)
        return None

    def failed(self, failure: Failure, message: str, duration: float) -> float:
        """Handle a network failure or a corrupt body; the seconds to wait before trying again."""
        self._log(failure.value, duration)
        error: Exception
        if failure is Failure.CORRUPT:
            error = DecodingError(
                self.settings.redact(message), method=self.request.method, url=self.request.url
            )
        else:
            error = APIConnectionError(
                self.settings.redact(message),
                method=self.request.method,
                url=self.request.url,
                reached_server=failure is not Failure.CONNECT,
            )
        self._next(failure, error, None)
        return self.wait

    def _next(self, outcome: int | Failure, error: Exception, retry_after: float | None) -> None:
        wait = self.policy.delay(self.request.write, self.attempt, outcome, retry_after)
        if wait is None:
            # The httpx error behind it holds the request, headers and token included.
            raise error from None
        _log.info(
            "retrying %s %s in %.2f s after %s (attempt %d of %d)",
            self.request.method,
            self.request.redacted,
            wait,
            outcome.value if isinstance(outcome, Failure) else outcome,
            self.attempt + 1,
            self.policy.retries + 1,
        )
        self.attempt += 1
        self.wait = wait

    def _log(self, outcome: str, duration: float) -> None:
        _log.debug(
            "%s %s -> %s in %.1f ms (attempt %d)",
            self.request.method,
            self.request.redacted,
            outcome,
            duration * 1000,
            self.attempt,
        )
