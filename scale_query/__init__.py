"""scale-query: the Scal-e datamart filter language, queries and client.

>>> import datetime, scale_query as sq
>>> print(sq.Q("Nom").like("*S*") & sq.Q("DateNaissance").gt(datetime.date(1990, 6, 12)))
Nom $like "*S*" $and DateNaissance $gt "1990-06-12"

The public API is the union of the wings' tables (each wing's ``__all__``,
checked by ruff against its imports): :mod:`scale_query.language`,
:mod:`scale_query.semantics` and :mod:`scale_query.client`. Every public class
and function shows ``scale_query`` as its module, as httpx's do. ``Client``
and ``AsyncClient`` need httpx and are imported on first use, so ``import
scale_query`` stays cheap and ``scale-query check`` never loads the HTTP client.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import TYPE_CHECKING, Any

from . import client, language, semantics
from .client import *
from .language import *
from .semantics import *

if TYPE_CHECKING:
    from .client import AsyncClient, Client

__all__ = ["__version__"]
__all__ += language.__all__
__all__ += semantics.__all__
__all__ += client.__all__
__all__ += ["AsyncClient", "Client"]  # client.NEEDS_HTTPX, loaded on first use

# Old names kept for one release (0.2 removes them): old name -> new name.
_DEPRECATED = {
    "ObjectInfo": "ObjectSummary",
    "TransportError": "APIConnectionError",
    "WriteError": "PartialWriteError",
}


def _show_as_public(value: object) -> None:
    # Reprs, help() and tracebacks show scale_query.Condition, not the private
    # module that happens to define it today.
    if isinstance(value, type) or (callable(value) and hasattr(value, "__module__")):
        with contextlib.suppress(AttributeError, TypeError):  # a typing alias, say
            value.__module__ = __name__


for _name in __all__:
    if _name in globals():
        _show_as_public(globals()[_name])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import version

        value: Any = version()
    elif name in client.NEEDS_HTTPX:
        value = getattr(client, name)
        _show_as_public(value)
    elif name in _DEPRECATED:
        new = _DEPRECATED[name]
        warnings.warn(
            f"scale_query.{name} is deprecated; use scale_query.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
    else:
        raise AttributeError(f"module 'scale_query' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
