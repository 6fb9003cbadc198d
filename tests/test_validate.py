"""validate(): the Diagnostic shape, syntax errors, built expressions, never raising."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import exprs

from scale_query import (
    Condition,
    FilterSyntaxError,
    ObjectSchema,
    Op,
    Q,
    evaluate,
    parse,
    validate,
)
from scale_query.semantics._validate import Diagnostic

SCHEMA = ObjectSchema.from_api(
    {"Nom": {"attribs": {"type": "text", "length": "5"}}, "Age": {"attribs": {"type": "int"}}}
)


def test_syntax_error_becomes_one_diagnostic_with_the_parser_fields() -> None:
    text = 'Nom $eq "a"\n  $and Age $ge 3'
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    (d,) = validate(text, schema=SCHEMA)
    error = caught.value
    assert (d.code, d.severity, d.message, d.hint) == ("SQ001", "error", error.message, error.hint)
    assert (d.line, d.column) == (error.line, error.column) == (2, 12)
    assert (d.offset, d.end_offset) == (error.offset, error.end_offset)
    assert (d.end_line, d.end_column) == (2, 15)


def test_multiline_positions() -> None:
    text = 'Age $gt 1\n$and Nom $eq "toolong"'
    (d,) = validate(text, schema=SCHEMA)
    assert (d.code, d.line, d.column, d.end_line, d.end_column) == ("SQ106", 2, 14, 2, 23)


def test_diagnostics_come_in_text_order() -> None:
    text = 'b $eq "*" $and a $like "x" $and c $in [1, 1]'
    found = validate(text)
    assert [d.code for d in found] == ["SQ201", "SQ202", "SQ204"]
    offsets = [d.offset for d in found]
    assert offsets == sorted(offsets)


def test_built_expressions_have_no_positions() -> None:
    expr = Q("Nom").eq("*x*") & Q("Nope").eq(1)
    found = validate(expr, schema=SCHEMA)
    assert [d.code for d in found] == ["SQ201", "SQ101"]
    assert all(d.line is None and d.offset is None and d.end_column is None for d in found)


def test_parsed_and_built_find_the_same_problems() -> None:
    text = 'Nom $eq "*x*" $and Nope $eq 1 $and Age $in [1.5]'
    parsed = [(d.code, d.message) for d in validate(text, schema=SCHEMA)]
    built = [(d.code, d.message) for d in validate(parse(text), schema=SCHEMA)]
    assert sorted(parsed) == sorted(built)


def test_to_dict_is_json_and_complete() -> None:
    (d,) = validate('Nom $like "x"')
    data = json.loads(json.dumps(d.to_dict()))
    assert data == {
        "code": "SQ202",
        "severity": "warning",
        "message": d.message,
        "line": 1,
        "column": 5,
        "end_line": 1,
        "end_column": 10,
        "hint": d.hint,
        "replacement": "$eq",
        "offset": 4,
        "end_offset": 9,
    }
    assert d.name == "like-without-wildcard"
    assert str(d) == f"1:5: SQ202 {d.message}"


def test_wrong_argument_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="text or an expression"):
        validate(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ObjectSchema"):
        validate("a $eq 1", schema=["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate("a $eq 1", SCHEMA)  # type: ignore[misc]  # schema is keyword-only


def test_schema_may_be_a_get_object_info_mapping() -> None:
    info = {"Age": {"attribs": {"type": "int"}}}
    assert [d.code for d in validate('Age $eq "x"', schema=info)] == ["SQ105"]


@pytest.mark.parametrize("check", ["validate", "validate_template", "evaluate", "to_sql"])
def test_every_schema_argument_takes_a_mapping_as_an_object_schema(check: str) -> None:
    # One coercion (semantics._schema.maybe_schema): the same answer either way,
    # and the same TypeError for anything else.
    import scale_query

    info = {"Age": {"attribs": {"type": "int"}}}
    run = {
        "validate": lambda s: [d.code for d in scale_query.validate('Age $eq "7"', schema=s)],
        "validate_template": lambda s: [
            d.code for d in scale_query.validate_template("Age $eq :a", schema=s, params={"a": "x"})
        ],
        "evaluate": lambda s: scale_query.evaluate("Age $eq 7", {"Age": "007"}, schema=s),
        "to_sql": lambda s: scale_query.to_sql("Age $gt 7", "duckdb", schema=s),
    }[check]
    assert run(info) == run(ObjectSchema.from_api(info))
    with pytest.raises(TypeError, match="ObjectSchema or a get_object_info mapping"):
        run(["Age"])


def test_valid_filter_gives_nothing() -> None:
    assert validate('Nom $eq "abc" $and Age $gte 18', schema=SCHEMA) == []
    assert validate(Condition("Age", Op.EQ, parse("Age $eq 3").value), schema=SCHEMA) == []  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_on_any_text(text: str) -> None:
    found = validate(text, schema=SCHEMA)
    assert all(isinstance(d, Diagnostic) for d in found)
    for d in found:
        assert d.offset is not None
        assert d.end_offset is not None
        assert 0 <= d.offset <= d.end_offset


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(exprs)
def test_rendered_expression_validates_like_the_expression(expr: object) -> None:
    from scale_query import render

    text = render(expr)  # type: ignore[arg-type]
    from_text = sorted((d.code, d.message) for d in validate(text, schema=SCHEMA))
    from_expr = sorted((d.code, d.message) for d in validate(expr, schema=SCHEMA))  # type: ignore[arg-type]
    assert from_text == from_expr
    for d in validate(text, schema=SCHEMA):
        assert d.offset is not None
        assert d.end_offset is not None
        assert 0 <= d.offset < d.end_offset <= len(text)


@pytest.mark.parametrize(
    "text",
    ["Nom $eq", 'Nom $eq "a*"\n  $and Pays $in [FR, FR]', "(Nom $eq 1", 'Nom $like "x" $or'],
)
def test_positions_are_the_ones_check_prints(text: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scale_query.cli", "check", "-", "--format", "json"],
        input=text,
        capture_output=True,
        text=True,
    )
    printed = [
        (d["code"], d["line"], d["column"], d["end_line"], d["end_column"])
        for d in json.loads(done.stdout)
    ]
    ours = [(d.code, d.line, d.column, d.end_line, d.end_column) for d in validate(text)]
    assert printed == ours


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"[" * 100_000, "contact.json: not valid JSON (nested too deeply)"),
        (b"\xff{}", "contact.json: not UTF-8 text"),
        (b"{", "contact.json: not valid JSON (Expecting"),
        ('\ufeff{"Nom": 5}'.encode(), "field 'Nom': expected an object"),  # a BOM is fine
    ],
)
def test_a_schema_file_that_cannot_be_read_is_a_value_error_naming_it(
    tmp_path: Path, data: bytes, words: str
) -> None:
    (tmp_path / "contact.json").write_bytes(data)
    with pytest.raises(ValueError, match=re.escape(words)):
        ObjectSchema.from_file(tmp_path / "contact.json")


@pytest.mark.parametrize(
    ("schema", "says"),
    [
        ({5: {}}, "field names are text, not int"),
        ({"Nom": {"attribs": {"length": "9" * 5000}}}, "(5000 characters) is not a number"),
    ],
)
def test_a_malformed_schema_mapping_is_one_short_value_error(
    schema: dict[object, object], says: str
) -> None:
    # validate, evaluate and to_sql read schema= through one coercion: the same error for each.
    calls = (
        lambda: validate('Nom $eq "a"', schema=schema),  # type: ignore[arg-type]
        lambda: evaluate('Nom $eq "a"', {"Nom": "a"}, schema=schema),  # type: ignore[arg-type]
    )
    for call in calls:
        with pytest.raises(ValueError, match=re.escape(says)) as caught:
            call()
        assert len(str(caught.value)) < 200
