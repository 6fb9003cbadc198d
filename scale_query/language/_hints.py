"""Turn a parse failure into a ``FilterSyntaxError`` a person can act on.

The parser says where it stopped, which tokens it expected there, what it
found (or that no token matched) and the token before. This module looks at
the text at that spot, names the mistake in words and suggests the fix.
"""

from __future__ import annotations

import re
from typing import Protocol

from . import _tables
from ._ast import Op
from ._canonical import quote_string
from ._suggest import closest
from ._syntax_error import FilterSyntaxError

__all__ = ["WORDS", "diagnose", "pattern_needs_text", "refused_token"]

_END = "$END"


class _ErrorFactory(Protocol):
    def __call__(
        self, msg: str, hint: str | None, stop: int | None = None, replacement: str | None = None
    ) -> FilterSyntaxError: ...


#: Each terminal of the grammar, in words (never Lark's internal names).
WORDS = {
    "FIELD": "a field name",
    "BRACKETED_FIELD": "a field name",
    "SCALAR_OP": "an operator",
    "LIST_OP": "an operator",
    "STRING": "a value",
    "NUMBER": "a value",
    "WORD": "a value",
    "PARAM": "a value",
    "AND": "$and or $or",
    "OR": "$and or $or",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "COMMA": ",",
    _END: "the end of the filter",
}

_CONNECTIVES = ("$and", "$or")
_OPERATORS = tuple(op.value for op in Op)
_KNOWN = _OPERATORS + _CONNECTIVES
_SYMBOLS = {
    "==": "$eq",
    "=": "$eq",
    "!=": "$neq",
    "<>": "$neq",
    ">=": "$gte",
    "<=": "$lte",
    ">": "$gt",
    "<": "$lt",
    "&&": "$and",
    "&": "$and",
    "||": "$or",
    "|": "$or",
}
# Operators people bring from other query languages.
_SYNONYMS = {
    "$ne": "$neq",
    "$nin": "$notin",
    "$ge": "$gte",
    "$le": "$lte",
    "$not": None,
    "$contains": "$like",
    "$startswith": "$like",
    "$endswith": "$like",
    "$ilike": "$like",
    "$nlike": "$notlike",
    "$match": "$regex",
}

_DOLLAR = re.compile(r"\$\w*")
_SYMBOL = re.compile(r"==|!=|<>|>=|<=|&&|\|\||[=<>&|!]")
_WORD = re.compile(r"[^\W\d]\w*")
_NUMBERISH = re.compile(r"[-+]?[\d.][\w.]*")
_CLOSED_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BAD_IN_STRING = re.compile(r'\\u(?![0-9a-fA-F]{4})|\\[^"\\/bfnrtu]|[\x00-\x1f]')
# A quote inside is written twice, as SQL does ('it''s'): one pass, each step one way.
_SINGLE_QUOTED = re.compile(r"'(?:[^'\n]|'')*'?")
_VALID_NUMBER = re.compile(_tables.TERMINALS["NUMBER"])
# The characters of a bare field name and its dots (one run, no nesting).
_NAME_RUN = re.compile(r"[\w.]+")


def _spaced(text: str, start: int, end: int, word: str) -> str:
    """``word`` to stand for ``text[start:end]``, with a space on a side that has none."""
    before = " " if start and not text[start - 1].isspace() else ""
    after = " " if end < len(text) and not text[end].isspace() else ""
    return before + word + after


def _shown(word: str) -> str:
    """``word`` as a message or hint quotes it: at most 30 characters (a value may be huge)."""
    return word if len(word) <= 30 else word[:27] + "..."


def _found(text: str, start: int, end: int) -> str:
    if start >= len(text):
        return WORDS[_END]
    return repr(_shown(text[start:end]))


def _expected_words(expected: tuple[str, ...]) -> tuple[str, ...]:
    words: list[str] = []
    for terminal in expected:
        word = WORDS.get(terminal, terminal)
        if word not in words:
            words.append(word)
    return tuple(words)


def _is_combining(char: str) -> bool:
    import unicodedata  # only on this error path

    return unicodedata.category(char).startswith("M")


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _join(words: tuple[str, ...]) -> str:
    if len(words) <= 1:
        return "".join(words) or "nothing"
    return ", ".join(words[:-1]) + " or " + words[-1]


def _line_end(text: str, pos: int) -> int:
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline


def diagnose(
    text: str,
    pos: int,
    expected: tuple[str, ...],
    *,
    found: str | None = None,
    found_end: int | None = None,
    previous: str | None = None,
    unclosed: int | None = None,
) -> FilterSyntaxError:
    """The error for a parse stopped at ``pos``.

    ``found`` is the token kind there (None when no valid token starts there),
    ``expected`` the terminals valid at that point, ``previous`` the kind of the
    token before and ``unclosed`` the offset of the innermost open ``(``.
    """
    # A placeholder may stand wherever a value goes, but errors speak of the
    # values people write: "expected [" after $in, not "[ or a value".
    expected = tuple(t for t in expected if t != "PARAM")
    words = _expected_words(expected)
    end = found_end if found_end is not None and found_end > pos else pos + 1
    message = f"expected {_join(words)}, found {_found(text, pos, end)}"
    hint: str | None = None
    wants_value = "a value" in words
    wants_connective = "$and or $or" in words
    at_end = pos >= len(text)

    def error(
        msg: str, hint: str | None, stop: int | None = None, replacement: str | None = None
    ) -> FilterSyntaxError:
        return FilterSyntaxError(
            msg,
            text=text,
            offset=pos,
            end_offset=stop or end,
            expected=words,
            hint=hint,
            replacement=replacement,
        )

    if at_end:
        if previous is None:
            return error("empty filter", 'write a condition, such as Nom $eq "Dupont"')
        if previous in ("AND", "OR"):
            word = "$and" if previous == "AND" else "$or"
            return error(f"nothing after {word}", f"add a condition after {word}, or remove {word}")
        if "RPAR" in expected and unclosed is not None:
            return FilterSyntaxError(
                "unbalanced parentheses: '(' is never closed",
                text=text,
                offset=unclosed,
                end_offset=unclosed + 1,
                expected=words,
                hint="add ')' at the end of the group, or remove this '('",
            )
        if previous == "LSQB" or previous == "COMMA":
            return error("unclosed list", "close the list with ']'")
        if wants_value:
            return error(
                "a condition needs a value after its operator",
                'add a value, such as "text" or 12.50',
            )
        return error(message, None)

    char = text[pos]

    # A token of the language in the wrong place.
    if found is not None:
        if found in ("AND", "OR") and previous in (None, "AND", "OR", "LPAR"):
            hint = "a condition (field, operator, value) must come first"
            if previous in ("AND", "OR"):
                hint = "two connectives in a row: remove one"
        elif found == "RPAR" and previous in ("AND", "OR"):
            word = "$and" if previous == "AND" else "$or"
            return error(f"nothing after {word}", f"add a condition after {word}")
        elif found in ("STRING", "NUMBER", "PARAM"):
            hint = _misplaced_value_hint(text[pos:end], words)
        elif found == "RPAR":
            return error(
                "unbalanced parentheses: ')' has no matching '('",
                "remove this ')' or add the matching '('",
            )
        elif wants_connective and found in ("FIELD", "BRACKETED_FIELD", "LPAR"):
            hint = "join conditions with $and or $or"
        elif found == "COMMA" and previous == "NUMBER":
            return _decimal_comma(text, pos, words)
        return error(message, hint)

    # No token of the language starts here: name what does.
    if char == ")":
        if previous in ("AND", "OR"):
            word = "$and" if previous == "AND" else "$or"
            return error(f"nothing after {word}", f"add a condition after {word}")
        if unclosed is None:
            return error(
                "unbalanced parentheses: ')' has no matching '('",
                "remove this ')' or add the matching '('",
            )
        if previous == "LPAR":
            return error("empty group", "write a condition between the parentheses")

    dollar = _DOLLAR.match(text, pos)
    if dollar:
        return _dollar_word(text, pos, dollar.end(), words, error)

    symbol = _SYMBOL.match(text, pos)
    if symbol:
        written = symbol.group()
        use = _SYMBOLS.get(written, "$neq, $notlike or $notin")
        what = "operator" if use not in _CONNECTIVES else "connective"
        # One exact word for the symbol: the fix writes it (spaced, as $-words need).
        exact = _spaced(text, pos, symbol.end(), use) if written in _SYMBOLS else None
        return error(
            f"{_shown(written)!r} is not a filter {what}", f"write {use}", symbol.end(), exact
        )

    if char == '"':
        return _bad_string(text, pos, words)

    if char == "'":
        quoted = _SINGLE_QUOTED.match(text, pos)
        stop = quoted.end() if quoted else pos + 1
        closed = stop - pos > 1 and text[stop - 1] == "'"
        inner = text[pos + 1 : stop - 1 if closed else stop].replace("''", "'")
        written = quote_string(inner)
        # Exact for a closed string without a backslash (which SQL dialects
        # read differently): the same text in double quotes, escaped as JSON.
        return error(
            "strings are written in double quotes",
            f"write {_shown(written)}",
            stop,
            written if closed and "\\" not in inner else None,
        )

    if char == "," and previous == "NUMBER":
        return _decimal_comma(text, pos, words)

    if char == "]" and previous == "LSQB":
        return error("empty list", 'a list needs at least one item, such as ["FR"]')
    if char == "]" and previous == "COMMA":
        return error("trailing comma in list", "remove the comma before ']'")

    if char == "[" and wants_value:
        return error(
            "this operator takes one value, not a list",
            "use $in or $notin to test against a list",
        )

    bare = _WORD.match(text, pos)
    if bare:
        stop = bare.end()
        written = bare.group()
        if written.lower() in ("and", "or") and wants_connective:
            use = f"${written.lower()}"
            return error(f"{_shown(written)!r} is not a connective", f"write {use}", stop, use)
        if words == ("[",):
            return error(
                f"expected a list, found {_shown(written)!r}",
                f"$in and $notin take a list: [{_shown(written)}]",
                stop,
            )
        if wants_value:
            return error(
                f"unquoted value {_shown(written)!r}",
                f'put text values in double quotes: "{_shown(written)}"',
                stop,
            )
        if wants_connective:
            return error(
                f"expected {_join(words)}, found {_shown(written)!r}",
                "join conditions with $and or $or",
                stop,
            )
        if "an operator" in words:
            return error(
                f"expected an operator, found {_shown(written)!r}",
                "operators start with $, such as $eq or $like",
                stop,
            )
        return error(f"expected {_join(words)}, found {_shown(written)!r}", None, stop)

    if pos and _NAME_RUN.match(text[pos - 1]) and _is_combining(char):
        # Decomposed text (NFD: "e" then U+0301, as macOS file names give it)
        # looks like a name but the pattern stops at the mark.
        start = pos
        while start and _NAME_RUN.match(text[start - 1]):
            start -= 1
        stop = pos
        while stop < len(text) and (_NAME_RUN.match(text[stop]) or _is_combining(text[stop])):
            stop += 1
        composed = _nfc(text[start:stop])
        return error(
            f"combining mark U+{ord(char):04X} after {text[pos - 1]!r}: the name is decomposed",
            f"write {composed} (each accented letter as one character)",
            pos + 1,
        )

    if char == "." and previous == "FIELD" and pos and _NAME_RUN.match(text[pos - 1]):
        # The field's pattern stopped at a dot: a part after it is no name
        # ("Adresse..Ville", "Adresse.", "a.1"). Show the whole field.
        start = pos
        while start and _NAME_RUN.match(text[start - 1]):
            start -= 1
        run = _NAME_RUN.match(text, pos)
        stop = run.end() if run else pos + 1
        written = text[start:stop]
        return error(
            f"{_shown(written)!r} is no dotted name: "
            "each part after a '.' starts with a letter or '_'",
            f"put other names in brackets: [{_shown(written)}]",
            stop,
        )

    number = _NUMBERISH.match(text, pos)
    if number:
        written = number.group()
        if "a field name" in words:
            first = "a digit" if written[0].isdigit() else repr(written[0])
            return error(
                f"a field name cannot start with {first}: {_shown(written)!r}",
                f"write it in brackets: [{_shown(written)}]",
                number.end(),
            )
        if _VALID_NUMBER.fullmatch(written):
            return error(
                f"expected {_join(words)}, found {_shown(written)!r}",
                _misplaced_value_hint(written, words),
                number.end(),
            )
        return error(
            f"invalid number {_shown(written)!r}",
            "numbers are written like 12 or -12.50 (US notation, no exponent)",
            number.end(),
        )

    if char == "[" and "a field name" in words:
        return error("empty field name", "write the field name between the brackets")

    return error(message, None)


def _dollar_word(
    text: str,
    pos: int,
    stop: int,
    words: tuple[str, ...],
    error: _ErrorFactory,
) -> FilterSyntaxError:
    written = text[pos:stop]
    lowered = written.lower()
    if written in _KNOWN:
        # A valid operator or connective, in the wrong place.
        hint = None
        if written in _CONNECTIVES and "an operator" in words:
            hint = "a field is followed by an operator, such as $eq"
        elif written in _CONNECTIVES and "a field name" in words:
            hint = f"a condition (field, operator, value) must come before and after {written}"
        elif written in _OPERATORS and "a field name" in words:
            hint = 'a condition starts with the field name: Nom $eq "Dupont"'
        elif written in _OPERATORS and "a value" in words:
            hint = "one operator per condition: remove one"
        elif written in _OPERATORS and "$and or $or" in words:
            hint = "join conditions with $and or $or"
        return error(f"expected {_join(words)}, found {_shown(written)!r}", hint, stop)
    if lowered in _KNOWN:
        return error(
            f"unknown operator {_shown(written)!r}",
            f"operators are lowercase: write {lowered}",
            stop,
            lowered,
        )
    if lowered in _SYNONYMS:
        use = _SYNONYMS[lowered]
        hint = (
            "there is no $not: use $neq, $notlike or $notin"
            if use is None
            else f"did you mean {use!r}?"
        )
        return error(f"unknown operator {_shown(written)!r}", hint, stop)
    close = closest(lowered, _KNOWN)
    hint = f"did you mean {close!r}?" if close else "operators are " + ", ".join(_KNOWN)
    return error(f"unknown operator {_shown(written)!r}", hint, stop)


def _bad_string(text: str, pos: int, words: tuple[str, ...]) -> FilterSyntaxError:
    closed = _CLOSED_STRING.match(text, pos)
    if closed is None:
        return FilterSyntaxError(
            "unterminated string",
            text=text,
            offset=pos,
            end_offset=_line_end(text, pos),
            expected=words,
            hint='close the string with a double quote ("); write \\" for a quote inside it',
        )
    bad = _BAD_IN_STRING.search(text, pos + 1, closed.end() - 1)
    if bad is not None:
        written = bad.group()
        if written.startswith("\\"):
            message = f"invalid escape {_shown(written)!r} in string"
            hint = 'JSON escapes only: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'
        else:
            message = "control character in string"
            hint = "write line breaks and tabs as \\n and \\t"
        return FilterSyntaxError(
            message,
            text=text,
            offset=bad.start(),
            end_offset=bad.end(),
            expected=words,
            hint=hint,
        )
    # A well-formed string where none may stand.
    return FilterSyntaxError(
        f"expected {_join(words)}, found a string",
        text=text,
        offset=pos,
        end_offset=closed.end(),
        expected=words,
        hint=_misplaced_value_hint(text[pos : closed.end()], words),
    )


def _misplaced_value_hint(literal: str, words: tuple[str, ...]) -> str | None:
    if "an operator" in words:
        return "put an operator between the field and its value, such as $eq"
    if "a field name" in words:
        return "field names are not quoted: write Nom, or [Date de naissance]"
    if words == ("[",):
        return f"$in and $notin take a list: [{_shown(literal)}]"
    if "$and or $or" in words:
        return "join conditions with $and or $or"
    return None


def _decimal_comma(text: str, pos: int, words: tuple[str, ...]) -> FilterSyntaxError:
    start = pos
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".-"):
        start -= 1
    stop = pos + 1
    while stop < len(text) and text[stop].isdigit():
        stop += 1
    written = text[start:stop]
    return FilterSyntaxError(
        f"decimal comma in number {_shown(written)!r}",
        text=text,
        offset=pos,
        end_offset=pos + 1,
        expected=words,
        hint="numbers use a decimal point (US notation): "
        f"write {_shown(written.replace(',', '.'))}",
    )


def pattern_needs_text(text: str, start: int, end: int, op: str) -> FilterSyntaxError:
    """The error for ``$like 12``: pattern operators take a string."""
    written = text[start:end]
    return FilterSyntaxError(
        f"{op} takes a string pattern, not a number",
        text=text,
        offset=start,
        end_offset=end,
        expected=("a value",),
        hint=f'quote it: "{_shown(written)}"',
    )


def refused_token(text: str, start: int, end: int, why: str) -> FilterSyntaxError:
    """The error for a token the language refuses: a bad name, a lone surrogate."""
    if why in ("bad_name", "bad_word"):
        written = text[start:end]
        field = why == "bad_name"
        return FilterSyntaxError(
            f"a name must start with a letter or '_', not {written[0]!r}",
            text=text,
            offset=start,
            end_offset=end,
            expected=("a field name",) if field else ("a value",),
            hint=(
                f"put other names in brackets: [{_shown(written)}]"
                if field
                else f'quote it: "{_shown(written)}"'
            ),
        )
    field = why == "surrogate_field"
    return FilterSyntaxError(
        f"the {'field name' if field else 'string'} holds a lone surrogate, "
        "which is not Unicode text",
        text=text,
        offset=start,
        end_offset=end,
        expected=("a field name",) if field else ("a value",),
        hint="pass text that encodes as UTF-8 (a surrogate pair, or the character itself)",
    )
