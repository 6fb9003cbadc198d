"""Bound parameters: the values of ``:name`` placeholders, put into the AST as literals.

``parse(text, params=...)`` hands each placeholder it meets to a binder, which
returns the literal the AST holds; the value never passes through the text, so
a quote or a ``$or`` in it is just characters of the value. A missing, unused
or ill-typed parameter is a :class:`FilterSyntaxError` at the placeholder.

>>> from scale_query import parse
>>> parse('Nom $eq :nom', params={"nom": 'x" $or 1'}).value
'x" $or 1'
>>> from scale_query import placeholders
>>> [(p.name, p.list) for p in placeholders('Nom $eq :nom $and Pays $in :pays')]
[('nom', False), ('pays', True)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ._ast import Span
from ._canonical import Slot, SlotList
from ._hints import _shown
from ._values import filter_value

__all__ = ["BadParam", "Binder", "KeepBinder", "OpenBinder", "Placeholder"]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A ``:name`` placeholder of filter text: its name, where it is, and what it stands for.

    ``list`` is True where a whole list goes (``Pays $in :pays``), False where
    one value goes (``Nom $eq :nom``, or an item: ``Pays $in [FR, :autre]``).

    >>> from scale_query import placeholders
    >>> placeholders('Pays $in [FR, :autre]')[0]
    Placeholder(name='autre', span=Span(start=14, end=20), list=False)
    """

    name: str
    span: Span
    list: bool


class BadParam(Exception):
    """Raised inside the parser for a placeholder that cannot be filled."""

    def __init__(self, message: str, hint: str, start: int, end: int) -> None:
        self.message = message
        self.hint = hint
        self.start = start
        self.end = end


def _scalar(name: str, value: object, start: int, end: int) -> str | Decimal:
    if isinstance(value, (list, tuple)):
        raise BadParam(
            f"parameter :{name} is a list, but one value goes here",
            "pass one value, or use $in/$notin with :name alone for a list",
            start,
            end,
        )
    try:
        literal = filter_value(value)
    except (TypeError, ValueError) as error:
        # The message names the type, never the value (it may be personal data).
        raise BadParam(f"parameter :{name}: {error}", _TYPES, start, end) from None
    if isinstance(literal, str) and not literal.isascii():
        try:
            literal.encode("utf-8")
        except UnicodeEncodeError:
            raise BadParam(
                f"parameter :{name} holds a lone surrogate, which is not Unicode text",
                "pass text that encodes as UTF-8",
                start,
                end,
            ) from None
    return literal


_TYPES = "pass a str, int, Decimal, finite float, date or naive datetime"


class Binder:
    """Fills placeholders from ``params``, remembering which were used."""

    def __init__(self, params: Mapping[str, object] | None) -> None:
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(
                f"params must be a mapping of names to values, not {type(params).__name__}"
            )
        self.params: Mapping[str, object] = params or {}
        self.used: set[str] = set()

    def __call__(
        self, name: str, start: int, end: int, whole_list: bool
    ) -> str | Decimal | tuple[str | Decimal, ...]:
        """The literal for ``:name`` at ``start:end``: one value, or a tuple for a whole list."""
        if name not in self.params:
            raise BadParam(
                f"parameter :{_shown(name)} has no value",
                f"pass params={{{_shown(name)!r}: ...}}",
                start,
                end,
            )
        self.used.add(name)
        value = self.params[name]
        if not whole_list:
            return _scalar(name, value, start, end)
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise BadParam(
                f"parameter :{name} is a {type(value).__name__}, but $in and $notin take a list",
                f"pass a list: {{{name!r}: [...]}}",
                start,
                end,
            )
        if not value:
            raise BadParam(
                f"parameter :{name} is an empty list",
                "$in and $notin need at least one value",
                start,
                end,
            )
        return tuple(_scalar(name, item, start, end) for item in value)

    def unused(self) -> list[str]:
        """The names given but never met in the text, in the caller's order."""
        return [name for name in self.params if name not in self.used]


class OpenBinder(Binder):
    """Leaves placeholders open: records each one and fills it with a neutral value."""

    def __init__(self) -> None:
        super().__init__(None)
        self.found: list[Placeholder] = []

    def __call__(
        self, name: str, start: int, end: int, whole_list: bool
    ) -> str | Decimal | tuple[str | Decimal, ...]:
        self.found.append(Placeholder(name, Span(start, end), whole_list))
        return ("",) if whole_list else ""


class KeepBinder(Binder):
    """Keeps placeholders: each becomes a ``Slot`` that renders back as ``:name``."""

    def __init__(self) -> None:
        super().__init__(None)

    def __call__(
        self, name: str, start: int, end: int, whole_list: bool
    ) -> str | Decimal | tuple[str | Decimal, ...]:
        return SlotList((Slot(name),)) if whole_list else Slot(name)
