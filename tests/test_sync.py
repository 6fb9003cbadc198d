"""scale_query.dlt and ``scale-query sync``: dlt into DuckDB, over real HTTP against the emulator.

The table after each run is compared with what the emulator serves (typed);
requests are counted by the emulator itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dlt")
duckdb = pytest.importorskip("duckdb")

import scale_query as sq  # noqa: E402
from scale_query.cli import main  # noqa: E402
from scale_query.dlt import SyncStats, destination, sync  # noqa: E402
from scale_query.dlt._source import _settled  # noqa: E402
from scale_query.emulator import serve  # noqa: E402

slow = pytest.mark.slow


def _client(emu: Any) -> sq.Client:
    return sq.Client(emu.token, emu.instance, base_url=emu.base_url)


def _sync(emu: Any, folder: Path, objects: list[str], **options: Any) -> SyncStats:
    stats = SyncStats()
    with _client(emu) as client:
        sync(
            objects,
            client=client,
            to=f"duckdb:{folder / 'copy.duckdb'}",
            pipelines_dir=folder / "pipelines",
            stats=stats,
            **options,
        )
    return stats


def _table(folder: Path, name: str) -> dict[int, dict[str, Any]]:
    """The table's rows by id, without dlt's and scale-query's own columns."""
    with duckdb.connect(str(folder / "copy.duckdb"), read_only=True) as db:
        cursor = db.execute(f'SELECT * FROM scale."{name}"')
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    return {
        row["id"]: {k: v for k, v in row.items() if not k.startswith("_") and k != "id"}
        for row in rows
    }


def _server(emu: Any, name: str, where: str | None = None) -> dict[int, dict[str, Any]]:
    query = sq.Query(name) if where is None else sq.Query(name).where(where)
    with _client(emu) as client:
        return {r.id: dict(r.data) for r in client.iter(query, typed=True)}


@slow
def test_first_load_is_typed_and_holds_the_server_records(scale_emulator: Any, tmp_path: Path):
    stats = _sync(scale_emulator, tmp_path, ["contact"])
    server = _server(scale_emulator, "contact")
    assert _table(tmp_path, "contact") == server
    assert stats.objects["contact"].new == len(server) and stats.objects["contact"].updated == 0
    with duckdb.connect(str(tmp_path / "copy.duckdb"), read_only=True) as db:
        types = dict(
            db.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'contact'"
            ).fetchall()
        )
    # Spelled as the datamart spells them (case kept), typed by object_info.
    assert types["DateNaissance"] == "DATE"
    assert types["id"] == types["id_contact"] == "BIGINT"
    assert types["Nom"] == "VARCHAR"


@slow
def test_a_second_run_with_nothing_changed_reads_no_records(scale_emulator: Any, tmp_path: Path):
    _sync(scale_emulator, tmp_path, ["contact"], detect_deletes=True)
    scale_emulator.faults.reset_counts()
    stats = _sync(scale_emulator, tmp_path, ["contact"], detect_deletes=True)
    assert stats.objects["contact"].skipped
    assert scale_emulator.request_count("GET", "get_objects") == 0
    # The summary's count is the emulator's: the list and the object's metadata.
    assert stats.requests == scale_emulator.request_count() == 2


@slow
def test_updates_creations_and_deletions_are_counted_exactly(scale_emulator: Any, tmp_path: Path):
    _sync(scale_emulator, tmp_path, ["contact"])
    with _client(scale_emulator) as client:
        client.put("contact", [{"id": i, "data": {"Nom": f"Changé {i}"}} for i in (5, 6, 7)])
        client.put("contact", [{"id": 0, "data": {"Nom": "Nouveau"}}] * 2)
    assert scale_emulator.delete("contact", [9, 123456]) == [9]
    scale_emulator.faults.reset_counts()
    stats = _sync(scale_emulator, tmp_path, ["contact"], detect_deletes=True)
    assert stats.requests == scale_emulator.request_count()
    counts = stats.objects["contact"]
    assert (counts.new, counts.updated, counts.deleted) == (2, 3, 1)
    assert _table(tmp_path, "contact") == _server(scale_emulator, "contact")


def _orders(count: int) -> dict[str, Any]:
    start = dt.datetime(2024, 1, 1)
    records = [
        {
            "data": {
                "Ref": f"R{n}",
                "Prix": f"{n}.25",
                "Jour": (start + dt.timedelta(days=n % 300)).date().isoformat(),
                "Modif": (start + dt.timedelta(minutes=n)).isoformat(sep=" "),
            }
        }
        for n in range(1, count + 1)
    ]
    fields = {
        "Ref": {"attribs": {"type": "text"}},
        "Prix": {"attribs": {"type": "decimal"}},
        "Jour": {"attribs": {"type": "date"}},
        "Modif": {"attribs": {"type": "datetime"}},
    }
    return {
        "objects": {"commande": {"fields": fields, "records": records}},
        "profiles": [{"name": "app", "token": "orders-token"}],
    }


@slow
def test_a_cursor_reads_only_what_moved_and_deletes_are_found(tmp_path: Path):
    with serve(datamart=_orders(1200)) as emu:
        first = _sync(emu, tmp_path, ["commande"], cursor={"commande": "Modif"}, lag=0)
        assert first.objects["commande"].new == 1200
        later = "2030-01-01 00:00:00"
        with _client(emu) as client:
            client.put(
                "commande", [{"id": i, "data": {"Prix": "1.5", "Modif": later}} for i in (3, 4)]
            )
        assert emu.delete("commande", [10]) == [10]
        emu.faults.reset_counts()
        second = _sync(
            emu, tmp_path, ["commande"], cursor={"commande": "Modif"}, lag=0, detect_deletes=True
        )
        counts = second.objects["commande"]
        # The last maximum (record 1200, read again: lag 0 keeps the bound) and the two moved.
        assert counts.read - 1199 == 3  # then the ids listed for deletions: 1199 records
        assert (counts.new, counts.updated, counts.deleted) == (0, 2, 1)
        table = _table(tmp_path, "commande")
        assert table == _server(emu, "commande")
        assert table[3]["Prix"] == Decimal("1.5") and table[3]["Modif"] == dt.datetime(2030, 1, 1)
        assert isinstance(table[3]["Jour"], dt.date)


@slow
def test_where_is_pushed_into_the_api(tmp_path: Path):
    where = "Prix $lt 300"
    with serve(datamart=_orders(1200)) as emu:
        stats = _sync(emu, tmp_path, ["commande"], where=where)
        assert emu.request_count("GET", "get_objects") == stats.objects["commande"].requests == 1
        assert _table(tmp_path, "commande") == _server(emu, "commande", where)
        assert stats.objects["commande"].read == 299


@slow
def test_a_run_killed_with_sigkill_is_finished_by_the_next(tmp_path: Path):
    with serve(datamart=_orders(2000), latency=0.2) as emu:
        command = [
            sys.executable, "-m", "scale_query", "sync", "commande", "-q",
            "--to", f"duckdb:{tmp_path / 'copy.duckdb'}", "--pipelines-dir", str(tmp_path / "p"),
            "--base-url", emu.base_url, "--instance", emu.instance,
        ]  # fmt: skip
        env = {**os.environ, "SCALE_TOKEN": emu.token}
        child = subprocess.Popen(command, env=env)
        try:
            # Killed mid-read: once two chunks went out (the emulator counts them).
            deadline = time.monotonic() + 120
            while emu.request_count("GET", "get_objects") < 2:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.02)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        emu.clear_faults()
        with _client(emu) as client:
            client.put("commande", [{"id": 1, "data": {"Ref": "Après"}}])
        rerun = subprocess.run(
            [*command, "--detect-deletes"], env=env, capture_output=True, text=True
        )
        assert rerun.returncode == 0, rerun.stderr
        assert _table(tmp_path, "commande") == _server(emu, "commande")


def test_update_times_settle_after_two_seconds():
    now = dt.datetime(2024, 5, 1, 12, 0, 10)
    assert _settled("2024-05-01 12:00:08", now)
    assert not _settled("2024-05-01 12:00:09", now)
    assert not _settled("", now) and not _settled("soon", now)


def test_destinations_are_read_or_refused_in_one_line():
    assert destination("duckdb:a/b.duckdb").path == "a/b.duckdb"
    assert destination("parquet:out").name == "filesystem"
    assert destination("motherduck").name == "motherduck"
    for bad in ("duckdb:", "x:y", "no such", ""):
        with pytest.raises(ValueError, match=r"destination|path"):
            destination(bad)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "x:y"], "--to: 'x:y' is not a destination"),
        (["--cursor", "contact"], "expected OBJECT=FIELD"),
        (["--lag", "-1"], "must be a finite number"),
        (["--demo", "--token", "t"], "--demo brings its own datamart"),
    ],
)
def test_usage_errors_are_one_line(argv: list[str], message: str, capsys: Any):
    assert main(["sync", "contact", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_bad_filter_or_cursor_is_one_line_and_reads_nothing(
    scale_emulator: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
):
    monkeypatch.setenv("SCALE_TOKEN", scale_emulator.token)
    base = [
        "sync",
        "contact",
        "--base-url",
        scale_emulator.base_url,
        "--instance",
        "demo",
        "--to",
        f"duckdb:{tmp_path / 'x.duckdb'}",
        "--pipelines-dir",
        str(tmp_path),
    ]
    assert main([*base, "--cursor", "contact=Nom"]) == 2
    assert "cursor 'Nom' of 'contact': a text field" in capsys.readouterr().err
    assert main([*base[:2], "nope", *base[2:]]) == 2
    assert "no object 'nope'" in capsys.readouterr().err
    assert scale_emulator.request_count("GET", "get_objects") == 0


def test_importing_the_package_and_its_doors_loads_neither_dlt_nor_spark() -> None:
    code = (
        "import sys, scale_query, scale_query.dlt, scale_query.spark\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dlt', 'pyspark', 'py4j'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "[]\n", done.stderr


@pytest.mark.slow
def test_a_full_refresh_drops_the_table_and_reads_everything(tmp_path: Path) -> None:
    with serve(datamart=_orders(600)) as emu:
        _sync(emu, tmp_path, ["commande"])
        with duckdb.connect(str(tmp_path / "copy.duckdb")) as db:
            db.execute('DELETE FROM scale."commande" WHERE id <= 100')  # behind dlt's back
        again = _sync(emu, tmp_path, ["commande"])
        # The table lost rows: the skip is off, the 100 come back as new.
        assert not again.objects["commande"].skipped and again.objects["commande"].new == 100
        emu.faults.reset_counts()
        full = _sync(emu, tmp_path, ["commande"], full_refresh=True)
        counts = full.objects["commande"]
        assert counts.new == 600 and emu.request_count("GET", "get_objects") == counts.requests
        assert _table(tmp_path, "commande") == _server(emu, "commande")
