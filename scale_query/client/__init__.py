"""The client wing: queries, records, errors, the request core and the clients.

Holds ``Query`` (``_query``, on the semantics wing's URL rules) and the one
URL builder (``_urls``), the records
and results (``_models``), the errors (``_exceptions``), the sans-IO request
core (``_protocol``: requests built and responses read, ``_retry``,
``_paging``, ``_batches``), Arrow and typed records (``_arrow``, ``_typed``),
the per-request deadline and body bound (``_deadline``, on httpcore) and the
sync and async clients (``_client``, the only module that imports httpx,
loaded on first use of ``Client`` or ``AsyncClient``).

May import: the language and semantics wings, the standard library, and httpx
in ``_client`` only. Never the emulator or the command line.

>>> from scale_query.client import Query
>>> Query("contact").where('Nom $eq "x"').limit(5).to_params()
[('filter', 'Nom $eq "x"'), ('limit', '5')]
"""

# No "from __future__ import annotations" and only private helper names: the
# public namespace is __all__ (tests/test_packaging.py holds it so).
import typing as _typing
from importlib import import_module as _import_module

from ..language import show_as_public as _show_as_public

if _typing.TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from ._exceptions import (
        APIConnectionError,
        APIError,
        BadRequest,
        DecodingError,
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

__all__ = [
    "APIConnectionError",
    "APIError",
    "AsyncClient",
    "BadRequest",
    "Client",
    "DecodingError",
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

# Where the names above live, looked through in this order on first use.
# Nothing of the client wing (json, urllib, logging, email, httpx) is imported
# before one of its names is asked for, so ``import scale_query`` and
# ``scale-query check`` never pay for the HTTP machinery.
_MODULES = ("_exceptions", "_models", "_query", "_paging", "_retry", "_typed", "_client")

# The door's inner side: what the other wings use. Not public: not in __all__,
# never cached in the namespace, looked up on each import.
_INNER = {
    "INSTALL_HINT": "_arrow",
    "arrow_schema": "_arrow",
    "record_batches": "_arrow",
    "columns_of": "_arrow",
    "require_pyarrow": "_arrow",
    "ScaleError": "_exceptions",
    "DEFAULT_PAGE_SIZE": "_protocol",
    "record_payload": "_protocol",
    "Settings": "_protocol",
    "DEFAULT_BASE_URL": "_urls",
}
if _typing.TYPE_CHECKING:
    from ._arrow import INSTALL_HINT as INSTALL_HINT
    from ._arrow import arrow_schema as arrow_schema
    from ._arrow import columns_of as columns_of
    from ._arrow import record_batches as record_batches
    from ._arrow import require_pyarrow as require_pyarrow
    from ._exceptions import ScaleError as ScaleError
    from ._protocol import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE
    from ._protocol import Settings as Settings
    from ._protocol import record_payload as record_payload
    from ._urls import DEFAULT_BASE_URL as DEFAULT_BASE_URL


def __getattr__(name: str) -> _typing.Any:
    if name in _INNER:
        return getattr(_import_module(f".{_INNER[name]}", __name__), name)
    if name in __all__:
        for module_name in _MODULES:
            module = _import_module(f".{module_name}", __name__)
            exported = [n for n in getattr(module, "__all__", ()) if n in __all__]
            # Every module loaded so far shows its public names as scale_query's,
            # also where a user meets them without asking (a Page from get()).
            _show_as_public(vars(module), exported)
            if name in exported:
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'scale_query.client' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
