"""Shared test set-up: the Hypothesis profiles, the emulator fixtures and the docs' examples.

Hypothesis: two profiles, chosen by ``HYPOTHESIS_PROFILE`` (default ``dev``).
``.ci/run`` selects ``ci``.

Fixtures: ``emu`` (the demo emulator, reset, with no ``SCALE_*`` variable
set) and ``client`` (a ``Client`` on it with ``helpers.FAST`` retries), for
every test module; tests/helpers.py holds the shared values and functions.

Docs: the examples of README.md and docs/*.md, and those in the package's
docstrings, run as pytest items, one per example, named after the file and
line (``python -m pytest -k language.md`` runs one page); tests/docs_runner.py
says which blocks run and how. Each page runs in order in a fresh empty folder
(its working directory), with
``SCALE_TOKEN``/``SCALE_INSTANCE``/``SCALE_BASE_URL`` naming the session's demo
emulator, its data reset first, so ``sq.Client()`` as written talks to it.
``<!-- invisible-code-block: python -->`` comments hold set-up a page needs but
need not show (files a console example reads, a call to a test function it
defines).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from docs_runner import docs_sybil, docstrings_sybil
from helpers import FAST
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from scale_query import Client
    from scale_query.emulator import Emulator

# -- Hypothesis --------------------------------------------------------------

# No deadline anywhere: a deadline races the code against the wall clock of a
# shared machine (speed targets live in benchmarks/). CI is derandomized, so a
# failure there reproduces with HYPOTHESIS_PROFILE=ci, and keeps no database.
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# -- The emulator and a client on it ------------------------------------------


@pytest.fixture
def emu(scale_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The demo emulator (faults off, counts at zero, demo data intact), no SCALE_* set.

    The variables go so that what a test reads is what it passed.
    """
    for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return scale_emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    """A ``Client`` on ``emu`` whose retries wait milliseconds."""
    from scale_query import Client

    with Client(token=emu.token, instance=emu.instance, base_url=emu.base_url, retries=FAST) as c:
        yield c


# -- Docs --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent

# Pages whose examples are not run yet, each with why. The lead empties this list.
DOCS_NOT_RUN: dict[str, str] = {}

# Pages with an example over a second, each with why: all their examples are
# marked slow (a page's examples run in order, each on what the earlier ones
# left, so a page is run whole or not at all). The fast loop leaves them out.
SLOW_PAGES: dict[str, str] = {
    "docs/ci.md": "runs scale-query schema, check and fmt in subprocesses",
    "docs/cli.md": "runs scale-query in a subprocess per command (about a minute)",
    "docs/emulator.md": "runs scale-query serve in a subprocess",
    "docs/spark.md": "starts Spark's JVM (about 40 s)",
    "docs/sync.md": "runs scale-query sync (dlt and DuckDB) in subprocesses",
    "docs/warehouse.md": "exports to Parquet and runs DuckDB and the CLI",
    "docs/web.md": "runs web/build.py",
}

DOCS = docs_sybil(ROOT, ["README.md", "docs/*.md"], fixtures=["docs_sandbox"])
DOCSTRINGS = docstrings_sybil(ROOT / "scale_query")


class DocsPlugin:
    """Collects the docs for pytest.

    pytest asks a conftest.py only about files below its own folder, so this
    plugin is registered for the whole session (in ``pytest_configure``)
    to be asked about README.md and docs/ as well.
    """

    pytest_collect_file = staticmethod((DOCS + DOCSTRINGS).pytest())

    @pytest.fixture(scope="module")  # a Sybil document is a pytest module
    @classmethod
    def docs_sandbox(
        cls, scale_emulator_session: Any, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Path]:
        """A fresh working folder and the demo emulator, as SCALE_* names it."""
        scale_emulator_session.reset()
        folder = tmp_path_factory.mktemp("docs")
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            patch.setenv("SCALE_TOKEN", scale_emulator_session.token)
            patch.setenv("SCALE_INSTANCE", scale_emulator_session.instance)
            patch.setenv("SCALE_BASE_URL", scale_emulator_session.base_url)
            yield folder

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            page = item.path.relative_to(ROOT).as_posix() if item.path.is_relative_to(ROOT) else ""
            if page in DOCS_NOT_RUN:
                item.add_marker(pytest.mark.skip(reason=f"{page}: {DOCS_NOT_RUN[page]}"))
            if page in SLOW_PAGES:
                item.add_marker(pytest.mark.slow)
        # A renamed page would leave its entry naming nothing, and its examples unmarked.
        gone = sorted(page for page in {*DOCS_NOT_RUN, *SLOW_PAGES} if not (ROOT / page).is_file())
        if gone:
            raise pytest.UsageError(f"tests/conftest.py names pages that do not exist: {gone}")


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("scale_query_docs"):
        config.pluginmanager.register(DocsPlugin(), "scale_query_docs")
