"""``[tool.scale-query]`` from the nearest ``pyproject.toml``.

Keys: ``schema`` (a file or folder of saved ``get_object_info`` responses,
or a list of them), ``select``, ``extend-select`` and ``ignore`` (code
prefixes, ``ALL``), ``include`` (paths checked when none are given),
``exclude`` (globs skipped while searching folders), ``filter-files`` (globs of
more files in the filter-file format), ``objects`` (a table of globs to the
object their filter files query), ``filter-calls`` (the user's own functions
that take a filter) and ``line-length`` (for ``fmt``). Paths are relative to
the folder holding the ``pyproject.toml``. Command-line flags win over the
file. See docs/ci.md.

```toml
[tool.scale-query]
schema = "schemas"
extend-select = ["SQ107"]
exclude = ["legacy/*"]
filter-calls = ["myapp.db.find_contacts"]

[tool.scale-query.objects]
"filters/orders/*.filter" = "orders"
```
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from .._errors import UsageError

__all__ = ["Config", "FilterCall", "find_pyproject", "load_config", "split_codes"]

_KEYS = frozenset(
    {
        "schema",
        "select",
        "extend-select",
        "ignore",
        "include",
        "exclude",
        "filter-files",
        "objects",
        "filter-calls",
        "line-length",
    }
)


class FilterCall(NamedTuple):
    """A user's function that takes a filter: its name, which argument, the object it queries.

    ``name`` is dotted as the file's imports resolve it (``myapp.db.find``), or
    a bare name, which matches any call of that name (``find(...)``,
    ``repo.find(...)``). ``argument`` is the 0-based position of the filter.
    """

    name: str
    argument: int = 0
    object: str | None = None


class Config(NamedTuple):
    """Settings read from ``[tool.scale-query]`` (defaults when there is none)."""

    root: str | None = None
    schema: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    filter_files: tuple[str, ...] = ()
    objects: tuple[tuple[str, str], ...] = ()
    filter_calls: tuple[FilterCall, ...] = ()
    line_length: int | None = None
    source: str = ""

    def object_for(self, path: str) -> str | None:
        """The object that the ``objects`` globs give a filter file, or None."""
        from ._discover import matches

        for pattern, obj in self.objects:
            if matches(path, [pattern], self.root):
                return obj
        return None


def find_pyproject(start: str) -> str | None:
    """The nearest ``pyproject.toml`` in folder ``start`` or a folder above it."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def split_codes(value: object, where: str) -> tuple[str, ...]:
    """Code prefixes from ``"SQ1,SQ201"`` or ``["SQ1", "SQ201"]``."""
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list):
        items = list(value)
    else:
        raise UsageError(f"{where}: expected a list of rule codes, got {value!r}")
    codes = []
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"{where}: a rule code is a string, not {item!r}")
        if item.strip():
            codes.append(item.strip().upper())
    return tuple(codes)


def _paths(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UsageError(f"{where}: expected a list of paths, got {value!r}")


def _objects(value: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
    ):
        raise UsageError(f"{where}: expected a table of globs to object names, got {value!r}")
    return tuple(value.items())


def _calls(value: object, where: str) -> tuple[FilterCall, ...]:
    if not isinstance(value, list):
        raise UsageError(f"{where}: expected a list of function names, got {value!r}")
    calls = []
    for item in value:
        if isinstance(item, str) and item:
            calls.append(FilterCall(item))
            continue
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            unknown = set(item) - {"name", "argument", "object"}
            argument = item.get("argument", 0)
            obj = item.get("object")
            if (
                not unknown
                and isinstance(argument, int)
                and not isinstance(argument, bool)
                and argument >= 0
                and (obj is None or (isinstance(obj, str) and obj))
            ):
                calls.append(FilterCall(item["name"], argument, obj))
                continue
        raise UsageError(
            f"{where}: {item!r} is not a function name nor "
            "{{name = ..., argument = N, object = ...}}"
        )
    return tuple(calls)


def _table(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read (not UTF-8 text)") from None
    # Most pyproject files have no section of ours: spare them the TOML parser.
    if "scale-query" not in text:
        return None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: invalid TOML ({error})") from None
    except RecursionError:  # tomllib reads nested arrays recursively
        raise UsageError(f"{path}: invalid TOML (nested too deeply)") from None
    table = data.get("tool", {}).get("scale-query")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.scale-query] must be a table")
    return table


def _schema_path(root: str, value: str) -> str:
    """A schema value with its path made relative to the configuration's folder."""
    name, sep, path = value.partition("=")
    if sep and name and not os.path.exists(os.path.join(root, value)):
        return f"{name}={_relative(os.path.join(root, path))}"
    return _relative(os.path.join(root, value))


def _relative(path: str) -> str:
    """``path`` as shown to the user: relative to the current folder when below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def load_config(start: str) -> Config:
    """The settings of the nearest ``pyproject.toml`` above folder ``start``."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Config()
    table = _table(pyproject)
    if table is None:
        return Config()
    where = f"{pyproject}: [tool.scale-query]"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    root = os.path.dirname(pyproject)
    schema = _paths(table.get("schema", []), f"{where} schema")
    line_length = table.get("line-length")
    if line_length is not None and (
        not isinstance(line_length, int) or isinstance(line_length, bool) or line_length < 1
    ):
        raise UsageError(f"{where}: line-length must be a positive integer")
    return Config(
        root=root,
        schema=tuple(_schema_path(root, value) for value in schema),
        select=split_codes(table["select"], f"{where} select") if "select" in table else None,
        extend_select=split_codes(table.get("extend-select", []), f"{where} extend-select"),
        ignore=split_codes(table.get("ignore", []), f"{where} ignore"),
        include=tuple(
            _relative(os.path.join(root, p))
            for p in _paths(table.get("include", []), f"{where} include")
        ),
        exclude=_paths(table.get("exclude", []), f"{where} exclude"),
        filter_files=_paths(table.get("filter-files", []), f"{where} filter-files"),
        objects=_objects(table.get("objects", {}), f"{where} objects"),
        filter_calls=_calls(table.get("filter-calls", []), f"{where} filter-calls"),
        line_length=line_length,
        source=pyproject,
    )
