"""scale-query: the Scal-e datamart filter language, queries and client.

>>> import datetime, scale_query as sq
>>> print(sq.Q("Nom").like("*S*") & sq.Q("DateNaissance").gt(datetime.date(1990, 6, 12)))
Nom $like "*S*" $and DateNaissance $gt "1990-06-12"

The public API is the union of the wings' tables (each wing's ``__all__``,
checked by ruff against its imports): :mod:`scale_query.language` and
:mod:`scale_query.semantics`, imported at once, and :mod:`scale_query.client`,
whose names load on first use, so that ``import scale_query`` and
``scale-query check`` never pay for JSON-over-HTTP machinery or httpx. Every
public class and function shows ``scale_query`` as its module, as httpx's do.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from . import client, language, semantics
from .language import *
from .language._public import show_as_public
from .semantics import *

if TYPE_CHECKING:
    from .client import *

__all__ = ["__version__"]  # read from the package metadata (_version) by __getattr__
__all__ += language.__all__
__all__ += semantics.__all__
__all__ += client.__all__  # loaded on first use, see scale_query.client

# Old names kept for one release (0.2 removes them): old name -> new name.
_DEPRECATED = {
    "ObjectInfo": "ObjectSummary",
    "TransportError": "APIConnectionError",
    "WriteError": "PartialWriteError",
}

show_as_public(globals(), __all__)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import version

        value: Any = version()
    elif name in client.__all__:
        value = getattr(client, name)
    elif name in _DEPRECATED:
        new = _DEPRECATED[name]
        warnings.warn(
            f"scale_query.{name} is deprecated; use scale_query.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(__import__(__name__), new)
    else:
        raise AttributeError(f"module 'scale_query' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
