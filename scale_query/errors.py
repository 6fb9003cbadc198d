"""Every error scale-query raises on purpose, in one place (each also at ``scale_query.*``).

The tree, as ``except`` clauses see it::

    ScaleError                      (catch it to catch them all)
    ├── FilterSyntaxError           (also a ValueError) a filter text that does not parse
    ├── UnsupportedSQL              (also a ValueError) a filter a SQL dialect cannot express
    ├── APIError                    the server answered with an error status
    │   ├── BadRequest              400
    │   ├── Unauthorized            401
    │   ├── Forbidden               403
    │   ├── NotFound                404
    │   ├── MethodNotAllowed        405
    │   ├── NotAcceptable           406
    │   ├── RateLimited             429 (.retry_after)
    │   ├── ServerError             500 and any other 5xx
    │   └── ServiceUnavailable      503
    ├── APIConnectionError          no whole answer: refused, timed out, past a bound
    ├── DecodingError               an answer whose body does not decode
    └── PartialWriteError           a put that failed partway (.results, .not_written, .unknown)

    TruncatedResultWarning          (a UserWarning) get() stopped at the server's cap

Bad arguments are ``TypeError`` and ``ValueError``, raised where they are given.
Each class is defined in its wing (the language wing holds ``ScaleError`` so
that every wing shares it); this module is the one place to import them from.

>>> from scale_query import errors
>>> issubclass(errors.NotFound, errors.APIError) and issubclass(errors.APIError, errors.ScaleError)
True
>>> issubclass(errors.DecodingError, errors.APIConnectionError)
False
"""

from .client import (
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
    TruncatedResultWarning,
    Unauthorized,
)
from .language import FilterSyntaxError, ScaleError
from .semantics import UnsupportedSQL

__all__ = [
    "APIConnectionError",
    "APIError",
    "BadRequest",
    "DecodingError",
    "FilterSyntaxError",
    "Forbidden",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "PartialWriteError",
    "RateLimited",
    "ScaleError",
    "ServerError",
    "ServiceUnavailable",
    "TruncatedResultWarning",
    "Unauthorized",
    "UnsupportedSQL",
]
