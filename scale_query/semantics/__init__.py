"""The semantics wing: what a filter means against an object's data.

Holds the object schema (``_schema``), the one module that says how a literal
is read for a field kind (``_reading``: numbers, dates, datetimes, text and
casefolding, ``$like`` wildcards, the ``$regex`` policy), the rules and
``validate`` (``_rules``, ``_sq205``, ``_validate``), ``validate_template`` for
text with ``:name`` placeholders (``_template``), the pure-Python evaluator
(``_evaluate``) and the SQLite compiler the emulator runs (``_sql``).

May import: the language wing and the standard library. Never the client,
the emulator or the command line.

>>> from scale_query.semantics import evaluate
>>> from scale_query.language import parse
>>> evaluate(parse('Nom $like "du*"'), {"Nom": "Dupont"})
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..language._public import show_as_public
from ._evaluate import evaluate
from ._reading import MAX_REGEX_LENGTH
from ._rules import RULES, Rule, Severity
from ._schema import FieldInfo, FieldKind, ObjectSchema
from ._template import validate_template
from ._unsupported import UnsupportedSQL
from ._validate import Diagnostic, validate

if TYPE_CHECKING:
    from ._warehouse import sqlite_regexp, to_sql

__all__ = [
    "MAX_REGEX_LENGTH",
    "RULES",
    "Diagnostic",
    "FieldInfo",
    "FieldKind",
    "ObjectSchema",
    "Rule",
    "Severity",
    "UnsupportedSQL",
    "evaluate",
    "sqlite_regexp",
    "to_sql",
    "validate",
    "validate_template",
]

# The warehouse compiler (and its semantic core) loads on first use of to_sql:
# `scale-query check` imports this wing at every start and never needs it.
_WAREHOUSE = ("sqlite_regexp", "to_sql")

show_as_public(globals(), __all__)


def __getattr__(name: str) -> Any:
    if name in _WAREHOUSE:
        from . import _warehouse

        show_as_public(vars(_warehouse), _WAREHOUSE)
        value = getattr(_warehouse, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scale_query.semantics' has no attribute {name!r}")
