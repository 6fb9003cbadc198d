"""``Query``: what to read from one object, as an immutable value.

>>> from scale_query import Condition, Op
>>> q = Query("contact").where(Condition("Nom", Op.LIKE, "*S*")).sort_by("-id_contact", "Nom")
>>> q.to_params()
[('filter', 'Nom $like "*S*"'), ('sort_by', '{"id_contact":"desc","Nom":"asc"}')]

Every method returns a new query and checks its arguments at once, so a bad
value fails where it is written, not when the request is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from ..language import And, Condition, Expr, Or, render
from ..semantics import (
    PARAM_NAMES,
    SORT_DIRECTIONS,
    check_count,
    check_name,
    excerpt,
    field_name,
    given,
    query_pairs,
    read_fields,
    read_window,
    sort_keys,
    write_params,
)
from ._urls import DEFAULT_BASE_URL, check_base_url, check_text, endpoint_url

__all__ = ["Query", "SortKey"]

#: ``"Nom"``, ``"-Nom"`` (descending) or ``("Nom", "asc")``.
SortKey = str | tuple[str, str]


def _field_name(name: object, what: str = "field name") -> str:
    # The API's rule for a name, then the client's: it must encode as UTF-8.
    return check_text(field_name(name, what), f"a {what}")


def _sort_key(key: object) -> tuple[str, str]:
    if isinstance(key, tuple) and len(key) == 2:
        name, direction = key
        if not isinstance(direction, str) or direction.lower() not in SORT_DIRECTIONS:
            raise ValueError(f"sort direction must be 'asc' or 'desc', not {direction!r}")
        return _field_name(name, "sort field"), direction.lower()
    if isinstance(key, str):
        if key.startswith("-"):
            return _field_name(key[1:], "sort field"), "desc"
        return _field_name(key, "sort field"), "asc"
    raise TypeError(f"a sort key is 'Nom', '-Nom' or ('Nom', 'asc'), not {type(key).__name__}")


@dataclass(frozen=True, slots=True, repr=False)
class Query:
    """The records to read from one object: filter, fields, order and window.

    ``where`` takes an expression or a filter text (parsed at once); calling it
    again adds a condition with ``$and``. ``sort_by`` takes ``"Nom"``,
    ``"-id_contact"`` (descending) or ``("Nom", "asc")``.

    >>> q = Query("contact").fields("Nom", "EMail").limit(50).page(2, size=10)
    >>> q
    Query('contact').fields('Nom', 'EMail').limit(50).page(2, size=10)
    >>> url = q.to_url("demo", base_url="https://api.scal-e.com/v1/datamart")
    >>> url
    'https://api.scal-e.com/v1/datamart/demo/get_objects/contact?fields=Nom%2CEMail&limit=50&page=2&pagesize=10'
    >>> Query.from_url(url) == q
    True

    One vocabulary, three roles: a *method* sets a part and returns a new
    query, an *attribute* reads it back (None or empty when not set), a
    *URL parameter* sends it. No attribute shares a method's name:

    ==============================  ====================  ================
    method                          attribute             URL parameter
    ==============================  ====================  ================
    ``where(filter)``               ``filter``            ``filter``
    ``fields(*names)``              ``selected``          ``fields``
    ``sort_by(*keys)``              ``order``             ``sort_by``
    ``limit(n)``                    ``max_records``       ``limit``
    ``offset(n)``                   ``skip``              ``offset``
    ``page(n, size=m)``             ``page_number``,      ``page``,
                                    ``page_size``         ``pagesize``
    ==============================  ====================  ================

    >>> q.max_records, q.skip, q.page_number, q.page_size, q.selected
    (50, None, 2, 10, ('Nom', 'EMail'))
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
        # A str is a sequence too: selected="Nom" would be the fields N, o and m.
        for attribute, what in (
            ("selected", "a tuple of field names"),
            ("order", "a tuple of (field, direction) pairs"),
        ):
            value = getattr(self, attribute)
            if isinstance(value, str):
                raise TypeError(f"{attribute} is {what}, not str")
            # Lists become tuples: the query stays immutable and hashable.
            object.__setattr__(self, attribute, tuple(value))
        for name in self.selected:
            _field_name(name)
        seen = set()
        pairs = []
        for item in self.order:
            if not (isinstance(item, (tuple, list)) and len(item) == 2):
                shown = repr(item)
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                raise TypeError(f"an order item is a (field, direction) pair, not {shown}")
            pairs.append(_sort_key(tuple(item)))
        object.__setattr__(self, "order", tuple(pairs))
        for name, _ in self.order:
            if name in seen:
                raise ValueError(f"{name!r} appears twice in sort_by")
            seen.add(name)
        if self.max_records is not None:
            check_count("limit", self.max_records)
        if self.skip is not None:
            check_count("offset", self.skip)
        if (self.page_number is None) != (self.page_size is None):
            raise ValueError("page and page size go together: use .page(n, size=m)")
        if self.page_number is not None:
            check_count("page", self.page_number)
            check_count("pagesize", self.page_size, "page size")

    def __repr__(self) -> str:
        """The query as the calls that build it (``eval`` of it gives the query back)."""
        parts = [f"Query({self.object_name!r})"]
        if self.filter is not None:
            parts.append(f".where({render(self.filter)!r})")
        if self.selected:
            parts.append(f".fields({', '.join(map(repr, self.selected))})")
        if self.order:
            keys = (
                repr((name, way) if name.startswith("-") else "-" * (way == "desc") + name)
                for name, way in self.order
            )
            parts.append(f".sort_by({', '.join(keys)})")
        if self.max_records is not None:
            parts.append(f".limit({self.max_records})")
        if self.skip is not None:
            parts.append(f".offset({self.skip})")
        if self.page_number is not None:
            parts.append(f".page({self.page_number}, size={self.page_size})")
        return "".join(parts)

    def where(self, expr_or_text: Expr | str, /, **params: object) -> Query:
        """Add a filter (an expression or a filter text); several calls combine with ``$and``.

        A text is parsed here, so a syntax error (``FilterSyntaxError``) is raised
        by this call. Keyword arguments fill the text's ``:name`` placeholders,
        as ``parse(text, params=...)`` does: values go in as literals, never
        through the text.

        >>> q = Query("contact").where("Nom $eq :nom $and Pays $in :pays",
        ...                            nom='x" $or 1', pays=["FR", "BE"])
        >>> print(q.filter)
        Nom $eq "x\\" $or 1" $and Pays $in ["FR","BE"]
        """
        if isinstance(expr_or_text, str):
            from ..language import parse

            expr = parse(expr_or_text, params=params or None)
        elif params:
            raise TypeError("where() takes parameters only with a filter text")
        elif isinstance(expr_or_text, (Condition, And, Or)):
            expr = expr_or_text
        else:
            raise TypeError(
                f"where() takes a filter text or expression, not {type(expr_or_text).__name__}"
            )
        combined = expr if self.filter is None else And((self.filter, expr))
        return replace(self, filter=combined)

    def fields(self, *names: str) -> Query:
        """Return only these fields (replaces an earlier choice; none means all).

        Spaces around a name are dropped, as the API drops them when it reads ``fields``.
        """
        return replace(self, selected=tuple(_field_name(n).strip() for n in names))

    def sort_by(self, *keys: SortKey) -> Query:
        """Order by these keys, first key first (replaces an earlier order)."""
        return replace(self, order=tuple(_sort_key(k) for k in keys))

    def limit(self, n: int) -> Query:
        """Read at most ``n`` records."""
        return replace(self, max_records=check_count("limit", n))

    def offset(self, n: int) -> Query:
        """Skip the first ``n`` records."""
        return replace(self, skip=check_count("offset", n))

    def page(self, n: int, *, size: int) -> Query:
        """Read page ``n`` (from 1) of ``size`` records: the API pages only with a size.

        >>> Query("contact").page(3, size=30).to_params()
        [('page', '3'), ('pagesize', '30')]
        """
        return replace(
            self,
            page_number=check_count("page", n),
            page_size=check_count("pagesize", size, "page size"),
        )

    def to_params(self) -> list[tuple[str, str]]:
        """The query parameters, in a fixed order, only those set."""
        return write_params(
            filter=None if self.filter is None else render(self.filter),
            fields=self.selected,
            order=((name, way == "desc") for name, way in self.order),
            limit=self.max_records,
            offset=self.skip,
            page=self.page_number,
            pagesize=self.page_size,
        )

    def to_url(self, instance: str | None = None, base_url: str | None = None) -> str:
        """The whole ``get_objects`` URL, percent-encoded, exactly as the client sends it.

        ``instance`` and ``base_url`` default as the client's do: to
        ``SCALE_INSTANCE`` and ``SCALE_BASE_URL``, then (the base URL) to the
        production API, so the URL printed is the one a ``Client()`` made in
        the same environment would request.

        >>> Query("contact").limit(5).to_url("demo", "http://127.0.0.1:8765/v1/datamart")
        'http://127.0.0.1:8765/v1/datamart/demo/get_objects/contact?limit=5'
        """
        if instance is None:
            instance = os.environ.get("SCALE_INSTANCE")
            if not instance:
                raise ValueError("no instance id: pass one or set SCALE_INSTANCE")
        setting = "base_url" if base_url else "SCALE_BASE_URL"
        base_url = base_url or os.environ.get("SCALE_BASE_URL") or DEFAULT_BASE_URL
        return endpoint_url(
            check_base_url(base_url, setting=setting),
            instance,
            "get_objects",
            self.object_name,
            self.to_params(),
        )

    @classmethod
    def from_url(cls, url: str) -> Query:
        """Read a ``get_objects`` URL back into a query (its filter parsed).

        Takes what the API takes: the reference's ``sort_by="{...}`` with its
        stray quote, a lone ``pagesize`` (page 1), an empty ``filter`` or
        ``sort_by`` (none), numbers with spaces around them. Refuses, with
        the emulator's words, what it refuses; and, since a ``Query`` could not
        keep them, a parameter it does not know or one given twice.

        >>> Query.from_url("https://h/v1/datamart/demo/get_objects/contact?limit=5").max_records
        5
        >>> Query.from_url("https://h/v1/datamart/demo/get_objects/contact?pagesize=20").page_number
        1
        """
        if not isinstance(url, str):
            raise TypeError(f"from_url() takes a str, not {type(url).__name__}")
        parts = urlsplit(url)
        segments = parts.path.rstrip("/").split("/")
        if len(segments) < 3 or segments[-2] != "get_objects":
            # The path only: the query string may hold personal data.
            raise ValueError(f"not a get_objects URL: {parts.path!r}")
        params: dict[str, str] = {}
        for name, value in query_pairs(parts.query):
            if name not in PARAM_NAMES:
                raise ValueError(
                    f"unknown query parameter {excerpt(name)}: get_objects takes "
                    + ", ".join(PARAM_NAMES)
                )
            if name in params:
                raise ValueError(f"query parameter {name!r} appears twice")
            params[name] = value
        return _read_params(cls(unquote(segments[-1])), params)


def _read_params(query: Query, params: dict[str, str]) -> Query:
    if (text := given(params, "filter")) is not None:
        query = query.where(text)
    if "fields" in params:
        query = query.fields(*read_fields(params["fields"]))
    if (spec := given(params, "sort_by")) is not None:
        query = query.sort_by(*((name, SORT_DIRECTIONS[down]) for name, down in sort_keys(spec)))
    window = read_window(params)
    if window.limit is not None:
        query = query.limit(window.limit)
    if window.offset is not None:
        query = query.offset(window.offset)
    if window.page is not None and window.pagesize is not None:
        query = query.page(window.page, size=window.pagesize)
    return query
