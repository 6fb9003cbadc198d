"""``$regex``: a MySQL pattern, run by RE2 in time linear in the value.

The datamart runs ``$regex`` on MySQL 8, whose ICU engine reads classes by
Unicode; its ``[[:<:]]``/``[[:>:]]`` word boundaries (MySQL 5's) are read
too. scale-query runs the pattern with RE2 (the ``google-re2`` package), an
engine without backtracking, so a pattern such as ``(.*){1,10}#`` costs the
same few steps per character as ``abc``. Matching is an unanchored,
case-insensitive search (Unicode case folding, and a class closed over case,
as ICU does when case is ignored: ``[[:upper:]]`` takes ``a``):

- the POSIX classes and ``\\d``, ``\\w``, ``\\s`` are ICU's, written with
  RE2's Unicode classes (:data:`UNICODE_CLASSES`): ``[[:alpha:]]`` takes
  ``é`` and ``日``, ``\\W`` does not take ``é``; ``[[:graph:]]``,
  ``[[:print:]]``, ``[[:xdigit:]]`` and a negated class inside brackets
  (``[\\W]``) stay ASCII;
- ``[[:<:]]`` and ``[[:>:]]`` (start and end of a word) are read as ``\\b``;
  at the very start or end of the pattern, next to a letter or digit, the
  boundary is ICU's (a Unicode letter is a word character, so ``[[:<:]]lo``
  is not found inside ``Élodie``); elsewhere it is RE2's ASCII ``\\b``;
- ``\\`` before a character that is not an ASCII letter or digit is that
  character (``\\é`` is ``é``), as in MySQL;
- what needs a backtracking engine (back-references, look-around, atomic
  groups, possessive quantifiers) and MySQL's collating elements
  (``[[.space.]]``, ``[[=e=]]``) are refused with a :class:`RegexRefused`
  (a ``ValueError``) saying what to write instead.

A pattern is at most :data:`MAX_REGEX_LENGTH` characters and compiles to at
most :data:`MAX_REGEX_PROGRAM` engine instructions (large counts such as
``.{0,500}`` expand to many), which bounds the work per character.

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

from ._re2_syntax import syntax_problem

__all__ = [
    "MAX_REGEX_LENGTH",
    "MAX_REGEX_PROGRAM",
    "UNICODE_CLASSES",
    "CompiledRegex",
    "RegexRefused",
    "Translation",
    "check_regex",
    "compile_regex",
    "regex_refusal",
    "translate",
]

#: ``$regex`` patterns longer than this many characters are refused.
MAX_REGEX_LENGTH: Final = 200
#: Compiled patterns larger than this many RE2 instructions are refused:
#: the bound on the work per character of a value. One Unicode class (``\\w``,
#: ``[[:alpha:]]``) takes about 1,300.
MAX_REGEX_PROGRAM: Final = 12000

_WORD = "\\p{L}\\p{Nl}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}"
_SPACE = "\\t\\n\\v\\f\\r \\x{85}\\p{Z}"
#: ICU's classes as the inside of an RE2 bracket expression.
UNICODE_CLASSES: Final = {
    "alpha": "\\p{L}\\p{Nl}",
    "alnum": "\\p{L}\\p{Nl}\\p{Nd}",
    "digit": "\\p{Nd}",
    "upper": "\\p{Lu}",
    "lower": "\\p{Ll}",
    "space": _SPACE,
    "blank": "\\t\\p{Zs}",
    "cntrl": "\\p{Cc}",
    "punct": "\\p{P}",
    "word": _WORD,
}
# \d, \w, \s outside brackets; inside brackets only the positive ones.
_PERL = {"d": "\\p{Nd}", "D": "\\P{Nd}", "w": f"[{_WORD}]", "W": f"[^{_WORD}]"}
_PERL |= {"s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"}
_PERL_INSIDE = {"d": "\\p{Nd}", "D": "\\P{Nd}", "w": _WORD, "s": _SPACE}

_BOUNDARIES = ("[[:<:]]", "[[:>:]]")
_LOOKAROUND = {
    "(?=": "a look-ahead (?=...)",
    "(?!": "a negative look-ahead (?!...)",
    "(?<=": "a look-behind (?<=...)",
    "(?<!": "a negative look-behind (?<!...)",
    "(?>": "an atomic group (?>...)",
}
_POSIX_NAMES = [
    "alnum",
    "alpha",
    "blank",
    "cntrl",
    "digit",
    "graph",
    "lower",
    "print",
    "punct",
    "space",
    "upper",
    "word",
    "xdigit",
]
# RE2's error messages (their start) and what to write instead.
_HINTS = (
    ("missing ]", "close the bracket expression with ]; a literal [ is written \\["),
    ("missing )", "balance the parentheses; a literal ( is written \\("),
    ("unexpected )", "balance the parentheses; a literal ) is written \\)"),
    (
        "no argument for repetition operator",
        "*, + and ? repeat what stands before them; a literal * is written \\*",
    ),
    (  # the same, in the words of older RE2 releases
        "missing argument to repetition operator",
        "*, + and ? repeat what stands before them; a literal * is written \\*",
    ),
    (
        "bad repetition operator",
        "write one quantifier (a* rather than a** or the possessive a*+, which needs "
        "a backtracking engine)",
    ),
    (
        "invalid repetition size",
        "counts go up to 1000, nested counts included; use + or * for long runs",
    ),
    (
        "invalid character class range: [:",
        "the POSIX classes are " + ", ".join(f"[:{name}:]" for name in _POSIX_NAMES),
    ),
    (
        "invalid character class range: \\p",
        "write a POSIX class such as [[:alpha:]]; \\p{...} takes Unicode general "
        "categories and scripts only (\\p{L}, \\p{Greek})",
    ),
    (
        "invalid character class range",
        "a range goes from the lower character to the higher, as in a-z",
    ),
    (
        "invalid escape sequence",
        "\\d, \\w, \\s, \\b and a backslash before punctuation are understood; "
        "write $ for the end of the value",
    ),
    ("trailing \\", "end the pattern with a character; a literal backslash is \\\\"),
    (
        "invalid perl operator",
        "groups are (...), (?:...) and (?P<name>...), flags (?i), (?s), (?m), (?U)",
    ),
    ("invalid named capture group", "name a group as (?P<name>...)"),
)


class RegexRefused(ValueError):
    """A ``$regex`` pattern scale-query will not run: what, where, and what to write.

    ``reason`` says what is wrong, ``hint`` what to write instead, ``offset``
    is the index in the pattern where the problem starts (None when the
    whole pattern is at fault). ``str()`` is the message a 400 answer or an
    SQ203 diagnostic shows.
    """

    def __init__(self, reason: str, hint: str, offset: int | None = None) -> None:
        self.reason = reason
        self.hint = hint
        self.offset = offset
        super().__init__(f"{reason}; hint: {hint}")


class CompiledRegex:
    """A ``$regex`` ready to run: ``search(value)`` finds the pattern anywhere in ``value``.

    >>> compile_regex("[[:digit:]]{5}").search("Paris 75012") is not None
    True
    """

    __slots__ = ("_search", "pattern")

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._search = compiled.search

    def __repr__(self) -> str:
        return f"CompiledRegex({self.pattern!r})"

    def search(self, value: str) -> object | None:
        """A match object when the pattern occurs in ``value``, else None."""
        # Bytes spare the per-call mapping of offsets back to characters; a
        # lone surrogate (which UTF-8 cannot hold) becomes bytes no pattern
        # character matches instead of an exception.
        found: object | None = self._search(value.encode("utf-8", "surrogatepass"))
        return found


def _refused(what: str, offset: int, hint: str) -> RegexRefused:
    return RegexRefused(f"$regex pattern refused at character {offset + 1}: {what}", hint, offset)


def _bracket_end(pattern: str, start: int) -> int:
    """The index after the ``]`` closing the bracket expression at ``start``, or -1.

    Refuses MySQL's collating elements and equivalence classes, which RE2
    would silently read as characters.
    """
    at = start + 1
    if pattern.startswith("^", at):
        at += 1
    if pattern.startswith("]", at):  # a first "]" is a member
        at += 1
    size = len(pattern)
    while at < size:
        char = pattern[at]
        if char == "]":
            return at + 1
        if char == "\\":
            at += 2
            continue
        if char == "[" and at + 1 < size and pattern[at + 1] in ":.=":
            kind = pattern[at + 1]
            close = pattern.find(kind + "]", at + 2)
            if kind != ":":
                what = "an equivalence class [=x=]" if kind == "=" else "a collating element [.x.]"
                raise _refused(what, at, "write the character itself, e.g. [e\u00e9\u00e8]")
            if close < 0:
                return -1
            at = close + 2
            continue
        at += 1
    return -1


class Translation(NamedTuple):
    """A pattern in RE2's syntax, and how to find the written pattern's places in it."""

    #: The pattern for RE2.
    text: str
    #: (offset in ``text``, offset in the written pattern) wherever the two
    #: start running side by side again.
    moves: list[tuple[int, int]]
    #: Offsets (in the written pattern) of the "(" not closed, innermost last.
    unclosed: list[int]
    #: Offset of the first ")" that closes nothing, or None.
    stray: int | None


def translate(pattern: str) -> Translation:
    """``pattern`` in RE2's syntax (see the module's docstring), refusing what RE2 cannot run.

    >>> translate("x[[:<:]]du").text
    'x\\\\bdu'
    """
    if pattern in ("\\b", *_BOUNDARIES):
        # A boundary alone: the value holds a (Unicode) word character.
        return Translation(f"[{_WORD}]", [(0, 0), (len(_WORD) + 2, len(pattern))], [], None)
    out: list[str] = []
    size = 0  # length of the output so far
    moves: list[tuple[int, int]] = [(0, 0)]
    unclosed: list[int] = []
    stray: int | None = None
    at, end = 0, len(pattern)

    def emit(text: str, consumed: int) -> None:
        nonlocal size, at
        out.append(text)
        size += len(text)
        at += consumed
        if len(text) != consumed:
            moves.append((size, at))

    while at < end:
        char = pattern[at]
        if char == "\\":
            follower = pattern[at + 1 : at + 2]
            if follower in tuple("123456789"):
                raise _refused(
                    f"a back-reference (\\{follower})",
                    at,
                    "RE2 matches in linear time and cannot recall a group: "
                    "write the repeated text out",
                )
            if follower == "k" and pattern[at + 2 : at + 3] in ("<", "{", "'"):
                raise _refused(
                    "a named back-reference (\\k<name>)",
                    at,
                    "RE2 matches in linear time and cannot recall a group: "
                    "write the repeated text out",
                )
            if follower == "C":
                raise _refused("\\C (one byte)", at, "write . for any character")
            if follower == "Q":
                close = pattern.find("\\E", at + 2)
                stop = end if close < 0 else close + 2
                emit(pattern[at:stop], stop - at)
            elif follower and not follower.isascii():
                emit(follower, 2)  # MySQL: a backslash before é is é
            elif follower in _PERL:
                emit(_PERL[follower], 2)
            elif follower == "b" and _at_edge(pattern, at, 2):
                emit(_edge_boundary(at), 2)
            else:
                emit(pattern[at : at + 2], len(pattern[at : at + 2]))
        elif char == "[":
            boundary = next((b for b in _BOUNDARIES if pattern.startswith(b, at)), None)
            if boundary is not None:
                edge = _at_edge(pattern, at, len(boundary))
                emit(_edge_boundary(at) if edge else "\\b", len(boundary))
                continue
            stop = _bracket_end(pattern, at)
            stop = end if stop < 0 else stop  # RE2 reports the missing "]"
            for piece, consumed in _bracket_pieces(pattern[at:stop]):
                emit(piece, consumed)
        elif char == "(" and pattern.startswith("(?", at):
            for opener, what in _LOOKAROUND.items():
                if pattern.startswith(opener, at):
                    raise _refused(
                        what,
                        at,
                        "RE2 matches in linear time without look-around or atomic groups: "
                        "match the text itself, or use $and/$or with a second condition",
                    )
            unclosed.append(at)
            emit("(", 1)
        else:
            if char == "(":
                unclosed.append(at)
            elif char == ")":
                if unclosed:
                    unclosed.pop()
                elif stray is None:
                    stray = at
            emit(char, 1)
    return Translation("".join(out), moves, unclosed, stray)


def _at_edge(pattern: str, at: int, length: int) -> bool:
    """A boundary that opens the pattern before a letter or digit, or ends it after one."""
    after = pattern[at + length : at + length + 1]
    before = pattern[at - 1 : at] if at >= 1 else ""
    escaped = at >= 2 and pattern[at - 2] == "\\"
    if at == 0 and after.isalnum():
        return True
    return at + length == len(pattern) and before.isalnum() and not escaped


def _edge_boundary(at: int) -> str:
    # No look-around in RE2: at the pattern's edges the boundary may take the
    # character beside the word, which no other part of the pattern needs.
    return f"(?:^|[^{_WORD}])" if at == 0 else f"(?:$|[^{_WORD}])"


def _bracket_pieces(text: str) -> list[tuple[str, int]]:
    """A bracket expression with ICU's classes written as RE2's Unicode classes."""
    pieces: list[tuple[str, int]] = []
    at, start = 0, 0
    while at < len(text):
        if text[at] == "\\" and text[at + 1 : at + 2] in _PERL_INSIDE:
            pieces.append((text[start:at], at - start))
            pieces.append((_PERL_INSIDE[text[at + 1]], 2))
            at = start = at + 2
        elif text[at] == "\\":
            at += 2
        elif text.startswith("[:", at):
            close = text.find(":]", at + 2)
            name = text[at + 2 : close] if close > 0 else ""
            if name in UNICODE_CLASSES:
                pieces.append((text[start:at], at - start))
                pieces.append((UNICODE_CLASSES[name], close + 2 - at))
                at = start = close + 2
            else:
                at += 1
        else:
            at += 1
    pieces.append((text[start:], len(text) - start))
    return [piece for piece in pieces if piece[1] or piece[0]]


def _original_offset(moves: list[tuple[int, int]], offset: int) -> int:
    """The offset in the written pattern of ``offset`` in its translation."""
    translated, original = max((m for m in moves if m[0] <= offset), default=(0, 0))
    return original + offset - translated


def _engine_refusal(
    what: str, fragment: str, offset: int | None, translation: Translation
) -> RegexRefused:
    """RE2's refusal (``what``, the part of the pattern it shows, where that
    starts in the translation), in words with a hint, placed in the written pattern."""
    # The fragment picks the hint and the place; it is never shown: a pattern
    # is a filter value (an e-mail address, say), kept out of errors and logs.
    message = f"{what}: {fragment}" if fragment else what
    hint = next(
        (hint for start, hint in _HINTS if message.startswith(start)),
        "see docs/language.md for the patterns $regex accepts",
    )
    # For parentheses RE2 shows the whole pattern: point at the parenthesis.
    if what == "missing )" and translation.unclosed:
        return _refused("a '(' that is never closed", translation.unclosed[-1], hint)
    if what == "unexpected )" and translation.stray is not None:
        return _refused("a ')' that closes nothing", translation.stray, hint)
    if offset is None:
        offset = translation.text.find(fragment) if fragment else -1
    if offset < 0:
        return RegexRefused(f"$regex pattern refused: {what}", hint)
    return _refused(what, _original_offset(translation.moves, offset), hint)


def check_regex(pattern: str) -> Translation:
    """The policy without the engine: every refusal but the program's size.

    The length bound, MySQL's syntax translated (:func:`translate`), and RE2's
    syntax rules (:mod:`._re2_syntax`): what RE2 would refuse is refused here
    first, in the same words, where RE2 is not even installed.

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
        raise _refused("a lone surrogate", surrogate, "write the character as a whole code point")
    translation = translate(pattern)
    problem = syntax_problem(translation.text)
    if problem is not None:
        raise _engine_refusal(problem.what, problem.fragment, problem.offset, translation)
    return translation


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
    # Imported here, once a $regex is met: `import scale_query` and `check`
    # on filters without one never load the engine.
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    options.log_errors = False  # errors come back as exceptions, not on stderr
    try:
        compiled = re2.compile(translation.text, options)
    except re2.error as error:  # what check_regex let through (the differential test says none)
        detail = error.args[0] if error.args else b""
        message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        what, _, fragment = message.partition(": ")
        raise _engine_refusal(what, fragment, None, translation) from None
    # The engine's own size of the pattern; private in the wrapper, hence Any.
    program: int = compiled._regexp.ProgramSize()
    if program > MAX_REGEX_PROGRAM:
        raise RegexRefused(
            f"$regex pattern refused: it compiles to {program:,} instructions; "
            f"the limit is {MAX_REGEX_PROGRAM:,}",
            "large counts such as .{0,500} expand to many: use + or * for long runs",
        )
    return CompiledRegex(pattern, compiled)


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
