"""The request core: requests built and responses parsed, with no I/O.

``Client`` and ``AsyncClient`` are thin shells that send what this module
builds and hand back what it parses, so both flavours share every rule:
URLs and headers, the multipart ``objects`` body in US notation, response
shapes, error classes, retry decisions and the paging plan.

>>> settings = Settings.resolve(token="t0k", instance="demo", base_url="http://127.0.0.1:8000/v1/datamart")
>>> request = get_objects_request(settings, Query("contact").where('Nom $eq "x"').limit(5))
>>> request.method, request.url
('GET', 'http://127.0.0.1:8000/v1/datamart/demo/get_objects/contact?filter=Nom%20%24eq%20%22x%22&limit=5')
>>> request.redacted
'/v1/datamart/demo/get_objects/contact?filter=…&limit=…'
>>> "t0k" in repr(settings)
False
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from ..language import to_text
from ..semantics import MAX_INT64, MAX_URL_BYTES, ObjectSchema, check_name, read_flag
from ._exceptions import APIError, DecodingError, error_for_status
from ._models import ObjectSummary, Record, WriteResult
from ._query import Query
from ._urls import (
    DEFAULT_BASE_URL,
    check_base_url,
    check_text,
    endpoint_url,
    redacted_url,
)

__all__ = [
    "BODY_EXCERPT",
    "DEFAULT_PAGE_SIZE",
    "ENVIRONMENT",
    "ERROR_BODY_READ",
    "Request",
    "Settings",
    "error_from_response",
    "get_objects_request",
    "list_objects_request",
    "object_info_request",
    "parse_object_info",
    "parse_object_list",
    "parse_records",
    "parse_write_results",
    "put_objects_request",
    "record_payload",
    "token_pattern",
]

#: Records per request when ``iter`` reads a query that names no page size.
#: Kept under the server's cap per response (1,000 on the emulator), since a
#: page shorter than asked for is how ``iter`` knows it reached the end.
DEFAULT_PAGE_SIZE = 500
#: How much of an error body an exception keeps.
BODY_EXCERPT = 500
#: How much of an error body is read for its message (the rest is ignored).
ERROR_BODY_READ = 64 * 1024


@functools.cache
def _user_agent() -> str:
    from .._version import version

    return f"scale-query/{version()}"


def _check_token(token: str, setting: str) -> str:
    # Never echo the token, not even a part of it: say what is wrong and where.
    if token != token.strip():
        raise ValueError(f"{setting}: the API token has surrounding spaces or a line break")
    for position, char in enumerate(token, 1):
        if "!" <= char <= "~":
            continue
        hint = ""
        if char in "\r\n":
            kind = "a line break"
        elif char.isascii():
            kind = "a space" if char == " " else "a control character"
        else:
            kind = "a non-ASCII character"
            hint = " (often a non-breaking or zero-width space pasted with it)"
        raise ValueError(
            f"{setting}: the API token holds {kind} at position {position} of {len(token)}"
            f"{hint}; an HTTP header takes printable ASCII only"
        )
    return token


def _spellings(char: str) -> str:
    code = ord(char)
    forms = {re.escape(char), f"%{code:02x}", f"%{code:02X}"}
    forms |= {f"\\\\u{code:04x}", f"\\\\u{code:04X}"}
    if char in '/"\\':
        forms.add("\\\\" + re.escape(char))
    # Longest first: the alternation takes the first that matches, and a raw
    # "\\" must not stop a token's last character short of its escape "\\\\".
    return "(?:" + "|".join(sorted(forms, key=lambda form: (-len(form), form))) + ")"


@functools.lru_cache(maxsize=8)
def token_pattern(token: str) -> re.Pattern[str]:
    """A pattern matching ``token`` as written raw, JSON-escaped or percent-encoded.

    One alternation per character and no repetition: a search costs at most
    the text's length times the token's, never more (no backtracking blow-up).

    >>> pattern = token_pattern("a/b")
    >>> bool(pattern.fullmatch("a%2Fb")), bool(pattern.fullmatch("a\\\\/b"))
    (True, True)
    """
    return re.compile("".join(_spellings(char) for char in token))


#: Each setting's environment variable, read when the setting is not passed.
ENVIRONMENT = {"token": "SCALE_TOKEN", "instance": "SCALE_INSTANCE", "base_url": "SCALE_BASE_URL"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where to send requests and with which token (never shown in ``repr``).

    ``sources`` says where each value came from, for messages that name the
    setting to fix: the argument as the caller spells it (``token``,
    ``--token``) or the environment variable (``SCALE_TOKEN``); never a value.

    >>> Settings.resolve(instance="demo", environ={"SCALE_TOKEN": "t0k"}).sources
    {'token': 'SCALE_TOKEN', 'instance': 'instance', 'base_url': 'base_url or SCALE_BASE_URL'}
    """

    instance: str
    base_url: str
    token: str = field(repr=False)
    sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def resolve(
        cls,
        token: str | None = None,
        instance: str | None = None,
        base_url: str | None = None,
        *,
        allow_insecure: bool = False,
        environ: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
        otherwise: str = "",
    ) -> Settings:
        """Fill missing values from ``SCALE_TOKEN``, ``SCALE_INSTANCE``, ``SCALE_BASE_URL``
        and check them all: the one reader of the connection settings.

        ``names`` spells the arguments as the caller's user knows them (the
        command line passes ``{"token": "--token", ...}``), in messages and
        ``sources`` (with ``names``, plain http is offered only if it spells
        ``allow_insecure``); ``otherwise`` is one more way to go on, offered when a
        setting is missing (``try --demo ...``).
        """
        env = os.environ if environ is None else environ
        spelled = {key: key for key in ENVIRONMENT} | dict(names or {})
        given = {"token": token, "instance": instance, "base_url": base_url}
        values: dict[str, str | None] = {}
        sources: dict[str, str] = {}
        for key, variable in ENVIRONMENT.items():
            value = given[key]
            # An empty --base-url means "the default", as an unset variable does.
            if value is not None and (value or key != "base_url"):
                values[key], sources[key] = value, spelled[key]
            elif env.get(variable):
                values[key], sources[key] = env[variable], variable
            else:
                values[key], sources[key] = None, f"{spelled[key]} or {variable}"
        for key, what in (("token", "API token"), ("instance", "instance id")):
            # A setting ``names`` does not spell is the keyword argument.
            how = (names or {}).get(key, f"{key}=")
            if given[key] == "":
                # Given, so it wins over the environment: say so, not "set the variable".
                raise ValueError(
                    f"no {what}: {how} is empty; give a value, or leave {how} out "
                    f"to use {ENVIRONMENT[key]}"
                )
            if not values[key]:
                ways = (
                    f"{how}, set {ENVIRONMENT[key]}, or {otherwise}"
                    if otherwise
                    else (f"{how} or set {ENVIRONMENT[key]}")
                )
                raise ValueError(f"no {what}: pass {ways}")
        token = values["token"]
        if not isinstance(token, str):
            raise TypeError(f"token is a str, not {type(token).__name__}")
        _check_token(token, sources["token"])
        instance = check_name("instance id", values["instance"])
        checked_url = check_base_url(
            values["base_url"] or DEFAULT_BASE_URL,
            setting=sources["base_url"] if values["base_url"] else "base_url",
            secure=not allow_insecure,
            # The command line has --token but no way to allow plain http.
            token_as=names.get("token", "token=") if names else "token=",
            insecure_as=names.get("allow_insecure") if names else "allow_insecure=True",
        )
        return cls(instance, checked_url, token, sources)

    def headers(self) -> dict[str, str]:
        """The headers of every request, the token among them."""
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "User-Agent": _user_agent(),
        }

    def url(
        self,
        endpoint: str,
        object_name: str | None = None,
        params: Sequence[tuple[str, str]] = (),
    ) -> str:
        """The URL of an endpoint (:func:`endpoint_url`, the one URL builder)."""
        return endpoint_url(self.base_url, self.instance, endpoint, object_name, params)

    def redact(self, text: str) -> str:
        """``text`` with the token masked, for anything that may be shown or logged.

        Masked however a server escaped it when echoing it back: each character
        as itself, as a JSON escape (``\\/``, ``\\"``, ``\\\\``, ``\\u002f`` in
        either case) or percent-encoded (``%2F``), in any mix.

        >>> settings = Settings("demo", "https://h/v1", 'a/b"c')
        >>> settings.redact(r'{"error": "bad token a\\/b\\u0022c"}')
        '{"error": "bad token ***"}'
        """
        return token_pattern(self.token).sub("***", text)


@dataclass(frozen=True, slots=True)
class Request:
    """One request as plain data: the shells turn it into an HTTP call.

    ``write`` marks requests that change data (they retry only when the
    server cannot have applied them). ``form`` holds multipart text fields.
    """

    method: str
    url: str
    form: tuple[tuple[str, str], ...] = ()
    write: bool = False
    count: int = 0

    @property
    def redacted(self) -> str:
        """The URL as errors and logs show it: the path and parameter names, no values."""
        return redacted_url(self.url)


def list_objects_request(settings: Settings) -> Request:
    """``GET <instance>/get_object_list``."""
    return Request("GET", settings.url("get_object_list"))


def object_info_request(settings: Settings, name: str) -> Request:
    """``GET <instance>/get_object_info/<name>``."""
    return Request("GET", settings.url("get_object_info", name))


def get_objects_request(settings: Settings, query: Query) -> Request:
    """``GET <instance>/get_objects/<object>?<query parameters>``.

    A URL over :data:`MAX_URL_BYTES` bytes is refused here, before it is sent.
    """
    url = settings.url("get_objects", query.object_name, query.to_params())
    if len(url) > MAX_URL_BYTES:
        raise ValueError(
            f"the get_objects URL would be {len(url):,} bytes, over the client's limit of "
            f"{MAX_URL_BYTES:,}: shorten the filter (split a long $in list over "
            "several queries)"
        )
    return Request("GET", url)


def put_objects_request(
    settings: Settings, name: str, payloads: Sequence[Mapping[str, Any]]
) -> Request:
    """``POST <instance>/put_objects/<name>`` with the multipart field ``objects``.

    ``payloads`` come from :func:`record_payload`.
    """
    body = json.dumps(list(payloads), ensure_ascii=False, separators=(",", ":"))
    return Request(
        "POST",
        settings.url("put_objects", name),
        form=(("objects", body),),
        write=True,
        count=len(payloads),
    )


def _record_id(value: object, where: str) -> int | str:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"{where}: id is an int or a str of digits, not {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{where}: id cannot be negative ({value})")
    elif not (value.isascii() and value.isdigit()):
        raise ValueError(f"{where}: id must be digits (0 to create), not {value!r}")
    else:
        # Leading zeros dropped first: int() of a 5,000-digit text is itself an error.
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(MAX_INT64)):
            raise ValueError(f"{where}: id is over the maximum of {MAX_INT64}")
        value = int(digits)
    if value > MAX_INT64:
        raise ValueError(f"{where}: id is over the maximum of {MAX_INT64}")
    return value


def _text_map(value: object, what: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{where}: {what} is a mapping of names to values")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"{where}: {what} keys are non-empty strings, not {key!r}")
        check_text(key, f"{where}: a {what} key")
        try:
            text = to_text(item)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {what}[{key!r}]: {error}") from None
        # Checked here, before the first batch, not when a later batch is encoded.
        out[key] = check_text(text, f"{where}: {what}[{key!r}]")
    return out


def record_payload(record: Record | Mapping[str, Any], index: int = 0) -> dict[str, Any]:
    """One record as ``put_objects`` wants it: ``{"id":…,"data":{…},"link":{…}}``.

    Values are written in US notation (``to_text`` of the language wing); every
    value is checked to be sendable (UTF-8), so nothing fails once writing began.

    >>> import datetime
    >>> record_payload({"id": 0, "data": {"Born": datetime.date(1990, 6, 12)}})
    {'id': 0, 'data': {'Born': '1990-06-12'}}
    """
    where = f"record {index}"
    if isinstance(record, Record):
        raw: Mapping[str, Any] = {"id": record.id, "data": record.data, "link": record.link}
    elif isinstance(record, Mapping):
        unknown = set(record) - {"id", "data", "link"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}; use id, data and link")
        raw = record
    else:
        raise TypeError(f"{where}: a record is a dict or a Record, not {type(record).__name__}")
    payload: dict[str, Any] = {
        "id": _record_id(raw.get("id", 0), where),
        "data": _text_map(raw.get("data"), "data", where),
    }
    link = _text_map(raw.get("link"), "link", where)
    if link:
        payload["link"] = link
    return payload


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    # The usual case, every value already a string, keeps the parsed dict as it is.
    if type(value) is dict and all(type(v) is str for v in value.values()):
        return value
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON does not have.
    raise ValueError(f"{name} is not JSON")


def decode_json(request: Request, body: bytes) -> Any:
    """The JSON of a response body, or a :class:`DecodingError` saying why it is not."""
    try:
        return json.loads(body, parse_constant=_no_constant)
    except ValueError as error:
        # JSONDecodeError, UnicodeDecodeError, or an integer past int()'s 4,300 digits.
        at = getattr(error, "pos", getattr(error, "start", None))
        what = (
            f"{error}, in {len(body)} bytes"
            if at is None
            else f"{type(error).__name__} at {at} of {len(body)} bytes"
        )
        raise DecodingError(
            f"the response is not valid JSON ({what})",
            method=request.method,
            url=request.url,
        ) from None
    except RecursionError:
        # json.loads recurses once per nesting level: a hostile body can exhaust the stack.
        raise DecodingError(
            f"the response is not the JSON expected: nested too deeply ({len(body)} bytes)",
            method=request.method,
            url=request.url,
        ) from None


def _shape_error(request: Request, expected: str) -> DecodingError:
    return DecodingError(
        f"unexpected response: expected {expected}", method=request.method, url=request.url
    )


def _objects(request: Request, payload: Any) -> list[Any]:
    if isinstance(payload, Mapping):
        objects = payload.get("objects", [])
        if isinstance(objects, list):
            return objects
    raise _shape_error(request, 'a JSON object with an "objects" list')


def parse_records(request: Request, body: bytes) -> list[Record]:
    """The records of a ``get_objects`` response."""
    out = []
    for item in _objects(request, decode_json(request, body)):
        if not isinstance(item, Mapping) or "id" not in item:
            raise _shape_error(request, 'records with an "id"')
        record_id = _id_text(item["id"])
        if record_id is None:
            raise _shape_error(request, "record ids that are whole numbers")
        out.append(Record(record_id, _strings(item.get("data")), _strings(item.get("link"))))
    return out


def _id_text(value: object) -> str | None:
    """A record id as the text of a whole number, or None when it is not one."""
    if type(value) is int and value >= 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    return None


def parse_object_list(request: Request, body: bytes) -> dict[str, ObjectSummary]:
    """The objects of a ``get_object_list`` response, by name."""
    payload = decode_json(request, body)
    if not isinstance(payload, Mapping):
        raise _shape_error(request, "a JSON object of objects")
    out = {}
    for name, entry in payload.items():
        info = entry if isinstance(entry, Mapping) else {}
        out[str(name)] = ObjectSummary(
            str(name),
            acl=str(info.get("acl") or ""),
            created=str(info.get("create_time") or ""),
            updated=str(info.get("update_time") or ""),
        )
    return out


def parse_object_info(request: Request, body: bytes, name: str) -> ObjectSchema:
    """The ``ObjectSchema`` of a ``get_object_info`` response."""
    try:
        return ObjectSchema.from_api(decode_json(request, body), name=name)
    except ValueError as error:
        raise _shape_error(request, f"object metadata ({error})") from None


def parse_write_results(request: Request, body: bytes) -> list[WriteResult]:
    """One ``WriteResult`` per record sent, in the order sent."""
    out = []
    for item in _objects(request, decode_json(request, body)):
        if not isinstance(item, Mapping):
            raise _shape_error(request, "one result object per record")
        if not isinstance(item.get("status"), str) or not item["status"]:
            # Without it, nobody can tell whether the record was written.
            raise _shape_error(request, 'results with a "status"')
        error = item.get("error", item.get("errors"))
        out.append(
            WriteResult(
                status=str(item.get("status", "")),
                id=str(item.get("id", "")),
                created=read_flag(item.get("created", "N")),
                updated=read_flag(item.get("updated", "N")),
                found=read_flag(item.get("found", "N")),
                data=_strings(item.get("data")),
                link=_strings(item.get("link")),
                error=None if not error else _error_text(error),
            )
        )
    if len(out) != request.count:
        raise _shape_error(request, f"{request.count} results, got {len(out)}")
    return out


def _error_text(error: object) -> str:
    if isinstance(error, str):
        return error
    return json.dumps(error, ensure_ascii=False)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    >>> parse_retry_after("2"), parse_retry_after("soon")
    (2.0, None)
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def error_from_response(
    settings: Settings, request: Request, status: int, headers: Mapping[str, str], body: bytes
) -> APIError:
    """The error for a failed response: the server's message, an excerpt, the token masked."""
    # Only the head of a long error body is read: masking costs the text's
    # length times the token's, and no server message is longer.
    text = settings.redact(body[:ERROR_BODY_READ].decode("utf-8", "replace"))
    message = ""
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past json's recursion
        payload = None
    if isinstance(payload, Mapping):
        for key in ("message", "error", "detail", "msg"):
            if payload.get(key):
                message = _error_text(payload[key])
                break
    if not message:
        message = text.strip()[:200]
    # The JSON decoding above turned escapes back into characters: mask again.
    message = settings.redact(message)
    excerpt = text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + "…"
    retry_after = parse_retry_after(_header(headers, "retry-after"))
    return error_for_status(
        status,
        message,
        body=excerpt,
        method=request.method,
        url=settings.redact(request.url),
        retry_after=retry_after,
    )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
