"""The semantics wing: what a filter means against an object's data.

The profile is the datamart's own, MySQL 8's with ``utf8mb4_0900_ai_ci``
(docs/semantics.md). Holds the object schema (``_schema``), the collation's
keys (``_collation``, loaded on first use), the one module that says how a
value is read and stored for a field kind (``_reading``: numbers, dates,
datetimes, text keys, ``$like``), the ``$regex`` policy (``_regex``, with the
RE2 syntax check ``_re2_syntax``), the rules and ``validate`` (``_finding``,
``_rules``, ``_sq205``, ``_validate``), the semantic core every back-end runs
(``_plan``), the pure-Python evaluator (``_evaluate``), the SQLite compiler
the emulator runs (``_sql``), the URL query parameters' reading
(``_params``), and ``to_sql`` (``_warehouse``, ``_unsupported``, the
dialect rules in ``_dialects``).

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
