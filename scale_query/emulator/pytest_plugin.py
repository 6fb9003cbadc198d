"""pytest plugin of the embedded emulator: the ``scale_emulator`` fixture.

Loaded automatically (``pytest11`` entry point) wherever scale-query is
installed. One demo emulator serves the whole session; before each test the
fixture turns every fault off, zeroes the request counts and, when a test
wrote, puts the demo data back. This module imports nothing heavy until the
fixture is used.

>>> def test_contacts(scale_emulator):  # doctest: +SKIP
...     import httpx
...     response = httpx.get(
...         f"{scale_emulator.base_url}/{scale_emulator.instance}/get_object_list",
...         headers={"Authorization": f"Bearer {scale_emulator.token}"},
...     )
...     assert "contact" in response.json()
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._server import Emulator

__all__ = ["scale_emulator", "scale_emulator_session"]


@pytest.fixture(scope="session")
def scale_emulator_session() -> Iterator[Emulator]:
    """The session's demo emulator, as it is (faults and data as earlier tests left them)."""
    from ._server import serve

    with serve(demo=True) as emulator:
        yield emulator


@pytest.fixture
def scale_emulator(scale_emulator_session: Emulator) -> Emulator:
    """The demo emulator with faults off, request counts at zero and the demo data intact."""
    scale_emulator_session.reset()
    return scale_emulator_session
