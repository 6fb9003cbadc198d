"""Find ``filter.lark``: inside the installed package, or in a source checkout."""

from __future__ import annotations

import os.path
from functools import cache

__all__ = ["grammar_path", "grammar_text"]

_HERE = os.path.dirname(os.path.abspath(__file__))
# The wheel carries a build-time copy in the package; a checkout has grammar/.
_CANDIDATES = (
    os.path.join(_HERE, "grammar", "filter.lark"),
    os.path.join(os.path.dirname(_HERE), "grammar", "filter.lark"),
)


def grammar_path() -> str:
    """The path of the grammar file this package parses with."""
    for candidate in _CANDIDATES:
        if os.path.isfile(candidate):
            return candidate
    raise RuntimeError(
        "scale_query is installed without grammar/filter.lark; reinstall the package"
    )


@cache
def grammar_text() -> str:
    """The grammar's text."""
    with open(grammar_path(), encoding="utf-8") as file:
        return file.read()
