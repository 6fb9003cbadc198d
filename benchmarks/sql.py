"""SQL compile time per dialect beside parse time, and the emulator's filtered-query rate.

    python benchmarks/sql.py [--seconds 2] [--no-emulator]

Needs the ``sql`` and ``emulator`` extras. In the same run:

- compile time: for a small filter (1 condition), a medium one (12, nested)
  and a wide one (2,000 conditions), the median time of ``parse``, of the
  semantic core (``_plan.plan``), of the emulator's SQLite text compiler
  (``_sql.compile_filter``, on the core) and of ``to_sql`` in each dialect
  (sqlglot's builders and generator);
- the emulator: filtered, sorted, paged requests per second with its
  compiler on the shared semantic core ("after"), with the compiler it had
  before the core was shared ("before", read from git history when there
  is one), and with each request's filter also compiled by sqlglot, the cost
  the emulator would pay if it ran ``to_sql(..., "sqlite")`` itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from scale_query import parse, to_sql
from scale_query.language._ast import Expr
from scale_query.semantics._plan import plan
from scale_query.semantics._sql import Column, compile_filter

DIALECTS = ["duckdb", "sqlite", "postgres", "mysql", "bigquery", "snowflake", "spark", "trino"]
DIALECTS += ["tsql", "oracle"]
SMALL = 'Nom $like "du*"'
MEDIUM = (
    '(Nom $like "*du*" $or Nom $regex "^d[a-z]+") $and Pays $in [FR, BE, LU] '
    '$and (Ville $eq "Paris" $or Ville $neq "Lyon" $or CP $like "75*") '
    '$and Civilite $notin [M, Mme] $and EMail $notlike "*@example.com" '
    '$and Prenom $eq "Élodie" $and Nom $neq "Straße"'
)
WIDE = " $and ".join(f'Nom $neq "v{i}"' for i in range(2000))
# The commit before the emulator's compiler moved onto the shared core.
BEFORE_COMMIT = "bd1c3f6^"


def _median(run: Callable[[], object], budget: float = 0.5) -> float:
    times, deadline = [], time.perf_counter() + budget
    while len(times) < 3 or (time.perf_counter() < deadline and len(times) < 200):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _columns(expr_text: str) -> dict[str, Column]:
    names = sorted({c.split()[0].strip("(") for c in expr_text.split("$and")} | {"Nom", "CP"})
    names += ["Pays", "Ville", "Civilite", "EMail", "Prenom"]
    return {name: Column("text", f'"f{i}"', f'"f{i}"', f'"r{i}"') for i, name in enumerate(names)}


def compile_table() -> None:
    print(f"{'filter':<10}{'step':<28}{'median ms':>12}")
    for label, text in (("small", SMALL), ("medium", MEDIUM), ("2,000", WIDE)):
        for step, seconds in _steps(text):
            print(f"{label:<10}{step:<28}{seconds * 1000:>12.3f}")


def _steps(text: str) -> list[tuple[str, float]]:
    expr = parse(text)
    columns = _columns(text)
    rows = [
        ("parse", _median(lambda: parse(text))),
        ("semantic core (plan)", _median(lambda: plan(expr, lambda name: "text"))),
        ("emulator SQLite text", _median(lambda: compile_filter(expr, columns))),
    ]
    for dialect in DIALECTS:
        rows.append((f"to_sql {dialect}", _median(lambda d=dialect: to_sql(expr, d))))
    return rows


def _old_compiler() -> ModuleType | None:
    """The emulator's compiler before the shared core, from git history (None without it)."""
    root = Path(__file__).resolve().parent.parent
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE_COMMIT}:scale_query/semantics/_sql.py"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("scale_query.semantics._sql_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "scale_query.semantics"
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, "_sql_before.py", "exec"), module.__dict__)
    return module


def _rate(client: Any, url: str, params: dict[str, str], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        client.get(url, params=params).raise_for_status()
        count += 1
    return count / (time.perf_counter() - start)


def emulator_rates(seconds: float) -> None:
    import httpx

    from scale_query.emulator import _api, serve

    query = {
        "filter": MEDIUM.replace('$and Prenom $eq "Élodie" ', "").replace("Ville", "Nom"),
        "sort_by": '{"Nom":"asc"}',
        "page": "1",
        "pagesize": "20",
    }
    shared = _api.compile_filter
    old = _old_compiler()

    def with_sqlglot(expr: Expr, columns: Any) -> Any:
        to_sql(expr, "sqlite", params=True)  # the cost of sqlglot on each request
        return shared(expr, columns)

    variants: list[tuple[str, Callable[..., Any]]] = [("after: shared semantic core", shared)]
    if old is not None:
        variants.insert(0, ("before: its own compiler", old.compile_filter))
    variants.append(("shared core + sqlglot each request", with_sqlglot))
    with (
        serve(demo=True) as emu,
        httpx.Client(headers={"Authorization": f"Bearer {emu.token}"}) as client,
    ):
        url = f"{emu.base_url}/{emu.instance}/get_objects/contact"
        _rate(client, url, query, 0.3)  # warm-up
        print(f"\n{'emulator, filtered sorted paged query':<44}{'req/s':>10}")
        for label, compiler in variants:
            _api.compile_filter = compiler  # type: ignore[attr-defined]
            try:
                print(f"{label:<44}{_rate(client, url, query, seconds):>10.0f}")
            finally:
                _api.compile_filter = shared  # type: ignore[attr-defined]
        if old is None:
            print("(no git history here: the 'before' row needs it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--no-emulator", action="store_true")
    args = parser.parse_args()
    compile_table()
    if not args.no_emulator:
        emulator_rates(args.seconds)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
