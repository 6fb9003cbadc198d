"""web/scale_query_web.py, the Python half of scale-query.js, run under CPython."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scale_query import Query, parse, render, validate
from scale_query.emulator import demo_datamart

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "scale_query_web", ROOT / "web/scale_query_web.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_query_web", module)
    spec.loader.exec_module(module)
    return module


web = _load()
CONTACT = json.dumps(demo_datamart().objects["contact"].schema.to_api())
SCHEMA = json.dumps(
    {
        "Nom": {"attribs": {"type": "text", "length": "50"}},
        "DateNaissance": {"attribs": {"type": "date", "is_personal_data": "Y"}},
        "Date de naissance": {"attribs": {"type": "date"}},
        "Secret": {"attribs": {"type": "text"}, "read": "N"},
    }
)


def _complete(text: str, offset: int | None = None, schema: str | None = SCHEMA) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        web.complete(text, len(text) if offset is None else offset, schema)
    )
    return result


def _labels(text: str, offset: int | None = None) -> list[str]:
    return [item["label"] for item in _complete(text, offset)["items"]]


def test_validate_rows_are_check_rows() -> None:
    text = 'Nom $eq "a*" $and Nom $like "x" $and DateNaissance $gt "1990-02-30"'
    rows = json.loads(web.validate(text, SCHEMA))
    # One default selection: SQ107 (personal data) is opt-in in validate(), check and here.
    assert [r["code"] for r in rows] == [d.code for d in validate(text, schema=_schema())]
    assert set(rows[0]) == {
        "line", "column", "end_line", "end_column", "code", "severity", "message", "hint",
        "replacement",
    }  # fmt: skip
    assert rows[1]["replacement"] == "$eq"


def _schema() -> Any:
    from scale_query import ObjectSchema

    return ObjectSchema.from_api(json.loads(SCHEMA))


def test_format_gives_the_canonical_text_or_the_error() -> None:
    text = "(Nom   $eq  'x')"
    assert json.loads(web.format("((Pays $in [FR, BE]))")) == {
        "text": render(parse("Pays $in [FR,BE]"))
    }
    error = json.loads(web.format(text))["error"]
    assert error == json.loads(web.validate(text))[0]
    assert error["code"] == "SQ001" and error["hint"] == 'write "x"'
    assert json.loads(web.format(""))["error"]["message"] == "empty filter"


def test_lone_surrogates_travel_as_escapes() -> None:
    out = web.validate('Nom $eq "\ud800"')
    assert out.isascii()
    assert json.loads(out) == json.loads(web.validate('Nom $eq "\ud800"'))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", ["Nom", "DateNaissance", "Date de naissance"]),
        ("Da", ["DateNaissance", "Date de naissance"]),
        ("nais", ["DateNaissance", "Date de naissance"]),  # inside a name, after prefixes
        ("Nom $l", ["$lt", "$lte", "$like"]),
        ("Nom $eq 1 $", ["$and", "$or"]),
        ("Nom $eq 1 $and (", ["Nom", "DateNaissance", "Date de naissance"]),
        ("[Date d", ["Date de naissance"]),
        ("Nom $in [FR, B", []),  # a list item is a value, not a field
        ('Nom $eq "Da', []),  # inside a string
    ],
)
def test_completion_follows_the_grammar(text: str, want: list[str]) -> None:
    assert _labels(text) == want


def test_completion_replaces_the_word_being_typed() -> None:
    text = "Nom $eq 1 $and Dat $or x $eq 2"
    result = _complete(text, text.index(" $or"))
    assert (result["from"], result["to"]) == (15, 18)
    inserts = [item["insert"] for item in result["items"]]
    assert inserts == ["DateNaissance ", "[Date de naissance] "]


def test_completion_after_a_field_lists_every_operator_and_no_unreadable_field() -> None:
    assert _labels("Nom ") == [
        "$eq", "$neq", "$gt", "$gte", "$lt", "$lte", "$like", "$notlike", "$regex", "$in",
        "$notin",
    ]  # fmt: skip
    assert "Secret" not in _labels("")
    assert _complete("", schema=None)["items"] == []  # no schema, no field names


def test_completion_after_a_broken_start_still_guesses() -> None:
    assert _labels("Nom $eq $and Da") == ["DateNaissance", "Date de naissance"]
    assert _labels("Nom == 1 $o") == ["$or"]


def test_completion_is_linear_on_long_words() -> None:
    # A 200,000-character word: walking back over it is one pass, not one per start.
    text = "a" * 200_000
    assert _complete(text)["from"] == 0


def test_request_url_is_the_clients() -> None:
    options = json.dumps({"page": 2, "pagesize": 25, "sort_by": ["-Nom"], "fields": ["Nom"]})
    got = json.loads(
        web.request_url(
            "contact", 'Nom $like "é*"', options, "http://127.0.0.1:9/v1/datamart", "demo"
        )
    )
    query = Query("contact").where('Nom $like "é*"').fields("Nom").sort_by("-Nom").page(2, size=25)
    assert got == {"url": query.to_url("demo", base_url="http://127.0.0.1:9/v1/datamart")}
    bad = json.loads(
        web.request_url("contact", "Nom $eq", "{}", "http://127.0.0.1:9/v1/datamart", "demo")
    )
    assert bad == {"error": "the filter does not parse"}


def test_csv_is_exports_csv() -> None:
    records = [
        {"id": "1", "data": {"Nom": 'Du"pont', "Ville": "Gent, BE"}},
        {"id": "2", "data": {"Nom": "Zoé\nX"}},
    ]
    text = json.loads(web.records_csv(json.dumps(records), json.dumps(["Nom", "Ville"])))
    assert list(csv.reader(io.StringIO(text))) == [
        ["id", "Nom", "Ville"],
        ["1", 'Du"pont', "Gent, BE"],
        ["2", "Zoé\nX", ""],
    ]
    assert text.startswith('id,Nom,Ville\n1,"Du""pont","Gent, BE"\n')


def test_sql_uses_to_sql_when_there_is_one() -> None:
    import scale_query

    got = json.loads(web.sql("Nom $eq 1", "duckdb", CONTACT))
    if hasattr(scale_query, "to_sql"):
        assert got == {"sql": scale_query.to_sql("Nom $eq 1", "duckdb", schema=_contact())}
    else:
        assert got == {"error": "this scale-query has no to_sql yet"}


def _contact() -> Any:
    from scale_query import ObjectSchema

    return ObjectSchema.from_api(json.loads(CONTACT))


@pytest.mark.slow
def test_the_page_and_check_give_the_same_rows_by_default(tmp_path: Path) -> None:
    import subprocess

    text = 'Nom $eq "a*" $and Nom $like :motif $and DateNaissance $gt "1990-02-30" $and Nm $eq 1'
    (tmp_path / "schema.json").write_text(SCHEMA)
    for extra in ([], ["--extend-select", "SQ107", "--ignore", "SQ201"]):
        out = subprocess.run(
            [sys.executable, "-m", "scale_query.cli", "check", "-", "--schema", "schema.json",
             "--format", "json", *extra],
            cwd=tmp_path, input=text, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        checked = [{k: v for k, v in row.items() if k != "path"} for row in json.loads(out.stdout)]
        rules = {"extend_select": ["SQ107"], "ignore": ["SQ201"]} if extra else None
        page = json.loads(web.validate(text, SCHEMA, "schema", rules and json.dumps(rules)))
        assert page == checked and checked, out.stderr


def test_completion_reads_past_placeholders() -> None:
    assert "$and" in _labels("Nom $eq :nom ")
    assert "$and" in _labels("Nom $in :pays ")


def test_format_keeps_placeholders_and_reports_the_real_syntax_error() -> None:
    assert json.loads(web.format("Nom   $eq :nom $and Pays $in :p")) == {
        "text": "Nom $eq :nom $and Pays $in :p"
    }
    error = json.loads(web.format("Nom $eq :nom $and"))["error"]
    assert (error["code"], error["message"]) == ("SQ001", "nothing after $and")
