"""Query: immutable building, parameters, URLs and reading URLs back."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query import And, Condition, FilterSyntaxError, Op, Or, Query, parse


def test_where_parses_text_at_once_and_combines_with_and() -> None:
    q = Query("contact").where('Nom $like "*S*"').where(Condition("Pays", Op.EQ, "FR"))
    assert q.filter == parse('Nom $like "*S*" $and Pays $eq "FR"')
    with pytest.raises(FilterSyntaxError):
        Query("contact").where("Nom $ge 3")


def test_where_keeps_an_or_grouped_under_and() -> None:
    q = Query("contact").where("a $eq 1 $or b $eq 2").where("c $eq 3")
    assert q.to_params() == [("filter", "(a $eq 1 $or b $eq 2) $and c $eq 3")]


def test_methods_return_newqueries() -> None:
    base = Query("contact")
    limited = base.limit(5)
    assert base.max_records is None
    assert limited.max_records == 5
    with pytest.raises(AttributeError):
        base.object_name = "orders"  # type: ignore[misc]


def test_to_params_order_and_sort_json() -> None:
    q = (
        Query("contact")
        .page(3, size=30)
        .offset(10)
        .limit(50)
        .sort_by("-id_contact", ("Nom", "ASC"))
        .fields("Civilite", "Nom")
        .where('DateNaissance $gt "1990-06-12"')
    )
    assert q.to_params() == [
        ("filter", 'DateNaissance $gt "1990-06-12"'),
        ("fields", "Civilite,Nom"),
        ("sort_by", '{"id_contact":"desc","Nom":"asc"}'),
        ("limit", "50"),
        ("offset", "10"),
        ("page", "3"),
        ("pagesize", "30"),
    ]
    assert Query("contact").to_params() == []


def test_to_url_percent_encodes_everything() -> None:
    q = Query("contact").where('Nom $eq "a&b=c #?/%+é"').sort_by("Nom")
    url = q.to_url("demo", base_url="https://example.test/v1/datamart/")
    parts = urlsplit(url)
    assert parts.path == "/v1/datamart/demo/get_objects/contact"
    assert " " not in url
    assert "#" not in url[len("https://") :].split("?", 1)[1]
    assert dict(parse_qsl(parts.query)) == dict(q.to_params())
    assert "%20" in url  # spaces as %20, not "+"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda q: q.limit(-1), "limit must be at least 0"),
        (lambda q: q.offset(-3), "offset must be at least 0"),
        (lambda q: q.page(0, size=10), "page must be at least 1"),
        (lambda q: q.page(1, size=0), "page size must be at least 1"),
        (lambda q: q.fields("Nom,Prenom"), "cannot contain ','"),
        (lambda q: q.fields(""), "cannot be empty"),
        (lambda q: q.sort_by(("Nom", "up")), "'asc' or 'desc'"),
        (lambda q: q.sort_by("Nom", "-Nom"), "appears twice"),
        (lambda q: q.sort_by("-"), "cannot be empty"),
    ],
)
def test_bad_values_are_refused_when_set(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make(Query("contact"))  # type: ignore[operator]


def test_page_needs_its_size() -> None:
    with pytest.raises(TypeError, match="size"):
        Query("contact").page(2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="page size is an int"):
        Query("contact").page(2, size=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Query("contact").page(2, 10)  # type: ignore[misc]
    with pytest.raises(ValueError, match="page and page size go together"):
        Query("contact", page_number=2)


def test_counts_past_the_api_range_are_refused_when_set() -> None:
    top = 2**63 - 1
    assert Query("contact").limit(top).offset(top).page(top, size=top).max_records == top
    for make in (
        lambda q: q.limit(top + 1),
        lambda q: q.offset(top + 1),
        lambda q: q.page(top + 1, size=1),
        lambda q: q.page(1, size=top + 1),
    ):
        with pytest.raises(ValueError, match="at most 9223372036854775807"):
            make(Query("contact"))


def test_field_names_that_cannot_be_sent_are_refused_when_set() -> None:
    with pytest.raises(ValueError, match="a field name holds a lone surrogate"):
        Query("contact").fields("N\udc80m")
    with pytest.raises(ValueError, match="a sort field holds a lone surrogate"):
        Query("contact").sort_by("-N\udc80m")
    # A filter value is refused by the language wing, with an error, not at send time.
    with pytest.raises(ValueError, match="lone surrogate"):
        Query("contact").where('Nom $eq "\ud800"')


def test_to_url_checks_the_base_url() -> None:
    with pytest.raises(ValueError, match="base_url 'http://h:80:80/v1' is not a valid URL"):
        Query("contact").to_url("demo", base_url="http://h:80:80/v1")
    # No token travels with to_url: plain http is fine anywhere.
    assert Query("contact").to_url("demo", base_url="http://h/v1/").startswith("http://h/v1/demo/")


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError):
        Query("contact").limit(True)
    with pytest.raises(TypeError):
        Query("contact").limit(2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Query("contact").where(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Query("contact").sort_by(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name", ["", "..", "a/b", "a?b", "a#b", "a%2Fb", "../etc", "-x", ".hidden", "a b", "a..b"]
)
def test_unsafe_object_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="bad object name"):
        Query(name)


def test_unsafe_instance_is_refused() -> None:
    with pytest.raises(ValueError, match="bad instance id"):
        Query("contact").to_url("../admin")


def test_from_url_reads_back_the_reference_example() -> None:
    url = (
        "https://api.scal-e.com/v1/datamart/demo/get_objects/contact"
        '?filter=DateNaissance $gt "1990-06-12" $and EMail $like "*S*"'
        "&fields=Civilite,Prenom,Nom&limit=50&pagesize=30&page=3"
    )
    q = Query.from_url(url)
    assert q.object_name == "contact"
    assert q.filter == And(
        (Condition("DateNaissance", Op.GT, "1990-06-12"), Condition("EMail", Op.LIKE, "*S*"))
    )
    assert q.selected == ("Civilite", "Prenom", "Nom")
    assert (q.max_records, q.page_number, q.page_size) == (50, 3, 30)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://h/v1/datamart/demo/get_object_list", "not a get_objects URL"),
        ("https://h/demo/get_objects/contact?color=red", "unknown query parameter"),
        ("https://h/demo/get_objects/contact?limit=1&limit=2", "appears twice"),
        ("https://h/demo/get_objects/contact?limit=x", "limit must be a whole number from 0 to"),
        ("https://h/demo/get_objects/contact?limit=²", "limit must be a whole number"),
        ("https://h/demo/get_objects/contact?limit=-1", "limit must be a whole number"),
        ("https://h/demo/get_objects/contact?page=0&pagesize=1", "page must be a whole number"),
        (
            "https://h/demo/get_objects/contact?offset=9223372036854775808",
            "offset must be a whole number from 0 to 9223372036854775807 (ASCII digits), "
            "not '9223372036854775808'",
        ),
        (
            "https://h/demo/get_objects/contact?pagesize=" + "9" * 5000,
            "not '9999999999999999999999999999999999999999'... (5000 characters)",
        ),
        ("https://h/demo/get_objects/contact?page=2", "page needs pagesize"),
        ("https://h/demo/get_objects/contact?sort_by=Nom", "sort_by must be a JSON object"),
        ("https://h/demo/get_objects/contact?sort_by=%5B%5D", "sort_by must be a JSON object"),
        ("https://h/demo/get_objects/contact?sort_by=%7B%22a%22%3A1%7D", 'must be "asc" or "desc"'),
        ("https://h/demo/get_objects/contact?fields=Nom,,Prenom", "separated by commas"),
        ("https://h/demo/get_objects/contact?filter=Nom%20%24ge%201", "unknown operator"),
    ],
)
def test_from_url_refuses_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Query.from_url(url)


@pytest.mark.parametrize(
    "query_string",
    ["filter=Nom%20%24eq%20%22%FF%22", "filter=Nom%20%24eq%20%22%ED%A0%80%22", "fields=%C3"],
)
def test_from_url_refuses_percent_escapes_that_are_not_utf8(query_string: str) -> None:
    # Read as U+FFFD they would silently match other text; the emulator refuses them too.
    url = f"https://h/demo/get_objects/contact?{query_string}"
    name = query_string.partition("=")[0]
    with pytest.raises(ValueError, match=f"query parameter '{name}' is not UTF-8") as caught:
        Query.from_url(url)
    assert "Nom" not in str(caught.value)


def test_from_url_refusals_do_not_echo_filter_values() -> None:
    url = "https://h/demo/get_objects/contact?filter=EMail%20%24eq%20%22jo%40x.net%22&colour=red"
    with pytest.raises(ValueError, match="unknown query parameter 'colour'") as caught:
        Query.from_url(url)
    assert "jo" not in str(caught.value)


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        # The reference's own example: a stray quote before the JSON object.
        (
            'sort_by="{"id_contact":"desc", "Nom":"asc"}',
            Query("contact").sort_by("-id_contact", "Nom"),
        ),
        ('sort_by="{"Nom":"ASC"}"', Query("contact").sort_by("Nom")),
        ('sort_by={"field_1":"asc"}', Query("contact").sort_by("field_1")),
        ('sort_by={"a":"asc","a":"desc"}', Query("contact").sort_by("-a")),  # JSON: last wins
        ("sort_by=%20", Query("contact")),
        ("pagesize=30", Query("contact").page(1, size=30)),
        ("page=10&pagesize=5", Query("contact").page(10, size=5)),
        ("limit=%205%20&offset=007", Query("contact").limit(5).offset(7)),
        ("filter=&limit=2", Query("contact").limit(2)),
        ("filter=%20%20", Query("contact")),
    ],
)
def test_from_url_takes_what_the_api_takes(query_string: str, expected: Query) -> None:
    url = f"https://api.scal-e.com/v1/datamart/demo/get_objects/contact?{query_string}"
    assert Query.from_url(url) == expected


# Property: Query.from_url(q.to_url(...)) gives back the same query.

_names = st.text(
    alphabet=st.characters(categories=["L", "Nd"], include_characters="_ .-é"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() and "," not in s)
_object_names = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}", fullmatch=True).filter(
    lambda s: ".." not in s
)
_scalars = st.one_of(
    st.text(max_size=10),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6
    ),
)
_scalar_ops = [op for op in Op if not op.takes_list and not op.takes_pattern]


@st.composite
def _conditions(draw: st.DrawFn) -> Condition:
    field = draw(_names)
    kind = draw(st.sampled_from(["scalar", "pattern", "list"]))
    if kind == "list":
        items = draw(st.lists(_scalars, min_size=1, max_size=3))
        return Condition(field, draw(st.sampled_from([Op.IN, Op.NOTIN])), tuple(items))
    if kind == "pattern":
        return Condition(
            field, draw(st.sampled_from([Op.LIKE, Op.NOTLIKE, Op.REGEX])), draw(st.text(max_size=8))
        )
    return Condition(field, draw(st.sampled_from(_scalar_ops)), draw(_scalars))


_exprs = st.recursive(
    _conditions(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=6,
)


@st.composite
def queries(draw: st.DrawFn) -> Query:
    q = Query(draw(_object_names))
    for expr in draw(st.lists(_exprs, max_size=2)):
        q = q.where(expr)
    if draw(st.booleans()):
        q = q.fields(*draw(st.lists(_names, min_size=1, max_size=3)))
    if draw(st.booleans()):
        keys = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
        q = q.sort_by(*[(k, draw(st.sampled_from(["asc", "desc"]))) for k in keys])
    for method in ("limit", "offset"):
        if draw(st.booleans()):
            q = getattr(q, method)(draw(st.integers(0, 10**6)))
    if draw(st.booleans()):
        q = q.page(draw(st.integers(1, 10**4)), size=draw(st.integers(1, 1000)))
    return q


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(queries(), _object_names)
def test_from_url_reads_back_to_url(q: Query, instance: str) -> None:
    back = Query.from_url(q.to_url(instance))
    assert back.to_params() == q.to_params()
    assert back == q


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(queries())
def test_sort_by_param_is_compact_json_in_key_order(q: Query) -> None:
    params = dict(q.to_params())
    if q.order:
        assert list(json.loads(params["sort_by"]).items()) == list(q.order)
        assert ", " not in params["sort_by"]
        assert ": " not in params["sort_by"]
    else:
        assert "sort_by" not in params


def test_decimal_filter_values_are_written_in_us_notation() -> None:
    q = Query("orders").where(Condition("amount", Op.GTE, Decimal("1.25E+1")))
    assert q.to_params() == [("filter", "amount $gte 12.5")]


@pytest.mark.slow  # about 4 s of examples
@settings(max_examples=150, deadline=None)
@given(queries())
def test_repr_is_the_calls_that_build_the_query(q: Query) -> None:
    shown = repr(q)
    assert shown == str(q)
    assert shown.startswith(f"Query({q.object_name!r})")
    assert "object_name=" not in shown
    assert eval(shown, {"Query": Query}) == q


def test_print_shows_a_readable_query(capsys: pytest.CaptureFixture[str]) -> None:
    print(Query("contact").where('Nom $like "S*"').sort_by("-Nom").limit(5))
    assert capsys.readouterr().out == (
        "Query('contact').where('Nom $like \"S*\"').sort_by('-Nom').limit(5)\n"
    )


def test_to_url_defaults_as_the_client_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCALE_BASE_URL", raising=False)
    monkeypatch.delenv("SCALE_INSTANCE", raising=False)
    q = Query("contact").limit(5)
    assert q.to_url("demo").startswith("https://api.scal-e.com/v1/datamart/demo/")
    with pytest.raises(ValueError, match="no instance id: pass one or set SCALE_INSTANCE"):
        q.to_url()
    monkeypatch.setenv("SCALE_BASE_URL", "http://127.0.0.1:8765/v1/datamart/")
    monkeypatch.setenv("SCALE_INSTANCE", "acme")
    assert q.to_url() == "http://127.0.0.1:8765/v1/datamart/acme/get_objects/contact?limit=5"
    assert q.to_url("demo", "https://h/v1").startswith("https://h/v1/demo/")
    monkeypatch.setenv("SCALE_BASE_URL", "ftp://h/v1")
    with pytest.raises(ValueError, match="SCALE_BASE_URL must be https://"):
        q.to_url("demo")


@pytest.mark.parametrize("zeros", [1, 19, 40])
def test_leading_zeros_do_not_count_toward_a_counts_digits(zeros: int) -> None:
    # Zero-padded counts are the same number at any padding; the 19-digit bound is the value's.
    url = (
        f"https://h/v1/datamart/demo/get_objects/contact?limit={'0' * zeros}5&offset={'0' * zeros}"
    )
    query = Query.from_url(url)
    assert (query.max_records, query.skip) == (5, 0)
    with pytest.raises(ValueError, match="limit must be a whole number from 0 to"):
        Query.from_url(
            f"https://h/v1/datamart/demo/get_objects/contact?limit={'0' * zeros}1{'0' * 19}"
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://h/v1/datamart/demo/get_objects/contact?" + "a" * 5000 + "=1",
        "https://h/v1/datamart/demo/get_objects/" + "c" * 5000 + ";",
    ],
)
def test_from_url_shows_a_huge_name_shortened(url: str) -> None:
    # The emulator shortens what it quotes (excerpt); the client reading the same URL does too.
    with pytest.raises(ValueError, match=r"\(50\d\d characters\)") as caught:
        Query.from_url(url)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"selected": "Nom"}, "selected is a tuple of field names, not str"),
        ({"order": "Nom"}, "order is a tuple of (field, direction) pairs, not str"),
        ({"order": ("Nom",)}, "an order item is a (field, direction) pair, not 'Nom'"),
    ],
)
def test_query_built_directly_refuses_a_str_where_a_tuple_goes(
    given: dict[str, object], says: str
) -> None:
    # Query("contact", selected="Nom") read "Nom" as the fields N, o and m.
    with pytest.raises(TypeError, match=re.escape(says)):
        Query("contact", **given)  # type: ignore[arg-type]


def test_query_built_directly_from_lists_is_hashable_and_equal_to_the_built_one() -> None:
    built = Query("contact").fields("Nom").sort_by("-Nom")
    direct = Query("contact", selected=["Nom"], order=[("Nom", "DESC")])  # type: ignore[arg-type]
    # "DESC" was kept as written, and to_params then sent it as "asc".
    assert direct.to_params() == [("fields", "Nom"), ("sort_by", '{"Nom":"desc"}')]
    assert direct == built and hash(direct) == hash(built)
