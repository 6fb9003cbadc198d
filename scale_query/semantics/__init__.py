"""The semantics wing: what a filter means against an object's data.

The profile is the datamart's own, MySQL 8's with ``utf8mb4_0900_ai_ci``
(docs/semantics.md). Holds the object schema (``_schema``), the collation's
keys (``_collation``, loaded on first use), the one module that says how a
value is read and stored for a field kind (``_reading``: numbers, dates,
datetimes, text keys, ``$like``), the ``$regex`` policy (``_regex``: one reader
of a pattern, the RE2 pattern it runs and the warehouse engines' syntax),
the rules and ``validate`` (``_finding``,
``_rules``, ``_contradictions``, ``_validate``), ``validate_template`` for text with
``:name`` placeholders (``_template``), the semantic core every back-end runs
(``_plan``), the pure-Python evaluator (``_evaluate``), the SQLite compiler
the emulator runs (``_sql``), the ``get_objects`` URL's parameters, their
bounds and how each reads and writes, for the client, the emulator and its
OpenAPI document (``_url_rules``), and ``to_sql`` (``_warehouse``,
``_unsupported``, the dialect rules in ``_dialects``).

May import: the language wing and the standard library. Never the client,
the emulator or the command line.

>>> from scale_query.semantics import evaluate
>>> from scale_query.language import parse
>>> evaluate(parse('Nom $like "du*"'), {"Nom": "Dupont"})
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language import lazy_door, show_as_public
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
# The evaluator (and the semantic core under it) loads on first use too:
# `check` validates and never evaluates.
_LAZY = {"evaluate": "_evaluate", "sqlite_regexp": "_warehouse", "to_sql": "_warehouse"}

show_as_public(globals(), __all__)

# The door's inner side: what the other wings use. Not public: not in __all__,
# never cached in the namespace, looked up on each import.
_INNER = {
    "Predicate": "_evaluate",
    "compile_predicate": "_evaluate",
    "StoredValue": "_reading",
    "a_kind": "_reading",
    "compile_regex": "_reading",
    "like_key": "_reading",
    "read_value": "_reading",
    "stored_key": "_reading",
    "stored_text": "_reading",
    "DOCS_URL": "_rules",
    "select_codes": "_rules",
    "read_flag": "_schema",
    "read_json": "_schema",
    "Column": "_sql",
    "FilterValueError": "_sql",
    "KEY_FUNCTION": "_sql",
    "REGEX_FUNCTION": "_sql",
    "compile_filter": "_sql",
    "order_by": "_sql",
    "quote_identifier": "_sql",
    "MAX_INT64": "_url_rules",
    "MAX_PAGE_SIZE": "_url_rules",
    "MAX_URL_BYTES": "_url_rules",
    "PARAMS": "_url_rules",
    "PARAM_NAMES": "_url_rules",
    "SORT_DIRECTIONS": "_url_rules",
    "Param": "_url_rules",
    "Window": "_url_rules",
    "check_count": "_url_rules",
    "check_name": "_url_rules",
    "excerpt": "_url_rules",
    "field_name": "_url_rules",
    "given": "_url_rules",
    "json_depth_exceeds": "_url_rules",
    "query_pairs": "_url_rules",
    "read_fields": "_url_rules",
    "read_window": "_url_rules",
    "sort_keys": "_url_rules",
    "whole_number": "_url_rules",
    "write_params": "_url_rules",
}
if TYPE_CHECKING:
    from ._evaluate import Predicate as Predicate
    from ._evaluate import compile_predicate as compile_predicate
    from ._reading import StoredValue as StoredValue
    from ._reading import a_kind as a_kind
    from ._reading import compile_regex as compile_regex
    from ._reading import like_key as like_key
    from ._reading import read_value as read_value
    from ._reading import stored_key as stored_key
    from ._reading import stored_text as stored_text
    from ._rules import DOCS_URL as DOCS_URL
    from ._rules import select_codes as select_codes
    from ._schema import read_flag as read_flag
    from ._schema import read_json as read_json
    from ._sql import KEY_FUNCTION as KEY_FUNCTION
    from ._sql import REGEX_FUNCTION as REGEX_FUNCTION
    from ._sql import Column as Column
    from ._sql import FilterValueError as FilterValueError
    from ._sql import compile_filter as compile_filter
    from ._sql import order_by as order_by
    from ._sql import quote_identifier as quote_identifier
    from ._url_rules import MAX_INT64 as MAX_INT64
    from ._url_rules import MAX_PAGE_SIZE as MAX_PAGE_SIZE
    from ._url_rules import MAX_URL_BYTES as MAX_URL_BYTES
    from ._url_rules import PARAM_NAMES as PARAM_NAMES
    from ._url_rules import PARAMS as PARAMS
    from ._url_rules import SORT_DIRECTIONS as SORT_DIRECTIONS
    from ._url_rules import Param as Param
    from ._url_rules import Window as Window
    from ._url_rules import check_count as check_count
    from ._url_rules import check_name as check_name
    from ._url_rules import excerpt as excerpt
    from ._url_rules import field_name as field_name
    from ._url_rules import given as given
    from ._url_rules import json_depth_exceeds as json_depth_exceeds
    from ._url_rules import query_pairs as query_pairs
    from ._url_rules import read_fields as read_fields
    from ._url_rules import read_window as read_window
    from ._url_rules import sort_keys as sort_keys
    from ._url_rules import whole_number as whole_number
    from ._url_rules import write_params as write_params


__getattr__ = lazy_door(globals(), _LAZY, _INNER, public=True)
