"""Exporting a whole object: ``scale-query export`` beside a plain sequential loop.

The emulator runs in a child process (so its memory stays out of the
measure) with 300,000 generated records and 20 ms of added latency per
request. In the same run:

- throughput: 100,000 records written to a CSV, a JSON Lines and a Parquet
  file by ``scale-query export`` (pages fetched ahead, adaptive prefetch) and
  by the loop the reference's examples suggest (``httpx``,
  ``page=N&pagesize=M`` one request after the other, each page written with
  the csv module, ``json.dumps`` or pyarrow), same page size; records per
  second and the ratio (goal: at least 3x);
- the same for ``Client.iter`` reading without writing (the ``iter`` row);
- memory: the peak traced by ``tracemalloc`` while ``export`` writes 100,000
  and then 300,000 records to CSV; flat means the peak does not grow with
  the count;
- requests: what ``Client.iter`` sends for short results of 1, 2 and 5 pages
  (adaptive prefetch: one request in flight at first), beside the number of
  pages.

    python benchmarks/export.py [--records 300000] [--read 100000] [--latency 0.02]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import httpx

from scale_query import Client, Query
from scale_query.cli import main as cli

OBJECT = "contact"
FIELDS = ["Nom", "Prenom", "EMail", "Pays", "CP", "DateNaissance"]
PAGE_SIZE = 500


def _datamart(count: int, token: str) -> dict[str, Any]:
    kinds = {"EMail": "email", "Pays": "choice", "DateNaissance": "date"}
    fields = {
        name: {
            "attribs": {"type": kinds.get(name, "text"), "length": "100"},
            "read": "Y",
            "write": "Y",
        }
        for name in FIELDS
    }
    records = [
        {
            "id": i,
            "data": {
                "Nom": f"Nom{i}",
                "Prenom": f"Prenom{i % 997}",
                "EMail": f"person{i}@example.net",
                "Pays": ("FR", "BE", "LU")[i % 3],
                "CP": f"{75000 + i % 1000}",
                "DateNaissance": f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}",
            },
        }
        for i in range(1, count + 1)
    ]
    return {
        "objects": {OBJECT: {"fields": fields, "records": records}},
        "profiles": [{"token": token}],
    }


def _serve(conn: Connection, count: int, latency: float) -> None:
    from scale_query.emulator import serve

    token = "bench-token"
    with serve(datamart=_datamart(count, token), token=token, latency=latency) as emu:
        conn.send((emu.base_url, emu.instance, emu.token, emu.admin_token))
        conn.recv()  # until the parent is done


class Target:
    """Where the emulator listens."""

    def __init__(self, base_url: str, instance: str, token: str, admin_token: str) -> None:
        self.base_url, self.instance, self.token = base_url, instance, token
        self.admin_token = admin_token

    @property
    def args(self) -> list[str]:
        return ["--token", self.token, "--instance", self.instance, "--base-url", self.base_url]

    def requests(self) -> int:
        url = self.base_url.split("/v1/")[0] + "/_emulator/requests"
        counts = httpx.get(url, headers={"Authorization": f"Bearer {self.admin_token}"}).json()
        return sum(c["count"] for c in counts if c["endpoint"] == "get_objects")


def _pages(target: Target, total: int) -> Any:
    """The plain loop's pages: one request after the other."""
    url = f"{target.base_url}/{target.instance}/get_objects/{OBJECT}"
    headers = {"Authorization": f"Bearer {target.token}"}
    page = 1
    with httpx.Client(timeout=60) as http:
        while True:
            params = {"limit": total, "page": page, "pagesize": PAGE_SIZE}
            objects = http.get(url, params=params, headers=headers).json()["objects"]
            yield objects
            if len(objects) < PAGE_SIZE:
                return
            page += 1


def plain_csv(target: Target, total: int, path: str) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "id_contact", *FIELDS])
        for objects in _pages(target, total):
            columns = ["id_contact", *FIELDS]
            writer.writerows([o["id"], *(o["data"].get(f, "") for f in columns)] for o in objects)
            count += len(objects)
    return count


def plain_jsonl(target: Target, total: int, path: str) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for objects in _pages(target, total):
            out.writelines(
                json.dumps({"id": int(o["id"]), **o["data"]}, ensure_ascii=False) + "\n"
                for o in objects
            )
            count += len(objects)
    return count


def plain_parquet(target: Target, total: int, path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count, writer = 0, None
    for objects in _pages(target, total):
        if not objects:
            break
        table = pa.Table.from_pylist([{"id": int(o["id"]), **o["data"]} for o in objects])
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        count += len(objects)
    if writer is not None:
        writer.close()
    return count


def plain_count(target: Target, total: int, path: str) -> int:
    """The loop reading only (no file), as ``Client.iter`` is measured."""
    return sum(len(objects) for objects in _pages(target, total))


def iterate(target: Target, total: int, path: str) -> int:
    """``Client.iter`` over the same records, counting them."""
    with Client(token=target.token, instance=target.instance, base_url=target.base_url) as client:
        return sum(1 for _ in client.iter(Query(OBJECT).limit(total)))


def export(target: Target, total: int, path: str) -> int:
    fmt = path.rsplit(".", 1)[1]
    args = ["export", OBJECT, *target.args, "--limit", str(total), "--format", fmt]
    code = cli([*args, "-o", path, "--quiet"])
    assert code == 0, code
    return total


def _timed(run: Callable[..., int], *args: Any) -> tuple[int, float]:
    start = time.perf_counter()
    count = run(*args)
    return count, time.perf_counter() - start


def _peak(target: Target, total: int, path: str) -> int:
    tracemalloc.start()
    try:
        export(target, total, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _short_results(target: Target) -> list[tuple[int, int]]:
    """(pages, requests) of Client.iter for results of 1, 2 and 5 pages."""
    rows = []
    with Client(token=target.token, instance=target.instance, base_url=target.base_url) as client:
        for pages in (1, 2, 5):
            where = f"id_contact $lte {(pages - 1) * PAGE_SIZE + 123}"
            before = target.requests()
            count = sum(1 for _ in client.iter(Query(OBJECT).where(where)))
            assert count == (pages - 1) * PAGE_SIZE + 123
            rows.append((pages, target.requests() - before))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--read", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()

    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(
        target=_serve, args=(child, args.records, args.latency), daemon=True
    )
    print(f"starting the emulator with {args.records:,} records...", flush=True)
    server.start()
    target = Target(*parent.recv())
    folder = tempfile.mkdtemp(prefix="scale-export-")
    try:
        export(target, 1000, os.path.join(folder, "warm.csv"))  # connections, caches, imports
        print(
            f"\n{args.read:,} records, {PAGE_SIZE} per page, "
            f"{args.latency * 1000:.0f} ms latency per request"
        )
        print(f"  {'format':8} {'plain loop':>22} {'scale-query export':>24} {'ratio':>8}")
        plain = {
            "csv": (plain_csv, export),
            "jsonl": (plain_jsonl, export),
            "parquet": (plain_parquet, export),
            "iter": (plain_count, iterate),
        }
        for fmt, (loop, ours) in plain.items():
            plain_n, plain_s = _timed(loop, target, args.read, os.path.join(folder, f"p.{fmt}"))
            ours_n, ours_s = _timed(ours, target, args.read, os.path.join(folder, f"e.{fmt}"))
            assert plain_n == ours_n == args.read, (plain_n, ours_n)
            ratio = plain_s / ours_s
            print(
                f"  {fmt:8} {plain_n / plain_s:>10,.0f} rec/s {plain_s:>6.2f} s"
                f" {ours_n / ours_s:>12,.0f} rec/s {ours_s:>6.2f} s {ratio:>7.2f}x"
            )
        print("  (goal: >= 3x; iter: Client.iter and the loop read without writing a file)")

        small = _peak(target, args.read, os.path.join(folder, "m1.csv"))
        large = _peak(target, args.records, os.path.join(folder, "m2.csv"))
        print("\npeak traced memory while exporting to CSV")
        print(f"  {args.read:>9,} records : {small / 2**20:8.2f} MiB")
        print(f"  {args.records:>9,} records : {large / 2**20:8.2f} MiB")
        print(f"  ratio             : {large / small:8.2f}x (flat is ~1x)")

        print("\nrequests of Client.iter for short results (adaptive prefetch)")
        for pages, requests in _short_results(target):
            print(f"  {pages} page(s): {requests} request(s)")
    finally:
        parent.send("stop")
        server.join(timeout=30)
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


if __name__ == "__main__":
    main()
