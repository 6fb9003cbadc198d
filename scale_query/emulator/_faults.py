"""Fault switches and request counters, shared by the app and the test thread."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["FAULT_NAMES", "FAULT_SWITCHES", "Fault", "FaultState", "FaultSwitch"]


def _switch(default: bool | int | float, metavar: str, help: str) -> Any:
    return field(default=default, metadata={"metavar": metavar, "help": help})


@dataclass
class _Settings:
    """The fault switches: one table for the Python API, the admin path and ``serve``'s flags."""

    rate_limit: int = _switch(0, "N", "the next N requests get 429 with Retry-After")
    retry_after: float = _switch(1.0, "S", "seconds sent in Retry-After with a 429")
    maintenance: bool = _switch(False, "", "every request gets 503 until turned off")
    unavailable: int = _switch(0, "N", "the next N requests get 503")
    latency: float = _switch(0.0, "S", "seconds added after processing, before responding")
    failure_rate: float = _switch(0.0, "P", "probability of a 500 for each request (seeded)")
    failures: int = _switch(0, "N", "the next N requests get 500")
    corrupt: int = _switch(0, "N", "the next N responses have their body cut in half")
    seed: int = _switch(0, "K", "seed of the failure_rate draws")


@dataclass(frozen=True)
class FaultSwitch:
    """One fault switch: its name, default, and how ``serve`` shows it as a flag."""

    name: str
    default: bool | int | float
    metavar: str
    help: str

    @property
    def flag(self) -> str:
        """``--rate-limit`` for ``rate_limit``."""
        return "--" + self.name.replace("_", "-")


#: Every fault switch, in the order of :class:`_Settings`.
FAULT_SWITCHES = tuple(
    FaultSwitch(f.name, f.default, f.metadata["metavar"], f.metadata["help"])  # type: ignore[arg-type]
    for f in fields(_Settings)
)
FAULT_NAMES = tuple(switch.name for switch in FAULT_SWITCHES)


@dataclass(frozen=True)
class Fault:
    """What to do with one request: an error status, or latency and corruption."""

    status: int | None = None
    message: str = ""
    retry_after: float | None = None
    latency: float = 0.0
    corrupt: bool = False


def _checked(name: str, value: Any) -> Any:
    default = getattr(_Settings, name)
    if isinstance(value, bool) != isinstance(default, bool):
        raise TypeError(f"fault {name!r} takes a {type(default).__name__}, not {value!r}")
    if isinstance(default, bool):
        return value
    # NaN and infinity (json reads both) would fail later: a 500, or NaN in GET faults.
    if (
        not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
        or value < 0
    ):
        raise ValueError(f"fault {name!r} must be a finite number, 0 or more, not {value!r}")
    if name == "failure_rate" and value > 1:
        raise ValueError(f"fault 'failure_rate' is a probability between 0 and 1, not {value}")
    if isinstance(default, int) and not isinstance(value, int):
        raise ValueError(f"fault {name!r} is a whole number of requests, not {value!r}")
    return value


class FaultState:
    """The switches (thread-safe) and how many requests each endpoint received."""

    def __init__(self, **faults: Any) -> None:
        self._lock = threading.Lock()
        self._settings = _Settings()
        self._random = random.Random(0)
        self._counts: Counter[tuple[str, str]] = Counter()
        self.set(**faults)

    def set(self, **faults: Any) -> None:
        """Change some switches; an unknown name is a TypeError."""
        for name in faults:
            if name not in FAULT_NAMES:
                raise TypeError(f"unknown fault {name!r}; the faults are: {', '.join(FAULT_NAMES)}")
        checked = {name: _checked(name, value) for name, value in faults.items()}
        with self._lock:
            for name, value in checked.items():
                setattr(self._settings, name, value)
            if "seed" in checked:
                self._random.seed(checked["seed"])

    def clear(self) -> None:
        """Every switch off."""
        with self._lock:
            self._settings = _Settings()
            self._random.seed(0)

    def current(self) -> dict[str, Any]:
        with self._lock:
            return {name: getattr(self._settings, name) for name in FAULT_NAMES}

    def count(self, method: str, endpoint: str) -> None:
        with self._lock:
            self._counts[(method.upper(), endpoint)] += 1

    def counts(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def request_count(self, method: str | None = None, endpoint: str | None = None) -> int:
        """Requests received, optionally only of one method and/or endpoint."""
        with self._lock:
            return sum(
                n
                for (m, e), n in self._counts.items()
                if (method is None or m == method.upper()) and (endpoint is None or e == endpoint)
            )

    def next_fault(self) -> Fault:
        """Draw the fault for the next request (consuming "next N" counters)."""
        with self._lock:
            s = self._settings
            if s.maintenance:
                return Fault(503, "the datamart is under maintenance; try again later")
            if s.unavailable:
                s.unavailable -= 1
                return Fault(503, "the datamart is temporarily unavailable; try again later")
            if s.rate_limit:
                s.rate_limit -= 1
                return Fault(429, "too many requests: slow down", retry_after=s.retry_after)
            if s.failures:
                s.failures -= 1
                return Fault(500, "internal server error (injected)")
            if s.failure_rate and self._random.random() < s.failure_rate:
                return Fault(500, "internal server error (injected at random)")
            corrupt = s.corrupt > 0
            if corrupt:
                s.corrupt -= 1
            return Fault(latency=s.latency, corrupt=corrupt)
