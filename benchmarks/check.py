"""How fast ``scale-query check`` is: throughput over 10,000 filters, and cold start.

    python benchmarks/check.py [--filters 10000] [--runs 5]

Prints, side by side with a baseline measured in the same run:

- filters per second for ``check`` over a folder of filter files (in process,
  with a schema, so every rule runs), against parsing alone;
- the wall time of ``scale-query check one.filter`` in a fresh interpreter,
  against ``python -c pass``.

Goals: over 10,000 filters per second, and under 100 ms of cold start.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

SCHEMA = {
    "Nom": {"attribs": {"type": "text", "length": "50", "is_personal_data": "N"}, "read": "Y"},
    "Ville": {"attribs": {"type": "text", "length": "40", "is_personal_data": "N"}, "read": "Y"},
    "Pays": {"attribs": {"type": "choice", "length": "2", "is_personal_data": "N"}, "read": "Y"},
    "DateNaissance": {"attribs": {"type": "date"}, "read": "Y"},
    "Creation": {"attribs": {"type": "datetime"}, "read": "Y"},
    "Age": {"attribs": {"type": "int"}, "read": "Y"},
    "Montant": {"attribs": {"type": "float"}, "read": "Y"},
}

_CONDITIONS = [
    'Nom $like "*{w}*"',
    'Ville $eq "{W}"',
    "Pays $in [FR, BE, {c}]",
    'DateNaissance $gt "19{y}-06-12"',
    'Creation $lte "2020-12-19 12:{y}:50"',
    "Age $gte {n}",
    "Montant $lt {n}.50",
    'Nom $regex "^{W}"',
]


def _filter(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        template = rng.choice(_CONDITIONS)
        word = "".join(rng.choice("abcdefgh") for _ in range(5))
        parts.append(
            template.format(
                w=word,
                W=word.title(),
                c=word[:2].upper(),
                y=rng.randint(10, 59),
                n=rng.randint(1, 99),
            )
        )
    glue = rng.choice([" $and ", " $or "])
    return glue.join(parts)


def _write_corpus(folder: Path, count: int) -> list[str]:
    rng = random.Random(5)
    filters = [_filter(rng) for _ in range(count)]
    per_file = 100
    for start in range(0, count, per_file):
        chunk = filters[start : start + per_file]
        (folder / f"f{start // per_file:04d}.filter").write_text(
            "# generated\n" + "\n".join(chunk) + "\n", encoding="utf-8"
        )
    (folder / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (folder / "one.filter").write_text('Nom $eq "Smith"\n', encoding="utf-8")
    return filters


def _best(runs: int, work: object) -> float:
    assert callable(work)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _cold(cmd: list[str], cwd: Path, runs: int, env: dict[str, str]) -> float:
    subprocess.run(cmd, cwd=cwd, check=False, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=False, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Run the benchmark and print the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--filters", type=int, default=10_000)
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()

    from scale_query import parse
    from scale_query.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        filters = _write_corpus(folder, args.filters)

        def parse_all() -> None:
            for text in filters:
                parse(text)

        def check_all() -> None:
            with redirect_stdout(io.StringIO()):
                cli_main(
                    [
                        "check",
                        str(folder),
                        "--schema",
                        str(folder / "schema.json"),
                        "--format",
                        "json",
                        "--exit-zero",
                    ]
                )

        check_all()  # warm caches and imports
        parse_time = _best(args.runs, parse_all)
        check_time = _best(args.runs, check_all)
        count = len(filters)
        print(f"{count} filters in {count // 100} files (best of {args.runs})")
        print(f"  parse only           {count / parse_time:>10,.0f} filters/s")
        print(f"  check (all rules)    {count / check_time:>10,.0f} filters/s   goal > 10,000")

        python = sys.executable
        # An installed package has its bytecode cached; a checkout run with
        # PYTHONDONTWRITEBYTECODE compiles every module on every start. Show both.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        uncached = dict(cached, PYTHONDONTWRITEBYTECODE="1")
        cmd = [python, "-m", "scale_query.cli", "check", "one.filter"]
        print(f"cold start (median of {args.runs * 2})")
        for label, env in (("bytecode cached", cached), ("no bytecode cache", uncached)):
            base = _cold([python, "-c", "pass"], folder, args.runs * 2, env)
            check = _cold(cmd, folder, args.runs * 2, env)
            print(f"  {label}:")
            print(f"    python -c pass     {base * 1000:>8.1f} ms")
            print(
                f"    check one.filter   {check * 1000:>8.1f} ms   "
                f"(+{(check - base) * 1000:.1f} ms over the interpreter; goal < 100 ms)"
            )


if __name__ == "__main__":
    main()
