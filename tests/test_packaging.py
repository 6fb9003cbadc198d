"""The grammar is the source of truth, and an installed wheel parses."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from scale_query.language import _tablegen

ROOT = Path(__file__).resolve().parent.parent


def test_generated_tables_match_the_grammar() -> None:
    expected = _tablegen.render_module(_tablegen.build_tables(_tablegen.grammar_text()))
    shipped = (ROOT / "scale_query" / "language" / "_tables.py").read_text(encoding="utf-8")
    assert shipped == expected, "grammar changed: run python -m scale_query.language._tablegen"


def test_the_tables_are_built_from_the_checkouts_grammar() -> None:
    assert _tablegen.GRAMMAR_PATH == ROOT / "grammar" / "filter.lark"


@pytest.mark.slow
def test_installed_wheel_parses_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("scale_query-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "scale_query/grammar/filter.lark" in names
    assert "scale_query/py.typed" in names
    assert "scale_query/emulator/openapi.json" in names  # the OpenAPI document's data
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The wheel's own dependencies must not pull lark: it is a development tool.
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    core = [line for line in requires if "extra ==" not in line]
    assert not any("lark" in line for line in core), core
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import importlib.util, scale_query;"
        "print(scale_query.__file__);"
        "print(importlib.util.find_spec('lark') is None);"
        "print(scale_query.parse('Nom $like \"*S*\" $and Age $gt 3'))"
    )
    done = subprocess.run(
        [str(python), "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    where, no_lark, parsed = done.stdout.splitlines()
    assert where.startswith(str(env_dir)), where
    assert no_lark == "True"
    assert parsed == 'Nom $like "*S*" $and Age $gt 3'


def test_every_public_name_of_the_spec_is_importable() -> None:
    import scale_query

    spec_names = [
        "parse",
        "render",
        "validate",
        "evaluate",
        "FilterSyntaxError",
        "Expr",
        "Condition",
        "And",
        "Or",
        "Op",
        "Q",
        "and_",
        "or_",
        "Query",
        "ObjectSchema",
        "FieldInfo",
        "Diagnostic",
        "Client",
        "AsyncClient",
        "Record",
        "WriteResult",
        "ScaleError",
        "APIError",
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "MethodNotAllowed",
        "NotAcceptable",
        "RateLimited",
        "ServerError",
        "ServiceUnavailable",
        "APIConnectionError",
        "DecodingError",
        "PartialWriteError",
    ]
    for name in spec_names:
        value = getattr(scale_query, name)
        assert name in scale_query.__all__, name
        if isinstance(value, type) or callable(value):
            # Reprs and help() show the public path, as httpx's names do.
            assert value.__module__ == "scale_query", (name, value.__module__)
    for name in scale_query.__all__:
        getattr(scale_query, name)  # every advertised name exists


@pytest.mark.parametrize("name", ["Expr", "Value", "FilterValue"])
def test_public_type_aliases_are_types_at_run_time(name: str) -> None:
    # As strings they broke typing.get_type_hints (pydantic, FastAPI, typer)
    # on any annotation naming them: NameError: name 'Condition' is not defined.
    import typing

    import scale_query

    namespace: dict[str, object] = {}
    exec(f"import scale_query as sq\ndef f(x: sq.{name}) -> None: ...", namespace)
    assert typing.get_type_hints(namespace["f"])["x"] == getattr(scale_query, name)
    assert not isinstance(getattr(scale_query, name), str)


def test_an_expression_is_an_instance_of_expr() -> None:
    import scale_query as sq

    assert isinstance(sq.parse("a $eq 1 $or b $eq 2"), sq.Expr)
    assert not isinstance("a $eq 1", sq.Expr)


@pytest.mark.parametrize("old", ["ObjectInfo", "TransportError", "WriteError"])
def test_the_never_released_aliases_are_gone(old: str) -> None:
    import scale_query

    with pytest.raises(AttributeError, match=old):
        getattr(scale_query, old)


@pytest.mark.parametrize("module", ["scale_query", "scale_query.client", "scale_query.errors"])
def test_exported_members(module: str) -> None:
    # As httpx's test_exported_members: __all__ is exactly the public namespace,
    # every lazy name loaded (submodules aside: they are not names to import).
    import importlib
    import types

    namespace = importlib.import_module(module)
    for name in namespace.__all__:
        getattr(namespace, name)
    public = {
        name
        for name, value in vars(namespace).items()
        if not (name.startswith("_") or isinstance(value, types.ModuleType))
    }
    assert sorted(public | {"__version__"} & set(namespace.__all__)) == sorted(namespace.__all__)
    assert dir(namespace) == sorted(namespace.__all__) or module == "scale_query.errors"


def test_every_error_is_in_scale_query_errors_and_at_the_top() -> None:
    import scale_query
    import scale_query.errors as errors

    for name in scale_query.__all__:
        getattr(scale_query, name)  # load every wing
    found: set[str] = set()
    todo: list[type] = [scale_query.ScaleError]
    while todo:
        kind = todo.pop()
        if not kind.__name__.startswith("_"):
            found.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    kinds = {name for name in errors.__all__ if name != "TruncatedResultWarning"}
    assert found == kinds
    for name in errors.__all__:
        assert getattr(errors, name) is getattr(scale_query, name)
        assert name in scale_query.__all__
    # The tree drawn in the docstring names every class.
    assert all(name in (errors.__doc__ or "") for name in errors.__all__)


def test_the_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    import scale_query

    assert scale_query.__version__ == version("scale-query")
