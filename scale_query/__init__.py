"""scale-query: the Scal-e datamart filter language, queries and client.

>>> import datetime, scale_query as sq
>>> print(sq.Q("Nom").like("*S*") & sq.Q("DateNaissance").gt(datetime.date(1990, 6, 12)))
Nom $like "*S*" $and DateNaissance $gt "1990-06-12"

The public API is the union of the wings' tables (each wing's ``__all__``,
checked by ruff against its imports): :mod:`scale_query.language`, whose
names are here at once, then :mod:`scale_query.semantics` and
:mod:`scale_query.client`, whose names are looked up in their wing on first
use; :mod:`scale_query.errors` holds every error class (its docstring
draws the tree). The wings load what a name needs only when it is asked for (the SQL
compiler, the HTTP machinery, httpx), so that ``import scale_query`` and
``scale-query check`` stay cheap. Every public class and function shows
``scale_query`` as its module, as httpx's do.
"""

# No "from __future__ import annotations" and no bare typing names: every
# public name here is in __all__ (tests/test_packaging.py holds it so).
import typing as _typing

from . import client, language, semantics
from .language import *

if _typing.TYPE_CHECKING:
    from .client import *
    from .semantics import *

__all__ = ["__version__"]  # read from the package metadata (_version) by __getattr__
__all__ += language.__all__
__all__ += semantics.__all__
__all__ += client.__all__


def __getattr__(name: str) -> _typing.Any:
    if name == "__version__":
        from ._version import version

        value: _typing.Any = version()
    elif name in semantics.__all__:
        value = getattr(semantics, name)
    elif name in client.__all__:
        value = getattr(client, name)
    elif name == "errors":
        # A submodule, loaded on first use like the client's names it holds
        # (not "from . import errors": that asks this very function first).
        import importlib

        return importlib.import_module(f"{__name__}.errors")
    else:
        raise AttributeError(f"module 'scale_query' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
