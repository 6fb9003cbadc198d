"""How fast ``scale_query.parse`` is, beside stock Lark on the same grammar.

The baseline is what one would write with Lark out of the box: the same
``grammar/filter.lark``, ``Lark(parser="lalr", transformer=...)`` with an
inline transformer building the same AST. Both run in this process, on the
same inputs, and must produce equal ASTs. Rows: filters of three sizes;
issue 9's 100,000 blanks of every kind after a filter and before a bad token
(the old lexer took exponential time on those); time per KB from 10 KB to
10 MB; the cold start.

    python benchmarks/parse.py
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lark import Lark, Token, Transformer

import scale_query
from scale_query import And, Condition, Op, Or, parse
from scale_query.language._tablegen import grammar_text

SMALL = 'DateNaissance $gt "1990-06-12" $and EMail $like "*S*"'
MEDIUM = (
    'Civilite $eq "Madame" $and Pays $in [FR,BE,LU,CH,DE,ES,IT,NL,PT,GB] '
    '$and (Nom $like "Du*" $or Nom $like "*mont" $or Prenom $regex "^J(ea)?n") '
    '$and DateNaissance $gte "1960-01-01" $and DateNaissance $lt "2000-01-01" '
    '$and CP $notlike "75*" $and EMail $neq "" $and Telephone $notin ["", "0000"] '
    "$and Montant $gte 12.50"
)


def large(n: int) -> str:
    """``n`` conditions in groups of four, alternating $and and $or."""
    parts = []
    for i in range(0, n, 4):
        parts.append(f'(Nom $eq "n{i}" $and Age $gt {i} $or Pays $in [FR,BE] $and CP $like "{i}*")')
    return " $or ".join(parts)


class _Baseline(Transformer[Token, Any]):
    """The same AST, built by a stock Lark inline transformer."""

    def field(self, c: list[Token]) -> str:
        text = str(c[0])
        return text if c[0].type == "FIELD" else text[1:-1]

    def scalar(self, c: list[Token]) -> Any:
        import json

        t = c[0]
        if t.type == "STRING":
            return json.loads(t)
        if t.type == "NUMBER":
            return Decimal(t)
        return str(t)

    item = scalar

    def items(self, c: list[Any]) -> list[Any]:
        return c if len(c) == 1 else [*c[0], c[2]]

    def list(self, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c[1])

    def condition(self, c: list[Any]) -> Condition:
        return Condition(c[0], Op(str(c[1])), c[2])

    def and_(self, c: list[Any]) -> And:
        return And((c[0], c[2]))

    def or_(self, c: list[Any]) -> Or:
        return Or((c[0], c[2]))

    def group(self, c: list[Any]) -> Any:
        return c[1]


#: A run of blanks of every kind, as issue 9's inputs: the old lexer took
#: exponential time on them (26 spaces before a bad token: 5 s).
BLANKS = " \t\r\n" * 25_000


def refused(fn: Callable[[str], object]) -> Callable[[str], object]:
    """``fn`` that must raise (a syntax error): times the refusal."""

    def run(text: str) -> object:
        try:
            fn(text)
        except Exception:
            return None
        raise AssertionError("accepted a bad filter")

    return run


def once(fn: Callable[[str], object], text: str) -> float:
    """Milliseconds for one call."""
    start = time.perf_counter()
    fn(text)
    return (time.perf_counter() - start) * 1e3


def per_call(fn: Callable[[str], object], text: str, budget: float = 0.6) -> float:
    """Microseconds per call: the median of several timed batches."""
    fn(text)
    runs = 1
    while True:
        start = time.perf_counter()
        for _ in range(runs):
            fn(text)
        elapsed = time.perf_counter() - start
        if elapsed > budget / 8:
            break
        runs *= 2
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(runs):
            fn(text)
        samples.append((time.perf_counter() - start) / runs)
    return statistics.median(samples) * 1e6


def cold_start(code: str, repeat: int = 7) -> float:
    """Median milliseconds for a fresh interpreter to run ``code``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def main() -> None:
    baseline_lark = Lark(grammar_text(), parser="lalr", transformer=_Baseline())
    baseline = baseline_lark.parse
    cases = {
        "small (2 conditions)": SMALL,
        "medium (12 conditions, list, group)": MEDIUM,
        "large (2,000 conditions)": large(2000),
    }
    sys.setrecursionlimit(10_000)  # the baseline's AST is a deep binary tree
    print(f"scale_query {scale_query.__version__}, Python {sys.version.split()[0]}")
    print(f"{'filter':40} {'scale_query µs':>15} {'stock Lark µs':>15} {'speed-up':>9}")
    for name, text in cases.items():
        assert parse(text) == baseline(text), name
        ours = per_call(parse, text)
        theirs = per_call(baseline, text)
        print(f"{name:40} {ours:15.1f} {theirs:15.1f} {theirs / ours:8.2f}x")
    blank_cases = {
        "100,000 blanks after a filter": SMALL + BLANKS,
        "100,000 blanks, then a bad token": BLANKS + "!",
    }
    for name, text in blank_cases.items():
        ours_fn, theirs_fn = (
            (parse, baseline) if "bad" not in name else map(refused, (parse, baseline))
        )
        ours = per_call(ours_fn, text)
        theirs = per_call(theirs_fn, text)
        print(f"{name:40} {ours:15.1f} {theirs:15.1f} {theirs / ours:8.2f}x")

    print("\nlinearity: microseconds per KB of filter text (one run each)")
    print(f"  {'size':>8}    {'scale_query':>20}    {'stock Lark':>20}")
    for size in (10_000, 100_000, 1_000_000, 10_000_000):
        conditions = max(4, size // 50)
        text = large(conditions)
        while len(text) < size:
            conditions *= 2
            text = large(conditions)
        text = text[: text.rfind(") $or (", 0, size) + 1]
        kb = len(text) / 1e3
        ours = once(parse, text)
        # Stock Lark grows faster than linearly here (its binary AST): past
        # 1 MB it would take many minutes, so the row keeps ours only.
        theirs = once(baseline, text) if size <= 1_000_000 else None
        print(
            f"  {kb:8.0f} KB: {ours:8.1f} ms {ours * 1e3 / kb:6.1f} µs/KB    "
            + (
                f"{theirs:8.1f} ms {theirs * 1e3 / kb:6.1f} µs/KB"
                if theirs is not None
                else "not run (super-linear)"
            )
        )

    # pip compiles an installed wheel to bytecode; do the same for this
    # checkout, so the figure is not the one-off cost of compiling sources.
    package = os.path.dirname(scale_query.__file__)
    compileall.compile_dir(package, quiet=1)
    print("\ncold start (median of 7, ms, bytecode compiled)")
    bare = cold_start("pass")
    ours_cold = cold_start(f"import scale_query; scale_query.parse({SMALL!r})")
    print(f"  python -c pass                        {bare:7.1f}")
    print(f"  import scale_query + parse()          {ours_cold:7.1f}  (+{ours_cold - bare:.1f})")


if __name__ == "__main__":
    main()
