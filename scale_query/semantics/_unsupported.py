"""``UnsupportedSQL``: what a SQL dialect cannot express exactly.

In a module of its own so that the dialect rules (:mod:`._dialects`) and
:func:`~scale_query.to_sql` (:mod:`._warehouse`) both raise it without
importing each other.
"""

from __future__ import annotations

from ..language import ScaleError

__all__ = ["UnsupportedSQL"]


class UnsupportedSQL(ScaleError, ValueError):
    """A filter (or part of one) that a SQL dialect cannot express exactly.

    ``dialect`` and ``construct`` say which; the message says why and, where
    there is one, what to write instead.

    >>> error = UnsupportedSQL("tsql", "$gt on text field 'Nom'", "T-SQL orders text by UTF-16")
    >>> str(error)
    "tsql cannot express $gt on text field 'Nom' exactly: T-SQL orders text by UTF-16"
    """

    def __init__(self, dialect: str, construct: str, reason: str) -> None:
        self.dialect = dialect
        self.construct = construct
        self.reason = reason
        super().__init__(f"{dialect} cannot express {construct} exactly: {reason}")
