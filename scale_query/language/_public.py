"""Public names show ``scale_query`` as their module, as httpx's do.

Reprs, ``help()`` and tracebacks then say ``scale_query.Condition`` rather than
the private module that happens to define it today. Each wing marks its own
exports when they load (the client's on first use), so the path is public
however a name was reached.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

__all__ = ["PACKAGE", "show_as_public"]

#: The module every public name claims.
PACKAGE = "scale_query"


def show_as_public(namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Set ``__module__`` to :data:`PACKAGE` on the classes and functions named."""
    for name in names:
        value = namespace.get(name)
        if isinstance(value, type) or (callable(value) and hasattr(value, "__code__")):
            with contextlib.suppress(AttributeError, TypeError):
                value.__module__ = PACKAGE
