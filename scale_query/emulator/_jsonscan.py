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

# An escape in a string: a backslash and the byte it escapes (a quote among them).
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
# A whole string once its escapes are gone.
_STRING = re.compile(rb'"[^"]*"')
# What is left once strings are gone: brackets kept, blanks dropped, the rest a '0'.
_KEEP = b"[]{},"
_FLAT = bytes(c if c in _KEEP else ord("0") for c in range(256))
_BLANKS = b" \t\r\n"
# A bracket, or a run of commas and scalars between two brackets: one step each.
_TOKEN = re.compile(rb"[\[\]{}]|[,0]+")


class Scan:
    """Counts the records, values and depth of a JSON array fed in pieces (InputError past one).

    Each piece costs a few passes in C (strings replaced by one byte, the
    rest reduced to brackets and runs of commas and scalars) and one Python
    step per bracket or run: fast for records of many fields.
    """

    def __init__(self) -> None:
        self.depth = 0
        #: Top-level items seen (records), values seen (containers and commas: an upper count).
        self.records = 0
        self.values = 0
        self._in_string = False
        self._escaped = False  # the previous piece ended inside a string on a backslash
        self._first_item = False  # after the array's '[': its first item may start

    def feed(self, data: bytes) -> None:
        """Read the next piece of the array's bytes."""
        if self._escaped and data:  # the first byte is escaped by the last piece's backslash
            data, self._escaped = data[1:], False
        # Escapes out first: what is left of a string holds no quote and no backslash.
        text = _ESCAPE.sub(b"00", data)
        # A backslash whose pair is in the next piece: paired there, as if uncut (in
        # a string or, in JSON that is not valid, out of one).
        self._escaped = text.endswith(b"\\")
        if self._in_string:
            closing = text.find(b'"')
            if closing < 0:
                return
            text, self._in_string = text[closing + 1 :], False
        plain = _STRING.sub(b"0", text)
        opened = plain.find(b'"')  # every whole string is gone: this one goes on
        if opened >= 0:
            plain, self._in_string = plain[:opened] + b"0", True
        self._count(plain.translate(_FLAT, _BLANKS))

    def _count(self, flat: bytes) -> None:
        self.values += flat.count(b",") + flat.count(b"[") + flat.count(b"{")
        if self.values > MAX_JSON_VALUES:
            raise InputError(
                f"'objects' holds more than {MAX_JSON_VALUES:,} values in all; "
                "send the records in several requests"
            )
        for token in _TOKEN.finditer(flat):
            byte = flat[token.start()]
            if byte in (0x5B, 0x7B):  # [ {
                if self.depth == 1 and self._first_item:
                    self._first_item = False
                    self._record(1)
                self.depth += 1
                if self.depth > MAX_JSON_DEPTH:
                    raise InputError(
                        f"'objects' nests arrays and objects deeper than {MAX_JSON_DEPTH} "
                        "levels (a record needs 3: the array, the record, its data)"
                    )
                self._first_item = self.depth == 1
            elif byte in (0x5D, 0x7D):  # ] }
                self._first_item = False
                self.depth -= 1
            elif self.depth == 1:  # commas and scalars of the array itself
                first, self._first_item = self._first_item, False
                self._record(int(first) + flat.count(b",", token.start(), token.end()))

    def _record(self, count: int) -> None:
        self.records += count
        if self.records > MAX_RECORDS_PER_WRITE:
            raise InputError(
                f"more than {MAX_RECORDS_PER_WRITE:,} records in one request; "
                "send them in several requests"
            )
