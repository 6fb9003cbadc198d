"""A slow request never holds up a cheap one: request work runs off the event loop.

Deterministic: the slow request is parked inside SQLite (in the regex
function the store registers) on an event that the test sets only after the
cheap requests have answered. An emulator that did the work on its event
loop, or behind one store-wide lock, would never answer them: their
generous timeout is what reports that failure, not a race.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from scale_query.emulator import Emulator, _store

SLOW = "^parked"


@pytest.fixture
def parked(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """(started, release): a $regex of SLOW blocks in SQLite until ``release`` is set."""
    started, release = threading.Event(), threading.Event()
    real = _store.compile_regex

    def blocking(pattern: str) -> re.Pattern[str]:
        if pattern == SLOW:
            started.set()
            release.wait(60)
        return real(pattern)

    monkeypatch.setattr(_store, "compile_regex", blocking)
    try:
        yield started, release
    finally:
        release.set()


def test_cheap_requests_answer_while_a_slow_filter_runs(
    scale_emulator: Emulator, parked: tuple[threading.Event, threading.Event]
) -> None:
    started, release = parked
    headers = {"Authorization": f"Bearer {scale_emulator.token}"}
    base = scale_emulator.instance_url
    with httpx.Client(headers=headers, timeout=20) as http, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(
            http.get, f"{base}/get_objects/contact", params={"filter": f'Nom $regex "{SLOW}"'}
        )
        assert started.wait(20), "the slow request never reached SQLite"
        listing = http.get(f"{base}/get_object_list")
        assert listing.status_code == 200 and "contact" in listing.json()
        # A read of the same table and a write both go through too.
        page = http.get(f"{base}/get_objects/contact", params={"limit": "2"})
        assert page.status_code == 200 and len(page.json()["objects"]) == 2
        written = http.post(
            f"{base}/put_objects/contact",
            data={"objects": '[{"id": 0, "data": {"Nom": "Pendant"}}]'},
        )
        assert written.json()["objects"][0]["status"] == "OK"
        assert not slow.done()
        release.set()
        answer = slow.result(timeout=20)
    assert answer.status_code == 200 and answer.json() == {"objects": []}
