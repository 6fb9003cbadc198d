"""Find ``filter.lark``: inside the installed package, or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["grammar_path", "grammar_text"]

_HERE = Path(__file__).resolve().parent
# The wheel carries a build-time copy in the package; a checkout has grammar/.
_CANDIDATES = (_HERE / "grammar" / "filter.lark", _HERE.parent / "grammar" / "filter.lark")


def grammar_path() -> Path:
    """The grammar file this package parses with."""
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        "scale_query is installed without grammar/filter.lark; reinstall the package"
    )


@cache
def grammar_text() -> str:
    """The grammar's text."""
    return grammar_path().read_text(encoding="utf-8")
