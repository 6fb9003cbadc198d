"""Public names show ``scale_query`` as their module, as httpx's do; doors load names lazily.

Reprs, ``help()`` and tracebacks then say ``scale_query.Condition`` rather than
the private module that happens to define it today. Each wing marks its own
exports when they load (the client's on first use), so the path is public
however a name was reached.

:func:`lazy_door` is the one module ``__getattr__`` of the wings whose names
load on first use (an optional extra's library, or a module ``check`` never
needs): the emulator, dlt, spark and semantics doors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["PACKAGE", "lazy_door", "show_as_public"]

#: The module every public name claims.
PACKAGE = "scale_query"


def show_as_public(namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Set ``__module__`` to :data:`PACKAGE` on the classes and functions named."""
    for name in names:
        value = namespace.get(name)
        if isinstance(value, type) or (callable(value) and hasattr(value, "__code__")):
            with contextlib.suppress(AttributeError, TypeError):
                value.__module__ = PACKAGE


def lazy_door(
    namespace: dict[str, Any],
    exports: Mapping[str, str],
    inner: Mapping[str, str] | None = None,
    *,
    extra: Iterable[str] = (),
    hint: str = "",
    public: bool = False,
) -> Callable[[str], Any]:
    """A package's ``__getattr__``: each name imports its module on first use.

    ``exports`` maps a public name to the private module holding it; the
    value is then kept in ``namespace`` (the package's ``globals()``) and,
    with ``public``, shows :data:`PACKAGE` as its module. ``inner`` maps the
    names other wings use, looked up on each access and never kept. When the
    module cannot load because a top-level module named in ``extra`` is
    missing, the error says ``hint`` (how to install the extra) instead.

    >>> namespace = {"__name__": "scale_query.language"}
    >>> door_getattr = lazy_door(namespace, {"closest": "_suggest"})
    >>> door_getattr("closest") is namespace["closest"]
    True
    """
    package = namespace["__name__"]
    missing_extra = frozenset(extra)

    def load(module_name: str) -> Any:
        try:
            return import_module(f".{module_name}", package)
        except ModuleNotFoundError as error:
            top = (error.name or "").split(".")[0]
            if top in missing_extra:
                raise ModuleNotFoundError(f"{hint} ({error.name} is missing)") from None
            raise

    def __getattr__(name: str) -> Any:
        if inner is not None and name in inner:
            return getattr(load(inner[name]), name)
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = load(module_name)
        if public:
            show_as_public(vars(module), [n for n, m in exports.items() if m == module_name])
        value = getattr(module, name)
        namespace[name] = value
        return value

    return __getattr__
