"""The clients against a hostile server (tests/hostile.py): what a server may do to them.

The emulator is a well-behaved server; these tests script the raw bytes of
one that echoes the token with its own escapes, drips its answers, sends
endless or compressed bodies, corrupts its JSON or cycles its pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hostile import Exchange, Hostile, answer

from scale_query import (
    Client,
    RetryPolicy,
    Unauthorized,
)
from scale_query.cli import main

FAST = RetryPolicy(retries=3, base=0.001, cap=0.01)

# A base64 token holds "/" and "+"; printable ASCII also allows '"' and "\".
TOKENS = ["dG9r/ZW4+c2VjcmV0/MTIz==", 'se"cr\\et/token', "plain-secret-token"]


def _echo(token_text: Callable[[str], str]) -> Callable[[Exchange], None]:
    """A server refusing every token with a 401 whose JSON message echoes it."""

    def respond(exchange: Exchange) -> None:
        token = exchange.headers["authorization"].removeprefix("Bearer ")
        body = '{"error": "unknown token ' + token_text(token) + '"}'
        exchange.send(answer(body.encode(), "401 Unauthorized"))

    return respond


def _php(token: str) -> str:
    # PHP's json_encode: "/" as "\/", '"' and "\" escaped.
    return json.dumps(token)[1:-1].replace("/", "\\/")


def _unicode(token: str) -> str:
    # Every character as a \uXXXX escape, upper- and lower-case hex mixed.
    return "".join(f"\\u{ord(c):04X}" if i % 2 else f"\\u{ord(c):04x}" for i, c in enumerate(token))


def _mixed(token: str) -> str:
    return "".join(_php(c) if i % 2 else _unicode(c) for i, c in enumerate(token))


ESCAPES = {"raw-json": lambda t: json.dumps(t)[1:-1], "php": _php, "unicode": _unicode}
ESCAPES["mixed"] = _mixed


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCALE_TOKEN", "SCALE_INSTANCE", "SCALE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _texts(error: BaseException) -> list[str]:
    return [
        str(error),
        repr(error),
        getattr(error, "message", ""),
        getattr(error, "body", ""),
        getattr(error, "url", ""),
    ]


@pytest.mark.parametrize("escape", sorted(ESCAPES))
@pytest.mark.parametrize("token", TOKENS)
def test_an_echoed_token_is_masked_however_the_server_escapes_it(token: str, escape: str) -> None:
    with (
        Hostile(_echo(ESCAPES[escape])) as server,
        Client(token, "demo", base_url=server.base_url, retries=FAST) as client,
        pytest.raises(Unauthorized) as caught,
    ):
        client.list_objects()
    assert "unknown token ***" in caught.value.message
    for text in _texts(caught.value):
        assert token not in text
        assert ESCAPES[escape](token) not in text


@pytest.mark.parametrize("token", TOKENS)
def test_objects_never_prints_an_echoed_token(
    token: str, no_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with Hostile(_echo(_php)) as server:
        argv = ["--token", token, "--instance", "demo", "--base-url", server.base_url]
        code = main(["objects", *argv])
    out, err = capsys.readouterr()
    assert code != 0 and err
    assert token not in out + err
    assert _php(token) not in out + err
