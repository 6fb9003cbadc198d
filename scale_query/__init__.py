"""scale-query: the Scal-e datamart filter language, queries and client.

>>> import datetime, scale_query as sq
>>> print(sq.Q("Nom").like("*S*") & sq.Q("DateNaissance").gt(datetime.date(1990, 6, 12)))
Nom $like "*S*" $and DateNaissance $gt "1990-06-12"

Names are imported on first use, so ``import scale_query`` stays cheap and the
linter never loads the HTTP client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._ast import (
        And,
        Condition,
        Expr,
        Op,
        Or,
        Span,
    )
    from ._builder import (
        Q,
        and_,
        or_,
    )
    from ._client import (
        AsyncClient,
        Client,
    )
    from ._evaluate import (
        evaluate,
    )
    from ._exceptions import (
        APIError,
        BadRequest,
        Forbidden,
        MethodNotAllowed,
        NotAcceptable,
        NotFound,
        RateLimited,
        ScaleError,
        ServerError,
        ServiceUnavailable,
        TransportError,
        Unauthorized,
        WriteError,
    )
    from ._models import (
        ObjectInfo,
        Record,
        WriteResult,
    )
    from ._parser import (
        parse,
    )
    from ._query import (
        Query,
    )
    from ._render import (
        render,
    )
    from ._retry import (
        RetryPolicy,
    )
    from ._schema import (
        FieldInfo,
        ObjectSchema,
    )
    from ._syntax_error import (
        FilterSyntaxError,
    )
    from ._validate import (
        Diagnostic,
        validate,
    )

__version__ = "0.1.0"

_EXPORTS = {
    "And": "_ast",
    "Condition": "_ast",
    "Expr": "_ast",
    "Op": "_ast",
    "Or": "_ast",
    "Span": "_ast",
    "Q": "_builder",
    "and_": "_builder",
    "or_": "_builder",
    "Client": "_client",
    "AsyncClient": "_client",
    "evaluate": "_evaluate",
    "ScaleError": "_exceptions",
    "APIError": "_exceptions",
    "BadRequest": "_exceptions",
    "Unauthorized": "_exceptions",
    "Forbidden": "_exceptions",
    "NotFound": "_exceptions",
    "MethodNotAllowed": "_exceptions",
    "NotAcceptable": "_exceptions",
    "RateLimited": "_exceptions",
    "ServerError": "_exceptions",
    "ServiceUnavailable": "_exceptions",
    "TransportError": "_exceptions",
    "WriteError": "_exceptions",
    "Record": "_models",
    "ObjectInfo": "_models",
    "RetryPolicy": "_retry",
    "WriteResult": "_models",
    "parse": "_parser",
    "Query": "_query",
    "render": "_render",
    "ObjectSchema": "_schema",
    "FieldInfo": "_schema",
    "FilterSyntaxError": "_syntax_error",
    "Diagnostic": "_validate",
    "validate": "_validate",
}

__all__ = [
    "APIError",
    "And",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Condition",
    "Diagnostic",
    "Expr",
    "FieldInfo",
    "FilterSyntaxError",
    "Forbidden",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "ObjectInfo",
    "ObjectSchema",
    "Op",
    "Or",
    "Q",
    "Query",
    "RateLimited",
    "Record",
    "RetryPolicy",
    "ScaleError",
    "ServerError",
    "ServiceUnavailable",
    "Span",
    "TransportError",
    "Unauthorized",
    "WriteError",
    "WriteResult",
    "__version__",
    "and_",
    "evaluate",
    "or_",
    "parse",
    "render",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scale_query' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
