"""tests/servers.py starts a real server, and leaves nothing behind: no process, no directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import servers


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_mariadb_answers_then_leaves_nothing_behind() -> None:
    servers.require_mariadb()
    with servers.mariadb() as server:
        connection = server.connect()
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@skip_networking, @@socket")
            assert cursor.fetchone() == (1, server.socket)
        connection.close()
        folder = Path(server.socket).parent
        assert folder.is_dir()
    assert _gone(server.pid) and not folder.exists()


@pytest.mark.slow
def test_postgres_answers_then_leaves_nothing_behind() -> None:
    servers.require_postgres()
    with servers.postgres() as server:
        with server.connect() as connection:
            row = connection.execute("SHOW listen_addresses").fetchone()
            assert row == ("",)
        assert Path(server.host).is_dir()
    assert _gone(server.pid) and not Path(server.host).exists()


def test_a_missing_server_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    absent = servers.missing("/nonexistent/mariadbd")
    assert absent == "/nonexistent/mariadbd"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="MariaDB is not installed"):
        servers.require(absent, "MariaDB")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="MariaDB is not installed"):
        servers.require(absent, "MariaDB")
    servers.require(servers.missing("sh"), "a shell")  # present: neither
