"""Which data format a file name implies: one table for ``export`` and ``import``.

>>> format_for("out.jsonl"), format_for("x.PARQUET"), format_for("-"), format_for(None)
('jsonl', 'parquet', 'csv', 'csv')
"""

from __future__ import annotations

__all__ = ["format_for"]

_SUFFIXES = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def format_for(path: str | None) -> str:
    """The format ``path``'s suffix names; ``csv`` for stdin/stdout (``-``, None) and others."""
    if path is None:
        return "csv"
    lower = path.lower()
    return next((fmt for suffix, fmt in _SUFFIXES.items() if lower.endswith(suffix)), "csv")
