"""The filter-file format (``*.filter``): one filter per line.

- a line starting with whitespace continues the filter above;
- a line whose first non-blank character is ``#`` is a comment, and a blank
  line is ignored (neither ends a filter);
- ``# object: orders`` names the object that the filters below it query (up to
  the next such line), so that ``check`` uses that object's schema;
- a filter line may end with ``# noqa`` or ``# noqa: SQ201,SQ107``;
- a UTF-8 byte-order mark at the start of the file is not part of any filter.

Every step is linear in the length of the text.

>>> lines, entries, noqa = filter_entries('# object: orders\\nMontant $gt 12  # noqa\\n')
>>> entries[0].filter.text, entries[0].filter.object, noqa
('Montant $gt 12', 'orders', {2: frozenset()})
"""

from __future__ import annotations

from ._found_filter import Filter, Segment
from ._noqa import Noqa, codes_after

__all__ = ["BOM", "Entry", "filter_entries", "object_header", "split_noqa"]

BOM = "\ufeff"


class Entry:
    """A filter of a filter file, with the physical lines it spans (0-based)."""

    __slots__ = ("filter", "first", "interrupted", "last", "noqa")

    def __init__(self, filter: Filter, first: int, last: int) -> None:
        self.filter = filter
        self.first = first
        self.last = last
        self.noqa = ""
        self.interrupted = False


def object_header(comment: str) -> str | None:
    """The object named by a ``# object: NAME`` comment line, else None.

    >>> object_header("#  Object : contact "), object_header("# objects are fun")
    ('contact', None)
    """
    body = comment.strip().removeprefix("#").strip()
    head, colon, name = body.partition(":")
    if not colon or head.strip().lower() != "object":
        return None
    name = name.strip()
    return name if name and not any(c.isspace() for c in name) else None


def split_noqa(line: str) -> tuple[str, str, Noqa | None]:
    """A filter line split into its filter part and a trailing ``# noqa`` comment.

    Returns ``(filter part, comment text, codes)``; the codes are None when
    there is no such comment. A ``#`` inside a string, a bracketed field name
    (``[Tag #1]``) or a list is part of the filter; the filter language has no
    ``#`` of its own, so a ``# noqa`` anywhere else ends the filter.

    >>> split_noqa('Nom $eq "a # noqa" # noqa: SQ201')
    ('Nom $eq "a # noqa"', '# noqa: SQ201', frozenset({'SQ201'}))
    """
    at = _comment_start(line)
    if at < 0:
        return line, "", None
    after = line[at + 1 :].lstrip(" \t")
    if after[:4].lower() != "noqa":
        return line, "", None
    return line[:at].rstrip(), line[at:].strip(), codes_after(after[4:])


def _comment_start(line: str) -> int:
    """Index of the first ``#`` outside strings and brackets, or -1 (one pass)."""
    if "#" not in line:
        return -1
    closer = ""  # '"' in a string, ']' in brackets
    in_list = False  # a list's strings may hold ']'
    escaped = False
    last = -1  # the last non-blank character outside strings and brackets
    for i, ch in enumerate(line):
        if closer == '"':
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                closer = "]" if in_list else ""
        elif closer == "]":
            if ch == "]":
                closer, in_list = "", False
            elif ch == '"' and in_list:
                closer = '"'
        elif ch == '"':
            closer = '"'
        elif ch == "[":
            # A list follows $in/$notin; any other '[' opens a bracketed field name.
            in_list = line.endswith(("$in", "$notin"), 0, last + 1)
            closer = "]"
        elif ch == "#":
            return i
        elif not ch.isspace():
            last = i
    return -1


def filter_entries(
    text: str, default_object: str | None = None
) -> tuple[list[str], list[Entry], dict[int, Noqa]]:
    """Split filter-file text into lines, filters and ``# noqa`` comments (by 1-based line).

    ``default_object`` is the object of filters above any ``# object:`` line
    (from the configuration's glob mapping, say).
    """
    text = text.removeprefix(BOM)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    entries: list[Entry] = []
    noqa: dict[int, Noqa] = {}
    current: Entry | None = None
    parts: list[str] = []
    segments: list[Segment] = []
    size = 0
    obj = default_object

    def close() -> None:
        if current is not None:
            current.filter.text = "\n".join(parts)
            current.filter.segments = list(segments)
            current.filter._offsets = [s.offset for s in segments]

    gap = False
    for index, raw in enumerate(lines):
        line = raw.removesuffix("\r")
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            named = object_header(stripped) if stripped else None
            if named is not None:
                close()
                current, obj = None, named
            gap = True
            continue
        line, comment, codes = split_noqa(line)
        if codes is not None:
            noqa[index + 1] = codes
        if current is None or not line[0].isspace():
            close()
            current = Entry(Filter("", index + 1, index + 1, object=obj), index, index)
            entries.append(current)
            parts, segments, size = [], [], 0
        elif gap:
            # A comment or blank line inside a filter: fmt leaves this one alone.
            current.interrupted = True
        gap = False
        segments.append(Segment(size, index + 1, 1, len(line) + 1, True))
        parts.append(line)
        size += len(line) + 1
        current.last = index
        current.filter.last_line = index + 1
        if comment:
            current.noqa = comment
    close()
    return lines, entries, noqa
