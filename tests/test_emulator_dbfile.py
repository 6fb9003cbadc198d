"""``--db FILE``: the emulator uses its own SQLite files and leaves every other file alone."""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import TLS

from scale_query.cli import main
from scale_query.emulator import build, serve
from scale_query.emulator._dbfile import APPLICATION_ID

MART: dict[str, Any] = {
    "objects": {
        "client": {
            "fields": {"Nom": {"attribs": {"type": "text", "length": "20"}}},
            "records": [{"id": 1, "data": {"Nom": "Zoé"}}],
        }
    },
    "profiles": [{"name": "app", "token": "s3cret"}],
}
HEADERS = {"Authorization": "Bearer s3cret"}


def _write(base: str, name: str) -> None:
    response = httpx.post(
        f"{base}/demo/put_objects/client",
        headers=HEADERS,
        data={"objects": json.dumps([{"id": 0, "data": {"Nom": name}}])},
    )
    assert response.json()["objects"][0]["status"] == "OK"


def _names(base: str) -> list[str]:
    response = httpx.get(f"{base}/demo/get_objects/client", headers=HEADERS, verify=TLS)
    return [r["data"]["Nom"] for r in response.json()["objects"]]


def _foreign(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE invoices (n INTEGER, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
        conn.commit()


def _invoices(path: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT * FROM invoices").fetchall()


def test_its_own_file_is_marked_and_kept_across_runs(tmp_path: Path) -> None:
    db = tmp_path / "mart.sqlite"
    with serve(datamart=MART, db=db) as emu:
        _write(emu.base_url, "Durable")
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    with serve(datamart=MART, db=db) as emu:
        assert _names(emu.base_url) == ["Zoé", "Durable"]
    with serve(datamart=MART, db=db, reset=True) as emu:
        assert _names(emu.base_url) == ["Zoé"]


@pytest.mark.parametrize("reset", [False, True])
def test_a_database_of_another_application_is_refused_and_untouched(
    tmp_path: Path, reset: bool
) -> None:
    db = tmp_path / "accounts.sqlite"
    _foreign(db)
    before = db.read_bytes()
    with pytest.raises(ValueError, match="did not create") as caught:
        build(datamart=MART, db=db, reset=reset)
    assert "invoices" in str(caught.value) and "new file name" in str(caught.value)
    assert db.read_bytes() == before and _invoices(db) == [(1, 9.5)]


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not SQLite at all\n" * 100, encoding="utf-8")
    before = notes.read_bytes()
    assert main(["serve", "--datamart", _mart_file(tmp_path), "--db", str(notes)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an SQLite database" in err and "Traceback" not in err
    assert notes.read_bytes() == before


def test_a_folder_and_a_foreign_database_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--datamart", _mart_file(tmp_path), "--db", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    db = tmp_path / "accounts.sqlite"
    _foreign(db)
    assert main(["serve", "--datamart", _mart_file(tmp_path), "--db", str(db), "--reset"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not create" in err
    assert _invoices(db) == [(1, 9.5)]


def test_a_changed_definition_needs_reset(tmp_path: Path) -> None:
    db = tmp_path / "mart.sqlite"
    with serve(datamart=MART, db=db) as emu:
        _write(emu.base_url, "Ancien")
    changed = json.loads(json.dumps(MART))
    changed["objects"]["client"]["records"].append({"id": 2, "data": {"Nom": "Neuf"}})
    with pytest.raises(ValueError, match="--reset starts it afresh"):
        build(datamart=changed, db=db)
    with serve(datamart=changed, db=db, reset=True) as emu:
        assert _names(emu.base_url) == ["Zoé", "Neuf"]


@pytest.mark.parametrize("content", [b"", None])
def test_an_empty_or_absent_file_is_created(tmp_path: Path, content: bytes | None) -> None:
    db = tmp_path / "new.sqlite"
    if content is not None:
        db.write_bytes(content)
    with serve(datamart=MART, db=db) as emu:
        assert _names(emu.base_url) == ["Zoé"]


def test_the_temporary_store_is_removed_on_stop() -> None:
    with serve(datamart=MART) as emu:
        path = emu.api.store.path
        assert path.exists()
    assert not path.exists() and not Path(f"{path}-wal").exists()


def _mart_file(folder: Path) -> str:
    path = folder / "mart.json"
    path.write_text(json.dumps(MART), encoding="utf-8")
    return str(path)


def test_a_database_holding_only_a_view_is_refused_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "reports.sqlite"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE VIEW answer AS SELECT 42 AS n")
    before = db.read_bytes()
    with pytest.raises(ValueError, match="did not create") as caught:
        build(datamart=MART, db=db, reset=True)
    assert "view answer" in str(caught.value)
    assert db.read_bytes() == before
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT n FROM answer").fetchall() == [(42,)]


@pytest.mark.parametrize("reset", [False, True])
def test_a_file_in_use_by_a_running_emulator_is_refused(tmp_path: Path, reset: bool) -> None:
    db = tmp_path / "mart.sqlite"
    with serve(datamart=MART, db=db) as emu:
        _write(emu.base_url, "Running")
        with pytest.raises(ValueError, match="in use by another scale-query serve"):
            build(datamart=MART, db=db, reset=reset)
        assert _names(emu.base_url) == ["Zoé", "Running"]
    with serve(datamart=MART, db=db) as emu:  # free again once the first stopped
        assert _names(emu.base_url) == ["Zoé", "Running"]


def test_serve_on_a_file_in_use_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "mart.sqlite"
    mart = _mart_file(tmp_path)
    with serve(datamart=MART, db=db) as emu:
        _write(emu.base_url, "Kept")
        argv = ["serve", "--datamart", mart, "--db", str(db), "--reset", "--port", "0"]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "in use by another scale-query serve" in err
        assert _names(emu.base_url) == ["Zoé", "Kept"]


def _serve_on_a_full_disk(db: Path) -> subprocess.CompletedProcess[str]:
    """``serve --db`` where no file may grow past 64 KiB: writes fail as on a full disk."""

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "scale_query.cli",
            "serve",
            "--demo",
            "--port",
            "0",
            "--db",
            str(db),
        ],
        preexec_fn=full_disk,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("content", [None, b""])
def test_a_full_disk_is_one_line_and_leaves_no_half_made_file(
    tmp_path: Path, content: bytes | None
) -> None:
    db = tmp_path / "mart.sqlite"
    if content is not None:
        db.write_bytes(content)
    done = _serve_on_a_full_disk(db)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "cannot write" in done.stderr and "disk" in done.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("mart.sqlite"))
    assert left == ([] if content is None else ["mart.sqlite"])
    assert content is None or db.read_bytes() == content
    # The next run (with room) takes the file as new.
    with serve(datamart=MART, db=db) as emu:
        assert _names(emu.base_url) == ["Zoé"]
