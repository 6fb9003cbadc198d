"""`scale-query lsp` driven over stdio by a real LSP client session (pygls's own client)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from scale_query.emulator import demo_datamart

# Every test starts `scale-query lsp` in a subprocess (a second or more each).
pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose pyproject.toml names a folder of the demo's contact and orders schemas."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    mart = demo_datamart(1)
    for name in ("contact", "orders"):
        text = json.dumps(mart.objects[name].schema.to_api())
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.scale-query]\nschema = "schemas"\n')
    return tmp_path


class Session:
    """One server process and a client speaking JSON-RPC to it over its stdin/stdout."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.diagnostics: dict[str, asyncio.Queue[list[types.Diagnostic]]] = {}

    def queue(self, uri: str) -> asyncio.Queue[list[types.Diagnostic]]:
        return self.diagnostics.setdefault(uri, asyncio.Queue())

    async def next_diagnostics(self, uri: str) -> list[types.Diagnostic]:
        return await asyncio.wait_for(self.queue(uri).get(), timeout=30)

    def open(self, path: Path, text: str, language: str = "scale-filter") -> str:
        uri = from_fs_path(str(path))
        assert uri is not None
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )


def session(cwd: Path, body: Callable[[Session], Awaitable[None]]) -> None:
    async def main() -> None:
        client = LanguageClient("scale-query-tests", "1")
        talk = Session(client)

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            talk.queue(params.uri).put_nowait(params.diagnostics)

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: Any) -> None:
            raise AssertionError(f"the server complained: {params.message}")

        await client.start_io(sys.executable, "-m", "scale_query.cli", "lsp", cwd=str(cwd))
        try:
            result = await asyncio.wait_for(
                client.initialize_async(
                    types.InitializeParams(
                        capabilities=types.ClientCapabilities(),
                        root_uri=from_fs_path(str(cwd)),
                    )
                ),
                timeout=60,
            )
            assert result.capabilities.completion_provider is not None
            assert result.capabilities.document_formatting_provider
            client.initialized(types.InitializedParams())
            await body(talk)
        finally:
            # Shut down politely even after a failed assertion, so the server exits.
            try:
                await asyncio.wait_for(client.shutdown_async(None), timeout=30)
            finally:
                client.exit(None)
                await asyncio.wait_for(client.stop(), timeout=30)

    asyncio.run(main())


@pytest.mark.timeout(120)
def test_diagnostics_as_you_type(project: Path) -> None:
    async def body(talk: Session) -> None:
        uri = talk.open(project / "orders.filter", "# object: orders\nMontnt $gt 12.5\n")
        (found,) = await talk.next_diagnostics(uri)
        assert (found.code, found.severity) == ("SQ101", types.DiagnosticSeverity.Error)
        assert found.message.startswith("unknown field 'Montnt' in object 'orders'")
        assert "did you mean 'Montant'?" in found.message
        assert (found.range.start.line, found.range.start.character) == (1, 0)
        assert (found.range.end.line, found.range.end.character) == (1, 6)
        talk.change(uri, 2, "# object: orders\nMontant $gt\n")
        (broken,) = await talk.next_diagnostics(uri)
        assert broken.code == "SQ001"
        talk.change(uri, 3, "# object: orders\nMontant $gt 12.5\n")
        assert list(await talk.next_diagnostics(uri)) == []

    session(project, body)


@pytest.mark.timeout(120)
def test_completion_hover_formatting_and_quick_fix(project: Path) -> None:
    async def body(talk: Session) -> None:
        client = talk.client
        uri = talk.open(project / "c.filter", "# object: contact\nNom $eq 1 $and Dat")
        await talk.next_diagnostics(uri)
        document = types.TextDocumentIdentifier(uri=uri)
        done = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=document, position=types.Position(line=1, character=18)
            )
        )
        assert isinstance(done, types.CompletionList)
        assert [item.label for item in done.items] == ["DateNaissance"]
        operators = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=document, position=types.Position(line=1, character=4)
            )
        )
        assert isinstance(operators, types.CompletionList)
        assert "$gte" in [item.label for item in operators.items]

        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=document, position=types.Position(line=1, character=1))
        )
        assert hover is not None
        assert isinstance(hover.contents, types.MarkupContent)
        assert "**Nom** (object `contact`)" in hover.contents.value
        assert "personal data" in hover.contents.value

        messy = 'Nom   $eq  "x"  $or Nmo $in [ a , b ]'
        talk.change(uri, 2, f"# object: contact\n{messy}\n")
        (typo,) = await talk.next_diagnostics(uri)
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=document,
                options=types.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
        assert edits is not None
        assert [e.new_text for e in edits] == [
            '# object: contact\nNom $eq "x" $or Nmo $in ["a","b"]\n'
        ]

        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=document,
                range=typo.range,
                context=types.CodeActionContext(diagnostics=[typo]),
            )
        )
        assert actions is not None
        fixes = [a for a in actions if isinstance(a, types.CodeAction)]
        assert fixes[0].title == "Replace with 'Nom' (SQ101)"
        assert fixes[0].edit is not None and fixes[0].edit.changes is not None
        (edit,) = fixes[0].edit.changes[uri]
        at = messy.index("Nmo")
        assert (edit.range.start.line, edit.range.start.character, edit.new_text) == (1, at, "Nom")

    session(project, body)


@pytest.mark.timeout(120)
def test_python_filters_get_diagnostics(project: Path) -> None:
    async def body(talk: Session) -> None:
        text = (
            "import pandas as pd\nfrom scale_query import Query\n"
            'df.where("a > 1")\n'
            "rows = Query(\"orders\").where('Montnt $gt 1')\n"
        )
        uri = talk.open(project / "app.py", text, language="python")
        (found,) = await talk.next_diagnostics(uri)
        assert found.code == "SQ101"
        assert (found.range.start.line, found.range.start.character) == (3, 30)

    session(project, body)


# ---- the transport, driven with raw bytes ---------------------------------------


def _message(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _server(cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "scale_query.cli", "lsp"],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _read_message(stream: Any) -> dict[str, Any]:
    length = None
    while True:
        line = stream.readline()
        assert line, "the server closed its output"
        if line == b"\r\n":
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length is not None
    result: dict[str, Any] = json.loads(stream.read(length))
    return result


@pytest.mark.timeout(120)
def test_changes_that_arrive_together_are_validated_once_at_their_latest_version(
    tmp_path: Path,
) -> None:
    uri = from_fs_path(str(tmp_path / "a.filter"))
    texts = [f'Nom $eq "{i}" $and Age $gt {i}\n' for i in range(8)] + ["Nom $eqq 1\n"]
    batch = _message(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    )
    batch += _message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    document = {"uri": uri, "languageId": "scale-filter", "version": 1, "text": texts[0]}
    batch += _message(
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}}
    )
    for version, text in enumerate(texts[1:], 2):
        batch += _message(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            }
        )
    # One write of at most PIPE_BUF bytes reaches the server whole: as typing
    # faster than the server validates, not as a race with a clock.
    assert len(batch) <= 4096
    server = _server(tmp_path)
    assert server.stdin is not None and server.stdout is not None
    try:
        os.write(server.stdin.fileno(), batch)
        assert _read_message(server.stdout)["id"] == 1
        published = _read_message(server.stdout)
        assert published["method"] == "textDocument/publishDiagnostics"
        server.stdin.write(_message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.flush()
        later = _read_message(server.stdout)
        assert later.get("id") == 2, later  # no second validation came first
        server.stdin.write(_message({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.close()
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.wait()
    params = published["params"]
    assert params["version"] == len(texts)
    assert [d["code"] for d in params["diagnostics"]] == ["SQ001"]  # the last text's only


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "garbage",
    [
        b"Content-Length: abc\r\n\r\n{}",
        b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        b"no header at all\r\n\r\n",
        b"X" * 10_000,
    ],
)
def test_unreadable_framing_stops_the_server(tmp_path: Path, garbage: bytes) -> None:
    server = _server(tmp_path)
    try:
        _, err = server.communicate(
            garbage + _message({"jsonrpc": "2.0", "method": "x"}), timeout=30
        )
    finally:
        server.kill()
    assert server.returncode == 1
    assert err.decode().startswith("scale-query lsp: unreadable input (")


@pytest.mark.timeout(120)
def test_hover_on_a_document_never_opened_answers_nothing(project: Path) -> None:
    async def body(talk: Session) -> None:
        uri = from_fs_path(str(project / "never.filter"))
        assert uri is not None
        hover = await talk.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=1),
            )
        )
        assert hover is None

    session(project, body)


@pytest.mark.timeout(120)
def test_a_document_over_the_bound_is_not_checked(project: Path) -> None:
    from scale_query.cli.lsp._server import MAX_DOCUMENT

    async def body(talk: Session) -> None:
        line = "Nmo $eq 1\n"
        uri = talk.open(project / "big.filter", line * (MAX_DOCUMENT // len(line) + 1))
        (note,) = await talk.next_diagnostics(uri)
        assert note.severity == types.DiagnosticSeverity.Information
        assert note.message.startswith("not checked: the document is longer than 1,000,000")

    session(project, body)
