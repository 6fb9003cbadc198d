"""One meaning of values: validate, evaluate, the SQL compiler and the emulator agree.

Whether a literal can be read for a field kind is decided in one place
(``scale_query.semantics._reading``). ``validate`` reports a literal as not
fitting its field (SQ103-SQ105) exactly when ``evaluate`` and the emulator's
SQL compiler refuse it, for every kind, literal and comparison, except where
validate is strict on purpose (docs/rules.md): a day that does not exist
(``"2000-02-30"``) is an error for validate and matches nothing for the others.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import scale_query as sq
from scale_query.emulator import Emulator
from scale_query.semantics._sql import Column, FilterValueError, compile_filter

KINDS = {
    "text": "text",
    "date": "date",
    "datetime": "datetime",
    "integer": "int",
    "number": "decimal",
}
VALUE_OPS = [sq.Op.EQ, sq.Op.NEQ, sq.Op.GT, sq.Op.GTE, sq.Op.LT, sq.Op.LTE, sq.Op.IN, sq.Op.NOTIN]
UNREADABLE = {"SQ103", "SQ104", "SQ105"}

_pieces = st.sampled_from(
    [
        " ",
        "\t",
        "\u00a0",
        "-",
        ".",
        ",",
        ":",
        "0",
        "1",
        "9",
        "12",
        "1990",
        "06",
        "30",
        "02",
        "²",
        "١",
        "e",
        "E",
        "+",
        "T",
        "Z",
        "W",
        "1990-06-12",
        "2020-12-19 12:50:50",
        "a",
        "é",
    ]
)
literals = st.one_of(
    st.lists(_pieces, max_size=6).map("".join),
    st.text(max_size=8),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.integers(-(10**6), 10**6).map(Decimal),
)


def _schema(kind: str) -> sq.ObjectSchema:
    return sq.ObjectSchema.from_api(
        {"F": {"attribs": {"type": KINDS[kind]}, "read": "Y", "write": "Y"}}, name="o"
    )


def _refuses(d: sq.Diagnostic) -> bool:
    # "12.5 is not a whole number" on an integer field is read fine: it only
    # can never be equal, so it is no reading failure; nor is a day that does
    # not exist, which the server reads as matching nothing.
    return d.code in UNREADABLE and "whole number" not in d.message and "no real" not in d.message


def _readable_for_validate(expr: sq.Expr, kind: str) -> bool:
    return not any(_refuses(d) for d in sq.validate(expr, schema=_schema(kind)))


def _readable_for_compiler(expr: sq.Expr, kind: str) -> bool:
    columns = {"F": Column(kind, fold='"f"', key='"k"', raw='"r"')}  # type: ignore[arg-type]
    try:
        compile_filter(expr, columns)
    except FilterValueError:
        return False
    return True


def _readable_for_evaluate(expr: sq.Expr, kind: str) -> bool:
    try:
        sq.evaluate(expr, {"F": ""}, schema=_schema(kind))
    except ValueError:
        return False
    return True


@given(
    kind=st.sampled_from(sorted(KINDS)),
    op=st.sampled_from(VALUE_OPS),
    literal=literals,
)
@example(kind="integer", op=sq.Op.EQ, literal=" 12")
@example(kind="date", op=sq.Op.EQ, literal=" 1990-06-12")
@example(kind="date", op=sq.Op.EQ, literal="1990-W24-2")  # ISO week date: not our date
@example(kind="date", op=sq.Op.EQ, literal="١٩٩٠-٠٦-١٢")  # Arabic-Indic digits
@example(kind="number", op=sq.Op.GT, literal="12,50")
@example(kind="integer", op=sq.Op.LT, literal="²")
@example(kind="datetime", op=sq.Op.GTE, literal="2020-12-19T12:50:50")
@example(kind="date", op=sq.Op.EQ, literal="1990-02-30")
def test_validate_refuses_exactly_what_the_emulator_cannot_read(
    kind: str, op: sq.Op, literal: str | Decimal
) -> None:
    value: object = (literal,) if op.takes_list else literal
    expr = sq.Condition("F", op, value)  # type: ignore[arg-type]
    by_validate = _readable_for_validate(expr, kind)
    assert by_validate == _readable_for_compiler(expr, kind) == _readable_for_evaluate(expr, kind)


@pytest.mark.parametrize(
    ("filter_text", "obj"),
    [
        ('Montant $eq " 12"', "orders"),
        ('Montant $eq "12,50"', "orders"),
        ('DateCommande $gt " 2020-01-01"', "orders"),
        ('DateCommande $gt "2020-01-01T00:00:00"', "orders"),
        ('DateNaissance $eq " 1990-06-12"', "contact"),
        ('DateNaissance $eq "1990-02-30"', "contact"),
    ],
)
def test_validate_and_the_emulator_over_http_agree(
    scale_emulator: Emulator, filter_text: str, obj: str
) -> None:
    headers = {"Authorization": f"Bearer {scale_emulator.token}"}
    base = f"{scale_emulator.base_url}/{scale_emulator.instance}"
    info = httpx.get(f"{base}/get_object_info/{obj}", headers=headers).json()
    schema = sq.ObjectSchema.from_api(info, name=obj)
    refused_by_validate = any(_refuses(d) for d in sq.validate(filter_text, schema=schema))
    response = httpx.get(
        f"{base}/get_objects/{obj}", params={"filter": filter_text, "limit": "1"}, headers=headers
    )
    assert response.status_code in (200, 400), response.text
    assert refused_by_validate == (response.status_code == 400), response.text


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("integer", "F is an integer field: '1_000' is not a number such as 12"),
        ("date", "F is a date field: '1_000' is not a date such as"),
    ],
)
def test_an_unreadable_literal_names_its_field_kind_in_english(kind: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        sq.evaluate(sq.parse('F $eq "1_000"'), {"F": "1"}, schema=_schema(kind))


@pytest.mark.parametrize("kind", ["number", "integer"])
def test_a_number_beyond_a_double_compares_exactly_everywhere(kind: str) -> None:
    # Numbers are exact decimals (MySQL's DECIMAL and BIGINT), never doubles:
    # 10**400 - 1 is less than 10**400 and more than 10**400 - 2.
    nines = "9" * 400
    assert not any(sq.validate(sq.parse(f"F $lt 1{'0' * 400}"), schema=_schema(kind)))
    record = {"F": nines}
    assert sq.evaluate(f"F $lt 1{'0' * 400}", record, schema=_schema(kind)) is True
    assert sq.evaluate(f"F $gt {nines[:-1]}8", record, schema=_schema(kind)) is True
    assert sq.evaluate(f"F $eq {nines[:-1]}8", record, schema=_schema(kind)) is False
    assert _readable_for_compiler(sq.parse(f"F $lt {nines}"), kind)


_ID_BOUNDS = ["9" * 30, "-" + "9" * 30, "9223372036854775808", "-9223372036854775809"]
_ID_BOUNDS += ["9223372036854775807", "2.5", "3.0", "-0.5", "104.99", "0.0000001", "119.999999999"]


@pytest.mark.parametrize("op", ["$eq", "$neq", "$gt", "$gte", "$lt", "$lte", "$in", "$notin"])
def test_a_record_id_against_any_number_answers_as_evaluate(op: str, client: sq.Client) -> None:
    # An id is an SQLite integer; a number past 64 bits (which SQLite cannot
    # bind: it was a 500) or a fraction is compared by the integer bound it
    # implies, exactly as evaluate compares decimals.
    schema = client.object_info("contact")
    window = "id_contact $lte 120"  # a hundred records say it, in a second
    records = list(client.iter(sq.Query("contact").fields("id_contact").where(window)))
    for literal in _ID_BOUNDS:
        value = f"[{literal}, 7]" if op in ("$in", "$notin") else literal
        text = f"{window} $and id_contact {op} {value}"
        got = {r.id for r in client.iter(sq.Query("contact").fields("id_contact").where(text))}
        assert got == {r.id for r in records if sq.evaluate(text, r, schema=schema)}, text
