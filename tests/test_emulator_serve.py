"""serve() with a datamart of one's own, --db persistence, and `scale-query serve`."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import TLS

from scale_query.cli import main
from scale_query.cli._serve import _announce, _is_loopback, configure
from scale_query.client._protocol import Settings
from scale_query.client._query import check_name
from scale_query.emulator import build, load_datamart, serve
from scale_query.emulator._faults import FAULT_SWITCHES, FaultState
from scale_query.emulator._names import check_instance, check_token

MART: dict[str, Any] = {
    "objects": {
        "client": {
            "fields": {
                "Nom": {"attribs": {"type": "text", "length": "20"}, "read": "Y", "write": "Y"},
                "Score": {"attribs": {"type": "int"}, "read": "Y", "write": "N"},
            },
            "records": [{"id": 5, "data": {"Nom": "Zoé", "Score": "3"}}, {"data": {"Nom": "al"}}],
        },
        "visite": {
            "fields": {"Jour": {"attribs": {"type": "date"}}},
            "links": ["client"],
            "records": [{"data": {"Jour": "2024-01-02"}, "link": {"client": 6}}],
        },
    },
    "profiles": [
        {"name": "app", "token": "s3cret"},
        {"token": "lecteur", "objects": {"client": {"read": ["Nom"], "write": []}}},
    ],
}


def _get(base: str, path: str, token: str, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{base}/{path}", params=params, headers=headers, verify=TLS)


def test_own_datamart_instance_and_page_cap() -> None:
    with serve(datamart=MART, instance="acme", max_page_size=1) as emu:
        assert (emu.instance, emu.token) == ("acme", "s3cret")
        base = f"{emu.base_url}/acme"
        first = _get(base, "get_objects/client", "s3cret").json()["objects"]
        assert first == [{"id": "5", "data": {"id_client": "5", "Nom": "Zoé", "Score": "3"}}]
        nxt = _get(base, "get_objects/client", "s3cret", offset="1").json()["objects"]
        assert nxt[0]["id"] == "6"  # id 0 in a definition takes the next free id
        visit = _get(base, "get_objects/visite", "s3cret").json()["objects"][0]
        assert visit["link"] == {"client": "6"} and visit["data"]["id_client"] == "6"
        sorted_ = _get(base, "get_objects/client", "s3cret", sort_by='{"Nom":"asc"}').json()
        assert sorted_["objects"][0]["data"]["Nom"] == "al"  # case-insensitive order
        assert _get(base, "get_objects/visite", "lecteur").status_code == 403
        assert _get(base, "get_objects/client", "lecteur", fields="Score").status_code == 403


def test_token_argument_replaces_the_profiles_unless_kept() -> None:
    with serve(datamart=MART, token=["autre", "encore"]) as emu:
        assert emu.token == "autre"
        base = f"{emu.base_url}/demo"
        assert _get(base, "get_object_list", "autre").status_code == 200
        assert _get(base, "get_object_list", "encore").status_code == 200
        assert _get(base, "get_object_list", "s3cret").status_code == 401
    with serve(datamart=MART, token="autre", keep_profiles=True) as emu:
        assert _get(f"{emu.base_url}/demo", "get_object_list", "s3cret").status_code == 200
        assert [t for t, _ in emu.profiles] == ["s3cret", "lecteur", "autre"]


def test_db_file_keeps_data_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "mart.sqlite"
    with serve(datamart=MART, db=db) as emu:
        httpx.post(
            f"{emu.base_url}/demo/put_objects/client",
            headers={"Authorization": "Bearer s3cret"},
            data={"objects": json.dumps([{"id": 0, "data": {"Nom": "Durable"}}])},
        )
    with serve(datamart=MART, db=db) as emu:
        found = _get(
            f"{emu.base_url}/demo", "get_objects/client", "s3cret", filter='Nom $eq "durable"'
        )
        assert len(found.json()["objects"]) == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"objects": []}, "JSON object"),
        ({"objects": {"a": {"links": ["b"]}}}, "'b' is not another object"),
        ({"objects": {"a": {"fields": {"id_a": {}}}}}, "reserved"),
        ({"objects": {"a": {"records": [{"id": 1}, {"id": 1}]}}}, "id 1 is taken"),
        (
            {
                "objects": {
                    "a": {
                        "fields": {"N": {"attribs": {"type": "int"}}},
                        "records": [{"data": {"N": "x"}}],
                    }
                }
            },
            "objects.a.records[0]: field 'N' is an integer field",
        ),
        ({"objects": {}, "profiles": [{"token": ""}]}, "profiles[0]: the 'token' is empty"),
        ({"objects": {}, "profiles": [{"token": "a b"}]}, "profiles[0]: the 'token' holds a"),
    ],
)
def test_bad_definitions_say_where(change: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        build(datamart={"profiles": [{"token": "t"}], **change})


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{nope", r"mart\.json: not valid JSON"),
        (b"[" * 100_000, r"mart\.json: not valid JSON \(nested too deeply\)"),
        (b'{"objects": "caf\xe9"}', r"mart\.json: not UTF-8 text"),
    ],
)
def test_load_errors_name_the_file(tmp_path: Path, data: bytes, words: str) -> None:
    broken = tmp_path / "mart.json"
    broken.write_bytes(data)
    with pytest.raises(ValueError, match=words):
        load_datamart(broken)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--datamart", "missing.json"], "cannot read"),
        ([], "--demo or --datamart"),
        (["--demo", "--port", "99999"], "not between 0 and 65535"),
        (["--demo", "--instance", "../etc"], "bad instance id '../etc'"),
        (["--demo", "--instance", ""], "bad instance id ''"),
        (["--demo", "--token", ""], "token is empty"),
        (["--demo", "--token", "sécret"], "non-ASCII"),
        (["--demo", "--token", "a b"], "a space"),
        (["--demo", "--admin-token", "demo-token"], "differ from every API token"),
        (["--demo", "--keep-profiles"], "--keep-profiles goes with --token"),
        (["--demo", "--reset"], "--reset goes with --db"),
        (["--demo", "--failure-rate", "2"], "probability"),
        (["--demo", "--unavailable", "x"], "invalid int value"),
    ],
)
def test_serve_command_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    argv = [str(tmp_path / a) if a.endswith(".json") else a for a in argv]
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert "sécret" not in err  # a token is never echoed


def test_every_fault_switch_is_a_serve_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    shown = capsys.readouterr().out
    assert all(switch.flag in shown for switch in FAULT_SWITCHES)
    assert {s.name for s in FAULT_SWITCHES} == set(FaultState().current())


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert _is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org"])
def test_hosts_beyond_this_machine(host: str) -> None:
    assert not _is_loopback(host)


def _start(
    *argv: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], list[str]]:
    """``scale-query serve ARGV --port 0``, and its banner up to ``Ctrl-C stops.``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scale_query.cli", "serve", *argv, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "Ctrl-C stops.":
        line = process.stdout.readline()
        assert line, f"serve ended early: {process.stderr.read() if process.stderr else ''}"
        lines.append(line.rstrip("\n"))
    return process, lines


def _stop(process: subprocess.Popen[str], how: signal.Signals = signal.SIGINT) -> str:
    process.send_signal(how)
    assert process.wait(timeout=20) == 0
    assert process.stderr is not None
    return process.stderr.read()


@pytest.mark.slow
def test_serve_demo_banner_tokens_and_admin(tmp_path: Path) -> None:
    # 0.0.0.0 to see the warning; the test itself only talks to 127.0.0.1.
    process, lines = _start("--demo", "--host", "0.0.0.0")
    try:
        text = "\n".join(lines)
        (export,) = [line.strip() for line in lines if line.strip().startswith("export ")]
        env = dict(item.split("=", 1) for item in shlex.split(export)[1:])
        base = env["SCALE_BASE_URL"]
        assert base.startswith("http://127.0.0.1:") and base.endswith("/v1/datamart")
        assert (env["SCALE_TOKEN"], env["SCALE_INSTANCE"]) == ("demo-token", "demo")
        for token in ("demo-token", "readonly-token", "marketing-token"):
            assert re.search(rf"^  {token} +\w+: ", text, re.MULTILINE), token
        assert "marketing: contact: read every field but Telephone, write Optin" in text
        admin = lines[lines.index(next(x for x in lines if x.startswith("Admin token"))) + 1]
        admin = admin.strip()
        url = f"{base}/demo"
        assert _get(url, "get_object_list", "marketing-token").json().keys() == {"contact"}
        reset = base.replace("/v1/datamart", "/_emulator/reset")
        assert (
            httpx.post(reset, headers={"Authorization": "Bearer readonly-token"}).status_code == 403
        )
        assert httpx.post(reset, headers={"Authorization": f"Bearer {admin}"}).status_code == 200
        spec = httpx.get(base.replace("/v1/datamart", "/openapi.json")).json()
        assert spec["servers"][0]["url"].endswith("/v1/datamart")
    finally:
        err = _stop(process)
    assert "warning: listening on 0.0.0.0" in err


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_serve_stopped_by_a_signal_removes_its_temporary_data(
    tmp_path: Path, how: signal.Signals
) -> None:
    # `kill`, `docker stop` or a closed terminal stop it as Ctrl-C does: the
    # banner's "gone when serve stops" holds, and a --db file is checkpointed.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process, lines = _start("--demo", env=env)
    assert any(line.split() == ["data", "a", "temporary", *line.split()[3:]] for line in lines)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("scale-emulator-")]
    _stop(process, how)
    assert [p.name for p in tmp_path.iterdir()] == []
    db = tmp_path / "kept.sqlite"
    process, _ = _start("--demo", "--db", str(db), env=env)
    _stop(process, how)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.sqlite"]


TINY_MART = {
    "objects": {"c": {"fields": {"Nom": {"attribs": {"type": "text"}}}}},
    "profiles": [{"name": "app", "token": "s3cret"}],
}


def _signal_once(how: signal.Signals, when: str, tmp: Path, db: bool) -> str | None:
    """Start serve, send ``how`` at ``when``; what went wrong, or None."""
    mart = tmp / "mart.json"
    tmp.mkdir()
    mart.write_text(json.dumps(TINY_MART), encoding="utf-8")
    data = tmp / "data"
    data.mkdir()
    argv = ["--datamart", str(mart), *(["--db", str(tmp / "kept.sqlite")] if db else [])]
    process, lines = _start(*argv, env={**os.environ, "TMPDIR": str(data)})
    try:
        if when == "serving":  # the server answered: uvicorn's own handlers are in place
            base = next(line.split()[-1] for line in lines if line.startswith("  base URL"))
            assert _get(f"{base}/demo", "get_object_list", "s3cret").status_code == 200
        process.send_signal(how)
        code = process.wait(timeout=60)
    finally:
        process.kill()  # a no-op once it stopped
        process.wait()
    assert process.stderr is not None and process.stdout is not None
    err, out = process.stderr.read(), process.stdout.read()
    left = sorted(p.name for p in data.iterdir())
    if code != 0 or left or "Traceback" in err or "Exception ignored" in err:
        return f"{how.name} at {when} (db={db}): exit {code}, left {left}, stderr {err!r}"
    if "stopped." not in out:
        return f"{how.name} at {when} (db={db}): no 'stopped.' in {out!r}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_serve_stops_on_every_signal_at_every_point_twenty_times(
    tmp_path: Path, how: signal.Signals
) -> None:
    # A signal right after the banner raised KeyboardInterrupt wherever the main
    # thread was; inside a weakref callback Python swallowed it and serve kept
    # running (3 runs in 8 with SIGHUP). Each signal, 20 times at each point,
    # four servers at once (a loaded machine widens the windows), half with --db.
    from concurrent.futures import ThreadPoolExecutor

    runs = [(when, i) for when in ("banner", "serving") for i in range(20)]
    with ThreadPoolExecutor(4) as pool:
        failures = pool.map(
            lambda run: _signal_once(
                how, run[0], tmp_path / f"{run[0]}-{run[1]}", db=run[1] % 2 == 1
            ),
            runs,
        )
        found = [failure for failure in failures if failure]
    assert found == []


@pytest.mark.slow
def test_serve_stops_on_a_signal_even_with_a_request_held_by_latency(tmp_path: Path) -> None:
    # uvicorn waits for requests in flight before it stops; one held by a long
    # latency fault kept `kill` from stopping serve at all.
    import threading

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process, lines = _start("--demo", "--latency", "3600", "--admin-token", "adm1n-t0ken", env=env)
    (export,) = [line.strip() for line in lines if line.strip().startswith("export ")]
    base = dict(item.split("=", 1) for item in shlex.split(export)[1:])["SCALE_BASE_URL"]
    held = threading.Thread(
        target=lambda: httpx.get(
            f"{base}/demo/get_object_list",
            headers={"Authorization": "Bearer demo-token"},
            timeout=None,
        ),
        daemon=True,
    )
    held.start()
    requests = base.replace("/v1/datamart", "/_emulator/requests")
    admin = {"Authorization": "Bearer adm1n-t0ken"}
    try:
        while not httpx.get(requests, headers=admin).json():  # the request is in its latency
            pass
        _stop(process, signal.SIGTERM)
    finally:
        process.kill()  # a no-op once it stopped
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.slow
def test_serve_with_tokens_accepts_only_those(tmp_path: Path) -> None:
    mart = tmp_path / "mart.json"
    mart.write_text(json.dumps(MART), encoding="utf-8")
    process, lines = _start("--datamart", str(mart), "--token", "tok", "--token", "tok2")
    try:
        base = next(line.split()[-1] for line in lines if line.startswith("  base URL"))
        for token, status in (("tok", 200), ("tok2", 200), ("s3cret", 401), ("demo-token", 401)):
            assert _get(f"{base}/demo", "get_object_list", token).status_code == status, token
        assert [line.split()[0] for line in lines if line.startswith("  tok")] == ["tok", "tok2"]
    finally:
        err = _stop(process)
    assert "warning" not in err


def _accepts(check: Any, value: str) -> bool:
    try:
        check(value)
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize(
    "instance",
    ["demo", "acme-2", "a.b", "_x", "é7", "../x", ".x", "-x", "a..b", "a/b", "", "a b", "a?b"],
)
def test_serve_takes_the_instance_ids_the_client_takes(instance: str) -> None:
    assert _accepts(check_instance, instance) == _accepts(
        lambda v: check_name("instance id", v), instance
    )


@pytest.mark.parametrize(
    "token",
    ["demo-token", "a~!/+=", "", " a", "a ", "a\nb", "sécret", "a\tb", "x" * 4096, "\x7f", "a\x00"],
)
def test_serve_takes_the_tokens_the_client_takes(token: str) -> None:
    def client(value: str) -> None:
        Settings.resolve(value, "demo", "http://127.0.0.1:9/v1/datamart", environ={})

    assert _accepts(check_token, token) == _accepts(client, token)


def test_the_docs_list_every_serve_option_and_fault_switch() -> None:
    parser = argparse.ArgumentParser()
    configure(parser)
    docs = (Path(__file__).resolve().parent.parent / "docs" / "emulator.md").read_text("utf-8")
    options = set(re.findall(r"--[a-z][a-z-]+", parser.format_help())) - {"--help"}
    assert len(options) > 15 and {o for o in options if f"`{o}" not in docs} == set()
    assert all(f"`{switch.name}=" in docs for switch in FAULT_SWITCHES)


def test_the_banner_lines_up_its_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(demo=True, datamart=None, host="127.0.0.1", db=None)
    with serve(demo=True) as emulator:
        _announce(emulator, args)
    rows = capsys.readouterr().out.splitlines()[1:6]
    labels = ["base URL", "instance", "data", "OpenAPI", "playground"]
    assert [row[2:].startswith(label) for row, label in zip(rows, labels, strict=True)] == [
        True
    ] * 5
    starts = {
        len(row) - len(row[2 + len(label) :].lstrip(" "))
        for row, label in zip(rows, labels, strict=True)
    }
    assert len(starts) == 1, rows


@pytest.mark.parametrize("size", [0, 2**63])
def test_a_page_cap_outside_1_to_int64_is_refused_at_start(size: int) -> None:
    # 2**63 was taken, and every request without pagesize was a 500 (SQLite's LIMIT overflowed).
    with pytest.raises(ValueError, match="max_page_size must be from 1 to 9223372036854775807"):
        build(demo=True, max_page_size=size)


def test_the_command_line_page_cap_is_a_usage_error_past_int64(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--demo", "--max-page-size", str(2**63)]) == 2
    assert "page size 9223372036854775808 is not between 1 and" in capsys.readouterr().err
