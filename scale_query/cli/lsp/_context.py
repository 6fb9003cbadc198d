"""What the language server offers at a place in a filter: pure functions, no pygls.

:func:`completion_context` reads the text of the filter up to the cursor and
says what may come next: a field name (at the start, after ``(``, ``$and`` or
``$or``), an operator (after a field), a connective (after a value), or
nothing (inside a string or a value). :func:`word_at` finds the field name
under the cursor for hover. Both look back over the current filter only, in
time linear in its length, with no regular expression.

>>> completion_context("Nom $eq 1 $and Dat")
('field', 'Dat')
>>> completion_context("Nom ")
('operator', '')
>>> completion_context('Nom $eq "x" ')
('connective', '')
>>> completion_context('Nom $eq :nom '), completion_context('Nom $eq :no')
(('connective', ''), ('none', 'no'))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ...semantics import FieldInfo

__all__ = ["Context", "completion_context", "describe_field", "word_at"]

Context = Literal["field", "operator", "connective", "none"]

_CONNECTIVES = ("$and", "$or")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_.$"


def _tokens(text: str) -> list[str]:
    """The filter's tokens, roughly: enough to know what the last complete one was."""
    tokens: list[str] = []
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            j = i + 1
            while j < size and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            tokens.append(text[i : j + 1] if j < size else text[i:])
            i = j + 1
        elif ch == "[":
            # A list after $in/$notin, else a bracketed field name.
            j = text.find("]", i)
            end = size if j < 0 else j + 1
            tokens.append(text[i:end])
            i = end
        elif ch == ":":
            # A placeholder, :name, stands where a value does.
            j = i + 1
            while j < size and _word_char(text[j]) and text[j] != "$":
                j += 1
            tokens.append(text[i:j])
            i = j
        elif _word_char(ch) or ch == "-":
            j = i + 1
            while j < size and _word_char(text[j]):
                j += 1
            tokens.append(text[i:j])
            i = j
        else:
            tokens.append(ch)
            i += 1
    return tokens


def completion_context(before: str) -> tuple[Context, str]:
    """What may be typed at the end of ``before`` (the filter up to the cursor), and its prefix."""
    at = len(before)
    while at > 0 and _word_char(before[at - 1]):
        at -= 1
    prefix = before[at:]
    head = before[:at]
    if head.count('"') % 2 == 1:
        return "none", prefix  # inside a string
    tokens = _tokens(head)
    last = tokens[-1] if tokens else ""
    if not tokens or last == "(" or last in _CONNECTIVES:
        return ("operator" if prefix.startswith("$") else "field"), prefix
    if last.startswith("$") or last == ":":
        return "none", prefix  # a value (or a placeholder's name) comes next
    previous = tokens[-2] if len(tokens) > 1 else ""
    if (previous.startswith("$") and previous not in _CONNECTIVES) or last == ")":
        return "connective", prefix  # after a value or a group
    if last.startswith(('"', "-", ":")) or last[:1].isdigit():
        return "connective", prefix
    return "operator", prefix


def word_at(line: str, column: int) -> tuple[int, int]:
    """The 0-based ``[start, end)`` of the name (or ``[bracketed name]``) at ``column``."""
    start = end = min(column, len(line))
    open_bracket = line.rfind("[", 0, start)
    close_bracket = line.find("]", start)
    if open_bracket >= 0 and close_bracket >= 0 and "]" not in line[open_bracket:start]:
        return open_bracket, close_bracket + 1
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_."):
        start -= 1
    while end < len(line) and (line[end].isalnum() or line[end] in "_."):
        end += 1
    return start, end


def describe_field(info: FieldInfo, obj: str | None) -> str:
    """A field's metadata as Markdown, for hover and completion details."""
    rows = [f"**{info.name}**" + (f" (object `{obj}`)" if obj else "")]
    kind = info.type + (f", {info.length} characters" if info.length else "")
    rows.append(f"type: `{kind}`")
    if info.label and info.label != info.name:
        rows.append(f"label: {info.label}")
    if info.description:
        rows.append(info.description)
    rights = [name for name, yes in (("read", info.readable), ("write", info.writable)) if yes]
    rows.append(f"rights: {', '.join(rights) or 'none'}")
    if info.is_personal_data:
        rows.append("personal data: filters on it end up in URLs and server logs")
    return "\n\n".join(rows)
