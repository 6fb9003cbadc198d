"""``[tool.scale-query]`` from the nearest ``pyproject.toml``.

Keys: ``schema`` (a saved ``get_object_info`` response), ``select`` and
``ignore`` (code prefixes), ``include`` (paths checked when none are given),
``exclude`` (globs skipped while searching folders) and ``line-length`` (for
``fmt``). Paths are relative to the folder holding the ``pyproject.toml``.
Command-line flags win over the file.

```toml
[tool.scale-query]
schema = "schemas/contact.json"
ignore = ["SQ107"]
exclude = ["legacy/*"]
```
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from ._errors import UsageError

__all__ = ["Config", "find_pyproject", "load_config", "split_codes"]

_KEYS = frozenset({"schema", "select", "ignore", "include", "exclude", "line-length"})


class Config(NamedTuple):
    """Settings read from ``[tool.scale-query]`` (defaults when there is none)."""

    root: str | None = None
    schema: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    line_length: int | None = None
    source: str = ""


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


def _table(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    # Most pyproject files have no section of ours: spare them the TOML parser.
    if "scale-query" not in text:
        return None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: invalid TOML ({error})") from None
    table = data.get("tool", {}).get("scale-query")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.scale-query] must be a table")
    return table


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
    schema = table.get("schema")
    if schema is not None and not isinstance(schema, str):
        raise UsageError(f"{where}: schema must be a path, got {schema!r}")
    line_length = table.get("line-length")
    if line_length is not None and (
        not isinstance(line_length, int) or isinstance(line_length, bool) or line_length < 1
    ):
        raise UsageError(f"{where}: line-length must be a positive integer")
    return Config(
        root=root,
        schema=_relative(os.path.join(root, schema)) if schema else None,
        select=split_codes(table["select"], f"{where} select") if "select" in table else None,
        ignore=split_codes(table.get("ignore", []), f"{where} ignore"),
        include=tuple(
            _relative(os.path.join(root, p))
            for p in _paths(table.get("include", []), f"{where} include")
        ),
        exclude=_paths(table.get("exclude", []), f"{where} exclude"),
        line_length=line_length,
        source=pyproject,
    )
