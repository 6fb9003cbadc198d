"""Syncing into DuckDB with dlt, beside ``export --format parquet``; Spark reads by partitions.

An emulator in this process serves ``--records`` generated records with
``--latency`` seconds added to each request. In the same run:

- a first ``sync`` into a new DuckDB file, records per second, beside
  ``scale-query export --format parquet`` of the same object;
- a second ``sync`` after 1% of the records changed: requests and time
  against the first (only the changed records are loaded);
- a Spark read (``format("scale")``, local[2]) with 1 and 2 partitions
  (skipped without pyspark or Java; ``--no-spark`` skips it too).

    python benchmarks/sync.py [--records 20000] [--latency 0.02] [--no-spark]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scale_query import Client
from scale_query.cli import main as cli
from scale_query.dlt import SyncStats, sync
from scale_query.emulator import serve


def _datamart(count: int) -> dict[str, Any]:
    start = dt.datetime(2024, 1, 1)
    records = [
        {
            "data": {
                "Nom": f"Nom {n}",
                "Ville": ["Paris", "Gent", "Lyon", "Namur"][n % 4],
                "Prix": f"{n % 1000}.{n % 100:02d}",
                "Jour": (start + dt.timedelta(days=n % 365)).date().isoformat(),
                "Modif": (start + dt.timedelta(seconds=n)).isoformat(sep=" "),
            }
        }
        for n in range(1, count + 1)
    ]
    fields = {
        "Nom": {"attribs": {"type": "text"}},
        "Ville": {"attribs": {"type": "text"}},
        "Prix": {"attribs": {"type": "decimal"}},
        "Jour": {"attribs": {"type": "date"}},
        "Modif": {"attribs": {"type": "datetime"}},
    }
    return {
        "objects": {"bench": {"fields": fields, "records": records}},
        "profiles": [{"name": "app", "token": "bench-token"}],
    }


def _timed_sync(emu: Any, client: Client, folder: Path) -> tuple[float, SyncStats, int]:
    emu.faults.reset_counts()
    stats = SyncStats()
    started = time.perf_counter()
    sync(
        ["bench"],
        client=client,
        to=f"duckdb:{folder / 'bench.duckdb'}",
        pipelines_dir=folder / "pipelines",
        stats=stats,
    )
    return time.perf_counter() - started, stats, emu.request_count()


def _spark(emu: Any, records: int) -> None:
    try:
        from pyspark.sql import SparkSession

        from scale_query.spark import register
    except ModuleNotFoundError:
        print("\nspark: skipped (pyspark is not installed)")
        return
    if shutil.which("java") is None:
        print("\nspark: skipped (no java)")
        return
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    register(spark)
    warm_up = True
    print(f"\nSpark read of {records:,} records (count), local[2], after a warm-up read")
    try:
        for partitions in (2, 1, 2):
            frame = (
                spark.read.format("scale")
                .option("object", "bench")
                .option("token", emu.token)
                .option("instance", emu.instance)
                .option("base_url", emu.base_url)
                .option("partitions", str(partitions))
                .load()
            )
            started = time.perf_counter()
            count = frame.count()
            seconds = time.perf_counter() - started
            assert count == records, count
            if warm_up:
                warm_up = False
                continue  # the JVM's and the workers' start, not the source's speed
            print(f"  {partitions} partition(s): {seconds:6.2f} s ({records / seconds:9,.0f}/s)")
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    print(f"emulator: {args.records:,} records, {args.latency * 1000:.0f} ms per request")
    with (
        serve(datamart=_datamart(args.records), latency=args.latency) as emu,
        Client(emu.token, emu.instance, base_url=emu.base_url) as client,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        first, stats, requests = _timed_sync(emu, client, folder)
        print(
            f"\nfirst sync into DuckDB : {first:6.2f} s ({args.records / first:9,.0f}/s), "
            f"{requests} requests"
        )
        os.environ.update(
            SCALE_TOKEN=emu.token, SCALE_INSTANCE=emu.instance, SCALE_BASE_URL=emu.base_url
        )
        started = time.perf_counter()
        cli(["export", "bench", "--format", "parquet", "-o", str(folder / "b.parquet"), "-q"])
        export = time.perf_counter() - started
        print(f"export --format parquet: {export:6.2f} s ({args.records / export:9,.0f}/s)")

        changed = max(1, args.records // 100)
        step = args.records // changed
        client.put(
            "bench",
            [{"id": i, "data": {"Ville": "Bruxelles"}} for i in range(1, args.records + 1, step)][
                :changed
            ],
        )
        # The update_time of a write settles after 2 s (docs/sync.md): then the
        # third run below may skip the object.
        time.sleep(2.5)
        second, stats, requests2 = _timed_sync(emu, client, folder)
        counts = stats.objects["bench"]
        print(
            f"\nsecond sync, {changed:,} records changed (1%): {second:6.2f} s, "
            f"{requests2} requests ({counts.updated:,} updated, {counts.new:,} new)"
        )
        print(
            f"  against the first: {second / first:.2f}x the time, "
            f"{requests2 / requests:.2f}x the requests"
        )
        third, stats, requests3 = _timed_sync(emu, client, folder)
        print(
            f"third sync, nothing changed: {third:6.2f} s, {requests3} requests "
            f"(skipped: {stats.objects['bench'].skipped})"
        )
        if not args.no_spark:
            _spark(emu, args.records)


if __name__ == "__main__":
    main()
