"""``Finding``: what a rule found, before it becomes a ``Diagnostic``."""

from __future__ import annotations

from typing import NamedTuple

from ..language import Span

__all__ = ["Finding"]


class Finding(NamedTuple):
    """What a check found, with offsets into the parsed text (None: not parsed)."""

    code: str
    message: str
    span: Span | None
    hint: str | None = None
    replacement: str | None = None
