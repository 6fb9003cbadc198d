"""The semantics wing: what a filter means against an object's data.

Holds the object schema (``_schema``), the one module that says how a literal
is read for a field kind (``_reading``: numbers, dates, datetimes, text and
casefolding, ``$like`` wildcards, the ``$regex`` policy), the rules and
``validate`` (``_rules``, ``_sq205``, ``_validate``), the pure-Python evaluator
(``_evaluate``) and the SQLite compiler the emulator runs (``_sql``).

May import: the language wing and the standard library. Never the client,
the emulator or the command line.

>>> from scale_query.semantics import evaluate
>>> from scale_query.language import parse
>>> evaluate(parse('Nom $like "du*"'), {"Nom": "Dupont"})
True
"""

from __future__ import annotations

from ._evaluate import evaluate
from ._reading import MAX_REGEX_LENGTH
from ._rules import RULES, Rule, Severity
from ._schema import FieldInfo, FieldKind, ObjectSchema
from ._validate import Diagnostic, validate
from ._warehouse import UnsupportedSQL, sqlite_regexp, to_sql

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
