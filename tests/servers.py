"""Real database servers for the differential tests: MariaDB and Postgres, started here.

Each server comes from Debian's packages (``.ci/run`` installs ``mariadb-server``
and ``postgresql``), runs on a Unix socket in a fresh temporary directory
(no TCP port, nothing shared with a system instance), and is stopped and its
directory removed when the context manager exits, whatever happened inside.

Readiness is decided by polling a real connection, never by sleeping for a
guessed time; the poll gives up (and the start fails, with the server's log)
only if the server exits or is still not answering after ``START_BOUND``
seconds, a bound far above a normal start (about a second each here).

When a server's binaries are absent, :func:`missing` says which: the tests
skip on a developer's machine but fail in CI (``CI`` set, as ``.ci/run`` does),
where a missing server is a broken set-up, not a reason to prove nothing.

>>> missing("nonexistent-server-binary") is not None
True
"""

from __future__ import annotations

import contextlib
import getpass
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# A start slower than this is a failure (with the server's log), not a wait.
START_BOUND = 60.0
# After SIGTERM, a server that has not exited within this is killed.
STOP_BOUND = 20.0
POLL_EVERY = 0.05


def missing(*programs: str) -> str | None:
    """The first of ``programs`` not found on PATH (or as a path), None when all are there."""
    for program in programs:
        if shutil.which(program) is None and not Path(program).is_file():
            return program
    return None


def require(program: str | None, server: str) -> None:
    """Skip (locally) or fail (in CI) when a server's ``program`` is missing."""
    if program is None:
        return
    message = f"{server} is not installed ({program} not found): .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_mariadb() -> None:
    """Skip (locally) or fail (in CI) when MariaDB's server or installer is missing."""
    require(missing(_sbin(MARIADBD), _sbin(MARIADB_INSTALL_DB)), "MariaDB")


def require_postgres() -> None:
    """Skip (locally) or fail (in CI) when Debian's Postgres binaries are missing."""
    require(None if postgres_bin() else "/usr/lib/postgresql/*/bin/postgres", "Postgres")


def _wait_ready(process: subprocess.Popen[bytes], log: Path, try_connect: Callable[[], Any]) -> Any:
    """Poll ``try_connect`` until it returns a connection; fail if the server dies or hangs."""
    deadline = time.monotonic() + START_BOUND
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{_tail(log)}")
        try:
            return try_connect()
        except Exception as error:  # not up yet: the driver's own connection errors
            last = error
        time.sleep(POLL_EVERY)
    raise RuntimeError(f"the server did not answer within {START_BOUND} s ({last}):\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes], stop_signal: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(STOP_BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _run(command: list[str], log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{_tail(log)}")


# -- MariaDB -----------------------------------------------------------------

MARIADBD = "mariadbd"
MARIADB_INSTALL_DB = "mariadb-install-db"


@dataclass(frozen=True)
class MariaDB:
    """A running MariaDB: connect as root (grant tables are off) over ``socket``."""

    socket: str
    pid: int

    def connect(self, database: str | None = None, **options: Any) -> Any:
        import pymysql

        return pymysql.connect(
            unix_socket=self.socket,
            user="root",
            database=database,
            charset="utf8mb4",
            autocommit=True,
            **options,
        )


def _sbin(program: str) -> str:
    # Debian puts mariadbd in /usr/sbin, which a non-root PATH may lack.
    return shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/bin") or program


@contextlib.contextmanager
def mariadb() -> Iterator[MariaDB]:
    """Start MariaDB in a temporary directory; stop it and remove the directory on exit."""
    server, install = _sbin(MARIADBD), _sbin(MARIADB_INSTALL_DB)
    user = ["--user=" + getpass.getuser()] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory(prefix="sq-mariadb-") as folder:
        root = Path(folder)
        log = root / "server.log"
        _run(
            [
                install,
                "--no-defaults",
                f"--datadir={root / 'data'}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *user,
            ],
            log,
        )
        socket = str(root / "mysql.sock")
        process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={root / 'data'}",
                f"--socket={socket}",
                f"--pid-file={root / 'mariadbd.pid'}",
                f"--log-error={log}",
                "--skip-networking",
                "--skip-grant-tables",
                "--innodb-buffer-pool-size=32M",
                *user,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            running = MariaDB(socket, process.pid)
            _wait_ready(process, log, running.connect).close()
            yield running
        finally:
            _stop(process)


# -- Postgres ----------------------------------------------------------------


def postgres_bin() -> Path | None:
    """Debian's Postgres binaries (/usr/lib/postgresql/N/bin), the newest; None when absent."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


@dataclass(frozen=True)
class Postgres:
    """A running Postgres: connect as ``user`` to ``postgres`` via the socket in ``host``."""

    host: str
    user: str
    pid: int

    def connect(self, **options: Any) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.host, user=self.user, dbname="postgres", autocommit=True, **options
        )


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """Start Postgres in a temporary directory; stop it and remove the directory on exit.

    initdb and postgres refuse to run as root: as root they run as the
    ``postgres`` user Debian's package creates (``setpriv``, which execs, so the
    process we signal is the server itself), in a directory given to that user.
    """
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("Postgres is not installed")
    as_user: list[str] = []
    user = getpass.getuser()
    with tempfile.TemporaryDirectory(prefix="sq-postgres-") as folder:
        root = Path(folder)
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(root, owner.pw_uid, owner.pw_gid)
            as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
            user = "postgres"
        log = root / "server.log"
        data = root / "data"
        _run(
            [
                *as_user,
                str(binaries / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            root / "initdb.log",
        )
        with log.open("ab") as out:
            process = subprocess.Popen(
                [
                    *as_user,
                    str(binaries / "postgres"),
                    "-D",
                    str(data),
                    "-k",
                    str(root),
                    "-c",
                    "listen_addresses=",
                    "-c",
                    "fsync=off",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            running = Postgres(str(root), user, process.pid)
            _wait_ready(process, log, running.connect).close()
            yield running
        finally:
            # SIGINT is Postgres's "fast" shutdown: it ends the sessions still open.
            _stop(process, signal.SIGINT)
