"""Saved filters with ``:name`` placeholders: ``validate_template``, ``check --params``, ``fmt``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scale_query import ObjectSchema, validate_template
from scale_query.cli.check._fmt import format_text

SCHEMA = {
    "Nom": {"attribs": {"type": "text", "length": "20"}, "read": "Y"},
    "Age": {"attribs": {"type": "number"}, "read": "Y"},
    "Pays": {"attribs": {"type": "text"}, "read": "Y"},
}
TEMPLATE = "Nom $like :motif $and Age $gt :age $and Pays $in :pays $and Agee $eq :age"


def codes(text: str, **kwargs: object) -> list[tuple[str, int | None]]:
    schema = ObjectSchema.from_api(SCHEMA)
    return [(d.code, d.column) for d in validate_template(text, schema=schema, **kwargs)]  # type: ignore[arg-type]


def test_open_placeholders_are_no_error_and_field_rules_still_run() -> None:
    assert codes(TEMPLATE) == [("SQ101", 61)]


def test_values_are_checked_filled_in_at_their_placeholders() -> None:
    params = {"motif": "Smith", "age": "douze", "pays": ["FR", "FR"], "unused": 1}
    assert codes(TEMPLATE, params=params) == [
        ("SQ202", 5),
        ("SQ105", 31),
        ("SQ204", 50),
        ("SQ101", 61),
    ]


def test_a_missing_or_ill_typed_value_is_sq001_at_its_placeholder() -> None:
    assert codes("Nom $eq :n", params={}) == [("SQ001", 9)]
    assert codes("Nom $like :n", params={"n": 3}) == [("SQ001", 11)]


def test_a_syntax_error_after_a_placeholder_is_that_error() -> None:
    found = validate_template("Nom $eq :n $and")
    assert [(d.code, d.message) for d in found] == [("SQ001", "nothing after $and")]


def test_text_without_placeholders_is_validate() -> None:
    assert codes('Nom $like "Smith" $and Agee $eq 1') == [("SQ202", 5), ("SQ101", 24)]
    assert codes("Nom $eq") == [("SQ001", 8)]


def test_a_fix_over_a_placeholder_is_not_offered() -> None:
    found = validate_template("Pays $in :p", params={"p": ["FR", "FR"]})
    assert [(d.code, d.replacement) for d in found] == [("SQ204", None)]


def test_fmt_keeps_placeholders() -> None:
    text, problems = format_text("Nom   $eq :nom $and Pays $in :pays $or X $in [a, :b]\n", 88)
    assert problems == []
    assert text == 'Nom $eq :nom $and Pays $in :pays $or X $in ["a",:b]\n'


@pytest.mark.slow
def test_check_reports_placeholders_open_then_filled(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "t.filter").write_text("Nom $eq :nom $and Age $gt :age\n")
    (tmp_path / "p.json").write_text(json.dumps({"nom": "Dupont", "age": "douze"}))

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scale_query.cli", "check", "t.filter", "--schema",
             "schema.json", "--format", "json", *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    open_ = check()
    assert open_.returncode == 0 and json.loads(open_.stdout) == [], open_.stderr
    filled = check("--params", "p.json")
    assert filled.returncode == 1
    assert [(r["code"], r["column"]) for r in json.loads(filled.stdout)] == [("SQ105", 27)]
    (tmp_path / "bad.json").write_text("[1]")
    assert check("--params", "bad.json").returncode == 2
