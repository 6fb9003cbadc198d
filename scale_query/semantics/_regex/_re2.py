"""The RE2 pattern of a ``$regex`` tree, compiled and bounded: what evaluate runs.

Matching is an unanchored, case-insensitive search (Unicode case folding,
and a class closed over case, as ICU does when case is ignored:
``[[:upper:]]`` takes ``a``) by RE2, an engine without backtracking, so a
pattern such as ``(.*){1,10}#`` costs the same few steps per character as
``abc``. A pattern is at most :data:`MAX_REGEX_LENGTH` characters and
compiles to at most :data:`MAX_REGEX_PROGRAM` engine instructions (large
counts of wide classes such as ``[[:alpha:]]{0,300}`` expand to many), which bounds the work per
character.

>>> compile_regex("^du[[:alpha:]]+[[:>:]]").search("DUPONT et fils") is not None
True
>>> try:
...     compile_regex("(a)\\\\1")
... except ValueError as error:
...     print(error.reason)
$regex pattern refused at character 4: a back-reference (\\1)
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any, Final, NamedTuple

from ._syntax import RegexRefused, parse, refused_at
from ._tree import Alt, Anchor, Chars, Flags, Group, Node, Repeat, Seq

__all__ = [
    "MAX_REGEX_LENGTH",
    "MAX_REGEX_PROGRAM",
    "CompiledRegex",
    "Translation",
    "check_regex",
    "compile_regex",
    "marked_source",
    "re2_text",
    "regex_refusal",
    "translate",
]

#: ``$regex`` patterns longer than this many characters are refused.
MAX_REGEX_LENGTH: Final = 200
#: Compiled patterns larger than this many RE2 instructions are refused:
#: the bound on the work per character of a value. One Unicode class (``\\w``,
#: ``[[:alpha:]]``) takes about 1,300.
MAX_REGEX_PROGRAM: Final = 12000


class CompiledRegex:
    """A ``$regex`` ready to run: ``search(value)`` finds the pattern anywhere in ``value``.

    >>> compile_regex("[[:digit:]]{5}").search("Paris 75012") is not None
    True
    >>> compile_regex("[^a-z][[:<:]]lo").search("-Élodie") is None  # é is a word character
    True
    """

    __slots__ = ("_marked", "_search", "pattern")

    def __init__(self, pattern: str, compiled: Any, marked: _Marked | None = None) -> None:
        self.pattern = pattern
        self._search = compiled.search
        self._marked = marked

    def __repr__(self) -> str:
        return f"CompiledRegex({self.pattern!r})"

    def search(self, value: str) -> object | None:
        """A match object when the pattern occurs in ``value``, else None."""
        if self._marked is not None:
            found = self._marked.search(value)
            if found is not _UNMARKED:
                return found
        # Bytes spare the per-call mapping of offsets back to characters; a
        # lone surrogate (which UTF-8 cannot hold) becomes bytes no pattern
        # character matches instead of an exception.
        plain: object | None = self._search(value.encode("utf-8", "surrogatepass"))
        return plain


_UNMARKED = object()


class _Marked:
    """The pattern read on marked values (:mod:`._marks`), one compilation per pair of marks."""

    def __init__(self, tree: Node) -> None:
        self.tree = tree
        self.compiled: dict[tuple[str, str, str], Any] = {}

    def search(self, value: str) -> object | None:
        """The match on ``value`` marked, or ``_UNMARKED`` when no pair of marks serves."""
        from ._marks import MARKS, mark_value

        for marks in MARKS:
            if any(mark in value for mark in marks):
                continue  # a mark must be told apart from the value's characters
            if marks not in self.compiled:
                self.compiled[marks] = _compile_marked(self.tree, marks)
            compiled = self.compiled[marks]
            if compiled is None:
                return _UNMARKED
            marked = mark_value(value, marks).encode("utf-8", "surrogatepass")
            found: object | None = compiled.search(marked)
            return found
        return _UNMARKED


@functools.lru_cache(maxsize=256)
def marked_source(pattern: str, marks: tuple[str, str, str]) -> str | None:
    """The RE2 pattern evaluate runs on a value marked with ``marks`` (:mod:`._marks`),
    or None when it runs ``pattern`` unmarked there (RE2's ASCII ``\\b``).

    >>> from scale_query.semantics._regex._marks import MARKS
    >>> marked_source("x\\b-", MARKS[0]) is not None
    True
    """
    compiled = _compile_marked(parse(pattern), marks)
    return None if compiled is None else str(compiled.pattern)


def _compile_marked(tree: Node, marks: tuple[str, str, str]) -> Any:
    from ._marks import marked_pattern  # on first use: most patterns have no marks

    text = marked_pattern(tree, marks)
    if text is None:
        return None
    try:
        compiled = _re2_compile(text)
    except RegexRefused:
        return None
    # Twice the pattern's own bound: each character of it may take a mark.
    return compiled if compiled._regexp.ProgramSize() <= 2 * MAX_REGEX_PROGRAM else None


def re2_text(node: Node) -> str:
    """``node`` in RE2's syntax."""
    if isinstance(node, (Chars, Anchor, Flags)):
        return node.re2
    if isinstance(node, Seq):
        return "".join(map(re2_text, node.items))
    if isinstance(node, Alt):
        return "|".join(map(re2_text, node.branches))
    if isinstance(node, Group):
        return f"{node.opener}{re2_text(node.body)})"
    body = re2_text(node.body)
    # A count after inline flags repeats the count before them: a{2}(?i)+.
    return (f"(?:{body})" if isinstance(node.body, Repeat) else body) + node.op


class Translation(NamedTuple):
    """A pattern in RE2's syntax."""

    #: The pattern for RE2.
    text: str


def translate(pattern: str) -> Translation:
    """``pattern`` in RE2's syntax (see :mod:`._syntax`), refusing what RE2 cannot run.

    >>> translate("x[[:<:]]du").text
    'x\\\\bdu'
    """
    return Translation(re2_text(parse(pattern)))


def check_regex(pattern: str) -> Translation:
    """The policy without the engine: every refusal but the program's size.

    The length bound, then one reading (:func:`._syntax.parse`) refusing
    what RE2 cannot run and what RE2 would refuse, in its words, where RE2
    is not even installed.

    >>> check_regex("x[[:<:]]du").text
    'x\\\\bdu'
    """
    if len(pattern) > MAX_REGEX_LENGTH:
        raise RegexRefused(
            f"$regex pattern is {len(pattern)} characters long; the limit is {MAX_REGEX_LENGTH}",
            "shorten the pattern, or split it into several conditions joined by $or",
        )
    surrogate = next((i for i, c in enumerate(pattern) if "\ud800" <= c <= "\udfff"), None)
    if surrogate is not None:
        raise refused_at("a lone surrogate", surrogate, "write the character as a whole code point")
    return translate(pattern)


@functools.lru_cache(maxsize=256)
def compile_regex(pattern: str) -> CompiledRegex:
    """Compile a ``$regex`` pattern: MySQL syntax, case-insensitive, unanchored.

    Raises :class:`RegexRefused` (a ``ValueError``) for a pattern longer
    than :data:`MAX_REGEX_LENGTH`, one that does not compile, one that needs a
    backtracking engine, and one that compiles to more than
    :data:`MAX_REGEX_PROGRAM` instructions.

    >>> compile_regex("^du").search("Dupont") is not None
    True
    """
    translation = check_regex(pattern)
    compiled = _re2_compile(translation.text)
    # The engine's own size of the pattern; private in the wrapper, hence Any.
    program: int = compiled._regexp.ProgramSize()
    if program > MAX_REGEX_PROGRAM:
        raise RegexRefused(
            f"$regex pattern refused: it compiles to {program:,} instructions; "
            f"the limit is {MAX_REGEX_PROGRAM:,}",
            "large counts of wide classes such as [[:alpha:]]{0,300} expand to many: "
            "use + or * for long runs",
        )
    from ._marks import has_word_anchor

    tree = parse(pattern)
    return CompiledRegex(pattern, compiled, _Marked(tree) if has_word_anchor(tree) else None)


def _re2_compile(text: str) -> Any:
    # Imported here, once a $regex is met: `import scale_query` and `check`
    # on filters without one never load the engine.
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    options.log_errors = False  # errors come back as exceptions, not on stderr
    try:
        return re2.compile(text, options)
    except re2.error:  # what check_regex let through (tests/test_regex.py says none)
        raise RegexRefused(
            "$regex pattern refused: RE2 does not compile it",
            "see docs/language.md for the patterns $regex accepts",
        ) from None


@functools.cache
def _engine_installed() -> bool:
    return importlib.util.find_spec("re2") is not None


def regex_refusal(pattern: str) -> RegexRefused | None:
    """Why ``pattern`` is refused, or None: what validate's SQ203 reports.

    Where RE2 is installed, exactly :func:`compile_regex`'s verdict; where it
    is not (Pyodide), every refusal but the program's size.

    >>> regex_refusal("(a)\\\\1").hint
    'RE2 matches in linear time and cannot recall a group: write the repeated text out'
    """
    try:
        if _engine_installed():
            compile_regex(pattern)
        else:
            check_regex(pattern)
    except RegexRefused as refused:
        return refused
    return None
