"""What the client returns: records, write results and object summaries.

Values stay exactly as the server sends them: strings.

>>> Record("109128", {"Nom": "Doe"}).data["Nom"]
'Doe'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ObjectSummary", "Record", "WriteResult"]


@dataclass(frozen=True, slots=True)
class Record:
    """One record of an object: its id, field values and links, as strings.

    To create a record pass id ``"0"`` (or ``0`` in a dict) to ``Client.put``.

    >>> Record("0", {"Nom": "Doe"}, {"contact": "47737"}).link["contact"]
    '47737'
    """

    id: str
    data: Mapping[str, str] = field(default_factory=dict)
    link: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What the server did with one record sent to ``put_objects``.

    ``created``, ``updated`` and ``found`` are the server's ``"Y"``/``"N"``
    flags as booleans; ``error`` is the server's message for a record it
    refused (None otherwise).

    >>> WriteResult("OK", "49049", created=True, updated=False, found=False).ok
    True
    """

    status: str
    id: str
    created: bool = False
    updated: bool = False
    found: bool = False
    data: Mapping[str, str] = field(default_factory=dict)
    link: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the server accepted the record."""
        return self.status.upper() == "OK" and self.error is None


@dataclass(frozen=True, slots=True)
class ObjectSummary:
    """One entry of ``get_object_list``: an object the API profile can see.

    >>> ObjectSummary("contact", acl="", created="2022-10-25 16:45:09", updated="").created
    '2022-10-25 16:45:09'
    """

    name: str
    acl: str = ""
    created: str = ""
    updated: str = ""
