"""scale_query.pydantic: FilterText and FilterFor in pydantic models and FastAPI."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

pytest.importorskip("pydantic")
fastapi = pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from pydantic import BaseModel, TypeAdapter, ValidationError  # noqa: E402

from scale_query import Expr, ObjectSchema, Q, parse  # noqa: E402
from scale_query.emulator import demo_datamart  # noqa: E402
from scale_query.pydantic import FilterFor, FilterText  # noqa: E402

CONTACT = demo_datamart().objects["contact"].schema


class Search(BaseModel):
    where: FilterText
    also: FilterText | None = None


def _app() -> Any:
    app = fastapi.FastAPI()

    @app.get("/contacts")
    def contacts(where: FilterText) -> dict[str, str]:
        return {"filter": str(where), "kind": type(where).__name__}

    @app.get("/checked")
    def checked(where: Annotated[FilterText, FilterFor(CONTACT)]) -> dict[str, str]:
        return {"filter": str(where)}

    @app.post("/search")
    def search(body: Search) -> Search:
        return body

    return app


@pytest.fixture(scope="module")
def app() -> Any:
    return TestClient(_app())


def test_text_or_expression_in_expression_held_canonical_text_out() -> None:
    built = Q("Nom").like("S*")
    for given in ('Nom   $like "S*"', built):
        model = Search(where=given)
        assert model.where == built
        assert isinstance(model.where, Expr)
        assert model.model_dump() == {"where": 'Nom $like "S*"', "also": None}
    assert Search.model_validate_json('{"where": "Nom $eq 1"}').where == parse("Nom $eq 1")
    assert Search(where="a $eq 1").model_dump_json() == '{"where":"a $eq 1","also":null}'


def test_json_schema_is_a_string_of_format_scale_filter() -> None:
    schema = TypeAdapter(FilterText).json_schema()
    assert schema["type"] == "string" and schema["format"] == "scale-filter"
    assert "$and" in schema["description"]
    assert TypeAdapter(FilterText).json_schema(mode="serialization")["format"] == "scale-filter"


def test_a_syntax_error_carries_code_position_and_hint() -> None:
    with pytest.raises(ValidationError) as caught:
        Search(where='Nom $eq "x"\n  $and Age $ge 3')
    (error,) = caught.value.errors(include_url=False)
    assert error["type"] == "scale_filter" and error["loc"] == ("where",)
    ctx = error["ctx"]
    assert (ctx["code"], ctx["line"], ctx["column"], ctx["end_column"]) == ("SQ001", 2, 12, 15)
    assert ctx["message"] == "unknown operator '$ge'" and ctx["hint"] == "did you mean '$gte'?"
    assert error["msg"] == "SQ001 unknown operator '$ge' (hint: did you mean '$gte'?)"


def test_not_text_is_a_type_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Search(where=3)  # type: ignore[arg-type]
    assert caught.value.errors()[0]["type"] == "scale_filter_type"


def test_fastapi_answers_422_with_the_diagnostic(app: Any) -> None:
    good = app.get("/contacts", params={"where": 'Nom $like "S*"'})
    assert good.status_code == 200 and good.json()["kind"] == "Condition"
    bad = app.get("/contacts", params={"where": "Nom $eq"})
    assert bad.status_code == 422
    (detail,) = bad.json()["detail"]
    assert detail["loc"] == ["query", "where"]
    assert {k: detail["ctx"][k] for k in ("code", "line", "column", "hint")} == {
        "code": "SQ001",
        "line": 1,
        "column": 8,
        "hint": 'add a value, such as "text" or 12.50',
    }
    body = app.post("/search", json={"where": "Nom $eq ("})
    assert body.status_code == 422 and body.json()["detail"][0]["loc"] == ["body", "where"]


def test_filter_for_fails_errors_not_warnings(app: Any) -> None:
    unknown = app.get("/checked", params={"where": 'Nmo $eq "Dupont"'})
    assert unknown.status_code == 422
    ctx = unknown.json()["detail"][0]["ctx"]
    assert ctx["code"] == "SQ101" and "'Nmo'" in ctx["message"]
    assert ctx["hint"] == "did you mean 'Nom'?" and ctx["column"] == 1
    # SQ202 ($like without a wildcard) is a warning: it passes.
    warned = app.get("/checked", params={"where": 'Nom $like "Dupont"'})
    assert warned.status_code == 200
    # An expression built in Python has no text, so no position.
    adapter = TypeAdapter(Annotated[FilterText, FilterFor(CONTACT)])
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(Q("Nmo").eq("x"))
    assert caught.value.errors()[0]["ctx"]["line"] is None


def test_openapi_shows_the_format(app: Any) -> None:
    spec = app.get("/openapi.json").json()
    (parameter,) = spec["paths"]["/contacts"]["get"]["parameters"]
    assert parameter["name"] == "where"
    assert parameter["schema"]["format"] == "scale-filter"
    assert parameter["schema"]["type"] == "string"
    checked = spec["paths"]["/checked"]["get"]["parameters"][0]["schema"]
    assert checked["format"] == "scale-filter" and "contact" in checked["description"]


def test_filter_for_takes_a_schema() -> None:
    with pytest.raises(TypeError, match="ObjectSchema"):
        FilterFor({"Nom": {}})  # type: ignore[arg-type]
    assert isinstance(ObjectSchema.from_api({}), ObjectSchema)
