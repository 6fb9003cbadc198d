"""An object's metadata, as ``get_object_info`` returns it.

>>> schema = ObjectSchema.from_api({"Nom": {"attribs": {"type": "text", "length": "50",
...     "is_personal_data": "Y"}, "read": "Y", "write": "N"}}, name="contact")
>>> schema["Nom"].length, schema["Nom"].is_personal_data, schema["Nom"].writable
(50, True, False)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._url_rules import excerpt

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "FieldInfo",
    "FieldKind",
    "ObjectSchema",
    "field_kind",
    "kind_reader",
    "maybe_schema",
    "read_flag",
    "read_json",
]

#: How the checks, the evaluator and the emulator treat a field's values.
FieldKind: TypeAlias = Literal["text", "date", "datetime", "integer", "number"]

_KINDS: dict[str, FieldKind] = {
    "text": "text",
    "choice": "text",
    "email": "text",
    "phone": "text",
    "date": "date",
    "datetime": "datetime",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "decimal": "number",
    "number": "number",
}


def field_kind(type_name: str) -> FieldKind:
    """The kind of a field type name; unknown types are text (SPEC section 4)."""
    return _KINDS.get(type_name.strip().lower(), "text")


def read_flag(value: object) -> bool:
    """A yes/no flag as the API writes it: "Y"/"N" (also yes/true/1, a JSON bool).

    >>> read_flag("Y"), read_flag(" n "), read_flag(True), read_flag("")
    (True, False, True, False)
    """
    if isinstance(value, bool):
        return value
    return str(value).strip().upper() in {"Y", "YES", "TRUE", "1"}


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One field of an object: its type, length, rights and labels.

    >>> FieldInfo("DateNaissance", type="date").kind
    'date'
    """

    name: str
    type: str = "text"
    length: int | None = None
    label: str = ""
    description: str = ""
    is_personal_data: bool = False
    readable: bool = True
    writable: bool = True
    created: str = ""
    modified: str = ""
    #: Must be given when a record is created (attribute ``mandatory``: ``"Y"``;
    #: the reference documents none, so a datamart without it has no mandatory field).
    mandatory: bool = False
    #: A decimal field's digits after the point (``length`` written ``M,D``);
    #: None when not given (the datamart's DECIMAL then keeps 2).
    scale: int | None = None

    @property
    def kind(self) -> FieldKind:
        """``text``, ``date``, ``datetime``, ``integer`` or ``number``."""
        return field_kind(self.type)

    @classmethod
    def from_api(cls, name: str, entry: Mapping[str, Any]) -> FieldInfo:
        """Read one field entry of a ``get_object_info`` response."""
        if not isinstance(entry, Mapping):
            raise ValueError(
                f"field {excerpt(name)}: expected an object, got {type(entry).__name__}"
            )
        attribs = entry.get("attribs") or {}
        if not isinstance(attribs, Mapping):
            raise ValueError(f"field {excerpt(name)}: 'attribs' must be an object")
        raw_length = str(attribs.get("length", "") or "").strip()
        digits, comma, places = raw_length.partition(",")
        try:
            length = int(digits) if digits else None
            scale = int(places) if comma else None
        except ValueError:
            raise ValueError(
                f"field {excerpt(name)}: length {excerpt(raw_length)} is not a number"
            ) from None
        if scale is not None and not 0 <= scale <= 30:
            raise ValueError(
                f"field {excerpt(name)}: length {excerpt(raw_length)} has a scale beyond 0 to 30"
            )
        return cls(
            name=name,
            type=str(attribs.get("type", "text") or "text"),
            length=length if length and length > 0 else None,
            label=str(attribs.get("label", "") or ""),
            description=str(attribs.get("description", "") or ""),
            is_personal_data=read_flag(attribs.get("is_personal_data", "N")),
            readable=read_flag(entry.get("read", "Y")),
            writable=read_flag(entry.get("write", "Y")),
            created=str(attribs.get("created_date", "") or ""),
            modified=str(attribs.get("modified_date", "") or ""),
            mandatory=read_flag(attribs.get("mandatory", "N")),
            scale=scale,
        )

    def _length_text(self) -> str:
        if self.length is None:
            return "" if self.scale is None else f"65,{self.scale}"
        return str(self.length) if self.scale is None else f"{self.length},{self.scale}"

    def to_api(self) -> dict[str, Any]:
        """This field as a ``get_object_info`` entry (``mandatory`` only when set)."""
        attribs = {
            "created_date": self.created,
            "modified_date": self.modified,
            "label": self.label,
            "description": self.description,
            "type": self.type,
            "length": self._length_text(),
            "is_personal_data": _yn(self.is_personal_data),
        }
        if self.mandatory:
            attribs["mandatory"] = "Y"
        return {"attribs": attribs, "read": _yn(self.readable), "write": _yn(self.writable)}


def read_json(raw: bytes, shown: str) -> Any:
    """The JSON document of a file's bytes, or a one-line ValueError naming ``shown``.

    UTF-8 with or without a BOM (as Windows editors write it); a document
    nested too deeply for Python is refused as not valid JSON, never a
    RecursionError. Schema files and the emulator's datamart files read here.

    >>> read_json(b'\\xef\\xbb\\xbf{"a": 1}', "a.json")
    {'a': 1}
    >>> read_json(b"[1,", "a.json")
    Traceback (most recent call last):
    ValueError: a.json: not valid JSON (Expecting value: line 1 column 4 (char 3))
    """
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{shown}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{shown}: not valid JSON ({error})") from None
    except RecursionError:
        raise ValueError(f"{shown}: not valid JSON (nested too deeply)") from None


@dataclass(frozen=True, slots=True)
class ObjectSchema(Mapping[str, FieldInfo]):
    """The fields of one datamart object, by name (a read-only mapping).

    >>> schema = ObjectSchema.from_api({"CP": {"attribs": {"type": "text"}}})
    >>> "CP" in schema, list(schema)
    (True, ['CP'])
    """

    fields: Mapping[str, FieldInfo]
    name: str | None = None
    _folded: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", dict(self.fields))
        object.__setattr__(self, "_folded", {n.casefold(): n for n in self.fields})

    @classmethod
    def from_api(cls, data: Mapping[str, Any], name: str | None = None) -> ObjectSchema:
        """Build from a ``get_object_info`` response, exactly as the API returns it."""
        if not isinstance(data, Mapping):
            raise ValueError(
                f"object metadata must be a JSON object of fields, not {type(data).__name__}"
            )
        for key in data:
            if not isinstance(key, str):
                raise ValueError(f"object metadata: field names are text, not {type(key).__name__}")
        return cls({key: FieldInfo.from_api(key, entry) for key, entry in data.items()}, name)

    @classmethod
    def from_file(cls, path: str | PathLike[str], name: str | None = None) -> ObjectSchema:
        """Load a saved ``get_object_info`` response (a JSON file), named after the file.

        OSError when the file cannot be opened; ValueError naming the file when
        it is not UTF-8 JSON text (nested too deeply included) or not metadata.
        """
        # os.path rather than pathlib: this module loads with every `check`.
        import os.path

        with open(path, "rb") as file:
            data = read_json(file.read(), os.fspath(path))
        stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
        return cls.from_api(data, name if name is not None else stem)

    def to_api(self) -> dict[str, Any]:
        """The ``get_object_info`` response for this schema."""
        return {name: info.to_api() for name, info in self.fields.items()}

    def lookup(self, name: str) -> FieldInfo | None:
        """The field named ``name``, or, failing that, one that differs only in case."""
        info = self.fields.get(name)
        if info is None:
            exact = self._folded.get(name.casefold())
            info = None if exact is None else self.fields[exact]
        return info

    def __getitem__(self, name: str) -> FieldInfo:
        return self.fields[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


def maybe_schema(schema: ObjectSchema | Mapping[str, Any] | None) -> ObjectSchema | None:
    """The one coercion of a ``schema=`` argument: an :class:`ObjectSchema`, or none.

    A mapping is read as a ``get_object_info`` response; anything else is a
    ``TypeError`` naming its type.

    >>> maybe_schema({"CP": {"attribs": {"type": "int"}}})["CP"].kind
    'integer'
    """
    if schema is None or isinstance(schema, ObjectSchema):
        return schema
    if not isinstance(schema, Mapping):
        raise TypeError(
            f"schema must be an ObjectSchema or a get_object_info mapping, "
            f"not {type(schema).__name__}"
        )
    return ObjectSchema.from_api(schema)


def kind_reader(schema: ObjectSchema | None) -> Callable[[str], FieldKind | None]:
    """The kind of a field by its exact name: None when unknown, and text without a schema.

    >>> kind_reader(None)("Nom")
    'text'
    """

    def kind_of(name: str) -> FieldKind | None:
        if schema is None:
            return "text"
        info = schema.fields.get(name)
        return None if info is None else info.kind

    return kind_of
