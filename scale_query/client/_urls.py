"""The one URL builder: endpoint URLs, query strings, and URLs as errors and logs show them.

``Query.to_url`` and the request core (``_protocol``) both build their URLs
here, so the URL a user prints is the URL the client sends, byte for byte.

>>> endpoint_url("https://h/v1/datamart", "demo", "get_objects", "contact", [("limit", "5")])
'https://h/v1/datamart/demo/get_objects/contact?limit=5'
>>> redacted_url("https://h/v1/datamart/demo/get_objects/contact?filter=EMail%20%24eq%20%22jo%40x.net%22&limit=5")
'/v1/datamart/demo/get_objects/contact?filter=…&limit=…'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..semantics import check_name

__all__ = [
    "DEFAULT_BASE_URL",
    "LOOPBACK_HOSTS",
    "check_base_url",
    "check_text",
    "encode_params",
    "endpoint_url",
    "redacted_url",
]

DEFAULT_BASE_URL = "https://api.scal-e.com/v1/datamart"
#: Hosts that plain ``http://`` may reach: the token never leaves the machine.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})

# A host name: labels of ASCII letters, digits, "-" and "_" (which some
# internal hosts use), separated by single dots.
_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")
# Characters no base URL may hold: controls, spaces and the other
# characters a URL never holds raw.
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]")


def check_text(text: str, what: str) -> str:
    """Return ``text`` if it can be sent as UTF-8, else a ValueError naming ``what`` and where.

    A lone surrogate (``'\\udc80'``, what ``surrogateescape`` leaves of a byte
    that was not UTF-8) cannot be encoded; the message gives its position, not
    the text, which may be personal data.

    >>> check_text("Zoé", "data['Nom']")
    'Zoé'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"{what} holds a lone surrogate (U+{ord(text[error.start]):04X} at index "
            f"{error.start}), which cannot be sent as UTF-8: decode the source text "
            "with its real encoding"
        ) from None
    return text


def check_base_url(
    base_url: object,
    *,
    setting: str = "base_url",
    secure: bool = False,
    token_as: str = "token=",
    insecure_as: str | None = "allow_insecure=True",
) -> str:
    """Return ``base_url`` without its trailing ``/`` if it is a usable API base URL.

    Else a ValueError naming ``setting``. With ``secure``, plain ``http://``
    is refused except to a loopback host (the token would travel in clear).
    A URL holding credentials is refused without being echoed. ``token_as``
    and ``insecure_as`` spell, in messages, how the caller passes a token and
    allows plain http (None: it cannot), as ``setting`` spells the URL.

    >>> check_base_url("http://127.0.0.1:8765/v1/datamart/", secure=True)
    'http://127.0.0.1:8765/v1/datamart'
    """
    if not isinstance(base_url, str):
        raise TypeError(f"{setting} is a str, not {type(base_url).__name__}")
    # Credentials first, before any message could echo them.
    if "@" in base_url.partition("//")[2].partition("/")[0]:
        raise ValueError(f"{setting} must not hold credentials: pass the token as {token_as}")
    try:
        parts = urlsplit(base_url)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{setting} {base_url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{setting} must be https://host/..., not {base_url!r}")
    if (bad := _NOT_IN_URL.search(base_url)) is not None:
        raise ValueError(
            f"{setting} {base_url!r} holds {bad.group()!r} at index {bad.start()}, "
            "which a URL cannot hold"
        )
    if "?" in base_url or "#" in base_url:
        raise ValueError(f"{setting} takes no query string or fragment: {base_url!r}")
    if "@" in parts.path:
        # Legal in a path, but read as credentials by people and some tools.
        raise ValueError(f"{setting} {base_url!r} holds '@' in its path: write it as %40")
    if parts.netloc.endswith(":"):
        raise ValueError(f"{setting} {base_url!r} is not a valid URL: no port number after ':'")
    if port == 0:
        raise ValueError(f"{setting} {base_url!r} is not a valid URL: port 0 cannot be reached")
    if any(segment in (".", "..") for segment in unquote(parts.path).split("/")):
        # httpx would resolve them: ".../v1/../../x" would send the token to /x.
        raise ValueError(
            f"{setting} {base_url!r} holds a '.' or '..' path segment: write the path it means"
        )
    if not parts.hostname.isascii():
        # IDNA has two standards and several libraries: the ASCII form is unambiguous.
        raise ValueError(f"{setting} {base_url!r}: write the host name in its ASCII (xn--) form")
    if not _valid_host(parts.hostname):
        raise ValueError(f"{setting} {base_url!r} is not a valid URL: bad host name")
    if secure and parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        otherwise = f" (or {insecure_as})" if insecure_as else ""
        raise ValueError(
            f"{setting}: refusing plain http:// to {parts.hostname}: the token would travel "
            f"in clear; use https://{otherwise}"
        )
    return base_url.rstrip("/")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    return _HOST.fullmatch(host) is not None


def encode_params(params: Sequence[tuple[str, str]]) -> str:
    """A query string with every reserved character percent-encoded (spaces as ``%20``).

    A value that cannot be encoded is a ValueError naming the parameter.

    >>> encode_params([("filter", 'Nom $eq "a b"'), ("limit", "5")])
    'filter=Nom%20%24eq%20%22a%20b%22&limit=5'
    """
    for name, value in params:
        check_text(value, f"query parameter {name}")
    return urlencode(params, quote_via=quote, safe="")


def endpoint_url(
    base_url: str,
    instance: str,
    endpoint: str,
    object_name: str | None = None,
    params: Sequence[tuple[str, str]] = (),
) -> str:
    """The URL of ``endpoint``: names checked and percent-encoded, so none can change the path.

    ``base_url`` is taken as given (check it with :func:`check_base_url`).
    """
    url = f"{base_url.rstrip('/')}/{quote(check_name('instance id', instance), safe='')}/{endpoint}"
    if object_name is not None:
        url += "/" + quote(check_name("object name", object_name), safe="")
    return f"{url}?{encode_params(params)}" if params else url


def redacted_url(url: str) -> str:
    """``url`` as errors and logs show it: the path and the parameter names, no values.

    Filter values are often personal data (e-mail addresses); the full URL
    stays on the exception (``error.url``) for who needs it.
    """
    parts = urlsplit(url)
    names = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if not names:
        return parts.path
    return parts.path + "?" + "&".join(f"{quote(name, safe='')}=…" for name in names)
