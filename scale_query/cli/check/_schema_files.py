"""A schema per object: what ``--schema`` (repeatable) and ``schema =`` give ``check``.

Each value is a file or a folder, optionally prefixed ``OBJECT=``:

- a file is one saved ``get_object_info`` response; its object is the
  ``OBJECT=`` prefix, else the file's name without ``.json``;
- a folder holds one such file per object, named after it (what
  ``scale-query schema --all -o DIR`` writes): ``contact.json``,
  ``orders.json``...

A filter's object picks its schema. A filter whose object has no schema gets
only the schema-free rules (never another object's fields), and a note says
so once per object. A filter with no object named (stdin, a filter file with no
``# object:`` line, a ``parse(...)`` call) uses the schema when exactly one is
given; with several, the schema-free rules and a note.

>>> store = Schemas({})
>>> store.pick("orders"), store.notes
(None, [])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._errors import UsageError

if TYPE_CHECKING:
    from ...semantics import ObjectSchema

__all__ = ["Schemas", "load_schemas"]


class Schemas:
    """Schemas by object name, and the notes about filters that found none."""

    def __init__(self, by_object: dict[str, ObjectSchema]) -> None:
        self.by_object = by_object
        self._folded = {name.casefold(): name for name in by_object}
        self.notes: list[str] = []
        self._noted: set[str | None] = set()
        #: Objects (None: no object named) whose filters were checked without a schema.
        self.missing: set[str | None] = set()

    def pick(self, obj: str | None) -> ObjectSchema | None:
        """The schema for a filter of object ``obj`` (None: not named); notes what is missing."""
        if obj is not None:
            name = obj if obj in self.by_object else self._folded.get(obj.casefold())
            if name is not None:
                return self.by_object[name]
            if self.by_object:
                self._note(
                    obj,
                    f"no schema for object {obj!r} (given: {_names(self.by_object)}); "
                    "its filters got the schema-free rules only",
                )
            self.missing.add(obj)
            return None
        if len(self.by_object) == 1:
            return next(iter(self.by_object.values()))
        if self.by_object:
            self._note(
                None,
                f"{len(self.by_object)} schemas given and some filters name no object; "
                "those got the schema-free rules only (name the object with Query(...) "
                "or a '# object: NAME' line)",
            )
        self.missing.add(None)
        return None

    def _note(self, key: str | None, message: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.notes.append(message)


def _names(by_object: dict[str, ObjectSchema]) -> str:
    names = sorted(by_object)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return shown


def _load(path: str, name: str) -> ObjectSchema:
    from ...semantics import ObjectSchema

    try:
        return ObjectSchema.from_file(path, name)
    except OSError as error:
        raise UsageError(f"cannot read schema {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read schema {path}: {error}") from None


def load_schemas(values: Sequence[str]) -> Schemas:
    """Read every ``[OBJECT=]PATH`` value; a usage error for anything unreadable or ambiguous."""
    found: dict[str, tuple[str, ObjectSchema]] = {}

    def add(name: str, path: str) -> None:
        if name in found:
            raise UsageError(
                f"two schemas for object {name!r}: {found[name][0]} and {path} "
                "(name one with OBJECT=PATH)"
            )
        found[name] = (path, _load(path, name))

    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or os.path.exists(value):
            name, path = "", value
        if os.path.isdir(path):
            if name:
                raise UsageError(f"{value}: OBJECT=PATH names one file, not a folder")
            # Regular files only: a named pipe would block, a folder cannot be read.
            files = sorted(
                f
                for f in os.listdir(path)
                if f.endswith(".json") and os.path.isfile(os.path.join(path, f))
            )
            if not files:
                raise UsageError(f"cannot read schema {path}: the folder holds no *.json file")
            for file in files:
                add(file.removesuffix(".json"), os.path.join(path, file))
        elif os.path.exists(path):
            add(name or os.path.splitext(os.path.basename(path))[0], path)
        else:
            raise UsageError(f"cannot read schema {path}: no such file or folder")
    return Schemas({name: schema for name, (_, schema) in found.items()})
