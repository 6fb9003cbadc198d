"""The datamart API's rules, without HTTP: tokens, rights, query parameters, writes.

Each method returns the JSON body of a 200 response or raises :class:`ErrorResponse`
with the status and message the API documents. The Starlette layer
(:mod:`._app`) only moves requests and responses.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Mapping
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

from ..language import Expr, FilterSyntaxError, Span, closest, line_and_column, parse, walk
from ..semantics import (
    MAX_INT64,
    MAX_PAGE_SIZE,
    FilterValueError,
    compile_filter,
    excerpt,
    given,
    order_by,
    read_fields,
    read_window,
    sort_keys,
)
from ._definition import Datamart, Profile, Rights
from ._limits import MAX_JSON_DEPTH, MAX_RECORDS_PER_WRITE, json_depth_exceeds, surrogate_path
from ._store import SQL_MAX_DEPTH, BudgetSpent, Store, Table

__all__ = [
    "CHALLENGE",
    "INVALID_TOKEN",
    "MAX_RECORDS_PER_WRITE",
    "Api",
    "ErrorResponse",
    "check_page_cap",
]

#: ``WWW-Authenticate`` of a 401 (RFC 6750): no token, then a wrong one.
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="datamart"'}
INVALID_TOKEN = {"WWW-Authenticate": 'Bearer realm="datamart", error="invalid_token"'}


class ErrorResponse(Exception):
    """An error response: HTTP status, message, extra JSON fields and response headers."""

    def __init__(
        self, status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        self.status = status
        self.message = message
        self.headers = headers
        self.extra = extra
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **self.extra}


def _closest(name: str, names: list[str]) -> str:
    match = closest(name, names)
    return f" (did you mean {match!r}?)" if match else ""


def _at(text: str, span: Span | None) -> str:
    if span is None:
        return ""
    line, column = line_and_column(text, span.start)
    return f" at line {line}, column {column}"


#: A JSON number's decimal exponent may be this large (Python's own bound on
#: the digits of an int it reads): past it its text would not fit in memory.
MAX_NUMBER_DIGITS = 4300


def exact_number(text: str) -> Decimal:
    """A JSON number with a fraction or exponent, exactly (``json.loads``'s ``parse_float``).

    >>> exact_number("9007199254740993.0")
    Decimal('9007199254740993.0')
    """
    number = Decimal(text)
    if abs(number.adjusted()) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number past {MAX_NUMBER_DIGITS} digits")
    return number


def check_page_cap(max_page_size: int) -> int:
    """``max_page_size`` if it is from 1 to ``MAX_INT64``, else a ValueError.

    >>> check_page_cap(1000)
    1000
    """
    if not 1 <= max_page_size <= MAX_INT64:
        # Past it SQLite's LIMIT overflows: every unpaged read would be a 500.
        raise ValueError(f"max_page_size must be from 1 to {MAX_INT64}, not {max_page_size}")
    return max_page_size


class Api:
    """The four endpoints over one :class:`Store`."""

    def __init__(
        self, datamart: Datamart, store: Store, max_page_size: int = MAX_PAGE_SIZE
    ) -> None:
        check_page_cap(max_page_size)
        self.datamart = datamart
        self.store = store
        self.max_page_size = max_page_size

    def authenticate(self, header: str | None) -> Profile:
        """The profile of an ``Authorization: Bearer`` header, or a 401."""
        scheme, _, token = (header or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ErrorResponse(
                401,
                "missing bearer token: send 'Authorization: Bearer <API_TOKEN>'",
                headers=CHALLENGE,
            )
        found = None
        # Compare with every token in constant time: no early exit to time.
        for profile in self.datamart.profiles:
            if hmac.compare_digest(profile.token.encode(), token.encode()):
                found = profile
        if found is None:
            raise ErrorResponse(401, "invalid API token", headers=INVALID_TOKEN)
        return found

    def _table(self, profile: Profile, name: str) -> tuple[Table, Rights]:
        table = self.store.tables.get(name)
        if table is None:
            raise ErrorResponse(
                404, f"unknown object {excerpt(name)}" + _closest(name, list(self.store.tables))
            )
        rights = profile.rights(name)
        if rights is None:
            raise ErrorResponse(403, f"this API token has no access to object {excerpt(name)}")
        return table, rights

    def object_list(self, profile: Profile) -> dict[str, Any]:
        """``get_object_list``: the objects this profile may use, with their times."""
        times = self.store.times()
        return {
            name: {
                "acl": table.obj.acl,
                "create_time": times[name][0],
                "update_time": times[name][1],
            }
            for name, table in self.store.tables.items()
            if profile.rights(name) is not None
        }

    def object_info(self, profile: Profile, name: str) -> dict[str, Any]:
        """``get_object_info``: every field, with this profile's read/write rights."""
        table, rights = self._table(profile, name)
        out = table.schema.to_api()
        for field, entry in out.items():
            info = table.schema[field]
            entry["read"] = "Y" if info.readable and rights.can_read(field) else "N"
            entry["write"] = "Y" if info.writable and rights.can_write(field) else "N"
        return out

    @staticmethod
    def _readable(table: Table, rights: Rights, field: str, where: str) -> None:
        info = table.schema.get(field)
        if info is None:
            raise ErrorResponse(
                400,
                f"unknown field {excerpt(field)} in {where}" + _closest(field, list(table.schema)),
            )
        if not (info.readable and rights.can_read(field)):
            raise ErrorResponse(
                403, f"field {excerpt(field)} in {where} is not readable with this token"
            )

    def _filter(
        self, table: Table, rights: Rights, text: str
    ) -> tuple[Expr, tuple[str, list[object]]]:
        try:
            expr: Expr = parse(text)
        except FilterSyntaxError as error:
            hint = f" (hint: {error.hint})" if error.hint else ""
            raise ErrorResponse(
                400,
                f"bad filter: line {error.line}, column {error.column}: {error.message}{hint}",
                line=error.line,
                column=error.column,
                hint=error.hint,
                detail=error.format(),
            ) from None
        for condition in walk(expr):
            self._readable(
                table, rights, condition.field, "filter" + _at(text, condition.field_span)
            )
        try:
            # Compiling also checks every literal against its field, at any depth.
            return expr, compile_filter(expr, table.columns)
        except FilterValueError as error:
            # The place, not the value: answers end up in clients' error logs.
            message = f"bad filter{_at(text, error.span)}: {error.without_value}"
            raise ErrorResponse(400, message) from None

    def _fields(self, table: Table, rights: Rights, raw: str | None) -> list[str]:
        if raw is None:
            return [f for f, info in table.schema.items() if info.readable and rights.can_read(f)]
        try:
            names = read_fields(raw)
        except ValueError as error:
            raise ErrorResponse(400, str(error)) from None
        for name in names:
            self._readable(table, rights, name, "fields")
        return list(dict.fromkeys(names))

    def _sort(self, table: Table, rights: Rights, raw: str | None) -> str:
        keys: list[tuple[str, bool]] = []
        if raw is not None:
            try:
                keys = sort_keys(raw)
            except ValueError as error:
                raise ErrorResponse(400, str(error)) from None
            for name, _ in keys:
                self._readable(table, rights, name, "sort_by")
        return order_by(keys, table.columns, '"id"')

    def _window(self, params: Mapping[str, str]) -> tuple[int, int]:
        try:
            return read_window(params).rows(self.max_page_size)
        except ValueError as error:
            raise ErrorResponse(400, str(error)) from None

    def get_objects(self, profile: Profile, name: str, params: Mapping[str, str]) -> dict[str, Any]:
        """``get_objects``: one page of records, filtered, sorted and projected."""
        table, rights = self._table(profile, name)
        expr, (where, values) = None, ("1", list[object]())
        if (text := given(params, "filter")) is not None:
            expr, (where, values) = self._filter(table, rights, text)
        fields = self._fields(table, rights, params.get("fields"))
        order = self._sort(table, rights, given(params, "sort_by"))
        start, count = self._window(params)
        with ExitStack() as stack:
            if expr is not None and expr.depth > SQL_MAX_DEPTH:
                where, values = stack.enter_context(self.store.predicate_filter(table, expr))
            try:
                objects = self.store.select(table, fields, where, values, order, start, count)
            except BudgetSpent as spent:
                raise ErrorResponse(
                    400,
                    f"this request used up its budget of {spent.steps:,} SQLite steps and was "
                    "stopped: narrow the filter (a selective condition instead of, or before, "
                    "a $regex or $like) or ask for fewer fields",
                ) from None
            except sqlite3.OperationalError as error:
                # SQLite's own bounds (such as the number of parameters).
                raise ErrorResponse(400, f"filter too complex: {error}") from None
        return {"objects": objects}

    def put_objects(self, profile: Profile, name: str, body: str | None) -> dict[str, Any]:
        """``put_objects``: each record written on its own, with its own result."""
        table, rights = self._table(profile, name)
        if body is None:
            raise ErrorResponse(400, "missing form field 'objects' (a JSON array of records)")
        if json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise ErrorResponse(
                400,
                f"'objects' nests arrays and objects deeper than {MAX_JSON_DEPTH} levels "
                "(a record needs 3: the array, the record, its data)",
            )
        try:
            # Numbers exactly as written: 9007199254740993.0 is not rounded through a float.
            records = json.loads(body, parse_float=exact_number)
        except json.JSONDecodeError as error:
            raise ErrorResponse(400, f"'objects' is not valid JSON: {error}") from None
        except ValueError:  # Python refuses to read an integer past 4,300 digits
            raise ErrorResponse(400, "'objects' holds a number too long to read") from None
        if not isinstance(records, list):
            raise ErrorResponse(400, "'objects' must be a JSON array of records")
        where = surrogate_path(records, "objects")
        if where is not None:
            # Not Unicode text at all: refuse the whole body before writing anything.
            raise ErrorResponse(
                400,
                f"{where} holds a lone surrogate (a \\ud800-\\udfff escape not in a pair), "
                "which is not Unicode text; nothing was written",
            )
        if len(records) > MAX_RECORDS_PER_WRITE:
            raise ErrorResponse(
                400, f"{len(records)} records in one request; the limit is {MAX_RECORDS_PER_WRITE}"
            )
        return {"objects": [self.store.write(table, record, rights) for record in records]}
