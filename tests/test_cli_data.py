"""The data commands (objects, schema, export, import) over real HTTP against the emulator."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import cli_args as _conn
from helpers import read_csv as _csv
from helpers import run_cli as _run

from scale_query import Client, Query, evaluate, parse

pytest.importorskip("uvicorn")
from scale_query.emulator import Emulator

# objects and schema ----------------------------------------------------------------


def test_objects_as_table_and_json(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "objects", *_conn(emu))
    assert code == 0
    assert out.splitlines()[0].split() == ["name", "created", "updated"]
    listed = client.list_objects()
    for name, summary in listed.items():
        assert any(
            line.split() == [name, *summary.created.split(), *summary.updated.split()]
            for line in out.splitlines()
        )
    code, out, _ = _run(capsys, "objects", "--json", *_conn(emu))
    assert code == 0
    assert json.loads(out) == {
        n: {"acl": s.acl, "create_time": s.created, "update_time": s.updated}
        for n, s in listed.items()
    }


def test_schema_json_is_the_object_info_that_check_reads(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import httpx

    code, out, _ = _run(capsys, "schema", "contact", "--json", *_conn(emu))
    assert code == 0
    served = httpx.get(
        f"{emu.instance_url}/get_object_info/contact",
        headers={"Authorization": f"Bearer {emu.token}"},
    ).json()
    assert json.loads(out) == served
    code, _, err = _run(capsys, "schema", "--all", "-o", str(tmp_path / "schemas"), *_conn(emu))
    assert code == 0 and "wrote 3 schemas" in err
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "contact.json",
        "orders.json",
        "products.json",
    ]
    target = tmp_path / "typo.filter"
    target.write_text('# object: contact\nDateNaisance $gt "1990-06-12"\n', encoding="utf-8")
    schema_file = str(tmp_path / "schemas" / "contact.json")
    code, out, _ = _run(capsys, "check", "--schema", schema_file, str(target))
    assert code == 1 and "DateNaissance" in out


def test_schema_table_shows_rights_of_the_token(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "schema", "contact", *_conn(emu, "marketing-token"))
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert rows["Optin"].split()[-2:] == ["yes", "yes"]  # read, write
    assert rows["Nom"].split()[-1] == "yes" and "yes  yes" not in rows["Nom"].split("personal")[-1]


# export -------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_writes_exactly_what_the_evaluator_selects(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    where = 'DateNaissance $gt "1990-06-12"'
    target = tmp_path / "out.csv"
    code, _, err = _run(
        capsys,
        "export",
        "contact",
        *_conn(emu),
        "--where",
        where,
        "--format",
        "csv",
        "-o",
        str(target),
    )
    assert code == 0
    rows = _csv(target)
    schema = client.object_info("contact")
    everyone = list(client.iter("contact"))
    expected = [r for r in everyone if evaluate(parse(where), r.data, schema=schema)]
    assert [row["id"] for row in rows] == [r.id for r in expected]
    # The API's text, every field; a cell a spreadsheet would run (+32 ...) has a ' before it.
    data = {name: ("'" + v if v[:1] == "+" else v) for name, v in expected[0].data.items()}
    assert rows[0] == {"id": expected[0].id, **data}
    assert rows[0]["Telephone"].startswith("'+")
    assert f"exported {len(rows):,} records" in err
    assert not [p for p in tmp_path.iterdir() if p.name != "out.csv"]  # no temporary file left

    code, _, err = _run(capsys, "import", "contact", str(target), *_conn(emu), "--dry-run")
    assert code == 0
    assert f"all {len(rows):,} records are valid" in err
    assert emu.request_count("POST", "put_objects") == 0


def test_a_long_where_is_shown_as_a_window_around_the_fault(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    where = " $or ".join(f'Nom $eq "{i}"' for i in range(100))
    code, _, err = _run(
        capsys, "export", "contact", *_conn(emu), "--where", where + ' $or DateNaisance $gt "1"'
    )
    assert code == 2
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if "SQ101" in line)
    shown, caret = lines[at + 1], lines[at + 2]
    assert len(shown) <= 110
    assert shown[caret.index("^") :].startswith("DateNaisance")
    assert caret.strip() == "^" * len("DateNaisance")


def test_a_filter_typo_shows_the_caret_and_sends_nothing(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "export", "contact", *_conn(emu), "--where", 'DateNaissance $ge "1990-06-12"'
    )
    assert code == 2 and out == ""
    assert "--where:1:15: unknown operator '$ge'" in err
    assert "                ^^^" in err and "did you mean '$gte'?" in err
    assert emu.request_count() == 0

    code, out, err = _run(
        capsys, "get", "contact", *_conn(emu), "--where", 'DateNaisance $gt "1990-06-12"'
    )
    assert code == 2 and out == ""
    assert "SQ101 unknown field 'DateNaisance'" in err and "^^^^^^^^^^^^" in err
    assert "did you mean 'DateNaissance'?" in err
    assert emu.request_count("GET", "get_objects") == 0


def test_dry_run_prints_the_first_url_and_fetches_nothing(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys,
        "export",
        "contact",
        *_conn(emu),
        "--where",
        'EMail $like "*gmail*"',
        "--fields",
        "Nom,EMail",
        "--sort=-Nom",
        "--limit",
        "30",
        "--dry-run",
    )
    assert code == 0
    url = out.strip()
    assert url.startswith(f"{emu.instance_url}/get_objects/contact?")
    expected = (
        Query("contact")
        .where('EMail $like "*gmail*"')
        .fields("Nom", "EMail")
        .sort_by("-Nom")
        .limit(30)
        .page(1, size=500)
    )
    assert Query.from_url(url) == expected
    assert emu.request_count("GET", "get_objects") == 0


def test_export_refuses_unknown_fields_before_fetching(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--fields", "Nom,Emial")
    assert code == 2 and "no field 'Emial' (did you mean 'EMail'?)" in err
    assert emu.request_count("GET", "get_objects") == 0


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_exports_are_typed(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, _ = _run(capsys, "export", "orders", *_conn(emu), "--limit", "200", "--format", fmt)
    assert code == 0
    items = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    raw = list(client.iter(Query("orders").limit(200)))
    assert [item["id"] for item in items] == [int(r.id) for r in raw]
    for item, record in zip(items, raw, strict=True):
        assert item["id_contact"] == int(record.data["id_contact"])
        assert item["DateCommande"] == record.data["DateCommande"]
        montant = record.data["Montant"]
        assert item["Montant"] == (None if montant == "" else float(montant))
    exact = out.split('"Montant":')[1].split(",")[0]
    assert exact == raw[0].data["Montant"]  # digits as sent: 12.50 stays 12.50


def test_csv_typed_writes_canonical_values(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "export", "products", *_conn(emu), "--limit", "3", "--typed")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and all(row["Prix"].count(".") == 1 for row in rows)


def test_table_format(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "export",
        "contact",
        *_conn(emu),
        "--fields",
        "Nom,Pays",
        "--limit",
        "3",
        "--format",
        "table",
    )
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["id", "Nom", "Pays"] and len(lines) == 5
    assert set(lines[1]) == {"-", " "}


def test_an_interrupted_export_leaves_whole_records_and_says_how_many(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scale_query.cli.data import _progress

    advance = _progress.Progress.advance

    def interrupt_after_two_pages(self: _progress.Progress, count: int) -> None:
        advance(self, count)
        if self.count >= 1000:
            raise KeyboardInterrupt  # as a Ctrl-C between two pages would

    monkeypatch.setattr(_progress.Progress, "advance", interrupt_after_two_pages)
    for fmt in ("csv", "jsonl", "json"):
        target = tmp_path / f"part.{fmt}"
        code, _, err = _run(capsys, "export", "contact", *_conn(emu), "-o", str(target))
        assert code == 130
        assert f"{target} holds the 1,000 whole records written before the stop" in err
        text = target.read_text(encoding="utf-8")
        if fmt == "csv":
            assert len(_csv(target)) == 1000
        elif fmt == "jsonl":
            assert len([json.loads(line) for line in text.splitlines()]) == 1000
        else:
            assert len(json.loads(text)) == 1000


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_an_export_killed_midway_leaves_whole_records_and_says_how_many(
    emu: Emulator, tmp_path: Path, signal_name: str
) -> None:
    # `kill` (SIGTERM) or a closed terminal (SIGHUP) between two pages, in a
    # child process: without a handler the signal would end it on the spot,
    # leaving a hidden temporary file and no message.
    import subprocess
    import sys

    target = tmp_path / "part.csv"
    target.write_text("the old file\n", encoding="utf-8")
    script = f"""
import os, signal, sys
from scale_query.cli import main
from scale_query.cli.data import _progress
advance = _progress.Progress.advance
def advance_then_signal(self, count):
    advance(self, count)
    if self.count == 1000:
        os.kill(os.getpid(), signal.{signal_name})
_progress.Progress.advance = advance_then_signal
sys.exit(main(sys.argv[1:]))
"""
    argv = ["export", "contact", *_conn(emu), "-o", str(target)]
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 130, done.stderr
    assert f"{target} holds the 1,000 whole records written before the stop" in done.stderr
    assert len(_csv(target)) == 1000
    assert [p.name for p in tmp_path.iterdir()] == ["part.csv"]  # no temporary file left


def test_an_import_stopped_between_batches_still_reports_every_record(
    emu: Emulator,
    client: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scale_query.cli.data import _progress

    advance = _progress.Progress.advance

    def interrupt_after_the_first_batch(self: _progress.Progress, count: int) -> None:
        advance(self, count)
        raise KeyboardInterrupt  # as Ctrl-C (or kill) between two batches would

    monkeypatch.setattr(_progress.Progress, "advance", interrupt_after_the_first_batch)
    rows = [["", f"between{i}"] for i in range(5)]
    path = _write_csv(tmp_path / "new.csv", ["id", "Ville"], rows)
    report = tmp_path / "report.csv"
    code, _, err = _run(
        capsys,
        "import",
        "contact",
        str(path),
        *_conn(emu),
        "--batch-size",
        "2",
        "--report",
        str(report),
    )
    assert code == 130, err
    fates = [(row["line"], row["status"]) for row in _csv(report)]
    assert fates == [
        ("2", "ok"),
        ("3", "ok"),
        ("4", "not-sent"),
        ("5", "not-sent"),
        ("6", "not-sent"),
    ]
    assert _marked(client, "between") == {"between0", "between1"}


@pytest.mark.parametrize("stop", [KeyboardInterrupt, "connection"])
def test_an_export_stopped_before_the_first_record_leaves_the_old_file(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stop: type[BaseException] | str,
) -> None:
    from scale_query import APIConnectionError
    from scale_query.client import _client

    def no_page(self: Client, query: Query) -> Iterator[Any]:
        if stop == "connection":
            raise APIConnectionError("could not connect", method="GET", url="u")
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(_client.Client, "iter_pages", no_page)
    target = tmp_path / "kept.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "-o", str(target))
    assert code == (130 if stop is KeyboardInterrupt else 3)  # 3: the network failed
    assert f"nothing was written; {target} is as it was" in err
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.csv"]


def test_an_export_to_a_fifo_or_device_writes_into_it_and_leaves_it_in_place(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # `-o /dev/null` once replaced /dev/null itself with a regular file (as root):
    # a target that is not a regular file is written into, never renamed over.
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--limit", "3", "-o", str(fifo))
    reader.join(timeout=60)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(received[0].decode().splitlines()) == 4  # the header and three records
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_an_export_to_dash_writes_stdout(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "export", "contact", *_conn(emu), "--limit", "2", "-o", "-")
    assert code == 0 and len(out.splitlines()) == 3
    assert list(tmp_path.iterdir()) == []


def test_an_export_onto_a_full_disk_is_a_one_line_error_and_keeps_the_old_file(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from scale_query.cli import _output

    flush = _output.Output.flush

    def full_after_the_first_page(self: _output.Output) -> None:
        flush(self)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_output.Output, "flush", full_after_the_first_page)
    target = tmp_path / "kept.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "-o", str(target))
    assert code == 3  # a full disk: the I/O status
    assert err == (
        f"scale-query export: {target}: cannot write (No space left on device); "
        f"stopped after 0 records, {target} is as it was\n"
    )
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.csv"]


def test_an_import_whose_report_cannot_be_written_stops_and_says_how_far_it_went(
    emu: Emulator,
    client: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from scale_query.cli import _output

    def full_disk(self: _output.Output) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_output.Output, "flush", full_disk)  # the first batch's report
    path = _write_csv(tmp_path / "new.csv", ["id", "Ville"], [["", f"full{i}"] for i in range(5)])
    report = tmp_path / "report.csv"
    code, _, err = _run(
        capsys,
        "import",
        "contact",
        str(path),
        *_conn(emu),
        "--batch-size",
        "2",
        "--report",
        str(report),
    )
    assert code == 3
    assert err == (
        f"scale-query import: {report}: cannot write (No space left on device); the import "
        "stopped; the records up to line 3 may have been written\n"
    )
    assert _marked(client, "full") == {"full0", "full1"}  # no batch sent blind after it
    assert not report.exists() and [p.name for p in tmp_path.iterdir()] == ["new.csv"]


def test_progress_is_absent_when_stderr_is_not_a_terminal(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--limit", "1200")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("exported 1,200 records in ")
    assert "\x1b" not in err and "\r" not in err
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), "--limit", "10", "--quiet")
    assert code == 0 and err == ""


def test_progress_draws_on_a_terminal() -> None:
    pytest.importorskip("rich")
    from scale_query.cli.data._progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with Progress("exporting contact", total=None, stream=screen) as progress:
        assert progress.live
        progress.advance(500)
    assert "exporting contact" in screen.getvalue()
    quiet = Terminal()
    with Progress("exporting contact", quiet=True, stream=quiet) as progress:
        assert not progress.live
    assert quiet.getvalue() == ""


# round trips ---------------------------------------------------------------------------


def _round_trip(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> tuple[Path, Path]:
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    where = ["--where", 'Ville $eq "Gent"', "--limit", "40"]
    assert _run(capsys, "export", "contact", *_conn(emu), *where, "-o", str(first))[0] == 0
    return first, second


def test_csv_round_trip_changes_the_edit_and_nothing_else(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = _round_trip(emu, capsys, tmp_path, "csv")
    rows = _csv(first)
    rows[3]["Prenom"] = "Édouard"
    rows[5]["DateNaissance"] = ""
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, _, err = _run(capsys, "import", "contact", str(edited), *_conn(emu))
    assert code == 0 and "0 created, 40 updated" in err
    ids = ",".join(row["id"] for row in rows)
    code, _, _ = _run(
        capsys,
        "export",
        "contact",
        *_conn(emu),
        "--where",
        f"id_contact $in [{ids}]",
        "-o",
        str(second),
    )
    assert code == 0
    assert _csv(second) == rows


def test_jsonl_round_trip(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = _round_trip(emu, capsys, tmp_path, "jsonl")
    items = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    items[0]["Optin"] = "N" if items[0]["Optin"] == "Y" else "Y"
    items[1]["Telephone"] = None
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    assert _run(capsys, "import", "contact", str(edited), *_conn(emu))[0] == 0
    ids = ",".join(str(i["id"]) for i in items)
    assert (
        _run(
            capsys,
            "export",
            "contact",
            *_conn(emu),
            "--where",
            f"id_contact $in [{ids}]",
            "-o",
            str(second),
        )[0]
        == 0
    )
    assert [json.loads(line) for line in second.read_text(encoding="utf-8").splitlines()] == items


def test_parquet_round_trip_keeps_the_schema_types(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    first = tmp_path / "orders.parquet"
    where = ["--where", 'Statut $eq "payée"', "--limit", "60"]
    assert _run(capsys, "export", "orders", *_conn(emu), *where, "-o", str(first))[0] == 0
    table = pq.read_table(first)
    types = dict(zip(table.column_names, table.schema.types, strict=True))
    assert types["id"] == pa.int64() and types["id_contact"] == pa.int64()
    assert types["DateCommande"] == pa.timestamp("ms") and pa.types.is_decimal(types["Montant"])
    assert types["Reference"] == pa.string() and table.num_rows == 60
    rows = table.to_pylist()
    rows[2]["Produit"] = "Thé noir"
    edited = tmp_path / "edited.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), edited)
    assert _run(capsys, "import", "orders", str(edited), *_conn(emu))[0] == 0
    second = tmp_path / "again.parquet"
    ids = ",".join(str(r["id"]) for r in rows)
    assert (
        _run(
            capsys,
            "export",
            "orders",
            *_conn(emu),
            "--where",
            f"id_orders $in [{ids}]",
            "-o",
            str(second),
        )[0]
        == 0
    )
    assert pq.read_table(second).to_pylist() == rows


# import checks ---------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_bad_date_on_line_7_is_refused_naming_the_line_and_field(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [["", "Nom", f"Person{i}", "1990-06-12"] for i in range(10)]
    rows[5][3] = "12/06/1990"  # data row 6: file line 7
    path = _write_csv(tmp_path / "new.csv", ["id", "Civilite", "Nom", "DateNaissance"], rows)
    for extra in (["--dry-run"], []):
        code, _, err = _run(capsys, "import", "contact", str(path), *_conn(emu), *extra)
        assert code == 1
        assert f"{path}:7: field 'DateNaissance': '12/06/1990' is not a date" in err
        assert "write dates year first: 1990-06-12" in err
        assert "1 of 10 records are not valid; nothing was sent" in err
    assert emu.request_count("POST", "put_objects") == 0


def test_import_checks_fields_rights_notation_and_lengths(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    orders = _write_csv(
        tmp_path / "orders.jsonl.csv",
        ["id", "Reference", "Montant", "Statuts", "DateCommande"],
        [
            ["1", "CMD-1", "12,50", "x", "2021-01-01 10:00:00"],
            ["abc", "CMD-2", "3.10", "", ""],
            ["3", "R" * 21, "7", "", "2021-13-01"],
        ],
    )
    code, _, err = _run(capsys, "import", "orders", str(orders), "--dry-run", *_conn(emu))
    assert code == 1
    assert ":2: field 'Montant': '12,50' is not a number such as 12.50" in err
    assert "write numbers in US notation: 12.50" in err
    assert ":2: unknown field 'Statuts' (did you mean 'Statut'?)" in err
    assert ":3: id must be a record id" in err
    assert ":4: field 'Reference': 21 characters; the field holds at most 20" in err
    assert ":4: field 'DateCommande': '2021-13-01' is not a datetime" in err
    assert "3 of 3 records are not valid" in err

    contacts = _write_csv(tmp_path / "c.csv", ["id", "Nom", "Optin"], [["5", "Doe", "Y"]])
    code, _, err = _run(capsys, "import", "contact", str(contacts), *_conn(emu, "marketing-token"))
    assert code == 1 and ":2: field 'Nom' is not writable with this token" in err
    assert emu.request_count("POST", "put_objects") == 0


def test_the_dry_run_refuses_what_put_would_refuse(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A lone surrogate (a JSON escape) and an id past 64 bits: --dry-run must not
    # call them valid, and a real import must not write the batches before them.
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"id": 0, "Nom": "fine"}\n'
        '{"id": 0, "Nom": "\\udc80"}\n'
        '{"id": 99999999999999999999, "Nom": "x"}\n'
        '{"id": 0, "Nom": "x", "link.\\ud800": "5"}\n',
        encoding="utf-8",
    )
    for extra in (["--dry-run"], ["--batch-size", "1"]):
        code, _, err = _run(capsys, "import", "contact", str(path), *_conn(emu), *extra)
        assert code == 1, err
        assert f"{path}:2: data['Nom'] holds a lone surrogate" in err
        assert f"{path}:3: id is over the maximum of 9223372036854775807" in err
        assert f"{path}:4: " in err
        assert "3 of 4 records are not valid; nothing was sent" in err
    assert emu.request_count("POST", "put_objects") == 0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: line 1: JSON nested too deeply"),
        ("deep.jsonl", '{"Nom": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "deep.jsonl:1:"),
        ("dup.csv", "id,Nom,Nom\n0,a,b\n", "dup.csv: the CSV header names 'Nom' twice"),
        # A stray quote would swallow the lines after it into one value.
        ("open.csv", 'id,Nom\n0,"Dupont\n0,Martin\n', "open.csv: line 3: not readable as CSV"),
        ("quote.csv", 'id,Nom\n0,"Ma"rtin"\n', "quote.csv: line 2: not readable as CSV"),
    ],
)
def test_unreadable_input_files_are_one_line_errors_naming_the_file(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    text: str,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, _, err = _run(capsys, "import", "contact", str(path), "--dry-run", *_conn(emu))
    assert code in (1, 2)
    assert str(tmp_path / message) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2


def test_a_report_that_would_replace_the_input_file_is_refused(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "updates.csv", ["id", "Ville"], [["1", "Gent"]])
    before = path.read_bytes()
    (tmp_path / "alias.csv").symlink_to(path)
    for report in (path, tmp_path / "." / "updates.csv", tmp_path / "alias.csv"):
        code, _, err = _run(
            capsys, "import", "contact", str(path), *_conn(emu), "--report", str(report)
        )
        assert code == 2
        assert err == f"scale-query import: --report {report} is the input file; name another\n"
    assert path.read_bytes() == before
    assert emu.request_count() == 0


def test_mandatory_fields_are_required_on_creates_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from scale_query.emulator import serve

    fields = {
        "Nom": {"attribs": {"type": "text", "mandatory": "Y"}, "read": "Y", "write": "Y"},
        "Ville": {"attribs": {"type": "text"}, "read": "Y", "write": "Y"},
    }
    mart = {
        "objects": {"people": {"fields": fields, "records": [{"id": 1, "data": {"Nom": "A"}}]}},
        "profiles": [{"token": "t0k"}],
    }
    path = _write_csv(
        tmp_path / "p.csv", ["id", "Nom", "Ville"], [["", "", "Gent"], ["1", "", "Gent"]]
    )
    with serve(datamart=mart) as emu:
        code, _, err = _run(capsys, "import", "people", str(path), "--dry-run", *_conn(emu))
        code_schema, out, _ = _run(capsys, "schema", "people", *_conn(emu))
    assert code == 1 and ":2: field 'Nom' is mandatory when creating a record" in err
    assert ":3:" not in err  # an update may leave it out or empty
    assert code_schema == 0 and out.splitlines()[2].split()[:3] == ["id_people", "int", "(integer)"]
    assert [line.split()[:3] for line in out.splitlines() if line.startswith("Nom")] == [
        ["Nom", "text", "yes"]
    ]


# faults in the middle of an import -----------------------------------------------------------


def _marked(client: Client, tag: str) -> set[str]:
    return {r.data["Ville"] for r in client.iter(Query("contact").where(f'Ville $like "{tag}*"'))}


@pytest.mark.parametrize(
    ("fault", "unknown_written"), [({"failures": 1}, False), ({"corrupt": 1}, True)]
)
def test_a_fault_mid_import_reports_what_the_emulator_holds(
    emu: Emulator,
    client: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: dict[str, Any],
    unknown_written: bool,
) -> None:
    from scale_query.cli.data import _progress

    tag = "Fault"
    # 6 updates and 6 creates, batches of 3: the fault hits the third batch.
    rows = [[str(i), f"{tag}{i + 1}"] for i in range(1, 7)] + [
        ["", f"{tag}{line}"] for line in range(8, 14)
    ]
    path = _write_csv(tmp_path / "in.csv", ["id", "Ville"], rows)
    advance = _progress.Progress.advance

    def fault_before_third_batch(self: _progress.Progress, count: int) -> None:
        advance(self, count)
        if self.count == 6:
            emu.set_faults(**fault)

    monkeypatch.setattr(_progress.Progress, "advance", fault_before_third_batch)
    report = tmp_path / "report.csv"
    code, _, err = _run(
        capsys,
        "import",
        "contact",
        str(path),
        "--batch-size",
        "3",
        "--report",
        str(report),
        *_conn(emu),
    )
    assert code == 3  # the server failed: the I/O status
    outcome = {row["line"]: row for row in _csv(report)}
    assert sorted(outcome, key=int) == [str(n) for n in range(2, 14)]  # every line, once
    by_status: dict[str, set[str]] = {}
    for line, row in outcome.items():
        by_status.setdefault(row["status"], set()).add(f"{tag}{line}")
    held = _marked(client, tag)
    assert by_status["ok"] == {f"{tag}{n}" for n in range(2, 8)}
    assert len(by_status["unknown"]) == 3 and len(by_status["not-sent"]) == 3
    assert held - by_status["unknown"] == by_status["ok"]  # written: the ok ones...
    assert (by_status["unknown"] <= held) is unknown_written  # ...and the unknown, if applied
    assert not by_status["not-sent"] & held
    assert all(outcome[str(n)]["updated"] == "Y" for n in range(2, 8))
    assert "6 of 12 records written in" in err  # the ok ones only, each fate counted apart
    assert "6 updated, 3 unknown, 3 not-sent" in err
    assert emu.request_count("POST", "put_objects") == 3  # nothing sent twice


def test_import_report_as_jsonl_with_per_record_errors(
    emu: Emulator, client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Record 2 names an id that does not exist: the server refuses it alone.
    path = _write_csv(
        tmp_path / "in.csv", ["id", "Ville"], [["", "ReportA"], ["99999999", "ReportB"]]
    )
    report = tmp_path / "report.jsonl"
    code, _, err = _run(
        capsys, "import", "contact", str(path), "--report", str(report), *_conn(emu)
    )
    assert code == 1 and "1 created, 0 updated, 1 failed" in err
    first, second = (json.loads(line) for line in report.read_text().splitlines())
    assert first["status"] == "ok" and first["created"] is True and first["line"] == 2
    assert client.get_by_id("contact", first["id"]).data["Ville"] == "ReportA"  # type: ignore[union-attr]
    assert second["status"] == "failed" and second["line"] == 3 and second["error"]


# connection ------------------------------------------------------------------------------------


def test_connection_errors_name_the_host_and_the_setting(
    emu: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _run(capsys, "objects")
    assert code == 2 and "pass --token, set SCALE_TOKEN, or try --demo" in err
    monkeypatch.setenv("SCALE_TOKEN", "wrong-token")
    code, _, err = _run(capsys, "objects", "--instance", emu.instance, "--base-url", emu.base_url)
    assert code == 2
    assert f"127.0.0.1:{emu.port} refused the API token (401): check the token (SCALE_TOKEN)" in err
    assert "wrong-token" not in err
    code, _, err = _run(
        capsys,
        "schema",
        "contact",
        *_conn(emu)[:2],
        "--instance",
        "nope",
        "--base-url",
        emu.base_url,
    )
    assert code == 2 and "check the instance id (--instance)" in err


def test_demo_works_with_no_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    target = tmp_path / "gmail.csv"
    code, _, err = _run(
        capsys,
        "export",
        "contact",
        "--demo",
        "--where",
        'EMail $like "*gmail*"',
        "--fields",
        "Nom,EMail",
        "-o",
        str(target),
    )
    assert code == 0, err
    rows = _csv(target)
    assert len(rows) > 1000 and all("@gmail.com" in row["EMail"] for row in rows)
    code, _, err = _run(capsys, "objects", "--demo", "--token", "x")
    assert code == 2 and "--demo brings its own datamart" in err


@pytest.mark.slow
def test_the_demo_tour_ends_with_export_and_import(capsys: pytest.CaptureFixture[str]) -> None:
    from scale_query.cli._demo import EXPORT_COMMAND, IMPORT_COMMANDS

    code, out, _ = _run(capsys, "demo")
    assert code == 0
    last = out.split("6. The same jobs from the command line: export and import")[1]
    for command in (EXPORT_COMMAND, *IMPORT_COMMANDS):
        assert f"$ {command}" in last
    assert "exported 5 records" in last and "all 5 records are valid" in last
    assert "line,id,status,created,updated,error" in last
    assert last.count(",ok,N,Y,") == 5


@pytest.mark.slow  # a subprocess per command
def test_only_the_commands_that_need_it_import_pyarrow(emu: Emulator, tmp_path: Path) -> None:
    # (rich cannot be tested the same way: httpx itself imports it, for its own
    # command line, whenever click and rich are installed.)
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from scale_query.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, 'pyarrow' in sys.modules, file=sys.stderr)\n"
    )

    def loaded(*argv: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
        return done.stderr.strip().splitlines()[-1]

    assert loaded("export", "contact", *_conn(emu), "--limit", "600", "--quiet") == "0 False"
    assert loaded("objects", *_conn(emu)) == "0 False"
    parquet = ("export", "products", *_conn(emu), "--format", "parquet", "--quiet")
    assert loaded(*parquet, "-o", "products.parquet") == "0 True"


@pytest.mark.parametrize(
    ("base_url", "says", "never"),
    [
        ("https://secret-tok@h.example/v1/datamart", "pass the token as --token", "token="),
        ("http://h.example/v1/datamart", "use https://", "allow_insecure"),
    ],
)
def test_a_base_url_refused_says_what_to_do_on_the_command_line(
    capsys: pytest.CaptureFixture[str], base_url: str, says: str, never: str
) -> None:
    # The command line has no token= or allow_insecure=True: it names what it has.
    code, _, err = _run(
        capsys, "objects", "--token", "t0k", "--instance", "demo", "--base-url", base_url
    )
    assert code == 2 and says in err and never not in err, err
    assert "secret-tok" not in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--fields", ","), ("--fields", "Nom,,EMail"), ("--fields", ""), ("--sort", " , ")],
)
def test_export_refuses_an_empty_name_in_a_list_as_the_url_rules_do(
    emu: Emulator, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    # "--fields ," exported every field: the API answers fields=, with a 400.
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), option, value)
    assert code == 2 and f"{option}: " in err and "separated by commas" in err, err
    assert emu.request_count("GET", "get_objects") == 0


@pytest.mark.parametrize(
    "argv", [["--fields", "A" * 3000], ["--sort", "B" * 3000], ["--limit", "9" * 5000]]
)
def test_export_shows_a_huge_argument_shortened(
    emu: Emulator, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = _run(capsys, "export", "contact", *_conn(emu), *argv)
    assert code == 2 and len(err) < 400, err
