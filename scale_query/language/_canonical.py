"""Canonical text: literals, field names and whole expressions, one way each.

This module sits below the AST: it reads nodes by their shape (a group has
``operands`` and a ``joiner``; a condition has ``field``, ``op`` and
``value``) instead of importing their classes, so that ``_ast`` can give every
node its ``__str__`` without an import circle. :func:`scale_query.render` is
the public entry point.

>>> quote_field("Nom"), quote_field("Date de naissance"), quote_string("René")
('Nom', '[Date de naissance]', '"René"')
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from . import _tables
from ._values import format_number

__all__ = ["Slot", "SlotList", "canonical_text", "literal_text", "quote_field", "quote_string"]

_BARE_FIELD = re.compile(_tables.TERMINALS["FIELD"])


class Slot(str):
    """An open ``:name`` placeholder kept in an expression, written back as ``:name``.

    Only ``fmt`` and ``check --fix`` make them (``_parser.parse_template``), to
    rewrite a saved template without its values; the value it holds is "".
    """

    name: str

    def __new__(cls, name: str) -> Slot:
        slot = super().__new__(cls, "")
        slot.name = name
        return slot


class SlotList(tuple[str, ...]):
    """An open placeholder standing for a whole list (``Pays $in :pays``): one ``Slot``."""

    __slots__ = ()


def quote_string(value: str) -> str:
    """A JSON string literal, non-ASCII kept as it is: ``"Ren\\u00e9"`` stays ``"René"``."""
    return json.dumps(value, ensure_ascii=False)


def quote_field(name: str) -> str:
    """A field name as written in a filter: bare when it can be, else in brackets."""
    return name if _is_bare(name) else f"[{name}]"


def _is_bare(name: str) -> bool:
    # The parser's rule: the FIELD pattern, and each dotted part starting with a
    # letter or "_" (the pattern alone lets "²" through).
    if _BARE_FIELD.fullmatch(name) is None:
        return False
    return name.isascii() or all(p[0].isalpha() or p[0] == "_" for p in name.split("."))


def literal_text(value: str | Decimal) -> str:
    """One literal as written in a filter: a JSON string or a plain number."""
    if type(value) is Slot:
        return f":{value.name}"
    return quote_string(value) if isinstance(value, str) else format_number(value)


def _condition(node: Any) -> str:
    value = node.value
    if type(value) is SlotList:
        text = literal_text(value[0])
    elif isinstance(value, tuple):
        text = "[" + ",".join(literal_text(item) for item in value) + "]"
    else:
        text = literal_text(value)
    return f"{quote_field(node.field)} {node.op.value} {text}"


def canonical_text(expr: Any) -> str:
    """The canonical text of an expression, with parentheses only where needed.

    A loop over an explicit stack rather than recursion, so any depth renders.
    """
    out: list[str] = []
    todo: list[Any] = [expr]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif not hasattr(item, "operands"):
            out.append(_condition(item))
        else:
            joiner: str = item.joiner
            for i in range(len(item.operands) - 1, -1, -1):
                operand = item.operands[i]
                # An $or inside an $and is the only place precedence needs parentheses.
                grouped = joiner == "$and" and getattr(operand, "joiner", None) == "$or"
                if grouped:
                    todo.append(")")
                todo.append(operand)
                if grouped:
                    todo.append("(")
                if i:
                    todo.append(f" {joiner} ")
    return "".join(out)
