"""The bounds of a ``put_objects`` JSON array, counted as its bytes arrive.

``json.loads`` builds every value of its input before anyone can count them:
16 MiB of ``[{},{},...]`` is five million dictionaries, about 500 MB. The
:class:`Scan` reads the bytes as the form delivers them, before any parse, and
refuses the body as soon as it holds more than
:data:`~._limits.MAX_RECORDS_PER_WRITE` records, more than
:data:`~._limits.MAX_JSON_VALUES` values, or arrays and objects nested deeper
than :data:`~._limits.MAX_JSON_DEPTH`. Only the brackets, commas and quotes
are looked at one by one; the inside of a string is skipped by one regex
search (linear, no backtracking). What it lets through is parsed afterwards,
with bounded memory; it never judges whether the JSON is valid (the parser
says that), so a body it passes may still be a 400.

>>> scan = Scan()
>>> scan.feed(b'[{"data": {"Nom": "a,]}"}}, {"da')
>>> scan.feed(b'ta": {}}]')
>>> scan.records
2
"""

from __future__ import annotations

import re

from ._limits import MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_RECORDS_PER_WRITE, InputError

__all__ = ["Scan"]

# Outside strings: the next byte that changes depth, separates values or opens a string.
_STRUCTURE = re.compile(rb'["\[\]{},]')
# Where the next item of the array starts (or the array ends).
_NON_SPACE = re.compile(rb"[^ \t\r\n]")
# Inside a string: the longest run of plain bytes and complete escapes (unrolled: linear).
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)


class Scan:
    """Counts the records, values and depth of a JSON array fed in pieces (InputError past one)."""

    def __init__(self) -> None:
        self.depth = 0
        #: Top-level items seen (records), values seen (containers and commas: an upper count).
        self.records = 0
        self.values = 0
        self._in_string = False
        self._escaped = False  # the previous piece ended inside a string on a backslash
        self._item_next = False  # after the array's '[' or a ',' in it: an item may start

    def feed(self, data: bytes) -> None:
        """Read the next piece of the array's bytes."""
        pos, end = 0, len(data)
        while pos < end:
            if self._in_string:
                if self._escaped:
                    pos, self._escaped = pos + 1, False
                    continue
                stop = _STRING_BODY.match(data, pos).end()  # type: ignore[union-attr]
                if stop == end:
                    return
                if data[stop] == 0x5C:  # a backslash as the last byte: its pair comes next
                    self._escaped, pos = True, stop + 1
                    continue
                self._in_string, pos = False, stop + 1
                continue
            if self._item_next:
                start = _NON_SPACE.search(data, pos)
                if start is None:
                    return
                pos, self._item_next = start.start(), False
                if data[pos] != 0x5D:  # not the array's ']': a record
                    self._record()
            found = _STRUCTURE.search(data, pos)
            if found is None:
                return
            pos = found.end()
            self._structure(data[found.start()])

    def _structure(self, byte: int) -> None:
        if byte == 0x22:  # "
            self._in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            self.depth += 1
            if self.depth > MAX_JSON_DEPTH:
                raise InputError(
                    f"'objects' nests arrays and objects deeper than {MAX_JSON_DEPTH} levels "
                    "(a record needs 3: the array, the record, its data)"
                )
            self._item_next = self.depth == 1
            self._value()
        elif byte in (0x5D, 0x7D):  # ] }
            self.depth -= 1
        else:  # ,
            self._item_next = self.depth == 1
            self._value()

    def _record(self) -> None:
        self.records += 1
        if self.records > MAX_RECORDS_PER_WRITE:
            raise InputError(
                f"more than {MAX_RECORDS_PER_WRITE:,} records in one request; "
                "send them in several requests"
            )

    def _value(self) -> None:
        self.values += 1
        if self.values > MAX_JSON_VALUES:
            raise InputError(
                f"'objects' holds more than {MAX_JSON_VALUES:,} values in all; "
                "send the records in several requests"
            )
