"""Typed records: values read by their field's kind in the object's metadata.

The server sends every value as text. With the object's schema, each value
becomes what its field holds (:func:`scale_query.semantics._reading.read_value`
says how, the same reading the filters use): ``int`` for int fields,
``Decimal`` for decimal/float/number fields, ``date``, ``datetime``, text as
``str``, and None for an empty value of any kind. A field the schema does not
know is text.

>>> from scale_query import ObjectSchema
>>> schema = ObjectSchema.from_api({"Prix": {"attribs": {"type": "decimal"}},
...     "Stock": {"attribs": {"type": "int"}}}, name="products")
>>> Typer(schema)(Record("7", {"Prix": "12.50", "Stock": ""}))
TypedRecord(id=7, data={'Prix': Decimal('12.50'), 'Stock': None}, link={})
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..semantics import FieldKind, ObjectSchema, StoredValue, read_value
from ._models import Record

__all__ = ["TypedRecord", "Typer"]


@dataclass(frozen=True, slots=True)
class TypedRecord:
    """One record with its values typed by the object's schema.

    ``id`` and the linked ids are ``int``; ``data`` values are ``str``,
    ``int``, ``Decimal``, ``date``, ``datetime`` or None (empty).

    >>> import datetime
    >>> TypedRecord(12, {"DateNaissance": datetime.date(1990, 6, 12)}).data["DateNaissance"].year
    1990
    """

    id: int
    data: Mapping[str, StoredValue] = field(default_factory=dict)
    link: Mapping[str, int] = field(default_factory=dict)


def _record_id(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{what} {text!r} is not a record id")
    return int(text)


class Typer:
    """Turns the records of one object into :class:`TypedRecord` values.

    Built once per query from the object's schema; calling it types one
    record. A value its field cannot hold is a ValueError naming the record
    and the field (never a silent None).
    """

    def __init__(self, schema: ObjectSchema) -> None:
        self.schema = schema
        self._kinds: dict[str, FieldKind] = {name: info.kind for name, info in schema.items()}

    def kind(self, name: str) -> FieldKind:
        """The kind of field ``name`` (text when the schema does not know it)."""
        return self._kinds.get(name, "text")

    def value(self, name: str, raw: str) -> StoredValue:
        """One value of field ``name``, read by its kind."""
        return read_value(self._kinds.get(name, "text"), raw)

    def __call__(self, record: Record) -> TypedRecord:
        kinds = self._kinds
        data: dict[str, StoredValue] = {}
        for name, raw in record.data.items():
            try:
                data[name] = read_value(kinds.get(name, "text"), raw)
            except ValueError as error:
                raise ValueError(f"record {record.id}: field {name!r}: {error}") from None
        link = {name: _record_id(raw, f"link {name!r}") for name, raw in record.link.items()}
        return TypedRecord(_record_id(record.id, "id"), data, link)

    def all(self, records: Iterable[Record]) -> Iterator[TypedRecord]:
        """Every record of ``records``, typed, lazily."""
        return map(self, records)
