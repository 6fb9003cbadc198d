"""``scale-query demo``, the README's main job, runs end to end."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_demo_walks_through_every_screen() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scale_query", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for heading in (
        "1. A filter typed by a user",
        "2. The same filter, built in Python",
        "3. The query and the URL it becomes",
        "4. The records it fetches",
        "5. A write, and what happened to each record",
    ):
        assert heading in out
    assert "hint: did you mean '$gte'?" in out
    assert "equals the parsed filter: True" in out
    assert "did you mean 'DateNaissance'?" in out
    # The fetched page and the write results are real rows, not placeholders.
    assert "matching contacts" in out
    assert "\n    OK " in out
    assert "\n    ERROR " in out
    assert "Traceback" not in done.stderr
