"""``check`` and ``fmt``: filters found in files, linted, fixed and formatted.

Light on purpose: these modules import only the language and semantics wings
(import-linter contracts in pyproject.toml and tests/test_architecture.py), so
the two commands start fast. Nothing is imported here; each module is loaded
when a command needs it. Modules:

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
