"""``Query``: what to read from one object, as an immutable value.

>>> from scale_query import Condition, Op
>>> q = Query("contact").where(Condition("Nom", Op.LIKE, "*S*")).sort_by("-id_contact", "Nom")
>>> q.to_params()
[('filter', 'Nom $like "*S*"'), ('sort_by', '{"id_contact":"desc","Nom":"asc"}')]

Every method returns a new query and checks its arguments at once, so a bad
value fails where it is written, not when the request is sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..language._ast import And, Condition, Expr, Or
from ..language._render import render

__all__ = ["DEFAULT_BASE_URL", "Query", "check_name", "encode_params"]

DEFAULT_BASE_URL = "https://api.scal-e.com/v1/datamart"

# Letters, digits, "_", "." and "-", never starting with "." or "-": no name can
# be "..", hold a "/" or start a query string, even before percent-encoding.
_NAME = re.compile(r"[^\W][\w.\-]*")
_PARAM_ORDER = ("filter", "fields", "sort_by", "limit", "offset", "page", "pagesize")
_DIRECTIONS = ("asc", "desc")

Direction = Literal["asc", "desc"]
SortKey = str | tuple[str, str]


def check_name(kind: str, name: object) -> str:
    """Return ``name`` if it is a safe object name or instance id, else raise ValueError.

    >>> check_name("object name", "contact")
    'contact'
    """
    if not isinstance(name, str):
        raise TypeError(f"the {kind} is a str, not {type(name).__name__}")
    if not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"bad {kind} {name!r}: use letters, digits, '_', '.' and '-' (not first), with no '..'"
        )
    return name


def encode_params(params: list[tuple[str, str]]) -> str:
    """A query string with every reserved character percent-encoded (spaces as %20)."""
    return urlencode(params, quote_via=quote, safe="")


def _count(what: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} is an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, not {value}")
    return value


def _field_name(name: object, what: str = "field name") -> str:
    if not isinstance(name, str):
        raise TypeError(f"a {what} is a str, not {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"a {what} cannot be empty")
    if "," in name:
        raise ValueError(
            f"a {what} cannot contain ',' (the API separates fields with it): {name!r}"
        )
    return name


def _sort_key(key: object) -> tuple[str, str]:
    if isinstance(key, tuple) and len(key) == 2:
        name, direction = key
        if not isinstance(direction, str) or direction.lower() not in _DIRECTIONS:
            raise ValueError(f"sort direction must be 'asc' or 'desc', not {direction!r}")
        return _field_name(name, "sort field"), direction.lower()
    if isinstance(key, str):
        if key.startswith("-"):
            return _field_name(key[1:], "sort field"), "desc"
        return _field_name(key, "sort field"), "asc"
    raise TypeError(f"a sort key is 'Nom', '-Nom' or ('Nom', 'asc'), not {type(key).__name__}")


@dataclass(frozen=True, slots=True)
class Query:
    """The records to read from one object: filter, fields, order and window.

    ``where`` takes an expression or a filter text (parsed at once); calling it
    again adds a condition with ``$and``. ``sort_by`` takes ``"Nom"``,
    ``"-id_contact"`` (descending) or ``("Nom", "asc")``.

    >>> q = Query("contact").fields("Nom", "EMail").limit(50).page(2, size=10)
    >>> q.to_url("demo")
    'https://api.scal-e.com/v1/datamart/demo/get_objects/contact?fields=Nom%2CEMail&limit=50&page=2&pagesize=10'
    >>> Query.from_url(q.to_url("demo")) == q
    True
    """

    object_name: str
    filter: Expr | None = None
    selected: tuple[str, ...] = ()
    order: tuple[tuple[str, str], ...] = ()
    max_records: int | None = None
    skip: int | None = None
    page_number: int | None = None
    page_size: int | None = None

    def __post_init__(self) -> None:
        check_name("object name", self.object_name)
        if self.filter is not None and not isinstance(self.filter, (Condition, And, Or)):
            raise TypeError(f"filter must be an expression, not {type(self.filter).__name__}")
        for name in self.selected:
            _field_name(name)
        seen = set()
        for name, direction in self.order:
            _sort_key((name, direction))
            if name in seen:
                raise ValueError(f"{name!r} appears twice in sort_by")
            seen.add(name)
        if self.max_records is not None:
            _count("limit", self.max_records, 0)
        if self.skip is not None:
            _count("offset", self.skip, 0)
        if (self.page_number is None) != (self.page_size is None):
            raise ValueError("page and page size go together: use .page(n, size=m)")
        if self.page_number is not None:
            _count("page", self.page_number, 1)
            _count("page size", self.page_size, 1)

    def where(self, expr_or_text: Expr | str) -> Query:
        """Add a filter (an expression or a filter text); several calls combine with ``$and``.

        A text is parsed here, so a syntax error (``FilterSyntaxError``) is raised
        by this call.
        """
        if isinstance(expr_or_text, str):
            from ..language._parser import parse

            expr = parse(expr_or_text)
        elif isinstance(expr_or_text, (Condition, And, Or)):
            expr = expr_or_text
        else:
            raise TypeError(
                f"where() takes a filter text or expression, not {type(expr_or_text).__name__}"
            )
        combined = expr if self.filter is None else And((self.filter, expr))
        return replace(self, filter=combined)

    def fields(self, *names: str) -> Query:
        """Return only these fields (replaces an earlier choice; none means all)."""
        return replace(self, selected=tuple(_field_name(n) for n in names))

    def sort_by(self, *keys: SortKey) -> Query:
        """Order by these keys, first key first (replaces an earlier order)."""
        return replace(self, order=tuple(_sort_key(k) for k in keys))

    def limit(self, n: int) -> Query:
        """Read at most ``n`` records."""
        return replace(self, max_records=_count("limit", n, 0))

    def offset(self, n: int) -> Query:
        """Skip the first ``n`` records."""
        return replace(self, skip=_count("offset", n, 0))

    def page(self, n: int, *, size: int | None = None) -> Query:
        """Read page ``n`` (from 1) of ``size`` records."""
        if size is None:
            raise ValueError("page() needs size=: the API pages only with a page size")
        return replace(
            self, page_number=_count("page", n, 1), page_size=_count("page size", size, 1)
        )

    def to_params(self) -> list[tuple[str, str]]:
        """The query parameters, in a fixed order, only those set."""
        params: list[tuple[str, str]] = []
        if self.filter is not None:
            params.append(("filter", render(self.filter)))
        if self.selected:
            params.append(("fields", ",".join(self.selected)))
        if self.order:
            text = json.dumps(dict(self.order), separators=(",", ":"), ensure_ascii=False)
            params.append(("sort_by", text))
        for name, value in (
            ("limit", self.max_records),
            ("offset", self.skip),
            ("page", self.page_number),
            ("pagesize", self.page_size),
        ):
            if value is not None:
                params.append((name, str(value)))
        return params

    def to_url(self, instance: str, base_url: str = DEFAULT_BASE_URL) -> str:
        """The whole ``get_objects`` URL, percent-encoded."""
        path = (
            f"{base_url.rstrip('/')}/{quote(check_name('instance id', instance), safe='')}"
            f"/get_objects/{quote(self.object_name, safe='')}"
        )
        params = self.to_params()
        return f"{path}?{encode_params(params)}" if params else path

    @classmethod
    def from_url(cls, url: str) -> Query:
        """Read a ``get_objects`` URL back into a query (its filter parsed).

        >>> Query.from_url("https://h/v1/datamart/demo/get_objects/contact?limit=5").max_records
        5
        """
        parts = urlsplit(url)
        segments = parts.path.rstrip("/").split("/")
        if len(segments) < 3 or segments[-2] != "get_objects":
            raise ValueError(f"not a get_objects URL: {url!r}")
        query = cls(unquote(segments[-1]))
        seen: set[str] = set()
        page: dict[str, int] = {}
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name not in _PARAM_ORDER:
                raise ValueError(f"unknown query parameter {name!r} in {url!r}")
            if name in seen:
                raise ValueError(f"query parameter {name!r} appears twice in {url!r}")
            seen.add(name)
            query = _read_param(query, name, value, page)
        if page:
            if "page" not in page or "pagesize" not in page:
                raise ValueError(f"page and pagesize go together in {url!r}")
            query = query.page(page["page"], size=page["pagesize"])
        return query


def _int_param(name: str, value: str) -> int:
    if not value.isdigit():
        raise ValueError(f"query parameter {name} must be a whole number, not {value!r}")
    return int(value)


def _read_param(query: Query, name: str, value: str, page: dict[str, int]) -> Query:
    if name == "filter":
        return query.where(value)
    if name == "fields":
        return query.fields(*value.split(","))
    if name == "sort_by":
        try:
            pairs = json.loads(value, object_pairs_hook=list)
        except json.JSONDecodeError:
            raise ValueError(f"sort_by must be a JSON object, not {value!r}") from None
        if not isinstance(pairs, list) or not all(isinstance(p, tuple) for p in pairs):
            raise ValueError(f"sort_by must be a JSON object, not {value!r}")
        return query.sort_by(*pairs)
    if name == "limit":
        return query.limit(_int_param(name, value))
    if name == "offset":
        return query.offset(_int_param(name, value))
    page[name] = _int_param(name, value)
    return query
