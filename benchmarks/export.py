"""Reading a whole object: ``Client.iter`` beside a plain sequential page loop.

The emulator runs in a child process (so its memory stays out of the
measure) with 300,000 generated records and 20 ms of added latency per
request. In the same run:

- throughput: 100,000 records read through ``Client.iter`` (pages fetched
  ahead, several requests in flight) and through the loop the reference's
  examples suggest (``httpx``, ``page=N&pagesize=M`` one request after the
  other), same page size, records per second and the ratio;
- memory: the peak traced by ``tracemalloc`` while ``iter`` reads 100,000
  and then 300,000 records (each record dropped once counted); flat means
  the peak does not grow with the count.

    python benchmarks/export.py [--records 300000] [--latency 0.02] [--page-size 500]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
import tracemalloc
from multiprocessing.connection import Connection
from typing import Any

import httpx

from scale_query import Client, Query

OBJECT = "contact"


def _datamart(count: int, token: str) -> dict[str, Any]:
    fields = {
        name: {"attribs": {"type": kind, "length": "100"}, "read": "Y", "write": "Y"}
        for name, kind in [
            ("Nom", "text"),
            ("Prenom", "text"),
            ("EMail", "email"),
            ("Pays", "choice"),
            ("CP", "text"),
            ("DateNaissance", "date"),
        ]
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
        conn.send((emu.base_url, emu.instance, emu.token))
        conn.recv()  # until the parent is done


def plain_loop(base_url: str, instance: str, token: str, total: int, size: int) -> int:
    """The reference's way: one page after the other, each parsed and counted."""
    url = f"{base_url}/{instance}/get_objects/{OBJECT}"
    headers = {"Authorization": f"Bearer {token}"}
    count, page = 0, 1
    with httpx.Client(timeout=60) as http:
        while True:
            params = {"limit": total, "page": page, "pagesize": size}
            objects = http.get(url, params=params, headers=headers).json()["objects"]
            count += len(objects)
            if len(objects) < size:
                return count
            page += 1


def with_iter(client: Client, total: int) -> int:
    """``Client.iter`` over the same records."""
    count = 0
    for _ in client.iter(Query(OBJECT).limit(total)):
        count += 1
    return count


def _timed(run: Any, *args: Any) -> tuple[int, float]:
    start = time.perf_counter()
    count = run(*args)
    return count, time.perf_counter() - start


def _peak(client: Client, total: int) -> int:
    tracemalloc.start()
    try:
        count = with_iter(client, total)
        assert count == total, (count, total)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--read", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()

    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(
        target=_serve, args=(child, args.records, args.latency), daemon=True
    )
    print(f"starting the emulator with {args.records:,} records...", flush=True)
    server.start()
    base_url, instance, token = parent.recv()
    try:
        with Client(token, instance, base_url=base_url, page_size=args.page_size) as client:
            with_iter(client, 1000)  # warm up connections and the server's caches
            plain_n, plain_s = _timed(
                plain_loop, base_url, instance, token, args.read, args.page_size
            )
            iter_n, iter_s = _timed(with_iter, client, args.read)
            assert plain_n == iter_n == args.read, (plain_n, iter_n)
            plain_rate, iter_rate = plain_n / plain_s, iter_n / iter_s
            print(
                f"\n{args.read:,} records, {args.page_size} per page, "
                f"{args.latency * 1000:.0f} ms latency per request"
            )
            print(f"  plain sequential loop : {plain_rate:>10,.0f} records/s ({plain_s:.2f} s)")
            print(f"  Client.iter           : {iter_rate:>10,.0f} records/s ({iter_s:.2f} s)")
            print(f"  ratio                 : {iter_rate / plain_rate:>10.2f}x (goal >= 2x)")

            small = _peak(client, args.read)
            large = _peak(client, args.records)
            print("\npeak traced memory while iterating (records dropped as read)")
            print(f"  {args.read:>9,} records : {small / 2**20:8.2f} MiB")
            print(f"  {args.records:>9,} records : {large / 2**20:8.2f} MiB")
            print(f"  ratio             : {large / small:8.2f}x (flat is ~1x)")
    finally:
        parent.send("stop")
        server.join(timeout=30)


if __name__ == "__main__":
    main()
