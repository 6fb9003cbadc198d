"""Emulator throughput on the demo datamart, against a baseline measured in the same run.

    python benchmarks/emulator.py [--seconds 2]

Prints requests per second for a filtered, sorted, paged query next to the
same page without filter or sort (the baseline: HTTP, JSON and paging alone),
then the time to fetch a 1,000-record page, and the start-up time.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from scale_query.emulator import serve

QUERY = {
    "filter": 'Nom $like "*du*" $and (Pays $eq "BE" $or DateNaissance $gt "1990-06-12")',
    "sort_by": '{"Nom":"asc","DateNaissance":"desc"}',
    "page": "2",
    "pagesize": "20",
    "fields": "Civilite,Prenom,Nom,EMail,Pays,DateNaissance",
}
BASELINE = {"page": "2", "pagesize": "20", "fields": QUERY["fields"]}


def _rate(client: httpx.Client, url: str, params: dict[str, str], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        client.get(url, params=params).raise_for_status()
        count += 1
    return count / (time.perf_counter() - start)


def _timed(client: httpx.Client, url: str, params: dict[str, str], runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url, params=params).raise_for_status()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    start = time.perf_counter()
    with serve(demo=True) as emu:
        first_start = time.perf_counter() - start
        with httpx.Client(headers={"Authorization": f"Bearer {emu.token}"}) as client:
            url = f"{emu.base_url}/{emu.instance}/get_objects/contact"
            _rate(client, url, BASELINE, 0.3)  # warm-up
            base = _rate(client, url, BASELINE, args.seconds)
            query = _rate(client, url, QUERY, args.seconds)
            page = _timed(client, url, {"page": "3", "pagesize": "1000"})
            page_filtered = _timed(
                client,
                url,
                {
                    "page": "1",
                    "pagesize": "1000",
                    "filter": "Pays $in [FR, BE]",
                    "sort_by": '{"Nom":"asc"}',
                },
            )
    start = time.perf_counter()
    with serve(demo=True):
        again = time.perf_counter() - start
    print(f"{'measure':<44}{'value':>12}")
    print(f"{'baseline: 20-record page, no filter (req/s)':<44}{base:>12.0f}")
    print(f"{'filtered, sorted, paged query (req/s)':<44}{query:>12.0f}")
    print(f"{'  ratio to baseline':<44}{query / base:>12.2f}")
    print(f"{'1,000-record page (ms, median of 10)':<44}{page * 1000:>12.1f}")
    print(f"{'1,000-record page, filtered+sorted (ms)':<44}{page_filtered * 1000:>12.1f}")
    print(f"{'first start with demo data (s)':<44}{first_start:>12.2f}")
    print(f"{'next start in the same process (s)':<44}{again:>12.3f}")


if __name__ == "__main__":
    main()
