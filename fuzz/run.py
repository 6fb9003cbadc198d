"""Run the fuzz harnesses of fuzz/harnesses.py with atheris (libFuzzer).

    python fuzz/run.py parse --minutes 30          # one harness, 30 minutes
    python fuzz/run.py --all --minutes 30          # every harness at once, niced
    python fuzz/run.py parse -- -runs=10000 -seed=1 -max_total_time=15   # one libFuzzer run

A run reads the stored corpus (``fuzz/corpus/<harness>/``) and writes the
inputs it finds interesting to ``fuzz/.work/<harness>/``. An input that makes
the harness fail (an exception, a broken check, more than a second: libFuzzer's
``-timeout=1``) is saved to ``fuzz/findings/<harness>/`` and, with
``--minutes``, the run starts again with another seed until the time is up.
At the end a line gives the harness, the time, the executions and the
findings. See fuzz/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = ["parse", "validate", "from_url", "python_source", "emulator", "form", "lsp"]
# libFuzzer's flags for every run: the token dictionary, the final figures.
FLAGS = [f"-dict={HERE / 'filter.dict'}", "-print_final_stats=1"]


def fuzz(name: str, flags: list[str]) -> None:
    """One libFuzzer run of ``name``, in this process (atheris)."""
    import atheris

    sys.path.insert(0, str(HERE))
    with atheris.instrument_imports(include=["scale_query"]):
        import harnesses

        import scale_query.emulator._server  # noqa: F401  (instrumented before first use)

    check = harnesses.HARNESSES[name]
    check(b"")  # set-up (the emulator's demo data) before the clock starts
    # libFuzzer runs argv[0] again for -merge and -fork: make it this command.
    again = f"{sys.executable} {Path(__file__).resolve()} {name} --"
    atheris.Setup([again, *flags], check)
    atheris.Fuzz()


def supervise(
    name: str, seconds: float, seed: int | None, timeout: int, work: Path, findings: Path
) -> int:
    """Run ``name`` for ``seconds``, again after each finding; print and return the findings.

    An input slower than a second is saved as ``slow-unit-*``; past
    ``timeout`` seconds it stops the run (``timeout-*``). On a busy machine a
    larger ``timeout`` keeps a stall of the machine from ending every run:
    the slow units are then replayed alone (``--replay``) to tell.
    """
    work.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    corpus = HERE / "corpus" / name
    deadline = time.monotonic() + seconds
    runs, found, attempt = 0, 0, 0
    started = time.monotonic()
    while (left := deadline - time.monotonic()) > 1:
        flags = [
            *FLAGS,
            f"-timeout={timeout}",
            "-report_slow_units=1",
            f"-max_total_time={int(left)}",
            f"-artifact_prefix={findings}/",
            *([f"-seed={seed + attempt}"] if seed is not None else []),
            str(work),
            str(corpus),
        ]
        attempt += 1
        done = subprocess.run(
            [sys.executable, __file__, name, "--", *flags],
            capture_output=True,
            text=True,
            check=False,
        )
        log = done.stdout + done.stderr
        (findings / "last-run.log").write_text(log[-200_000:], encoding="utf-8")
        runs += sum(int(n) for n in re.findall(r"stat::number_of_executed_units: (\d+)", log))
        if done.returncode != 0:
            found += 1
            print(f"{name}: finding {found} (exit {done.returncode}), see {findings}", flush=True)
            (findings / f"finding-{found}.log").write_text(log[-200_000:], encoding="utf-8")
    elapsed = time.monotonic() - started
    print(
        f"{name}: {elapsed / 60:.1f} min, {runs:,} executions ({runs / max(elapsed, 1):,.0f}/s), "
        f"{found} finding(s)",
        flush=True,
    )
    return found


def replay(names: list[str]) -> int:
    """Each saved finding of ``names`` run alone, three times: its best time and its error."""
    sys.path.insert(0, str(HERE))
    import harnesses

    failed = 0
    for name in names:
        check = harnesses.HARNESSES[name]
        check(b"")  # set-up outside the timings
        for path in sorted((HERE / "findings" / name).glob("[cst]*-*")):
            data, times, error = path.read_bytes(), [], ""
            for _ in range(3):
                start = time.perf_counter()
                try:
                    check(data)
                except Exception as caught:
                    error = f"{type(caught).__name__}: {str(caught)[:200]}"
                times.append(time.perf_counter() - start)
            slow = min(times) > 1
            failed += bool(error) or slow
            verdict = error or ("SLOW" if slow else "passes")
            print(f"{name} {path.name}: {len(data)} bytes, {min(times):.3f} s, {verdict}")
    return min(failed, 1)


def main() -> int:
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    argv, flags = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="harness", help=", ".join(NAMES))
    parser.add_argument("--all", action="store_true", help="every harness, one process each")
    parser.add_argument("--minutes", type=float, help="run this long, again after a finding")
    parser.add_argument("--seed", type=int, help="libFuzzer's first seed (default: random)")
    parser.add_argument(
        "--timeout", type=int, default=1, help="seconds an input may take (default: 1)"
    )
    parser.add_argument(
        "--replay", action="store_true", help="time each finding of the harness, alone"
    )
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(NAMES)
    if unknown:
        parser.error(
            f"no harness {', '.join(sorted(unknown))}: the harnesses are {', '.join(NAMES)}"
        )
    names = NAMES if args.all else args.names
    if not names:
        parser.error("name a harness, or --all")
    if args.replay:
        return replay(names)
    if args.minutes is None:
        if len(names) != 1:
            parser.error("one harness at a time without --minutes")
        fuzz(names[0], flags)
        return 0
    if len(names) == 1:
        work, findings = HERE / ".work" / names[0], HERE / "findings" / names[0]
        found = supervise(names[0], args.minutes * 60, args.seed, args.timeout, work, findings)
        return min(found, 1)
    # Several: one niced process each, side by side.
    seed = [] if args.seed is None else ["--seed", str(args.seed)]
    seed += ["--timeout", str(args.timeout)]
    children = [
        subprocess.Popen(
            [
                *("nice", "-n", "10", sys.executable, __file__, name),
                *("--minutes", f"{args.minutes}", *seed),
            ],
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        for name in names
    ]
    return max(child.wait() for child in children)


if __name__ == "__main__":
    sys.exit(main())
