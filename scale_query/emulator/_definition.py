"""The datamart definition: objects, fields, links, API profiles and records.

A definition is read from JSON (a file or a dict) in the format of
docs/emulator.md; every mistake is a ValueError naming where it is
(``objects.contact.fields.Nom: ...``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..semantics import FieldInfo, ObjectSchema, read_json
from ._names import check_token

__all__ = ["ALL", "Datamart", "ObjectDef", "Profile", "RecordDef", "Rights", "load_datamart"]

#: Rights on every field.
ALL = None

DEFAULT_TIME = "2022-06-29 17:00:10"


@dataclass(frozen=True, slots=True)
class RecordDef:
    """One record of a definition: ``id`` 0 takes the next free id."""

    id: int
    data: Mapping[str, Any]
    link: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One object: its declared fields, the objects it links to, its records."""

    name: str
    schema: ObjectSchema
    links: tuple[str, ...] = ()
    acl: str = ""
    create_time: str = DEFAULT_TIME
    update_time: str = DEFAULT_TIME
    records: Sequence[RecordDef] = ()


@dataclass(frozen=True, slots=True)
class Rights:
    """A profile's rights on one object: field names, or ``ALL`` (None) for every field."""

    read: frozenset[str] | None = ALL
    write: frozenset[str] | None = ALL

    def can_read(self, name: str) -> bool:
        return self.read is None or name in self.read

    def can_write(self, name: str) -> bool:
        return self.write is None or name in self.write


def _fields_text(names: frozenset[str] | None, every: Sequence[str]) -> str:
    if names is None:
        return "every field"
    if not names:
        return "none"
    missing = [name for name in every if name not in names]
    if missing and len(missing) <= 3 and len(names) > len(missing):
        return "every field but " + ", ".join(missing)
    return ", ".join(sorted(names))


@dataclass(frozen=True, slots=True)
class Profile:
    """An API profile: a bearer token and the objects it may use (token kept out of repr)."""

    name: str
    token: str = field(repr=False)
    objects: Mapping[str, Rights] | None = ALL

    def rights(self, object_name: str) -> Rights | None:
        """The rights on ``object_name``, or None when the profile may not use it."""
        if self.objects is None:
            return Rights()
        return self.objects.get(object_name)

    def summary(self, objects: Mapping[str, ObjectDef]) -> str:
        """What this profile may do, in a few words (``serve`` prints it beside the token).

        >>> Profile("reader", "t", {"contact": Rights(write=frozenset())}).summary({})
        'contact: read every field, write none'
        """
        if self.objects is None:
            return "every object: read and write every field"
        groups: dict[str, list[str]] = {}
        for name, rights in self.objects.items():
            obj = objects.get(name)
            every = [] if obj is None else [*reserved_fields(obj), *obj.schema]
            read, write = _fields_text(rights.read, every), _fields_text(rights.write, every)
            text = f"read {read}, write {write}"
            groups.setdefault(text, []).append(name)
        parts = []
        for text, names in groups.items():
            whole = len(names) > 1 and set(names) == set(objects)
            parts.append(f"{'every object' if whole else ', '.join(names)}: {text}")
        return "; ".join(parts) or "no object"


@dataclass(frozen=True, slots=True)
class Datamart:
    """A whole datamart; ``fingerprint`` identifies its content (for ``--db`` files)."""

    objects: Mapping[str, ObjectDef]
    profiles: tuple[Profile, ...]
    fingerprint: str

    def with_tokens(self, tokens: Sequence[str], *, keep_profiles: bool = True) -> Datamart:
        """One full-rights profile per token, after the definition's own profiles
        (``keep_profiles=True``) or instead of them."""
        extra = tuple(Profile(f"token-{i + 1}", check_token(t)) for i, t in enumerate(tokens))
        kept = self.profiles if keep_profiles else ()
        return Datamart(self.objects, kept + extra, self.fingerprint)


def _where(path: str, message: str) -> ValueError:
    return ValueError(f"{path}: {message}")


def _mapping(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _where(path, f"expected a JSON object, got {type(value).__name__}")
    return value


def _names(value: object, path: str) -> frozenset[str] | None:
    if value == "*":
        return ALL
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _where(path, 'expected "*" or a list of field names')
    return frozenset(value)


def _rights(value: object, path: str) -> Rights:
    entry = _mapping(value, path)
    unknown = set(entry) - {"read", "write"}
    if unknown:
        raise _where(path, f"unknown key {sorted(unknown)[0]!r} (expected read, write)")
    return Rights(
        _names(entry.get("read", "*"), f"{path}.read"),
        _names(entry.get("write", "*"), f"{path}.write"),
    )


def _profile(value: object, path: str, objects: Mapping[str, ObjectDef]) -> Profile:
    entry = _mapping(value, path)
    token = entry.get("token")
    try:
        check_token(token, "'token'")
    except (TypeError, ValueError) as error:
        raise _where(path, str(error)) from None
    assert isinstance(token, str)
    raw_objects = entry.get("objects", "*")
    rights: dict[str, Rights] | None = None
    if raw_objects != "*":
        rights = {}
        for name, spec in _mapping(raw_objects, f"{path}.objects").items():
            if name not in objects:
                raise _where(f"{path}.objects", f"unknown object {name!r}")
            rights[name] = _rights(spec, f"{path}.objects.{name}")
    return Profile(str(entry.get("name", path)), token, rights)


def _record(value: object, path: str) -> RecordDef:
    entry = _mapping(value, path)
    raw_id = entry.get("id", 0)
    if not isinstance(raw_id, int) or isinstance(raw_id, bool) or raw_id < 0:
        raise _where(path, "'id' must be a whole number, 0 or more")
    return RecordDef(
        raw_id,
        _mapping(entry.get("data", {}), f"{path}.data"),
        _mapping(entry.get("link", {}), f"{path}.link"),
    )


def _object(name: str, value: object) -> ObjectDef:
    path = f"objects.{name}"
    entry = _mapping(value, path)
    try:
        schema = ObjectSchema.from_api(_mapping(entry.get("fields", {}), f"{path}.fields"), name)
    except ValueError as error:
        raise _where(f"{path}.fields", str(error)) from None
    links = entry.get("links", [])
    if not isinstance(links, list) or not all(isinstance(v, str) for v in links):
        raise _where(f"{path}.links", "expected a list of object names")
    records = entry.get("records", [])
    if not isinstance(records, list):
        raise _where(f"{path}.records", "expected a list of records")
    times = {k: str(entry.get(k, DEFAULT_TIME)) for k in ("create_time", "update_time")}
    return ObjectDef(
        name,
        schema,
        tuple(links),
        str(entry.get("acl", "")),
        times["create_time"],
        times["update_time"],
        tuple(_record(r, f"{path}.records[{i}]") for i, r in enumerate(records)),
    )


def reserved_fields(obj: ObjectDef) -> list[str]:
    """The read-only id fields the emulator adds: ``id_<object>``, ``id_<linked>``..."""
    return [f"id_{obj.name}", *(f"id_{link}" for link in obj.links)]


def _check(objects: Mapping[str, ObjectDef]) -> None:
    for obj in objects.values():
        for link in obj.links:
            if link not in objects or link == obj.name:
                raise _where(f"objects.{obj.name}.links", f"{link!r} is not another object")
        for name in reserved_fields(obj):
            if name in obj.schema:
                raise _where(f"objects.{obj.name}.fields.{name}", "this name is reserved")


def load_datamart(source: str | Path | Mapping[str, Any]) -> Datamart:
    """Read a definition from a JSON file path or an already-parsed dict.

    >>> mart = load_datamart({"objects": {"contact": {"fields": {"Nom": {"attribs":
    ...     {"type": "text", "length": "50"}}}}}, "profiles": [{"token": "t"}]})
    >>> mart.objects["contact"].schema["Nom"].length
    50
    """
    if isinstance(source, Mapping):
        data: Any = source
        where = "datamart"
    else:
        where = str(source)
        try:
            raw = Path(source).read_bytes()
        except OSError as error:
            raise ValueError(f"{where}: cannot read ({error.strerror})") from None
        data = read_json(raw, where)
    try:
        root = _mapping(data, "datamart")
        objects = {
            name: _object(name, entry)
            for name, entry in _mapping(root.get("objects"), "objects").items()
        }
        _check(objects)
        raw_profiles = root.get("profiles", [])
        if not isinstance(raw_profiles, list):
            raise _where("profiles", "expected a list of profiles")
        profiles = tuple(_profile(p, f"profiles[{i}]", objects) for i, p in enumerate(raw_profiles))
    except ValueError as error:
        if where == "datamart":
            raise
        raise ValueError(f"{where}: {error}") from None
    # The store's layout is part of the mark: a --db file written with other
    # keys (the casefolded text of before the collation) is not read as ours.
    marked = {"store_layout": STORE_LAYOUT, "definition": data}
    digest = hashlib.sha256(json.dumps(marked, sort_keys=True, default=str).encode()).hexdigest()
    return Datamart(objects, profiles, digest)


#: The version of the store's columns and keys (emulator/_store.py).
STORE_LAYOUT = 4


def full_schema(obj: ObjectDef) -> ObjectSchema:
    """The object's fields as ``get_object_info`` shows them: id fields first."""
    ids = {
        name: FieldInfo(name, type="int", writable=False, created=obj.create_time)
        for name in reserved_fields(obj)
    }
    return ObjectSchema({**ids, **obj.schema.fields}, obj.name)
