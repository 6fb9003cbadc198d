"""The import rules that import-linter's contracts (pyproject.toml) cannot state.

The contracts say which wing may import which; these tests add: no cycle
between any two modules (a package's ``__init__`` and its own children
included, which ``acyclic_siblings`` does not look at); the lower wings use
the standard library only (semantics also its SQL extra); and ``scale-query
check``/``fmt`` really leave the HTTP, server and heavy optional libraries
unloaded when they run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent

# Libraries a `check`/`fmt` run must never load (SPEC section 8), and lark,
# which only regenerates the parse tables.
HEAVY = (
    "httpx", "starlette", "uvicorn", "rich", "pyarrow", "sqlglot", "duckdb", "pygls", "lark",
    "dlt", "pyspark",
)  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # Imports under `if TYPE_CHECKING:` count: a cycle only the type checker
    # follows is still two modules that cannot be understood apart.
    return grimp.build_graph("scale_query", include_external_packages=True, cache_dir=None)


def cycles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, ...]]:
    """One shortest cycle through each import edge that closes one, inside `package`."""
    found = set()
    for importer in graph.find_descendants(package) | {package}:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported != package and not imported.startswith(f"{package}."):
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.add((importer, *back))
    return sorted(found)


def test_cycle_finder_reports_a_package_importing_its_own_child() -> None:
    planted = grimp.ImportGraph()
    planted.add_import(importer="p", imported="p.sub")
    planted.add_import(importer="p.sub", imported="p.other")
    planted.add_import(importer="p.other", imported="p")
    planted.add_import(importer="p.other", imported="q")
    assert cycles(planted, "p") == [
        ("p", "p.sub", "p.other", "p"),
        ("p.other", "p", "p.sub", "p.other"),
        ("p.sub", "p.other", "p", "p.sub"),
    ]


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert cycles(graph, "scale_query") == []


def _outside_imports(graph: grimp.ImportGraph, wing: str, allowed: tuple[str, ...]) -> set[str]:
    stdlib = sys.stdlib_module_names
    bad = set()
    for module in graph.find_descendants(wing) | {wing}:
        for imported in graph.find_modules_directly_imported_by(module):
            top = imported.split(".")[0]
            if top in stdlib or top == "__future__" or imported.startswith(allowed):
                continue
            bad.add(f"{module} -> {imported}")
    return bad


def test_language_uses_the_standard_library_only(graph: grimp.ImportGraph) -> None:
    # Not even the scale_query package itself: the language wing is the floor.
    bad = _outside_imports(graph, "scale_query.language", ("scale_query.language",))
    # lark regenerates the tables at development time and nowhere else.
    assert bad == {"scale_query.language._tablegen -> lark"}


def test_semantics_uses_the_language_the_standard_library_and_its_sql_extra_only(
    graph: grimp.ImportGraph,
) -> None:
    # sqlglot and duckdb: the warehouse SQL compilers, behind the `sql` extra.
    allowed = ("scale_query.language", "scale_query.semantics", "sqlglot", "duckdb")
    # RE2 (google-re2, a dependency) runs $regex; imported once a pattern is compiled.
    # pyuca (a dependency) holds the collation's table; loaded on the first text key.
    assert _outside_imports(graph, "scale_query.semantics", allowed) == {
        "scale_query.semantics._regex._re2 -> re2",
        "scale_query.semantics._collation -> pyuca",
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    schema = {"Nom": {"attribs": {"type": "text"}, "read": "Y"}}
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "bad.filter").write_text('Nom $eq "x" $and Nmo $eq "y"\n', encoding="utf-8")
    (tmp_path / "messy.filter").write_text('Nom$eq"x"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "bad.filter", "--schema", "schema.json"],
        ["check", "bad.filter", "--schema", "schema.json", "--format", "sarif"],
        ["check", "-", "--schema", "schema.json", "--format", "json"],
        ["fmt", "--check", "--diff", "messy.filter"],
        ["fmt", "messy.filter"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_check_and_fmt_leave_heavy_libraries_unloaded(project: Path, argv: list[str]) -> None:
    # The command runs as the console script does; afterwards the process
    # reports its exit code and every loaded module a data command would need.
    code = (
        "import json, sys\n"
        "from scale_query.cli import main\n"
        f"status = main({argv!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} or m.startswith(('scale_query.client._client', 'scale_query.emulator')))\n"
        "sys.stderr.write('\\n' + json.dumps([status, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        input='Nmo $eq "y"\n',
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, heavy = json.loads(out.stderr.splitlines()[-1])
    # Each call did its job (findings or changes), so the modules it needs were loaded.
    assert status == (0 if argv == ["fmt", "messy.filter"] else 1), out.stderr
    assert heavy == []


def test_architecture_doc_quotes_the_contracts_in_force() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    quoted = re.search(r"```toml\n(\[tool\.importlinter\]\n.*?)```", doc, re.S)
    assert quoted is not None, "docs/architecture.md quotes [tool.importlinter]"
    in_doc = tomllib.loads(quoted.group(1))["tool"]["importlinter"]
    assert in_doc == config["tool"]["importlinter"]


def test_cli_check_door_finds_each_name_in_its_room() -> None:
    # The other rooms of cli/ reach check/ through its __init__, which looks each
    # name up on first use: a name listed there but not found is a broken door.
    import pkgutil
    from importlib import import_module

    from scale_query.cli import check

    modules = [
        import_module(f"{check.__name__}.{m.name}") for m in pkgutil.iter_modules(check.__path__)
    ]
    for name in check.__all__:
        value = getattr(check, name)
        assert any(getattr(module, name, None) is value for module in modules), name
    with pytest.raises(AttributeError):
        check.not_a_name  # noqa: B018


@pytest.mark.parametrize(
    ("door", "name", "library", "extra"),
    [
        ("scale_query.emulator", "serve", "starlette", "emulator"),
        ("scale_query.dlt", "sync", "dlt", "dlt"),
        ("scale_query.spark", "register", "pyspark", "spark"),
    ],
)
def test_a_lazy_door_names_the_extra_a_missing_library_comes_with(
    monkeypatch: pytest.MonkeyPatch, door: str, name: str, library: str, extra: str
) -> None:
    # One door helper (language.lazy_door) for every wing whose names load on
    # first use: the name loads its module then, and a missing library is the
    # install hint, not a bare ModuleNotFoundError from deep inside.
    from importlib import import_module

    package = import_module(door)
    # As if the library were not installed, and the door's modules never loaded.
    for module in [m for m in sys.modules if m.startswith((door + "._", library + "."))]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, library, None)
    monkeypatch.delitem(vars(package), name, raising=False)
    hint = re.escape(f"pip install 'scale-query[{extra}]'") + rf".*\({library}[.\w]* is missing"
    with pytest.raises(ModuleNotFoundError, match=hint):
        getattr(package, name)
    assert name not in vars(package)
    with pytest.raises(AttributeError, match=f"module '{door}' has no attribute 'nope'"):
        package.nope  # noqa: B018
