"""``sync``: one dlt pipeline run of :func:`datamart_source`, with where it loads and a summary.

What ``scale-query sync`` runs. The pipeline is named after the instance,
the destination and the dataset, so each copy keeps its own local working
folder; its state (the last ``update_time`` and cursor per object) is dlt's,
kept with the destination too.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt

from ..client import Client
from ..language import Expr
from ._source import DEFAULT_LAG, SyncStats, datamart_source

__all__ = ["Destination", "SyncSummary", "destination", "sync"]

#: Not ``scale.duckdb``: DuckDB names a file's catalog after it, and a catalog
#: and a schema both named ``scale`` make ``scale.contact`` ambiguous.
DEFAULT_DESTINATION = "duckdb:datamart.duckdb"


@dataclass(frozen=True)
class Destination:
    """Where a sync loads: a dlt destination name and, for duckdb and parquet, a path.

    >>> destination("duckdb:copy.duckdb")
    Destination(name='duckdb', path='copy.duckdb')
    >>> destination("parquet:out").name, destination("bigquery")
    ('filesystem', Destination(name='bigquery', path=None))
    """

    name: str
    path: str | None = None

    def factory(self) -> Any:
        """The dlt destination (a name dlt resolves, or a configured duckdb/filesystem one)."""
        if self.name == "duckdb" and self.path is not None:
            return dlt.destinations.duckdb(str(Path(self.path).absolute()))
        if self.name == "filesystem" and self.path is not None:
            return dlt.destinations.filesystem(Path(self.path).absolute().as_uri())
        return self.name

    def __str__(self) -> str:
        return self.name if self.path is None else f"{self.name}:{self.path}"


def destination(text: str) -> Destination:
    """``duckdb:PATH``, ``parquet:DIR`` or a dlt destination name (configured the dlt way)."""
    kind, colon, path = text.partition(":")
    if colon and kind in ("duckdb", "parquet"):
        if not path:
            raise ValueError(f"{text!r}: give a path after {kind + ':'!r}")
        return Destination("duckdb" if kind == "duckdb" else "filesystem", path)
    if colon or not text.replace("_", "").isalnum() or not text.isascii():
        raise ValueError(
            f"{text!r} is not a destination: duckdb:PATH, parquet:DIR or a dlt destination name"
        )
    return Destination(text)


@dataclass
class SyncSummary:
    """A run's counts per object, requests made, seconds taken and dlt's load info."""

    stats: SyncStats
    seconds: float
    load_info: Any

    def lines(self) -> list[str]:
        """One line per object, then the requests: the command's summary."""
        out = []
        for name, s in self.stats.objects.items():
            if s.skipped:
                out.append(f"{name}: unchanged since the last run (not read)")
            else:
                out.append(
                    f"{name}: {s.new:,} new, {s.updated:,} updated, {s.deleted:,} deleted "
                    f"({s.read:,} read)"
                )
        out.append(f"{self.stats.requests:,} requests in {self.seconds:.1f} s")
        return out


def _pipeline_name(client: Client, where: Destination, dataset: str) -> str:
    # Not the base URL: --demo's port changes each run, its instance does not.
    # The path made absolute: two folders' datamart.duckdb are two copies.
    place = where.name if where.path is None else f"{where.name}:{Path(where.path).absolute()}"
    key = f"{client.instance}\n{place}\n{dataset}"
    return "scale_sync_" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def sync(
    objects: Sequence[str] | None = None,
    *,
    client: Client,
    to: str | Destination = DEFAULT_DESTINATION,
    dataset: str = "scale",
    cursor: str | Mapping[str, str] | None = None,
    where: str | Expr | Mapping[str, str | Expr] | None = None,
    detect_deletes: bool = False,
    full_refresh: bool = False,
    lag: float = DEFAULT_LAG,
    pipelines_dir: str | Path | None = None,
    stats: SyncStats | None = None,
) -> SyncSummary:
    """Sync ``objects`` into ``to`` (DuckDB file ``scale.duckdb`` by default), dataset ``dataset``.

    A pending load left by a stopped run is finished first (dlt does it);
    ``full_refresh`` drops the tables and the state and loads everything again.

    >>> summary = sync(["contact"], client=client, to="duckdb:copy.duckdb")  # doctest: +SKIP
    >>> print("\\n".join(summary.lines()))  # doctest: +SKIP
    contact: 9,996 new, 0 updated, 0 deleted (9,996 read)
    13 requests in 2.1 s
    """
    where_to = to if isinstance(to, Destination) else destination(to)
    if where_to.name == "duckdb" and where_to.path and Path(where_to.path).stem == dataset:
        raise ValueError(
            f"the DuckDB file {where_to.path} and the dataset are both named {dataset!r}: "
            f"DuckDB would find '{dataset}.<table>' ambiguous; rename one"
        )
    stats = stats if stats is not None else SyncStats()
    started = time.perf_counter()
    # dlt's anonymous telemetry, off unless the user turned it on: nothing leaves
    # the machine but the API's requests and the loads.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    options: dict[str, Any] = {}
    if pipelines_dir is not None:
        options["pipelines_dir"] = str(pipelines_dir)
    pipeline = dlt.pipeline(
        pipeline_name=_pipeline_name(client, where_to, dataset),
        destination=where_to.factory(),
        dataset_name=dataset,
        **options,
    )
    source = datamart_source(
        objects,
        cursor=cursor,
        where=where,
        client=client,
        detect_deletes=detect_deletes,
        lag=lag,
        stats=stats,
    )
    run: dict[str, Any] = {}
    if full_refresh:
        run["refresh"] = "drop_sources"
    if where_to.name == "filesystem":
        run["loader_file_format"] = "parquet"
    info = pipeline.run(source, **run)
    return SyncSummary(stats, time.perf_counter() - started, info)
