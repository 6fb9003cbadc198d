"""Where check finds filters: filter files, Python literals, folders, config, schemas."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query.cli._errors import UsageError
from scale_query.cli.check import _pysource
from scale_query.cli.check._config import FilterCall, load_config
from scale_query.cli.check._discover import discover
from scale_query.cli.check._filterfile import filter_entries, split_noqa
from scale_query.cli.check._lint import lint, read_source, select_codes
from scale_query.cli.check._noqa import ALL, line_noqa
from scale_query.cli.check._pysource import python_filters
from scale_query.cli.check._schema_files import load_schemas

# ---- filter files ------------------------------------------------------------


def test_filter_file_lines_continuations_comments_and_noqa() -> None:
    text = (
        "# saved filters\n"
        "a $eq 1  # noqa: SQ201, sq107\n"
        "  $or b $eq 2\n"
        "\n"
        "c $eq 3\n"
        "# inside\n"
        "\t$and d $eq 4  # noqa\n"
    )
    _, entries, noqa = filter_entries(text)
    assert [e.filter.text for e in entries] == ["a $eq 1\n  $or b $eq 2", "c $eq 3\n\t$and d $eq 4"]
    assert [(e.first, e.last, e.interrupted) for e in entries] == [(1, 2, False), (4, 6, True)]
    assert noqa == {2: frozenset({"SQ201", "SQ107"}), 7: ALL}
    assert entries[0].noqa == "# noqa: SQ201, sq107"
    second = entries[1].filter
    offset = second.text.index("d $eq")
    assert second.position(offset) == (7, 7)
    assert second.position(len(second.text), end=True) == (7, 14)


@pytest.mark.parametrize(
    ("line", "kept", "codes"),
    [
        ('a $eq "x # noqa"', 'a $eq "x # noqa"', None),
        ('a $eq "x \\" # noqa"', 'a $eq "x \\" # noqa"', None),
        ("[Tag # noqa] $eq 1", "[Tag # noqa] $eq 1", None),
        ('a $in ["]", "# noqa"]', 'a $in ["]", "# noqa"]', None),
        ('a $in ["]"] # noqa:SQ204', 'a $in ["]"]', frozenset({"SQ204"})),
        ("a $eq 1 #NOQA", "a $eq 1", ALL),
        ("a $eq 1 # not a noqa", "a $eq 1 # not a noqa", None),
    ],
)
def test_trailing_noqa_outside_strings_brackets_and_lists(
    line: str, kept: str, codes: frozenset[str] | None
) -> None:
    assert split_noqa(line)[0] == kept
    assert split_noqa(line)[2] == codes


def test_object_header_sets_the_object_of_the_filters_below() -> None:
    text = "a $eq 1\n# object: orders\nb $eq 2\n  $or c $eq 3\n#object:contact\nd $eq 4\n"
    _, entries, _ = filter_entries(text, default_object="products")
    assert [(e.filter.text.split()[0], e.filter.object) for e in entries] == [
        ("a", "products"),
        ("b", "orders"),
        ("d", "contact"),
    ]


def test_byte_order_mark_is_not_part_of_the_first_filter() -> None:
    _, entries, _ = filter_entries('\ufeffNom $eq "x"\n')
    assert entries[0].filter.text == 'Nom $eq "x"'
    assert entries[0].filter.position(0) == (1, 1)
    source = read_source("b.py", "python", '\ufeffimport scale_query\nscale_query.parse("a $eq")\n')
    assert source.problem is None
    assert [f.text for f in source.filters] == ["a $eq"]


def test_crlf_lines() -> None:
    _, entries, _ = filter_entries("a $eq 1\r\n  $or b $eq 2\r\n")
    assert entries[0].filter.text == "a $eq 1\n  $or b $eq 2"


@pytest.mark.timeout(20)
def test_noqa_reading_is_linear_on_long_lines() -> None:
    # Each used to cost time quadratic in the line (12 s at 40,000 characters).
    for line in (
        "a $eq 1" + " " * 200_000 + "#",
        "a $eq 1 #" + " " * 200_000 + "noqa:" + " ," * 100_000 + "!",
        '"' * 200_000 + "# noqa",
        "[" * 200_000,
    ):
        split_noqa(line)
        line_noqa(line + " noqa")


# ---- Python sources: what is and is not a filter ------------------------------

CHECKED = [
    ("import scale_query as sq\nsq.parse({f})", None),
    ("import scale_query\nscale_query.parse({f})", None),
    ("from scale_query import validate as check_it\ncheck_it({f}, schema)", None),
    ("from scale_query.language import parse\nparse(text={f})", None),
    ("from scale_query import *\nparse({f})", None),
    ("from scale_query import Query\nQuery('contact').where({f})", "contact"),
    ("import scale_query as sq\nsq.Query('orders').limit(3).where({f})", "orders"),
    ("from scale_query import Query as Q2\nQ2(object_name='orders').where({f})", "orders"),
    ("from scale_query.client import Query\nQuery.where(Query('c'), {f})", "c"),
    ("from scale_query import Query\nq = Query('c')\nq = q.limit(3)\nq.where({f})", "c"),
    ("from scale_query import Query\ndef f(q: Query):\n    return q.where({f})", None),
    ("from scale_query import Query\ndef f(q: 'Query'):\n    return q.where({f})", None),
    (
        "from scale_query import Query\nBASE = Query('orders')\n"
        "class A:\n    def m(self):\n        return BASE.where({f})",
        "orders",
    ),
    ("from scale_query import Query\nq: Query\nq = Query('c')\nq.where({f})", "c"),
    ("import scale_query as sq\nq = sq.Query.from_url(u)\nq.where({f})", None),
]

NOT_CHECKED = [
    "from scale_query import Client\nClient({f}, 'demo')",
    "from scale_query import Q\nQ({f})",
    "from scale_query import Query\nQuery({f})",
    "from sqlalchemy import select\nselect(User).where({f})",
    "import pandas as pd\ndf = pd.DataFrame()\ndf.where({f})",
    "import scale_query\nsession.query(User).where({f})",
    "import scale_query\nparse({f})",  # a bare parse not imported from scale_query
    "from dateutil.parser import parse\nimport scale_query\nparse({f})",
    "from myorm import Query\nimport scale_query\nQuery('c').where({f})",
    "from scale_query import Query\nq = Query('c')\nq = other()\nq.where({f})",
    "from scale_query import Query\ndef f():\n    q = 1\n    return q.where({f})",
    "import scale_query as sq\nsq.parse(f'a $eq {{x}}' {f})",
    "import scale_query as sq\nsq.parse(b{f})",
    "import scale_query as sq\nsq.parse(text)",
    "scale_query = 1\nQuery('c').where({f})",
]


@pytest.mark.parametrize(("template", "obj"), CHECKED)
def test_filters_passed_to_scale_query(template: str, obj: str | None) -> None:
    found, problem = python_filters(template.format(f='"Nom $eq 1"') + "\n")
    assert problem is None
    assert [(f.text, f.object) for f in found] == [("Nom $eq 1", obj)]


@pytest.mark.parametrize("template", NOT_CHECKED)
def test_other_strings_are_not_filters(template: str) -> None:
    source = template.format(f='"id = 1"') + "\n"
    ast.parse(source)  # the case itself is valid Python
    found, problem = python_filters(source)
    assert problem is None
    assert found == []


def test_configured_wrappers() -> None:
    source = (
        "import scale_query\n"
        "from myapp.db import find_contacts\n"
        "import myapp.search as s\n"
        'find_contacts("a $eq 1")\n'
        's.search(limit, "b $eq 1")\n'
        'repo.lookup("c $eq 1")\n'
        'other.find_contacts2("not ours")\n'
    )
    calls = [
        FilterCall("myapp.db.find_contacts", object="contact"),
        FilterCall("myapp.search.search", argument=1),
        FilterCall("lookup"),
    ]
    found, _ = python_filters(source, calls)
    assert [(f.text, f.object) for f in found] == [
        ("a $eq 1", "contact"),
        ("b $eq 1", None),
        ("c $eq 1", None),
    ]


def _where(source: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of a needle in a source text."""
    seen = 0
    for number, line in enumerate(source.splitlines(), 1):
        at = line.find(needle)
        while at >= 0:
            if seen == nth:
                return number, at + 1
            seen += 1
            at = line.find(needle, at + 1)
    raise AssertionError(needle)


def test_positions_through_escapes_concatenation_and_unicode() -> None:
    full = (
        "import scale_query as sq\n"
        'x = "é"; sq.parse("Nom $eq \\"René\\" $and "\n'
        "                  'Ville $eq \\u0022Zoë\\x22'  # comment\n"
        '                  r" $and X $regex \\"\\d\\"")\n'
    )
    (one,) = python_filters(full)[0]
    text = one.text
    assert text == 'Nom $eq "René" $and Ville $eq "Zoë" $and X $regex \\"\\d\\"'
    assert one.position(text.index("René")) == _where(full, "René")
    assert one.position(text.index("Ville")) == _where(full, "Ville")
    # \u0022 and \x22 decode to one quote each, found at their backslash.
    assert one.position(text.index('"Zoë"')) == _where(full, "\\u0022")
    assert one.position(text.index('Zoë"') + 3) == _where(full, "\\x22")
    assert one.position(text.index('"Zoë"') + 5, end=True) == (3, _where(full, "\\x22")[1] + 4)
    # In the raw string \" is two characters.
    assert one.position(text.index("X $regex")) == _where(full, "X $regex")


def test_columns_count_characters_on_lines_with_wide_characters() -> None:
    source = 'import scale_query as sq\nx = "😀é"; sq.parse("a $eq 1")\n'
    (one,) = python_filters(source)[0]
    assert one.position(0) == _where(source, "a $eq")


def test_triple_quoted_multiline_positions() -> None:
    source = 'import scale_query as sq\nsq.parse("""\n    Nom $eq 1\n    $and Age $ge 2\n""")\n'
    (one,) = python_filters(source)[0]
    assert one.position(one.text.index("$ge")) == (4, 14)
    assert (one.first_line, one.last_line) == (2, 5)


def test_a_chain_of_aliases_longer_than_the_recursion_limit_is_followed() -> None:
    # The names are worked out with a stack of the resolver's own, not Python's.
    chain = "".join(f"q{i} = q{i - 1}\n" for i in range(1, 3001))
    head = 'import scale_query as sq\nq0 = sq.Query("orders")\n'
    source = f'{head}{chain}q3000.where("Nom $eqq 1")\n'
    found, problem = python_filters(source)
    assert problem is None
    assert [(f.text, f.object) for f in found] == [("Nom $eqq 1", "orders")]


def test_an_alias_cycle_is_no_query() -> None:
    source = "import scale_query as sq\na = b\nb = c\nc = a\na.where('x $eq 1')\n"
    assert python_filters(source) == ([], None)


def test_invalid_python_is_reported_not_raised() -> None:
    found, problem = python_filters("import scale_query\ndef (:\n")
    assert found == []
    assert problem is not None
    assert "not valid Python (line 2" in problem


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=20), st.sampled_from(["'", '"', "'''", '"""']))
def test_every_plain_character_maps_to_itself(value: str, quote: str) -> None:
    literal = repr(value)
    if quote != literal[0]:
        literal = quote + literal[1:-1] + quote
    source = f"import scale_query\nscale_query.parse({literal})\n"
    try:
        if ast.literal_eval(literal) != value:
            return
    except SyntaxError:
        return
    (one,) = python_filters(source)[0]
    assert one.text == value
    lines = _pysource.source_lines(source)
    for i, ch in enumerate(value):
        line, column = one.position(i)
        shown = lines[line - 1][column - 1]
        assert shown == ch or shown == "\\"


def test_large_files_are_read_statement_by_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same answers from the bounded-memory path as from the whole-file one.
    body = "".join(
        f'def f{i}():\n    """doc\nx = 1\n"""\n    return Query("c{i}").where("a $eq {i}")\n'
        f"@decorated\nclass K{i}:\n    pass\n"
        for i in range(40)
    )
    source = "from scale_query import Query\n" + body + "if x:\n    pass\nelse:\n    y = [\n1]\n"
    whole = python_filters(source)[0]
    monkeypatch.setattr(_pysource, "WHOLE_FILE", 100)
    monkeypatch.setattr(_pysource, "_CHUNK", 150)
    pieces = python_filters(source)[0]
    assert [(f.text, f.object, f.position(0)) for f in pieces] == [
        (f.text, f.object, f.position(0)) for f in whole
    ]
    assert len(whole) == 40
    bad = source + "def (:\n"
    assert "not valid Python" in (python_filters(bad)[1] or "")


# ---- folders and config ------------------------------------------------------


def _touch(path: Path, text: str = 'a $eq "x"\n') -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_discover_skips_hidden_venvs_and_excluded(tmp_path: Path) -> None:
    for rel in [
        "a.filter",
        "pkg/b.py",
        "pkg/c.txt",
        "pkg/d.filters",
        "pkg/e.FILTER",
        "queries/q.flt",
        ".hidden/d.filter",
        ".venv/e.filter",
        "env/pyvenv.cfg",
        "env/f.filter",
        "node_modules/g.filter",
        "legacy/h.filter",
        "pkg/__pycache__/i.py",
    ]:
        _touch(tmp_path / rel)
    found = discover(
        [str(tmp_path)], exclude=["legacy"], filter_globs=["queries/*.flt"], root=str(tmp_path)
    )
    assert [(Path(p).relative_to(tmp_path).as_posix(), k) for p, k in found.files] == [
        ("a.filter", "filter"),
        ("pkg/b.py", "python"),
        ("queries/q.flt", "filter"),
    ]
    assert [Path(p).name for p in found.near_misses] == ["d.filters", "e.FILTER"]


def test_discover_refuses_missing_paths_and_unknown_named_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        discover(["/no/such/place"])
    _touch(tmp_path / "contact.json", "{}")
    with pytest.raises(UsageError, match="not a filter file or Python source"):
        discover([str(tmp_path / "contact.json")])


def test_config_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.scale-query]\nschema = ["s.json", "orders=o.json"]\nselect = ["SQ1", "SQ2"]\n'
        'extend-select = ["SQ107"]\nignore = "SQ105"\ninclude = ["filters"]\n'
        'exclude = ["old/*"]\nline-length = 60\nfilter-files = ["*.flt"]\n'
        'filter-calls = ["app.find", {name = "lookup", argument = 1, object = "contact"}]\n'
        '[tool.scale-query.objects]\n"orders/*" = "orders"\n'
    )
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    config = load_config(str(sub))
    root = tmp_path.resolve()
    assert config.root == str(root)
    assert config.schema == (str(root / "s.json"), f"orders={root / 'o.json'}")
    assert config.select == ("SQ1", "SQ2")
    assert config.extend_select == ("SQ107",)
    assert config.ignore == ("SQ105",)
    assert config.include == (str(root / "filters"),)
    assert config.exclude == ("old/*",)
    assert config.line_length == 60
    assert config.filter_files == ("*.flt",)
    assert config.filter_calls == (FilterCall("app.find"), FilterCall("lookup", 1, "contact"))
    assert config.object_for(str(root / "orders" / "a.filter")) == "orders"
    assert config.object_for(str(root / "a.filter")) is None


def test_config_without_our_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(str(tmp_path)).schema == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.scale-query]\nselct = []\n", "unknown key 'selct'"),
        ("[tool.scale-query]\nschema = 3\n", "expected a list of paths"),
        ("[tool.scale-query]\nline-length = 0\n", "line-length"),
        ("[tool.scale-query]\nobjects = ['a']\n", "table of globs"),
        ("[tool.scale-query]\nfilter-calls = [{name = 'f', argument = -1}]\n", "not a function"),
        ("[tool.scale-query\n", "invalid TOML"),
        ("[tool.scale-query]\nschema = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_config_errors_are_usage_errors(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(UsageError, match=message):
        load_config(str(tmp_path))


def test_a_pyproject_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.scale-query]\n# caf\xe9\n")
    with pytest.raises(UsageError, match=r"pyproject\.toml: cannot read \(not UTF-8 text\)"):
        load_config(str(tmp_path))


# ---- schemas per object --------------------------------------------------------

FIELDS = {"Nom": {"attribs": {"type": "text"}}, "Montant": {"attribs": {"type": "decimal"}}}


def _schemas(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "contact.json").write_text(json.dumps({"Nom": FIELDS["Nom"]}))
    (folder / "orders.json").write_text(json.dumps({"Montant": FIELDS["Montant"]}))
    return folder


def test_schema_folder_gives_each_object_its_fields(tmp_path: Path) -> None:
    store = load_schemas([str(_schemas(tmp_path))])
    assert sorted(store.by_object) == ["contact", "orders"]
    assert list(store.pick("orders") or {}) == ["Montant"]
    assert store.pick("products") is None
    assert store.pick(None) is None
    assert len(store.notes) == 2
    assert "no schema for object 'products'" in store.notes[0]
    store.pick("products")
    assert len(store.notes) == 2  # once per object


@pytest.mark.timeout(30)
def test_schema_folder_reads_its_regular_json_files_only(tmp_path: Path) -> None:
    folder = _schemas(tmp_path)
    os.mkfifo(folder / "pipe.json")  # opening it would wait forever
    (folder / "archive.json").mkdir()
    (folder / "gone.json").symlink_to(folder / "missing")
    assert sorted(load_schemas([str(folder)]).by_object) == ["contact", "orders"]


def test_one_schema_applies_to_filters_naming_no_object_only(tmp_path: Path) -> None:
    (tmp_path / "mine.json").write_text(json.dumps(FIELDS))
    store = load_schemas([f"contact={tmp_path / 'mine.json'}"])
    assert store.pick(None) is store.pick("contact") is not None
    assert store.pick("orders") is None


def test_schema_errors(tmp_path: Path) -> None:
    folder = _schemas(tmp_path)
    with pytest.raises(UsageError, match="two schemas for object 'contact'"):
        load_schemas([str(folder), str(folder / "contact.json")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no"):
        load_schemas([str(tmp_path / "empty")])
    with pytest.raises(UsageError, match="no such file"):
        load_schemas(["nope.json"])


def test_lint_uses_the_filter_objects_schema(tmp_path: Path) -> None:
    store = load_schemas([str(_schemas(tmp_path))])
    source = read_source(
        "app.py",
        "python",
        "from scale_query import Query\n"
        "Query('orders').where('Montant $gt 12.5')\n"
        "Query('orders').where('Nom $eq 1')\n"
        "Query('contact').where('Nom $eq 1')\n",
    )
    results = lint(source, store, select_codes(None))
    assert [(r.diagnostic.code, r.diagnostic.line) for r in results] == [("SQ101", 3)]


# ---- selection and noqa --------------------------------------------------------


def test_default_selection_leaves_personal_data_out() -> None:
    from scale_query.semantics._rules import RULES

    assert select_codes(None) == {c for c in RULES if c != "SQ107"}
    assert select_codes(["ALL"]) == set(RULES)
    assert select_codes(None, ["SQ107"], ["SQ2"]) == {c for c in RULES if not c.startswith("SQ2")}


def test_lint_select_ignore_and_noqa() -> None:
    source = read_source(
        "f.filter",
        "filter",
        'a $eq "*x"\nb $like "y"  # noqa: SQ202\n'
        'c $like "z"  # noqa: SQ201\nd $in [1, 1]  # noqa\n',
    )
    store = load_schemas([])

    def codes(selection: frozenset[str]) -> list[tuple[str, int | None]]:
        return [(r.diagnostic.code, r.diagnostic.line) for r in lint(source, store, selection)]

    assert codes(select_codes(None)) == [("SQ201", 1), ("SQ202", 3)]
    assert codes(select_codes(["SQ202"])) == [("SQ202", 3)]
    assert codes(select_codes(None, ignore=["SQ2"])) == []


def test_noqa_on_last_line_of_multiline_python_literal() -> None:
    source = read_source(
        "m.py",
        "python",
        'import scale_query as sq\nsq.parse("""\n  a $eq "*x"\n""")  # noqa: SQ201\n'
        'sq.parse("""\n  a $eq "*x"\n""")\n',
    )
    results = lint(source, load_schemas([]), select_codes(None))
    assert [(r.diagnostic.code, r.diagnostic.line, r.diagnostic.column) for r in results] == [
        ("SQ201", 6, 5)
    ]
    assert results[0].source_line == '  a $eq "*x"'


def test_quick_fixes_for_a_like_without_star_offer_both_readings() -> None:
    from scale_query.cli.check._fix import quick_fixes
    from scale_query.cli.check._lint import read_source, select_codes
    from scale_query.cli.check._schema_files import Schemas

    source = read_source("c.filter", "filter", 'EMail $like "gmail.com"\n')
    fixes = quick_fixes(source, Schemas({}), select_codes(None))
    assert [(f.column, f.length, f.replacement, f.safe) for f in fixes] == [
        (7, 5, "$eq", False),
        (13, 11, '"*gmail.com*"', False),
    ]
