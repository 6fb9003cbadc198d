"""How fast ``scale-query check`` is: throughput over 10,000 filters, and cold start.

    python benchmarks/check.py [--filters 10000] [--runs 5]

Prints, side by side with a baseline measured in the same run:

- filters per second for ``check`` over a folder of filter files (in process,
  with a schema, so every rule runs), against parsing alone;
- the wall time of ``scale-query check one.filter``, ``check one.py`` and
  ``fmt --check one.filter`` in a fresh interpreter, against ``python -c pass``
  and ``python -c "import scale_query"`` (the package's own floor);
- time and peak memory of ``check`` on a generated Python file of
  ``--large-mb`` megabytes (9.5 by default; 0 skips it), against the peak
  memory of ``python -c pass``.

Goals: over 10,000 filters per second, under 100 ms of cold start, and a large
Python file checked in memory far below its parse tree's (about 150 bytes of
tree per byte of source when parsed whole).
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
    # A hidden folder: the throughput run, which searches `folder`, skips it.
    cold = folder / ".cold"
    cold.mkdir()
    (cold / "one.filter").write_text('Nom $eq "Smith"\n', encoding="utf-8")
    (cold / "one.py").write_text(
        'from scale_query import Query\nrows = Query("contact").where(\'Nom $eq "Smith"\')\n',
        encoding="utf-8",
    )
    return filters


def _large_python(path: Path, megabytes: float) -> int:
    """A generated module of about ``megabytes`` MB, one filter call per function."""
    rng = random.Random(7)
    parts = ["from scale_query import Query\n\n"]
    size = count = 0
    while size < megabytes * 1_000_000:
        rows = ", ".join(f'{{"id": {rng.randint(1, 10**6)}, "v": "{count}"}}' for _ in range(8))
        block = (
            f"def load_{count}(client):\n"
            f"    data = [{rows}]\n"
            f'    query = Query("contact").where({_filter(rng)!r})\n'
            "    return client.get(query), data\n\n"
        )
        parts.append(block)
        size += len(block)
        count += 1
    path.write_text("".join(parts), encoding="utf-8")
    return count


def _peak(code: str, cwd: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of ``python -c code``."""
    probe = (
        "import resource, sys, time\nstart = time.perf_counter()\n"
        + code
        + "\nsys.stderr.write(f'\\n{time.perf_counter() - start} '"
        "f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds, kilobytes = out.stderr.splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


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
    options.add_argument("--large-mb", type=float, default=9.5, help="0 skips the large file")
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
        commands = {
            "import scale_query": [python, "-c", "import scale_query"],
            "check one.filter": [python, "-m", "scale_query.cli", "check", "one.filter"],
            "check one.py": [python, "-m", "scale_query.cli", "check", "one.py"],
            "fmt --check one.filter": [
                python,
                "-m",
                "scale_query.cli",
                "fmt",
                "--check",
                "one.filter",
            ],
        }
        print(f"cold start (median of {args.runs * 2})")
        for label, env in (("bytecode cached", cached), ("no bytecode cache", uncached)):
            base = _cold([python, "-c", "pass"], folder / ".cold", args.runs * 2, env)
            print(f"  {label}:")
            print(f"    {'python -c pass':<24}{base * 1000:>8.1f} ms")
            for name, cmd in commands.items():
                took = _cold(cmd, folder / ".cold", args.runs * 2, env)
                goal = "" if name.startswith("import") else "; goal < 100 ms"
                print(
                    f"    {name:<24}{took * 1000:>8.1f} ms   "
                    f"(+{(took - base) * 1000:.1f} ms over the interpreter{goal})"
                )

        if args.large_mb > 0:
            big = folder / "big.py"
            count = _large_python(big, args.large_mb)
            megabytes = big.stat().st_size / 1e6
            _, floor = _peak("pass", folder)
            seconds, peak = _peak(
                "from scale_query.cli import main\n"
                "main(['check', 'big.py', '--format', 'json', '--exit-zero'])",
                folder,
            )
            print(f"large Python file: {megabytes:.1f} MB, {count:,} filters")
            print(f"  {'python -c pass':<24}{'':>10}   peak {floor:>8.0f} MB")
            print(f"  {'check big.py':<24}{seconds:>8.1f} s   peak {peak:>8.0f} MB")


if __name__ == "__main__":
    main()
