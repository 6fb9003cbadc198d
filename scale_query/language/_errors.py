"""``ScaleError``: the base of every error scale-query raises on purpose.

It lives at the bottom of the package, in the language wing, so that
:class:`~scale_query.FilterSyntaxError` (here) and the client's errors (above)
share one base without the language importing anything above it.

>>> from scale_query import FilterSyntaxError, NotFound
>>> issubclass(FilterSyntaxError, ScaleError) and issubclass(NotFound, ScaleError)
True
"""

from __future__ import annotations

__all__ = ["ScaleError"]


class ScaleError(Exception):
    """The base of every error scale-query raises: catch it to catch them all.

    >>> import scale_query as sq
    >>> try:
    ...     sq.parse("Nom $eq")
    ... except sq.ScaleError as error:
    ...     print(type(error).__name__)
    FilterSyntaxError
    """
