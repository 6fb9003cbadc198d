"""The grammar is the source of truth, and an installed wheel parses."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from scale_query import FilterSyntaxError, _parser, _tablegen, parse
from scale_query._grammar import grammar_path, grammar_text

ROOT = Path(__file__).resolve().parent.parent


def test_generated_tables_match_the_grammar() -> None:
    expected = _tablegen.render_module(_tablegen.build_tables(grammar_text()))
    shipped = (ROOT / "scale_query" / "_tables.py").read_text(encoding="utf-8")
    assert shipped == expected, "grammar changed: run python -m scale_query._tablegen"


def test_a_changed_grammar_wins_over_stale_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    # A grammar without $regex: the parser must follow it, not _tables.py.
    changed = grammar_text().replace("|like|notlike|regex)", "|like|notlike)")
    assert changed != grammar_text()
    monkeypatch.setattr(_parser, "grammar_text", lambda: changed)
    machine = _parser._load()
    assert _parser._run(machine, 'a $like "x*"') == parse('a $like "x*"')
    with pytest.raises(FilterSyntaxError, match="regex"):
        _parser._run(machine, 'a $regex "x"')


def test_grammar_is_found_in_the_checkout() -> None:
    assert Path(grammar_path()) == ROOT / "grammar" / "filter.lark"


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
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import scale_query, scale_query._grammar as g;"
        "print(g.grammar_path());"
        "print(scale_query.parse('Nom $like \"*S*\" $and Age $gt 3'))"
    )
    done = subprocess.run(
        [str(python), "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    where, parsed = done.stdout.splitlines()
    assert where.startswith(str(env_dir)), where
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
        "TransportError",
        "WriteError",
    ]
    for name in spec_names:
        assert getattr(scale_query, name) is not None, name
        assert name in scale_query.__all__, name
    assert set(scale_query.__all__) == {*scale_query._EXPORTS, "__version__"}
