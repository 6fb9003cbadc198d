"""``check`` and ``fmt``: filters found in files, linted, fixed and formatted.

Light on purpose: these modules import only the language and semantics wings
(import-linter contracts in pyproject.toml and tests/test_architecture.py), so
the two commands start fast. This door is what the other rooms (``lsp/``,
``data/``, ``_sql``) use of it; its names are looked up in their module on
first use (``__getattr__`` below), so loading ``_check`` or ``_fmt``, which
runs this file first, loads nothing more. Modules:

- ``_check``: ``scale-query check``, its arguments and its run.
- ``_fmt``: ``scale-query fmt`` (and ``format_text``, also used by the language server).
- ``_fix``: ``check --fix`` and the quick fixes of the language server.
- ``_lint``: one file's filters, their diagnostics placed in the file, ``# noqa`` applied.
- ``_noqa``: ``# noqa`` comments, which codes a line suppresses.
- ``_discover``: which files are read, what kind each is, and reading them.
- ``_filterfile``: the filter-file format (``*.filter``), one filter per line.
- ``_pysource``: filters in Python sources (string literals scale-query reads as filters).
- ``_found_filter``: a filter found in a file, and where each of its characters sits.
- ``_config``: ``[tool.scale-query]`` from the nearest ``pyproject.toml``.
- ``_schema_files``: a schema per object, from ``--schema`` files and folders.
- ``_report``: findings as text, JSON, GitHub workflow commands or SARIF.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._config import Config, load_config
    from ._discover import Kind, file_kind, read_text
    from ._filterfile import filter_entries, object_header
    from ._fix import fix_source, quick_fixes
    from ._fmt import format_text
    from ._found_filter import Filter
    from ._lint import SourceFile, filter_diagnostics, place, read_source, select_codes
    from ._noqa import suppressed
    from ._report import Result, render
    from ._schema_files import Schemas, load_schemas

# name -> the module that defines it
_HOME = {
    "Config": "_config",
    "load_config": "_config",
    "Kind": "_discover",
    "file_kind": "_discover",
    "read_text": "_discover",
    "filter_entries": "_filterfile",
    "object_header": "_filterfile",
    "fix_source": "_fix",
    "quick_fixes": "_fix",
    "format_text": "_fmt",
    "Filter": "_found_filter",
    "SourceFile": "_lint",
    "filter_diagnostics": "_lint",
    "place": "_lint",
    "read_source": "_lint",
    "select_codes": "_lint",
    "suppressed": "_noqa",
    "Result": "_report",
    "render": "_report",
    "Schemas": "_schema_files",
    "load_schemas": "_schema_files",
}

__all__ = [
    "Config",
    "Filter",
    "Kind",
    "Result",
    "Schemas",
    "SourceFile",
    "file_kind",
    "filter_diagnostics",
    "filter_entries",
    "fix_source",
    "format_text",
    "load_config",
    "load_schemas",
    "object_header",
    "place",
    "quick_fixes",
    "read_source",
    "read_text",
    "render",
    "select_codes",
    "suppressed",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
