"""`scale-query check` run as a subprocess: formats, exit codes, stdin, config, noqa."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    out = run("check", "bad.filter", "--schema", "schema.json", cwd=project)
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
    assert (out.returncode, out.stdout) == (0, "All checks passed.\n")


def test_json_format(project: Path) -> None:
    out = run(
        "check",
        "bad.filter",
        "warn.filter",
        "--schema",
        "schema.json",
        "--format",
        "json",
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
        "(hint: use $eq, or add '*' where any text may stand)",
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
    assert by_id["SQ107"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["SQ101"]["shortDescription"]["text"]
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["SQ107", "SQ101"]
    assert rules[results[1]["ruleIndex"]]["id"] == "SQ101"
    location = results[1]["locations"][0]["physicalLocation"]
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
    out = run(
        "check",
        "app.py",
        "--schema",
        "schema.json",
        "--format",
        "json",
        "--ignore",
        "SQ107",
        cwd=project,
    )
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
        '[tool.scale-query]\nschema = "schema.json"\nignore = ["SQ107"]\ninclude = ["bad.filter"]\n'
    )
    sub = project / "sub"
    sub.mkdir()
    out = run("check", "--format", "json", cwd=sub)
    assert [r["code"] for r in json.loads(out.stdout)] == ["SQ101"]
    out = run("check", "--format", "json", "--ignore", "SQ101", cwd=sub)
    assert [r["code"] for r in json.loads(out.stdout)] == ["SQ107"]


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


def test_check_never_imports_httpx(project: Path) -> None:
    code = (
        "import sys\nfrom scale_query.cli import main\n"
        "main(['check', 'bad.filter', '--schema', 'schema.json', '--format', 'sarif'])\n"
        "main(['fmt', '--check', 'bad.filter'])\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'lark'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert out.stderr.splitlines()[-1] == "[]"


def test_pre_commit_hooks_name_real_commands() -> None:
    from scale_query.cli import _COMMANDS

    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    hooks = dict(re.findall(r"- id: (\S+)\n(?:  .*\n)*?  entry: (.+)\n", text))
    assert set(hooks) == {"scale-query-check", "scale-query-fmt"}
    for entry in hooks.values():
        program, command = entry.split()
        assert program == "scale-query"
        assert command in _COMMANDS
