"""The client wing: queries, records, errors, the request core and the clients.

Holds ``Query`` (``_query``) and the one URL builder (``_urls``), the records
and results (``_models``), the errors (``_exceptions``), the sans-IO request
core (``_protocol``: requests built and responses read, ``_retry``,
``_paging``, ``_batches``) and the sync and async clients (``_client``, the
only module that imports httpx, loaded on first use of ``Client`` or
``AsyncClient``).

May import: the language and semantics wings, the standard library, and httpx
in ``_client`` only. Never the emulator or the command line.

>>> from scale_query.client import Query
>>> Query("contact").where('Nom $eq "x"').limit(5).to_params()
[('filter', 'Nom $eq "x"'), ('limit', '5')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._exceptions import (
    APIConnectionError,
    APIError,
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PartialWriteError,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
)
from ._models import ObjectSummary, Record, WriteResult
from ._paging import Page, TruncatedResultWarning
from ._query import Query
from ._retry import RetryPolicy
from ._typed import TypedRecord

if TYPE_CHECKING:
    from ._client import AsyncClient as AsyncClient
    from ._client import Client as Client

__all__ = [
    "APIConnectionError",
    "APIError",
    "BadRequest",
    "Forbidden",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "ObjectSummary",
    "Page",
    "PartialWriteError",
    "Query",
    "RateLimited",
    "Record",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailable",
    "TruncatedResultWarning",
    "TypedRecord",
    "Unauthorized",
    "WriteResult",
]

#: The names that need httpx, left out of ``__all__``: imported on first use,
#: so that ``import scale_query`` (and ``scale-query check``) never loads it.
NEEDS_HTTPX = ("AsyncClient", "Client")


def __getattr__(name: str) -> Any:
    if name in NEEDS_HTTPX:
        from . import _client

        value = getattr(_client, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scale_query.client' has no attribute {name!r}")
