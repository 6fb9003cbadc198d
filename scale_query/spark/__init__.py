"""The spark wing: a PySpark data source named ``scale``, reading with the filter pushed down.

>>> from scale_query.spark import register  # doctest: +SKIP
>>> register(spark)  # doctest: +SKIP
>>> contacts = spark.read.format("scale").option("object", "contact").load()  # doctest: +SKIP
>>> contacts.where("Pays = 'BE'").count()  # doctest: +SKIP
2748

Holds, one job per module: Spark's filters as one Scal-e filter
(``_pushdown``: exact where the meanings agree, a wider pre-filter Spark
checks again where they do not) and the data source with its reader and
partitions (``_source``).

May import: the client, semantics and language wings through their
``__init__``, the standard library, and pyspark (the ``spark`` extra:
``pip install 'scale-query[spark]'``, Spark 4.1 or later), loaded on first
use of a name here: ``import scale_query`` never loads it. docs/spark.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language import lazy_door

if TYPE_CHECKING:
    from ._pushdown import pushed_filter
    from ._source import ScaleDataSource, register

__all__ = ["ScaleDataSource", "pushed_filter", "register"]

_EXPORTS = {
    "pushed_filter": "_pushdown",
    "ScaleDataSource": "_source",
    "register": "_source",
}

INSTALL_HINT = "the Spark data source needs pyspark 4.1 or later: pip install 'scale-query[spark]'"


__getattr__ = lazy_door(globals(), _EXPORTS, extra=("pyspark", "py4j"), hint=INSTALL_HINT)


def __dir__() -> list[str]:
    return sorted(__all__)
