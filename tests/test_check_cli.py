"""`scale-query check` run as a subprocess: formats, exit codes, stdin, config, noqa."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# All but one test run `scale-query check` in subprocesses (35 of them, about
# 10 s here in all): the file goes whole to the slow run. In-process, the fast
# loop still checks the rules (test_rules.py, test_validate.py) and sources
# (test_check_sources.py, test_check_params.py).
pytestmark = pytest.mark.slow

SCHEMA = {
    "Nom": {"attribs": {"type": "text", "length": "20", "is_personal_data": "Y"}, "read": "Y"},
    "DateNaissance": {"attribs": {"type": "date"}, "read": "Y"},
}


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scale_query.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "bad.filter").write_text(
        '# saved\nNom $eq "Smith"\n   $and DateNaisance $gt "1990-02-30"\n'
    )
    (tmp_path / "warn.filter").write_text('Nom $like "Smith"\n')
    (tmp_path / "good.filter").write_text('Nom $like "S*"\n')
    return tmp_path


def test_text_format_errors_exit_1(project: Path) -> None:
    out = run(
        "check", "bad.filter", "--schema", "schema.json", "--extend-select", "SQ107", cwd=project
    )
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "bad.filter:2:1: SQ107 field 'Nom' holds personal data; " + (
        "the filter ends up in URLs and server logs"
    )
    at = lines.index("bad.filter:3:9: SQ101 unknown field 'DateNaisance' in object 'schema'")
    assert lines[at + 1 : at + 4] == [
        '     $and DateNaisance $gt "1990-02-30"',
        "          ^^^^^^^^^^^^",
        "  hint: did you mean 'DateNaissance'?",
    ]
    assert lines[-1] == "Found 1 error and 1 warning."


def test_warnings_alone_exit_0_unless_warnings_as_errors(project: Path) -> None:
    assert run("check", "warn.filter", cwd=project).returncode == 0
    assert run("check", "warn.filter", "--warnings-as-errors", cwd=project).returncode == 1


def test_exit_zero(project: Path) -> None:
    out = run("check", "bad.filter", "--schema", "schema.json", "--exit-zero", cwd=project)
    assert out.returncode == 0
    assert "SQ101" in out.stdout


def test_clean_exit_0(project: Path) -> None:
    out = run("check", "good.filter", cwd=project)
    assert (out.returncode, out.stdout) == (0, "All checks passed (1 filter in 1 file).\n")


def test_json_format(project: Path) -> None:
    out = run(
        "check",
        "bad.filter",
        "warn.filter",
        "--schema",
        "schema.json",
        "--format",
        "json",
        "--select",
        "ALL",
        cwd=project,
    )
    rows = json.loads(out.stdout)
    assert [(r["path"], r["code"], r["line"], r["column"]) for r in rows] == [
        ("bad.filter", "SQ107", 2, 1),
        ("bad.filter", "SQ101", 3, 9),
        ("warn.filter", "SQ107", 1, 1),
        ("warn.filter", "SQ202", 1, 5),
    ]
    assert set(rows[1]) >= {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "severity",
        "message",
        "hint",
    }
    assert (rows[1]["end_line"], rows[1]["end_column"], rows[1]["severity"]) == (3, 21, "error")


def test_github_format(project: Path) -> None:
    out = run(
        "check",
        "warn.filter",
        "bad.filter",
        "--format",
        "github",
        "--select",
        "SQ2,SQ1",
        "--ignore",
        "SQ107",
        "--schema",
        "schema.json",
        cwd=project,
    )
    assert out.stdout.splitlines() == [
        "::warning file=warn.filter,line=1,col=5,endLine=1,endColumn=10,title=SQ202::"
        "$like pattern has no '*': it is the same as $eq "
        "(hint: use $eq for exactly this text, or add '*' where any text may stand "
        '($like "*text*" finds it anywhere))',
        "::error file=bad.filter,line=3,col=9,endLine=3,endColumn=21,title=SQ101::"
        "unknown field 'DateNaisance' in object 'schema' (hint: did you mean 'DateNaissance'?)",
    ]


def test_sarif_format(project: Path) -> None:
    out = run("check", "bad.filter", "--schema", "schema.json", "--format", "sarif", cwd=project)
    log = json.loads(out.stdout)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["SQ101"]["name"] == "unknown-field"
    assert by_id["SQ101"]["helpUri"].endswith("docs/rules.md#sq101")
    assert by_id["SQ107"]["defaultConfiguration"] == {"level": "warning", "enabled": False}
    assert by_id["SQ101"]["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert by_id["SQ101"]["shortDescription"]["text"]
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["SQ101"]
    assert rules[results[0]["ruleIndex"]]["id"] == "SQ101"
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bad.filter"
    assert location["region"] == {"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 21}


def test_stdin(project: Path) -> None:
    out = run("check", "-", "--format", "json", cwd=project, stdin="a $eq 1 $and\n  a $eq 2\n")
    assert out.returncode == 0
    (row,) = json.loads(out.stdout)
    assert (row["path"], row["code"], row["line"], row["column"]) == ("<stdin>", "SQ205", 2, 3)


def test_python_source_positions(project: Path) -> None:
    (project / "app.py").write_text(
        "import scale_query as sq\n"
        "q = sq.Query('contact').where(\n"
        '    "Nom $eq \\"Zoë*\\" "\n'
        '    "$and DateNaissance $lt \\"1990-02-30\\""\n'
        ")\n"
    )
    out = run("check", "app.py", "--schema", "contact=schema.json", "--format", "json", cwd=project)
    rows = json.loads(out.stdout)
    assert [(r["code"], r["line"], r["column"], r["end_line"], r["end_column"]) for r in rows] == [
        ("SQ201", 3, 10, 3, 13),
        ("SQ103", 4, 29, 4, 43),
    ]
    assert out.returncode == 1


def test_folder_recursion_skips_venvs(project: Path) -> None:
    venv = project / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("")
    (venv / "x.filter").write_text("broken $$\n")
    (project / "sub").mkdir()
    (project / "sub" / "y.filter").write_text("also broken\n")
    out = run("check", ".", "--format", "json", "--select", "SQ001", cwd=project)
    assert [r["path"] for r in json.loads(out.stdout)] == ["sub/y.filter"]


def test_binary_file_in_a_folder_is_skipped_but_named_one_is_an_error(project: Path) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "blob.filter").write_bytes(b"\xff\xfe\x00binary")
    (project / "sub" / "y.filter").write_text("also broken\n")
    out = run("check", "sub", "--format", "json", cwd=project)
    assert out.returncode == 1
    assert [r["path"] for r in json.loads(out.stdout)] == ["sub/y.filter"]
    assert "blob.filter: cannot read (not UTF-8 text); skipped" in out.stderr
    named = run("check", "sub/blob.filter", cwd=project)
    assert named.returncode == 2
    assert "not UTF-8" in named.stderr


def test_config_discovery_and_flags_win(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.scale-query]\nschema = "schema.json"\nextend-select = ["SQ107"]\n'
        'ignore = ["SQ101"]\ninclude = ["bad.filter"]\n'
    )
    sub = project / "sub"
    sub.mkdir()
    out = run("check", "--format", "json", cwd=sub)
    assert [r["code"] for r in json.loads(out.stdout)] == ["SQ107"]
    out = run("check", "--format", "json", "--ignore", "SQ107", "--extend-select", "", cwd=sub)
    assert [r["code"] for r in json.loads(out.stdout)] == ["SQ101"]


def test_noqa(project: Path) -> None:
    (project / "n.filter").write_text('Nom $eq "a*"  # noqa: SQ201\nNom $eq "b*"  # noqa\n')
    (project / "n.py").write_text(
        "from scale_query import parse\n"
        "parse('Nom $eq \"a*\"')  # noqa: SQ2\n"
        "parse('Nom $eq \"b*\"')\n"
    )
    out = run("check", "n.filter", "n.py", "--format", "json", cwd=project)
    assert [(r["path"], r["line"]) for r in json.loads(out.stdout)] == [("n.py", 3)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.filter"], "missing.filter: no such file or folder"),
        (["good.filter", "--schema", "nope.json"], "cannot read schema nope.json"),
        (["good.filter", "--schema", "good.filter"], "cannot read schema good.filter"),
        (["good.filter", "--format", "xml"], "invalid choice"),
        (["good.filter", "--select", "XY"], "no rule code starts with 'XY'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(project: Path, args: list[str], message: str) -> None:
    out = run("check", *args, cwd=project)
    assert out.returncode == 2
    assert len(out.stderr.splitlines()) == 1
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_pre_commit_hooks_name_real_commands() -> None:
    from scale_query.cli import _COMMANDS

    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    hooks = dict(re.findall(r"- id: (\S+)\n(?:  .*\n)*?  entry: (.+)\n", text))
    assert set(hooks) == {"scale-query-check", "scale-query-fmt"}
    for entry in hooks.values():
        program, command = entry.split()
        assert program == "scale-query"
        assert command in _COMMANDS


# ---- Python detection, schemas per object, --fix (issue 12's "done when") -------


@pytest.fixture
def demo_schemas(tmp_path: Path) -> Path:
    """A folder holding the demo datamart's contact and orders schemas."""
    from scale_query.emulator import demo_datamart

    folder = tmp_path / "schemas"
    folder.mkdir()
    mart = demo_datamart(1)
    for name in ("contact", "orders"):
        text = json.dumps(mart.objects[name].schema.to_api())
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return tmp_path


def test_ordinary_python_is_not_checked(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import pandas as pd\n"
        "from sqlalchemy import select\n"
        "from scale_query import Client, Query\n"
        'select(User).where("id = 1")\n'
        "df = pd.DataFrame()\n"
        'df.where(df > 1).where("a > 1")\n'
        'client = Client("demo-token", "demo")\n'
        'Query("contact").where(\'Nom $eq "x"\')\n'
    )
    out = run("check", "app.py", cwd=tmp_path)
    assert (out.returncode, out.stdout) == (0, "All checks passed (1 filter in 1 file).\n")


def test_broken_filter_in_python_points_at_its_column(tmp_path: Path) -> None:
    source = "from scale_query import Query\n\nrows = Query(\"contact\").where('Nom $eq')\n"
    (tmp_path / "app.py").write_text(source)
    out = run("check", "app.py", "--format", "json", cwd=tmp_path)
    (row,) = json.loads(out.stdout)
    # The filter ends after '$eq': the value is missing just before the closing quote.
    assert (row["code"], row["line"], row["column"]) == (
        "SQ001",
        3,
        source.splitlines()[2].index("')") + 1,
    )
    assert out.returncode == 1


def test_schema_folder_and_fix(demo_schemas: Path) -> None:
    app = demo_schemas / "app.py"
    app.write_text(
        "from scale_query import Query\n"
        "Query(\"orders\").where('Montant $gt 12.5')\n"
        "Query(\"orders\").where('Montnt $gt 12.5')\n"
    )
    out = run("check", "app.py", "--schema", "schemas", cwd=demo_schemas)
    assert out.returncode == 1
    assert "app.py:3:24: SQ101 unknown field 'Montnt' in object 'orders'" in out.stdout
    assert "hint: did you mean 'Montant'?" in out.stdout
    diff = run("check", "app.py", "--schema", "schemas", "--diff", cwd=demo_schemas)
    assert diff.returncode == 1
    assert "+Query(\"orders\").where('Montant $gt 12.5')" in diff.stdout
    assert "Montnt" in app.read_text()
    fixed = run("check", "app.py", "--schema", "schemas", "--fix", cwd=demo_schemas)
    assert fixed.returncode == 0, fixed.stdout
    assert fixed.stdout.startswith("Fixed 1 problem.\n")
    assert app.read_text().count("'Montant $gt 12.5'") == 2
    again = run("check", "app.py", "--schema", "schemas", cwd=demo_schemas)
    assert (again.returncode, again.stdout) == (0, "All checks passed (2 filters in 1 file).\n")


def test_object_without_schema_gets_a_note_not_another_objects_fields(demo_schemas: Path) -> None:
    (demo_schemas / "products.filter").write_text("# object: products\nStock $gt 3\n")
    (demo_schemas / "one.json").write_text((demo_schemas / "schemas" / "contact.json").read_text())
    out = run("check", "products.filter", "--schema", "one.json", cwd=demo_schemas)
    assert (out.returncode, out.stdout) == (0, "All checks passed (1 filter in 1 file).\n")
    assert "note: no schema for object 'products'" in out.stderr


def test_fix_keeps_quotes_and_skips_unsafe_fixes_unless_asked(demo_schemas: Path) -> None:
    app = demo_schemas / "app.py"
    app.write_text(
        "from scale_query import Query\n"
        'Query("contact").where(r\'Nmo $eq "a*"\')\n'
        'Query("contact").where(\'Nom $like "Smith" $and Ville $regx "^P"\')\n'
        'Query("contact").where("DateNaissance $ge \\"1990-06-12\\"")\n'
    )
    out = run("check", "app.py", "--schema", "schemas", "--fix", cwd=demo_schemas)
    assert app.read_text().splitlines()[1:] == [
        'Query("contact").where(r\'Nom $eq "a*"\')',
        # $like without '*' -> $eq hides a probable missing '*': not safe.
        'Query("contact").where(\'Nom $like "Smith" $and Ville $regex "^P"\')',
        # $ge is as close to $gt as to $gte: no safe fix.
        'Query("contact").where("DateNaissance $ge \\"1990-06-12\\"")',
    ]
    assert out.stdout.startswith("Fixed 2 problems.\n")
    assert "SQ201" in out.stdout  # $eq with a '*' -> $like changes the meaning: not applied
    assert "SQ202" in out.stdout
    assert "SQ001 unknown operator '$ge'" in out.stdout
    run("check", "app.py", "--schema", "schemas", "--fix", "--unsafe-fixes", cwd=demo_schemas)
    assert app.read_text().splitlines()[1:] == [
        'Query("contact").where(r\'Nom $like "a*"\')',
        'Query("contact").where(\'Nom $eq "Smith" $and Ville $regex "^P"\')',
        'Query("contact").where("DateNaissance $gte \\"1990-06-12\\"")',
    ]


def test_fix_writes_the_exact_text_a_syntax_hint_names(demo_schemas: Path) -> None:
    path = demo_schemas / "typos.filter"
    path.write_text(
        "# object: contact\n"
        'Nom $eq "a" AND Ville $eq "Paris"\n'
        "Nom $eq 'Smith' or Nom $eq 'it''s'\n"
        'Nom="a" && DateNaissance >= "1990-01-01"\n'
    )
    out = run("check", "typos.filter", "--schema", "schemas", "--fix", cwd=demo_schemas)
    assert path.read_text().splitlines()[1:] == [
        'Nom $eq "a" $and Ville $eq "Paris"',
        # A doubled '' is one quote, as in SQL.
        'Nom $eq "Smith" $or Nom $eq "it\'s"',
        'Nom $eq "a" $and DateNaissance $gte "1990-01-01"',
    ]
    assert out.stdout.startswith("Fixed 7 problems.\n")
    assert out.returncode == 0, out.stdout
    # A backslash reads differently across SQL dialects: no exact rewrite.
    path.write_text("Nom $eq 'a\\\\b'\n")
    kept = run("check", "typos.filter", "--fix", cwd=demo_schemas)
    assert path.read_text() == "Nom $eq 'a\\\\b'\n"
    assert kept.returncode == 1


def test_unsafe_fixes_rewrite_a_decimal_comma_and_a_like_without_star(demo_schemas: Path) -> None:
    path = demo_schemas / "orders.filter"
    path.write_text('# object: orders\nMontant $gt "12,50"\n')
    (demo_schemas / "c.filter").write_text('# object: contact\nEMail $like "gmail.com"\n')
    safe = run("check", ".", "--schema", "schemas", "--diff", cwd=demo_schemas)
    assert "0 fixes available." in safe.stderr
    out = run("check", ".", "--schema", "schemas", "--diff", "--unsafe-fixes", cwd=demo_schemas)
    assert "+Montant $gt 12.50\n" in out.stdout
    assert '+EMail $eq "gmail.com"\n' in out.stdout
    assert "2 fixes available." in out.stderr


def test_fix_in_filter_files_and_stdin(demo_schemas: Path) -> None:
    path = demo_schemas / "orders.filter"
    path.write_text(
        '\ufeff# object: orders\nMontnt $gt 12  # noqa: SQ2\n    $or Statut $eq "payée"\n'
        "Statut $eq payée\n"
    )
    out = run("check", "orders.filter", "--schema", "schemas", "--fix", cwd=demo_schemas)
    assert path.read_text() == (
        '\ufeff# object: orders\nMontant $gt 12  # noqa: SQ2\n    $or Statut $eq "payée"\n'
        "Statut $eq payée\n"
    )
    assert "SQ001" in out.stdout  # payée needs quotes: no fix for that
    out = run(
        "check",
        "-",
        "--stdin-filename",
        "x.filter",
        "--schema",
        "orders=schemas/orders.json",
        "--fix",
        cwd=demo_schemas,
        stdin="Montnt $gt 12\n",
    )
    assert out.stdout == "Montant $gt 12\n"
    assert "All checks passed" in out.stderr


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"b.filters": "", "a.FILTER": ""}, ["."], "no file to check in .: searched for *.filter"),
        ({"contact.json": "{}"}, ["contact.json"], "not a filter file or Python source"),
        ({"a.filter": "Nom $eq 1\n"}, ["a.filter", "--select", "SQ103"], "nothing to check"),
        ({"a.filter": ""}, ["-", "--stdin-filename", "a.txt"], "not a filter file"),
        ({"a.filter": ""}, ["a.filter", "--select", "SQ1", "--ignore", "SQ"], "no rule selected"),
    ],
)
def test_no_silent_passes(
    tmp_path: Path, files: dict[str, str], args: list[str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    out = run("check", *args, cwd=tmp_path, stdin="")
    assert out.returncode == 2, out.stdout
    assert len(out.stderr.splitlines()) == 1
    assert message in out.stderr


def test_a_folder_whose_files_cannot_be_read_is_no_pass(tmp_path: Path) -> None:
    (tmp_path / "latin.filter").write_bytes(b'Nom $eq "\xe9"\n')
    out = run("check", ".", cwd=tmp_path)
    assert out.returncode == 2, out.stdout
    assert "All checks passed" not in out.stdout
    assert "latin.filter: cannot read (not UTF-8 text); skipped" in out.stderr
    assert "nothing checked in .: no file found could be read" in out.stderr


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_stdin_that_is_not_utf8_is_refused_as_a_file_is(tmp_path: Path, command: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scale_query.cli", command, "-"],
        cwd=tmp_path,
        input=b'Nom $eq "\xe9" $and\n',
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 2, out.stdout
    assert out.stderr.decode().splitlines() == ["<stdin>: cannot read (not UTF-8 text)"]


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "+".join(["1"] * 5000) + "\n",  # RecursionError in ast
        "x = " + "-" * 20000 + "1\n",  # MemoryError: the parser's own stack
    ],
)
def test_python_too_deep_for_ast_fails_the_run(tmp_path: Path, source: str) -> None:
    (tmp_path / "deep.py").write_text(f'import scale_query as sq\n{source}sq.parse("a $eq")\n')
    out = run("check", "deep.py", cwd=tmp_path)
    assert "Traceback" not in out.stderr
    assert out.stderr.splitlines() == [
        "deep.py: not read: nested too deeply for Python's own parser: not checked"
    ]
    assert out.stdout == "Found 0 errors and 0 warnings; 1 file not read (see above).\n"
    assert out.returncode == 1


def test_a_file_that_is_not_python_never_passes(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text('import scale_query as sq\nsq.parse("Nom $eqq 1")\ndef (:\n')
    (tmp_path / "good.filter").write_text('Nom $like "S*"\n')
    out = run("check", ".", cwd=tmp_path)
    assert out.stderr.splitlines() == [
        "bad.py: not valid Python (line 3: invalid syntax): not checked"
    ]
    assert "All checks passed" not in out.stdout
    assert out.returncode == 1
    assert run("check", ".", "--exit-zero", cwd=tmp_path).returncode == 0


def test_a_file_not_read_is_an_error_in_ci_formats_too(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import scale_query as sq\ndef (:\n")
    github = run("check", "bad.py", "--format", "github", cwd=tmp_path)
    assert github.stdout == (
        "::error file=bad.py,title=not read::"
        "not valid Python (line 2: invalid syntax): not checked\n"
    )
    assert github.returncode == 1
    sarif = run("check", "bad.py", "--format", "sarif", cwd=tmp_path)
    (invocation,) = json.loads(sarif.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("not valid Python")
    uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "bad.py"
    assert sarif.returncode == 1


def test_a_long_chain_of_aliases_is_read(tmp_path: Path) -> None:
    # Was "not read: nested too deeply" (the name resolver recursed), and exit 0.
    chain = "".join(f"q{i} = q{i - 1}\n" for i in range(1, 501))
    (tmp_path / "chain.py").write_text(
        'import scale_query as sq\nsq.parse("Nom $eqq 1")\nq0 = sq.Query("contact")\n'
        f'{chain}q500.where("Nom $eq 1")\n'
    )
    out = run("check", "chain.py", cwd=tmp_path)
    assert out.stderr == ""
    assert out.stdout.startswith("chain.py:2:15: SQ001 unknown operator '$eqq'\n")
    assert out.returncode == 1


def test_a_long_line_is_shown_as_a_window_around_the_fault(tmp_path: Path) -> None:
    (tmp_path / "long.filter").write_text('Nom $eq "' + "x" * 5000 + '" $and\tPays $eq\n')
    out = run("check", "long.filter", cwd=tmp_path)
    _, shown, caret, _hint, _summary = out.stdout.splitlines()
    assert len(shown) <= 110 and shown.startswith("  ...") and shown.endswith("Pays $eq")
    assert caret.endswith("^") and len(caret) == len(shown) + 1  # just past the last character


@pytest.mark.parametrize("command", [["check"], ["fmt", "--check"]])
def test_a_folder_search_reads_regular_files_only(tmp_path: Path, command: list[str]) -> None:
    # A named pipe called *.filter blocked the search forever (open() waits for a writer).
    os.mkfifo(tmp_path / "pipe.filter")
    (tmp_path / "ok.filter").write_text("a $eq 1\n")
    out = run(*command, ".", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    named = run(*command, "pipe.filter", cwd=tmp_path)
    assert (named.returncode, named.stderr) == (2, "pipe.filter: not a regular file\n")


def test_near_misses_are_named(tmp_path: Path) -> None:
    (tmp_path / "b.filters").write_text("")
    out = run("check", ".", cwd=tmp_path)
    assert "found b.filters, which do not count" in out.stderr


def test_filter_files_glob_and_objects_mapping(demo_schemas: Path) -> None:
    (demo_schemas / "pyproject.toml").write_text(
        '[tool.scale-query]\nschema = "schemas"\nfilter-files = ["queries/*.txt"]\n'
        '[tool.scale-query.objects]\n"queries/*" = "orders"\n'
    )
    (demo_schemas / "queries").mkdir()
    (demo_schemas / "queries" / "big.txt").write_text("Montant $gt 1000\nMontnt $gt 1\n")
    out = run("check", "--format", "json", cwd=demo_schemas)
    assert [(r["path"], r["code"], r["line"]) for r in json.loads(out.stdout)] == [
        ("queries/big.txt", "SQ101", 2)
    ]


def test_personal_data_rule_is_opt_in(demo_schemas: Path) -> None:
    (demo_schemas / "c.filter").write_text('# object: contact\nEMail $eq "jane@example.com"\n')
    quiet = run("check", "c.filter", "--schema", "schemas", cwd=demo_schemas)
    assert quiet.returncode == 0
    loud = run(
        "check",
        "c.filter",
        "--schema",
        "schemas",
        "--select",
        "ALL",
        "--format",
        "json",
        cwd=demo_schemas,
    )
    assert [r["code"] for r in json.loads(loud.stdout)] == ["SQ107"]


def test_check_and_fmt_load_no_data_command_module(demo_schemas: Path) -> None:
    # Run as the console script would, then list what got imported.
    (demo_schemas / "app.py").write_text(
        "from scale_query import Query\nQuery(\"orders\").where('Montnt $gt 1')\n"
    )
    (demo_schemas / "a.filter").write_text("Nom  $eq 1\n")
    code = (
        "import sys\nfrom scale_query.cli import main\n"
        "main(['check', 'app.py', 'a.filter', '--schema', 'schemas', '--format', 'sarif'])\n"
        "main(['check', 'app.py', '--schema', 'schemas', '--fix'])\n"
        "main(['fmt', 'a.filter'])\n"
        "heavy = ('httpx', 'starlette', 'uvicorn', 'pygls', 'lsprotocol', 'rich', 'pyarrow',\n"
        "         'sqlglot', 'duckdb', 'scale_query.client._client', 'scale_query.emulator')\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=demo_schemas, capture_output=True, text=True, timeout=60
    )
    assert out.stderr.splitlines()[-1] == "[]"
    assert "Montant" in (demo_schemas / "app.py").read_text()
    assert (demo_schemas / "a.filter").read_text() == "Nom $eq 1\n"
