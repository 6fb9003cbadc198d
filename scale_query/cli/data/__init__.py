"""The data commands: ``objects``, ``schema``, ``export``, ``import`` and ``sync``.

They reach a datamart through the client wing (or the embedded emulator with
``--demo``). Modules:

- ``_objects``: ``scale-query objects``, the objects the token can read.
- ``_schema``: ``scale-query schema``, an object's fields as a table or its metadata as JSON.
- ``_export``: ``scale-query export`` (alias ``get``), an object's records streamed to a file.
- ``_import``: ``scale-query import`` (alias ``put``), records created and updated from a file.
- ``_sync``: ``scale-query sync``, a copy of objects kept up to date in a warehouse (dlt).
- ``_connection``: settings, ``--demo`` and errors a person can act on.
- ``_formats``: which data format a file name implies.
- ``_readers``: ``import``'s input files as numbered rows.
- ``_rowcheck``: each input row checked against the schema and made a ``put`` record.
- ``_import_files``: the files beside an ``import`` (its report and rejected rows).
- ``_writers``: the export formats, one writer per format.
- ``_text_tables``: plain-text tables for a terminal.
- ``_progress``: progress of long work on stderr.
"""
