"""What several test modules share, defined once: import it (``from helpers import FAST``).

The fixtures (``emu``, ``client``) are in tests/conftest.py; these are the
plain values and functions they and the tests use.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from scale_query import RetryPolicy

if TYPE_CHECKING:
    from scale_query.emulator import Emulator

# Retries with waits of milliseconds: a test of retries waits for nothing.
FAST = RetryPolicy(retries=3, base=0.001, cap=0.01)

# One TLS context for the tests' own httpx calls (``httpx.get(url, verify=TLS)``):
# each call or client would otherwise load the CA bundle (about 35 ms), even
# for the plain-HTTP emulator.
TLS = httpx.create_ssl_context()


def cli_args(emu: Emulator, token: str | None = None) -> list[str]:
    """The command line's connection options naming ``emu`` (or another token)."""
    return ["--token", token or emu.token, "--instance", emu.instance, "--base-url", emu.base_url]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Runs ``scale-query ARGV`` in this process: (exit code, stdout, stderr)."""
    from scale_query.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file the data commands wrote, as dicts by header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
