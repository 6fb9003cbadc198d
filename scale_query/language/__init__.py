"""The language wing: the filter language itself, with no knowledge of data.

Holds the generated parse tables (``_tables``, from ``grammar/filter.lark`` at
development time by ``_tablegen``), the parser and its syntax errors with their
diagnosis (``_parser``, ``_hints``, ``_syntax_error``), the AST (``_ast``), the
canonical text and the renderer (``_canonical``, ``_render``), line wrapping
for ``fmt`` (``_format``), the builder (``_builder``), Python values as
literals (``_values``), bound parameters (``_params``: ``:name`` placeholders
filled by ``parse(text, params=...)``), filters as JSON data (``_json``: the
AST and react-querybuilder's rule groups), the one coercion of a filter
argument (``_coerce``), the one "did you mean" helper (``_suggest``), the
base error class (``_errors``) and the public module path of names with the
one lazy door every wing's ``__getattr__`` is (``_public``).

May import: the standard library only. Nothing else of scale_query, no
third-party package (lark is needed only to regenerate the tables).

>>> from scale_query.language import parse, render
>>> render(parse('Nom   $like "*S*"'))
'Nom $like "*S*"'
"""

from __future__ import annotations

from ._ast import MAX_DEPTH, And, Condition, Expr, Op, Or, Span, Value, negate, walk
from ._builder import FilterValue, Q, and_, or_

# The door's inner side: what the other wings use. Not public (not in __all__).
from ._canonical import quote_field as quote_field
from ._canonical import quote_string as quote_string
from ._coerce import maybe_parse
from ._errors import ScaleError
from ._format import DEFAULT_LINE_LENGTH as DEFAULT_LINE_LENGTH
from ._format import format_filter as format_filter
from ._json import JSON_VERSION, JsonFormat, from_json, to_json
from ._params import Placeholder
from ._parser import parse, placeholders
from ._parser import parse_template as parse_template
from ._public import lazy_door as lazy_door
from ._public import show_as_public as show_as_public
from ._render import MAX_EXPANDED_CONDITIONS, render
from ._suggest import closest as closest
from ._suggest import only_match as only_match
from ._syntax_error import FilterSyntaxError
from ._syntax_error import LineIndex as LineIndex
from ._syntax_error import caret_block as caret_block
from ._syntax_error import caret_lines as caret_lines
from ._syntax_error import excerpt as excerpt
from ._syntax_error import for_terminal as for_terminal
from ._syntax_error import line_and_column as line_and_column
from ._values import format_number as format_number
from ._values import to_text as to_text

__all__ = [
    "JSON_VERSION",
    "MAX_DEPTH",
    "MAX_EXPANDED_CONDITIONS",
    "And",
    "Condition",
    "Expr",
    "FilterSyntaxError",
    "FilterValue",
    "JsonFormat",
    "Op",
    "Or",
    "Placeholder",
    "Q",
    "ScaleError",
    "Span",
    "Value",
    "and_",
    "from_json",
    "maybe_parse",
    "negate",
    "or_",
    "parse",
    "placeholders",
    "render",
    "to_json",
    "walk",
]

show_as_public(globals(), __all__)
