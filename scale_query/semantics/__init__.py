"""The semantics wing: what a filter means against an object's data.

The profile is the datamart's own, MySQL 8's with ``utf8mb4_0900_ai_ci``
(docs/semantics.md). Holds the object schema (``_schema``), the collation's
keys (``_collation``, loaded on first use), the one module that says how a
value is read and stored for a field kind (``_reading``: numbers, dates,
datetimes, text keys, ``$like``), the ``$regex`` policy (``_regex``: one reader
of a pattern, the RE2 pattern it runs and the warehouse engines' syntax),
the rules and ``validate`` (``_finding``,
``_rules``, ``_sq205``, ``_validate``), ``validate_template`` for text with
``:name`` placeholders (``_template``), the semantic core every back-end runs
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

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..language import show_as_public
from ._reading import MAX_REGEX_LENGTH
from ._rules import RULES, Rule, Severity
from ._schema import FieldInfo, FieldKind, ObjectSchema
from ._template import validate_template
from ._unsupported import UnsupportedSQL
from ._validate import Diagnostic, validate

if TYPE_CHECKING:
    from ._evaluate import evaluate
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
# The evaluator (and the semantic core under it) loads on first use too:
# `check` validates and never evaluates.
_EVALUATOR = ("evaluate",)

show_as_public(globals(), __all__)

# The door's inner side: what the other wings use. Not public: not in __all__,
# never cached in the namespace, looked up on each import.
_INNER = {
    "Predicate": "_evaluate",
    "compile_predicate": "_evaluate",
    "MAX_INT64": "_params",
    "excerpt": "_params",
    "json_depth_exceeds": "_params",
    "query_pairs": "_params",
    "sort_keys": "_params",
    "whole_number": "_params",
    "Value": "_reading",
    "a_kind": "_reading",
    "compile_regex": "_reading",
    "like_key": "_reading",
    "read_value": "_reading",
    "stored_key": "_reading",
    "stored_text": "_reading",
    "DOCS_URL": "_rules",
    "select_codes": "_rules",
    "read_flag": "_schema",
    "Column": "_sql",
    "FilterValueError": "_sql",
    "KEY_FUNCTION": "_sql",
    "REGEX_FUNCTION": "_sql",
    "compile_filter": "_sql",
    "order_by": "_sql",
    "quote_identifier": "_sql",
}
if TYPE_CHECKING:
    from ._evaluate import Predicate as Predicate
    from ._evaluate import compile_predicate as compile_predicate
    from ._params import MAX_INT64 as MAX_INT64
    from ._params import excerpt as excerpt
    from ._params import json_depth_exceeds as json_depth_exceeds
    from ._params import query_pairs as query_pairs
    from ._params import sort_keys as sort_keys
    from ._params import whole_number as whole_number
    from ._reading import Value as Value
    from ._reading import a_kind as a_kind
    from ._reading import compile_regex as compile_regex
    from ._reading import like_key as like_key
    from ._reading import read_value as read_value
    from ._reading import stored_key as stored_key
    from ._reading import stored_text as stored_text
    from ._rules import DOCS_URL as DOCS_URL
    from ._rules import select_codes as select_codes
    from ._schema import read_flag as read_flag
    from ._sql import KEY_FUNCTION as KEY_FUNCTION
    from ._sql import REGEX_FUNCTION as REGEX_FUNCTION
    from ._sql import Column as Column
    from ._sql import FilterValueError as FilterValueError
    from ._sql import compile_filter as compile_filter
    from ._sql import order_by as order_by
    from ._sql import quote_identifier as quote_identifier


def __getattr__(name: str) -> Any:
    if name in _INNER:
        return getattr(import_module(f".{_INNER[name]}", __name__), name)
    if name in _EVALUATOR:
        from . import _evaluate

        show_as_public(vars(_evaluate), _EVALUATOR)
        globals()[name] = _evaluate.evaluate
        return _evaluate.evaluate
    if name in _WAREHOUSE:
        from . import _warehouse

        show_as_public(vars(_warehouse), _WAREHOUSE)
        value = getattr(_warehouse, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scale_query.semantics' has no attribute {name!r}")
