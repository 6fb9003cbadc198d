"""``$regex``: a MySQL pattern, read once, run by RE2 in linear time, written for warehouses.

The modules, each with one job:

- ``_syntax``: the one reader: a pattern (MySQL's syntax, RE2's rules) into
  a tree, refusing what RE2 cannot run (:func:`syntax_problem` is RE2's own
  check);
- ``_refusals``: a refusal in words with a hint, placed in the pattern
  (:class:`RegexRefused`);
- ``_tree``: the tree's nodes, and ICU's classes as Unicode categories;
- ``_sets``: code point sets and RE2's closure over case;
- ``_re2``: the RE2 pattern evaluate and the emulator run, compiled and
  bounded (:func:`compile_regex`, :data:`MAX_REGEX_LENGTH`);
- ``_marks``: word boundaries by Unicode beside other pattern text, read on
  the value with its word edges marked (RE2 has no look-around);
- ``_engines``: the tree in each warehouse engine's syntax (``to_sql``).

>>> compile_regex("^du[[:alpha:]]+[[:>:]]").search("DUPONT et fils") is not None
True
>>> ICU.write(parse("^du"))
'^[Dd][Uu]'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...language import lazy_door
from ._re2 import (
    MAX_REGEX_LENGTH,
    MAX_REGEX_PROGRAM,
    CompiledRegex,
    Translation,
    check_regex,
    compile_regex,
    marked_source,
    regex_refusal,
    translate,
)
from ._sets import divergent, orbits
from ._syntax import RegexRefused, SyntaxProblem, parse, syntax_problem

__all__ = [
    "ARE",
    "DUCKDB_RE2",
    "ICU",
    "JAVA",
    "JONI",
    "MARKS",
    "MAX_REGEX_LENGTH",
    "MAX_REGEX_PROGRAM",
    "POSIX",
    "RE2",
    "CompiledRegex",
    "Engine",
    "RegexRefused",
    "SyntaxProblem",
    "Translation",
    "check_regex",
    "compile_regex",
    "divergent",
    "has_word_anchor",
    "marked_re2",
    "marked_source",
    "meaning",
    "orbits",
    "parse",
    "regex_refusal",
    "syntax_problem",
    "translate",
    "word_ranges",
]

# The engines' writers (to_sql) and the marks (a boundary beside other text)
# load on first use: check and the emulator's other filters never need them.
__getattr__ = lazy_door(
    globals(),
    {
        **dict.fromkeys(
            ("ARE", "DUCKDB_RE2", "ICU", "JAVA", "JONI", "POSIX", "RE2", "Engine"), "_engines"
        ),
        **dict.fromkeys(("marked_re2", "meaning"), "_engines"),
        **dict.fromkeys(("MARKS", "has_word_anchor", "word_ranges"), "_marks"),
    },
)

if TYPE_CHECKING:
    from ._engines import ARE as ARE
    from ._engines import DUCKDB_RE2 as DUCKDB_RE2
    from ._engines import ICU as ICU
    from ._engines import JAVA as JAVA
    from ._engines import JONI as JONI
    from ._engines import POSIX as POSIX
    from ._engines import RE2 as RE2
    from ._engines import Engine as Engine
    from ._engines import marked_re2 as marked_re2
    from ._engines import meaning as meaning
    from ._marks import MARKS as MARKS
    from ._marks import has_word_anchor as has_word_anchor
    from ._marks import word_ranges as word_ranges
