"""The fuzz harnesses as regression tests: the stored corpus, and a short seeded run of each.

``fuzz/corpus/<harness>/`` keeps the inputs found so far (issue 9's
whitespace, regex, paging and write inputs among them, and every finding);
each is replayed through the harness's check, the same function the fuzzer
runs. Then each harness runs under atheris for a fixed number of inputs with
a fixed seed, in a subprocess, as ``fuzz/run.py`` documents it
(fuzz/README.md): a count, not a time, so that the same code meets the same
inputs on every machine and a run that passed once passes again.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
#: New inputs per harness in the test run (with -seed=1), beyond its corpus:
#: a few seconds each on a quiet machine; the emulator harness is the slowest.
NEW_INPUTS = {"emulator": 400, "lsp": 1500}
DEFAULT_NEW_INPUTS = 3000


def _harnesses() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_harnesses", FUZZ / "harnesses.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harnesses = _harnesses()
NAMES: list[str] = list(harnesses.HARNESSES)


def test_every_harness_has_a_corpus_and_run_knows_it() -> None:
    run = (FUZZ / "run.py").read_text(encoding="utf-8")
    for name in NAMES:
        assert any((FUZZ / "corpus" / name).iterdir()), name
        assert f'"{name}"' in run, name


@pytest.mark.timeout(300)
# Python sources of the corpus hold escapes such as "\e": ast warns about them.
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
@pytest.mark.parametrize("name", NAMES)
def test_corpus_replays(name: str) -> None:
    check: Callable[[bytes], None] = harnesses.HARNESSES[name]
    failures = []
    for path in sorted((FUZZ / "corpus" / name).iterdir()):
        try:
            check(path.read_bytes())
        except Exception as error:  # every failure of the corpus at once, by file
            failures.append(f"{path.name}: {type(error).__name__}: {str(error)[:300]}")
    assert failures == []


def test_the_checks_catch_what_they_are_for() -> None:
    # A check that cannot fail proves nothing: feed each one a planted fault.
    from scale_query import FilterSyntaxError

    text = "Nom $eq"
    wrong = FilterSyntaxError("planted", text=text, offset=len(text) + 3)
    with pytest.raises(AssertionError, match="span"):
        harnesses.check_syntax_error(text, wrong)
    with pytest.raises(AssertionError):
        harnesses.check_syntax_error("Nom\n$eq", FilterSyntaxError("x", text="Nom $eq", offset=4))


def test_the_form_check_catches_records_let_through(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the scan had counted wrong: two records pass a bound of one.
    seed = (FUZZ / "corpus" / "form" / "multipart-records").read_bytes()
    harnesses.check_form(seed)
    monkeypatch.setattr(harnesses, "MAX_RECORDS_PER_WRITE", 1)
    with pytest.raises(AssertionError, match="let through"):
        harnesses.check_form(seed)


def test_a_hint_quoting_a_lone_surrogate_prints() -> None:
    # A finding of the parse harness: the hint for a single-quoted string
    # quoted the lone surrogate back, and str(error) could not be printed.
    from scale_query import FilterSyntaxError, parse

    with pytest.raises(FilterSyntaxError) as caught:
        parse(b"I'\xc7*".decode("utf-8", "surrogateescape"))
    assert caught.value.hint == 'write "\\udcc7*"'
    str(caught.value).encode("utf-8")


atheris = pytest.importorskip("atheris", reason="atheris runs on Linux (the dev extra)")


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", NAMES)
def test_fuzz_briefly_with_a_fixed_seed(name: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    corpus = sum(1 for _ in (FUZZ / "corpus" / name).iterdir())
    flags = [
        f"-runs={corpus + NEW_INPUTS.get(name, DEFAULT_NEW_INPUTS)}",
        "-seed=1",
        "-timeout=1",
        f"-dict={FUZZ / 'filter.dict'}",
        f"-artifact_prefix={tmp_path}/",
        str(work),
        str(FUZZ / "corpus" / name),
    ]
    done = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), name, "--", *flags],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    assert "Done " in log, log[-2000:]
