"""Each input row of ``import`` checked against the object's schema, and made a ``put`` record.

Checked before the first write, so a bad file never leaves an import half
done: unknown fields (with the closest name), fields the token cannot write,
mandatory fields missing on a create, values not in US notation (numbers
``12.50``, dates ``yyyy-mm-dd``, datetimes ``yyyy-mm-dd hh:mm:ss``), values
longer than their field, ids and links that are not record ids, links to an
object this one has no link to (``link.contakt``: the object's read-only
``id_<other>`` fields name its links), and any record at all when the token
may write no field of the object (such a profile creates, updates and links
nothing). ``--dry-run`` and the real run use this one check.

Columns: ``id`` (empty or 0 creates a record; another id updates it), field
names, ``link.<object>`` (the id of a linked record). The read-only id
fields that ``export`` writes are understood too, so an exported file imports
as it is: ``id_<object>`` is the record's id when there is no ``id`` column,
and ``id_<other>`` (``id_contact`` in ``orders``) is the link to ``<other>``.
The ``rejected.line`` and ``rejected.reason`` columns that ``--rejects``
adds are ignored, so a rejects file, once fixed, imports as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...client import record_payload
from ...language import closest, to_text
from ...semantics import FieldInfo, ObjectSchema, read_value
from ._readers import Row

__all__ = ["REJECT_COLUMNS", "Checked", "RowChecker"]

# Only to word a hint: whether a value can be read is _reading's to say.
_DECIMAL_COMMA = re.compile(r"\s*-?[0-9]+,[0-9]+\s*")
_DAY_FIRST = re.compile(r"\s*([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})(.*)")

Checked = tuple[dict[str, Any] | None, list[str]]

#: The columns ``import --rejects`` adds to each rejected row.
REJECT_COLUMNS = ("rejected.line", "rejected.reason")


def _text(value: object) -> str:
    if isinstance(value, bool):
        raise ValueError("true/false is not a value the API stores: write its text, such as Y or N")
    if isinstance(value, (Mapping, list)):
        raise ValueError("a nested JSON value is not a field value")
    text = to_text(value)
    if isinstance(value, Decimal) and "." in text:
        # Parquet decimals come padded to their column's scale: 263.650000000.
        text = text.rstrip("0").rstrip(".")
    return text


def _hint(info: FieldInfo, text: str) -> str:
    if info.kind in ("number", "integer") and _DECIMAL_COMMA.fullmatch(text):
        return f"; write numbers in US notation: {text.strip().replace(',', '.')}"
    match = _DAY_FIRST.fullmatch(text) if info.kind in ("date", "datetime") else None
    if match:
        day, month, year, rest = match.groups()
        return f"; write dates year first: {year}-{int(month):02d}-{int(day):02d}{rest}"
    return ""


def _record_id(value: object, what: str) -> int:
    text = "" if value is None else str(value).strip()
    if text in ("", "0"):
        return 0
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise ValueError(f"{what} must be a record id (digits; empty or 0 creates), not {text!r}")
    return int(text)


class RowChecker:
    """Turns the input rows of one object into ``put`` records, or says what is wrong.

    >>> from scale_query import ObjectSchema
    >>> schema = ObjectSchema.from_api({"Nom": {"attribs": {"type": "text", "length": "5"}},
    ...     "Born": {"attribs": {"type": "date"}}}, name="contact")
    >>> check = RowChecker(schema, "contact")
    >>> check(Row(2, {"id": "", "Nom": "Doe", "Born": "1990-06-12"}))
    ({'id': 0, 'data': {'Nom': 'Doe', 'Born': '1990-06-12'}}, [])
    >>> for problem in check(Row(3, {"id": "4", "Nom": "Dupontel", "Born": "12/06/1990"}))[1]:
    ...     print(problem.split(";")[0])
    field 'Nom': 8 characters
    field 'Born': '12/06/1990' is not a date such as "1990-06-12"
    """

    def __init__(self, schema: ObjectSchema, object_name: str) -> None:
        self.schema = schema
        self.object_name = object_name
        self.own_id = f"id_{object_name}"
        self.mandatory = [i.name for i in schema.values() if i.mandatory and i.writable]
        # The objects this one links to: its read-only id_<other> fields.
        self.links = [
            info.name[3:]
            for info in schema.values()
            if info.name.startswith("id_") and info.name != self.own_id and info.kind == "integer"
        ]
        self.writes_nothing = not any(info.writable for info in schema.values())

    def _link(self, target: str, value: object, link: dict[str, str]) -> str | None:
        if target not in self.links:
            match = closest(target, self.links)
            hint = f" (did you mean 'link.{match}'?)" if match else ""
            return f"{self.object_name!r} has no link to {target!r}{hint}"
        if value not in (None, ""):
            link[target] = str(_record_id(value, f"link {target!r}"))
        return None

    def _field(
        self, name: str, value: object, data: dict[str, str], link: dict[str, str]
    ) -> str | None:
        if name.startswith("link."):
            return self._link(name[len("link.") :], value, link)
        if name in REJECT_COLUMNS:
            return None
        info = self.schema.get(name)
        if info is None:
            known = self.schema.lookup(name)
            match = known.name if known is not None else closest(name, list(self.schema))
            hint = f" (did you mean {match!r}?)" if match else ""
            return f"unknown field {name!r}{hint}"
        if not info.writable and name.startswith("id_") and info.kind == "integer":
            # export writes these read-only id fields: the link they stand for.
            if value not in (None, ""):
                link[name[3:]] = str(_record_id(value, f"field {name!r}"))
            return None
        if not info.writable:
            return f"field {name!r} is not writable with this token"
        try:
            text = _text(value)
        except (TypeError, ValueError) as error:
            return f"field {name!r}: {error}"
        if info.length is not None and len(text) > info.length:
            return f"field {name!r}: {len(text)} characters; the field holds at most {info.length}"
        if text.strip() and info.kind != "text":
            try:
                read_value(info.kind, text)
            except ValueError as error:
                return f"field {name!r}: {error}{_hint(info, text)}"
        data[name] = text
        return None

    def __call__(self, row: Row) -> Checked:
        """``(record, [])`` for a good row, ``(None, [problems])`` for a bad one."""
        if row.problem is not None:
            return None, [row.problem]
        if self.writes_nothing:
            return None, [
                f"the token may write no field of {self.object_name!r}: "
                "it creates, updates and links no record"
            ]
        values = dict(row.values)
        problems: list[str] = []
        try:
            if "id" in values:
                record_id = _record_id(values.pop("id"), "id")
                own = values.pop(self.own_id, None)
                if (
                    own not in (None, "")
                    and record_id
                    and _record_id(own, self.own_id) != record_id
                ):
                    problems.append(f"id {record_id} and {self.own_id} {own} differ")
            else:
                record_id = _record_id(values.pop(self.own_id, None), self.own_id)
        except ValueError as error:
            return None, [str(error)]
        data: dict[str, str] = {}
        link: dict[str, str] = {}
        for name, value in values.items():
            try:
                problem = self._field(name, value, data, link)
            except ValueError as error:
                problem = str(error)
            if problem:
                problems.append(problem)
        if record_id == 0:
            for name in self.mandatory:
                if not data.get(name, "").strip():
                    problems.append(f"field {name!r} is mandatory when creating a record")
        if problems:
            return None, problems
        record: dict[str, Any] = {"id": record_id, "data": data}
        if link:
            record["link"] = link
        try:
            # put's own checks (the id's range, text that UTF-8 can carry), so a
            # record called valid here is never refused once writing has begun.
            record_payload(record)
        except (TypeError, ValueError) as error:
            return None, [str(error).removeprefix("record 0: ")]
        return record, []
