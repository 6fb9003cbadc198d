"""Where check finds filters: filter files, Python literals, folders, config (in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_query.cli import UsageError
from scale_query.cli._check import check_paths
from scale_query.cli._config import load_config
from scale_query.cli._sources import discover, filter_entries, python_filters

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
    assert noqa == {2: frozenset({"SQ201", "SQ107"}), 7: None}
    assert entries[0].noqa == "# noqa: SQ201, sq107"
    second = entries[1].filter
    offset = second.text.index("d $eq")
    assert second.position(offset) == (7, 7)
    assert second.position(len(second.text), end=True) == (7, 14)


def test_noqa_inside_a_string_is_part_of_the_filter() -> None:
    _, entries, noqa = filter_entries('a $eq "x # noqa"\n')
    assert entries[0].filter.text == 'a $eq "x # noqa"'
    assert noqa == {}


def test_crlf_lines() -> None:
    _, entries, _ = filter_entries("a $eq 1\r\n  $or b $eq 2\r\n")
    assert entries[0].filter.text == "a $eq 1\n  $or b $eq 2"


# ---- Python sources ----------------------------------------------------------


def _where(source: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of a needle in a source text."""
    lines = source.splitlines()
    seen = 0
    for number, line in enumerate(lines, 1):
        at = line.find(needle)
        while at >= 0:
            if seen == nth:
                return number, at + 1
            seen += 1
            at = line.find(needle, at + 1)
    raise AssertionError(needle)


def test_python_filters_found_by_call_shape() -> None:
    source = (
        "import scale_query as sq\n"
        "import scale_query\n"
        "from scale_query import validate as check_it\n"
        "from dateutil.parser import parse\n"
        'parse("not ours")\n'
        'sq.parse("a $eq 1")\n'
        'scale_query.parse("b $eq 1")\n'
        'check_it("c $eq 1", schema)\n'
        'Query("contact").where("d $eq 1").limit(3)\n'
        'other.parse("not ours either")\n'
        'sq.parse(f"e $eq {x}")\n'
        'sq.parse(b"f $eq 1")\n'
        "sq.parse(text)\n"
    )
    found, problem = python_filters(source)
    assert problem is None
    assert [f.text for f in found] == ["a $eq 1", "b $eq 1", "c $eq 1", "d $eq 1"]


def test_bare_parse_counts_unless_imported_from_elsewhere() -> None:
    found, _ = python_filters('def f():\n    return parse("a $eq 1")\n')
    assert [f.text for f in found] == ["a $eq 1"]


def test_positions_through_escapes_concatenation_and_unicode() -> None:
    source = (
        'x = "é"; sq.parse("Nom $eq \\"René\\" $and "\n'
        "                  'Ville $eq \\u0022Zoë\\x22'  # comment\n"
        '                  r" $and X $regex \\"\\d\\"")\n'
    )
    (one,) = python_filters("import scale_query as sq\n" + source)[0]
    text = one.text
    assert text == 'Nom $eq "René" $and Ville $eq "Zoë" $and X $regex \\"\\d\\"'
    full = "import scale_query as sq\n" + source
    assert one.position(text.index("René")) == _where(full, "René")
    assert one.position(text.index("Ville")) == _where(full, "Ville")
    # \u0022 and \x22 decode to one quote each, found at their backslash.
    assert one.position(text.index('"Zoë"')) == _where(full, "\\u0022")
    assert one.position(text.index('Zoë"') + 3) == _where(full, "\\x22")
    assert one.position(text.index('"Zoë"') + 5, end=True) == (3, _where(full, "\\x22")[1] + 4)
    # In the raw string \" is two characters.
    assert one.position(text.index("X $regex")) == _where(full, "X $regex")


def test_triple_quoted_multiline_positions() -> None:
    source = 'import scale_query as sq\nsq.parse("""\n    Nom $eq 1\n    $and Age $ge 2\n""")\n'
    (one,) = python_filters(source)[0]
    assert one.position(one.text.index("$ge")) == (4, 14)
    assert (one.first_line, one.last_line) == (2, 5)


def test_invalid_python_is_reported_not_raised() -> None:
    found, problem = python_filters("def (:\n")
    assert found == []
    assert problem is not None
    assert "not valid Python" in problem


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=20), st.sampled_from(["'", '"', "'''", '"""']))
def test_every_plain_character_maps_to_itself(value: str, quote: str) -> None:
    literal = repr(value)
    if quote != literal[0]:
        literal = quote + literal[1:-1] + quote
    source = f"import scale_query\nscale_query.parse({literal})\n"
    try:
        import ast

        if ast.literal_eval(literal) != value:
            return
    except SyntaxError:
        return
    (one,) = python_filters(source)[0]
    assert one.text == value
    lines = source.splitlines()
    for i, ch in enumerate(value):
        line, column = one.position(i)
        shown = lines[line - 1][column - 1]
        assert shown == ch or shown == "\\"


# ---- folders and config ------------------------------------------------------


def _touch(path: Path, text: str = 'a $eq "x"\n') -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_discover_skips_hidden_venvs_and_excluded(tmp_path: Path) -> None:
    for rel in [
        "a.filter",
        "pkg/b.py",
        "pkg/c.txt",
        ".hidden/d.filter",
        ".venv/e.filter",
        "env/pyvenv.cfg",
        "env/f.filter",
        "node_modules/g.filter",
        "legacy/h.filter",
        "pkg/__pycache__/i.py",
    ]:
        _touch(tmp_path / rel)
    found = list(discover([str(tmp_path)], exclude=["legacy"], root=str(tmp_path)))
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == ["a.filter", "pkg/b.py"]


def test_discover_missing_path() -> None:
    with pytest.raises(FileNotFoundError):
        list(discover(["/no/such/place"]))


def test_config_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.scale-query]\nschema = "s.json"\nselect = ["SQ1", "SQ2"]\n'
        'ignore = "SQ107"\ninclude = ["filters"]\nexclude = ["old/*"]\nline-length = 60\n'
    )
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    config = load_config(str(sub))
    assert config.root == str(tmp_path.resolve())
    assert config.schema == str(tmp_path.resolve() / "s.json")
    assert config.select == ("SQ1", "SQ2")
    assert config.ignore == ("SQ107",)
    assert config.include == (str(tmp_path.resolve() / "filters"),)
    assert config.exclude == ("old/*",)
    assert config.line_length == 60


def test_config_without_our_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(str(tmp_path)).schema is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.scale-query]\nselct = []\n", "unknown key 'selct'"),
        ("[tool.scale-query]\nschema = 3\n", "schema must be a path"),
        ("[tool.scale-query]\nline-length = 0\n", "line-length"),
        ("[tool.scale-query\n", "invalid TOML"),
    ],
)
def test_config_errors_are_usage_errors(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(UsageError, match=message):
        load_config(str(tmp_path))


# ---- check_paths: select, ignore, noqa ----------------------------------------


def test_check_paths_select_ignore_and_noqa(tmp_path: Path) -> None:
    _touch(
        tmp_path / "f.filter",
        'a $eq "*x"\nb $like "y"  # noqa: SQ202\n'
        'c $like "z"  # noqa: SQ201\nd $in [1, 1]  # noqa\n',
    )
    path = str(tmp_path / "f.filter")
    everything = check_paths([path], None)
    assert [(r.diagnostic.code, r.diagnostic.line) for r in everything] == [
        ("SQ201", 1),
        ("SQ202", 3),
    ]
    assert [r.diagnostic.code for r in check_paths([path], None, select=("SQ202",))] == ["SQ202"]
    assert [r.diagnostic.code for r in check_paths([path], None, ignore=("SQ2",))] == []


def test_noqa_on_last_line_of_multiline_python_literal(tmp_path: Path) -> None:
    _touch(
        tmp_path / "m.py",
        'import scale_query as sq\nsq.parse("""\n  a $eq "*x"\n""")  # noqa: SQ201\n'
        'sq.parse("""\n  a $eq "*x"\n""")\n',
    )
    results = check_paths([str(tmp_path / "m.py")], None)
    assert [(r.diagnostic.code, r.diagnostic.line, r.diagnostic.column) for r in results] == [
        ("SQ201", 6, 5)
    ]
    assert results[0].source_line == '  a $eq "*x"'
