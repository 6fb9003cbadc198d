"""The dlt wing: the datamart as a dlt source, synced into any warehouse dlt loads.

>>> from scale_query.dlt import datamart_source  # doctest: +SKIP
>>> import dlt  # doctest: +SKIP
>>> pipeline = dlt.pipeline("scale", destination="duckdb", dataset_name="scale")  # doctest: +SKIP
>>> pipeline.run(datamart_source(["contact"], detect_deletes=True))  # doctest: +SKIP

Holds, one job per module: the source and its resources (``_source``: one
per object, merged by ``id``, typed columns, the filter pushed down, the
cursor, the skip on ``update_time``, deletions) and the run of a pipeline
with its summary (``_pipeline``, what ``scale-query sync`` runs).

May import: the client, semantics and language wings through their
``__init__``, the standard library, and dlt (the ``dlt`` extra:
``pip install 'scale-query[dlt]'``), loaded on first use of a name here:
``import scale_query`` never loads dlt. How a sync decides what to read, and
every bound: docs/sync.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language import lazy_door

if TYPE_CHECKING:
    from ._pipeline import Destination, SyncSummary, destination, sync
    from ._source import ObjectStats, SyncStats, datamart_source

__all__ = [
    "Destination",
    "ObjectStats",
    "SyncStats",
    "SyncSummary",
    "datamart_source",
    "destination",
    "sync",
]

_EXPORTS = {
    "ObjectStats": "_source",
    "SyncStats": "_source",
    "datamart_source": "_source",
    "Destination": "_pipeline",
    "SyncSummary": "_pipeline",
    "destination": "_pipeline",
    "sync": "_pipeline",
}

INSTALL_HINT = "sync needs dlt: pip install 'scale-query[dlt]'"


__getattr__ = lazy_door(globals(), _EXPORTS, extra=("dlt",), hint=INSTALL_HINT)


def __dir__() -> list[str]:
    return sorted(__all__)
