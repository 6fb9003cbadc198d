"""The language wing: the filter language itself, with no knowledge of data.

Holds the generated parse tables (``_tables``, from ``grammar/filter.lark`` at
development time by ``_tablegen``), the parser and its syntax errors with their
diagnosis (``_parser``, ``_hints``, ``_syntax_error``), the AST (``_ast``), the
canonical text and the renderer (``_canonical``, ``_render``), line wrapping
for ``fmt`` (``_format``), the builder (``_builder``), Python values as
literals (``_values``), the one coercion of a filter argument (``_coerce``),
the one "did you mean" helper (``_suggest``) and the
base error class (``_errors``).

May import: the standard library only. Nothing else of scale_query, no
third-party package (lark is needed only to regenerate the tables).

>>> from scale_query.language import parse, render
>>> render(parse('Nom   $like "*S*"'))
'Nom $like "*S*"'
"""

from __future__ import annotations

from ._ast import MAX_DEPTH, And, Condition, Expr, Op, Or, Span, Value, negate, walk
from ._builder import FilterValue, Q, and_, or_
from ._coerce import maybe_parse
from ._errors import ScaleError
from ._parser import parse
from ._public import show_as_public
from ._render import MAX_EXPANDED_CONDITIONS, render
from ._syntax_error import FilterSyntaxError

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_CONDITIONS",
    "And",
    "Condition",
    "Expr",
    "FilterSyntaxError",
    "FilterValue",
    "Op",
    "Or",
    "Q",
    "ScaleError",
    "Span",
    "Value",
    "and_",
    "maybe_parse",
    "negate",
    "or_",
    "parse",
    "render",
    "walk",
]

show_as_public(globals(), __all__)
