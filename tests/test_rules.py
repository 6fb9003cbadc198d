"""Each rule of scale_query.semantics._rules, positive and negative, with positions."""

from __future__ import annotations

import pytest

from scale_query import ObjectSchema, validate
from scale_query.semantics._validate import Diagnostic


def _field(type_: str, length: str = "", personal: str = "N", read: str = "Y") -> dict[str, object]:
    return {
        "attribs": {"type": type_, "length": length, "is_personal_data": personal},
        "read": read,
        "write": "Y",
    }


SCHEMA = ObjectSchema.from_api(
    {
        "Nom": _field("text", "10"),
        "Ville": _field("phone"),
        "EMail": _field("email", "100", personal="Y"),
        "Pays": _field("choice", "2"),
        "Naissance": _field("date"),
        "Creation": _field("datetime"),
        "Age": _field("integer"),
        "Prix": _field("decimal"),
        "Secret": _field("text", read="N"),
        "Blob": _field("geometry"),
    },
    name="contact",
)


def codes(text: str, schema: ObjectSchema | None = SCHEMA) -> list[str]:
    return [d.code for d in validate(text, schema=schema, select=["ALL"])]


def only(text: str, code: str, schema: ObjectSchema | None = SCHEMA) -> Diagnostic:
    found = [d for d in validate(text, schema=schema, select=["ALL"]) if d.code == code]
    assert len(found) == 1, validate(text, schema=schema, select=["ALL"])
    return found[0]


def test_validate_selects_as_check_does() -> None:
    # One default selection for validate(), check and the page: SQ107 is opt-in.
    text = 'EMail $like "*@example.com"'
    assert "SQ107" not in [d.code for d in validate(text, schema=SCHEMA)]
    assert [d.code for d in validate(text, schema=SCHEMA, select=["SQ107"])] == ["SQ107"]
    assert [d.code for d in validate("Nom $eq", select=["SQ2"])] == []


def _at(d: Diagnostic, text: str) -> str:
    assert d.offset is not None
    assert d.end_offset is not None
    return text[d.offset : d.end_offset]


# ---- SQ101 unknown field ---------------------------------------------------


def test_unknown_field_points_at_field_and_suggests_closest() -> None:
    text = 'Age $gt 3 $and Naisance $lt "2000-01-01"'
    d = only(text, "SQ101")
    assert _at(d, text) == "Naisance"
    assert (d.line, d.column, d.end_line, d.end_column) == (1, 16, 1, 24)
    assert d.replacement == "Naissance"
    assert d.hint is not None
    assert "Naissance" in d.hint
    assert "contact" in d.message


def test_unknown_field_without_close_name_has_no_replacement() -> None:
    d = only('Zzzzqqq $eq "x"', "SQ101")
    assert d.replacement is None


@pytest.mark.parametrize("text", ['nom $eq "x"', 'lien.Autre $eq "x"', '[Nom] $eq "x"'])
def test_known_case_insensitive_or_dotted_fields_pass(text: str) -> None:
    assert "SQ101" not in codes(text)


def test_schema_rules_need_a_schema() -> None:
    assert codes('Inconnu $eq "x" $and Naissance $eq "nope"', None) == []


def test_replacement_of_bracketed_field_is_bracketed() -> None:
    schema = ObjectSchema.from_api({"Date de naissance": _field("date")})
    d = only('[Date de naissanc] $eq "2000-01-01"', "SQ101", schema)
    assert d.replacement == "[Date de naissance]"


# ---- SQ102 not readable, SQ107 personal data --------------------------------


def test_unreadable_field() -> None:
    text = 'Nom $eq "a" $or Secret $eq "x"'
    assert _at(only(text, "SQ102"), text) == "Secret"
    assert "SQ102" not in codes('Nom $eq "a"')


def test_personal_data_is_a_warning_on_the_field() -> None:
    text = 'EMail $like "*@example.com"'
    d = only(text, "SQ107")
    assert d.severity == "warning"
    assert _at(d, text) == "EMail"
    assert "SQ107" not in codes('Nom $like "*x*"')


# ---- SQ103 / SQ104 / SQ105 types --------------------------------------------


@pytest.mark.parametrize("value", ['"1990-02-30"', '"12/06/1990"', "1990", '"1990-13-01"'])
def test_bad_dates(value: str) -> None:
    assert "SQ103" in codes(f"Naissance $gt {value}")


@pytest.mark.parametrize(
    ("value", "fixed"),
    [
        ('"1990-6-12"', '"1990-06-12"'),
        ("19900612", '"1990-06-12"'),
        ('"1990-06-12 00:00:00"', '"1990-06-12"'),
        ('"1990-06-12 10:00"', '"1990-06-12 10:00:00"'),  # compared as a datetime
    ],
)
def test_dates_the_server_converts_are_warnings_with_the_stored_spelling(
    value: str, fixed: str
) -> None:
    d = only(f"Naissance $gt {value}", "SQ108")
    assert d.severity == "warning" and d.replacement == fixed


@pytest.mark.parametrize("value", ['"2000-02-29"', '"1990-06-12"'])
def test_good_dates(value: str) -> None:
    assert codes(f"Naissance $eq {value}") == []


def test_date_list_items_are_checked_one_by_one() -> None:
    text = 'Naissance $in ["2000-01-01", "2001-02-29", "2002-03-03"]'
    assert _at(only(text, "SQ103"), text) == '"2001-02-29"'


def test_patterns_on_dates_are_not_type_checked() -> None:
    assert codes('Naissance $like "1990-*"') == []


@pytest.mark.parametrize("value", ['"2020-12-19 24:00:00"', '"2020-12-19X12:50:50"', "12"])
def test_bad_datetimes(value: str) -> None:
    assert "SQ104" in codes(f"Creation $lt {value}")


def test_iso_t_datetime_is_a_converted_datetime() -> None:
    d = only('Creation $lt "2020-12-19T12:50:50"', "SQ108")
    assert d.replacement == '"2020-12-19 12:50:50"'


@pytest.mark.parametrize("value", ['"2020-12-19 23:59:59"', '"2020-12-19"'])
def test_good_datetimes(value: str) -> None:
    assert codes(f"Creation $lt {value}") == []


def test_decimal_comma_gets_us_notation_replacement() -> None:
    d = only('Prix $gte "12,50"', "SQ105")
    assert d.replacement == "12.50"


@pytest.mark.parametrize(
    "text", ['Prix $gt "abc"', 'Age $in [1, "x"]', "Age $eq 1.5", "Age $notin [2.5]"]
)
def test_bad_numbers(text: str) -> None:
    assert "SQ105" in codes(text)


@pytest.mark.parametrize(
    "text", ['Prix $gt "12.50"', "Age $in [1, 2.0]", "Age $gt 1.5", "Prix $eq -3"]
)
def test_good_numbers(text: str) -> None:
    assert "SQ105" not in codes(text)


def test_unknown_types_are_text() -> None:
    assert codes('Blob $eq "anything at all"') == []


# ---- SQ106 length ----------------------------------------------------------


def test_value_too_long() -> None:
    text = "Pays $in [FR, BEL]"
    d = only(text, "SQ106")
    assert _at(d, text) == "BEL"
    assert codes("Pays $in [FR, BE]") == []


def test_like_length_ignores_wildcards() -> None:
    assert codes('Nom $like "*abcdefghij*"') == []
    assert "SQ106" in codes('Nom $like "*abcdefghijk*"')


def test_length_is_not_checked_for_ranges() -> None:
    assert codes('Nom $gt "abcdefghijklmnop"') == []


# ---- SQ201 / SQ202 wildcards -----------------------------------------------


@pytest.mark.parametrize(("op", "better"), [("$eq", "$like"), ("$neq", "$notlike")])
def test_star_in_eq(op: str, better: str) -> None:
    text = f'x {op} "*S*"'
    d = only(text, "SQ201", None)
    assert d.replacement == better
    assert _at(d, text) == op
    assert codes('x $eq "S"', None) == []


@pytest.mark.parametrize(("op", "plain"), [("$like", "$eq"), ("$notlike", "$neq")])
def test_like_without_star(op: str, plain: str) -> None:
    d = only(f'x {op} "S"', "SQ202", None)
    assert d.replacement == plain
    assert d.severity == "warning"
    assert codes(f'x {op} "S*"', None) == []


# ---- SQ203 regex -----------------------------------------------------------


def test_invalid_regex_points_at_faulty_character() -> None:
    text = 'x $regex "ab[c"'
    d = only(text, "SQ203", None)
    assert d.severity == "error"
    assert _at(d, text) == "["


def test_invalid_regex_with_escapes_points_at_the_value() -> None:
    text = r'x $regex "\\d+\\"'
    d = only(text, "SQ203", None)
    assert _at(d, text) == r'"\\d+\\"'


@pytest.mark.parametrize("pattern", [r"^\\d{5}$", "(Du|De)la", "*"])
def test_regex_compiling_or_not(pattern: str) -> None:
    expected = ["SQ203"] if pattern == "*" else []
    assert codes(f'x $regex "{pattern}"', None) == expected


# ---- SQ204 duplicates ------------------------------------------------------


def test_duplicates_point_at_the_repeat() -> None:
    text = "x $in [1, 2, 1.0, a, A]"
    found = [d for d in validate(text) if d.code == "SQ204"]
    assert [_at(d, text) for d in found] == ["1.0", "A"]


def test_no_duplicates() -> None:
    assert codes("x $notin [1, 2, a, b]", None) == []


# ---- SQ205 impossible $and --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "x $eq 1 $and x $eq 2",
        "x $gt 5 $and x $lt 3",
        "x $gt 5 $and x $lte 5",
        "x $gte 5 $and x $lt 5",
        "x $eq 1 $and x $neq 1",
        'x $eq "a" $and x $notin [b, A]',
        "x $in [1, 2] $and x $in [3, 4]",
        "x $in [1, 2] $and x $gt 2",
        'x $gt "2020-01-02" $and x $lt "2020-01-01"',
        "x $eq 1 $and y $eq 2 $and x $eq 3",
    ],
)
def test_impossible_and(text: str) -> None:
    d = only(text, "SQ205", None)
    assert d.severity == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "x $eq 1 $or x $eq 2",
        "x $gt 3 $and x $lt 5",
        "x $gte 5 $and x $lte 5",
        'x $eq "a" $and x $eq "A"',
        "x $in [1, 2] $and x $in [2, 3]",
        "x $eq 1 $and y $eq 2",
        'x $gt "b" $and x $lt "a"',
        "x $neq 1 $and x $neq 2",
        "(x $eq 1 $or y $eq 1) $and x $eq 2",
        "x $eq 1 $and x $eq 1.0",
    ],
)
def test_possible_and(text: str) -> None:
    assert codes(text, None) == []


def test_impossible_and_uses_field_types() -> None:
    # Quoted numbers order as numbers on a number field only.
    assert "SQ205" in codes('Prix $gt "10" $and Prix $lt "9"')
    assert "SQ205" not in codes('Nom $gt "10" $and Nom $lt "9"')


def test_impossible_and_reported_once_per_field() -> None:
    assert codes("x $eq 1 $and x $eq 2 $and x $eq 3", None) == ["SQ205"]
