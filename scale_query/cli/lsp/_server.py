"""The language server behind ``scale-query lsp`` (pygls, over stdio).

For ``*.filter`` files (and any document the editor calls ``scale-filter``):
diagnostics as you type, completion of field names from the object's schema
and of operators after a field, hover on a field, formatting with ``fmt``'s
rules, and quick fixes. For Python files: the diagnostics and quick fixes of
the filters ``check`` finds in them. Everything comes from the same code as
``check`` and ``fmt``: the configuration is the nearest ``pyproject.toml``
above each document, with its schemas, selection and line length.

Diagnostics are published when the input is idle (see ``_io``): a batch
of changes gives one validation, of each changed document's latest version,
and a validation that a newer change overtakes stops (it runs in slices of
filters, letting requests in between). Each filter's diagnostics are kept by
its text and object, so a keystroke re-validates only the filters it changed.
A document over :data:`MAX_DOCUMENT` characters is not checked (one
diagnostic says so) and gets no completion, hover, formatting or fix: its
text is held once, by pygls. A request about a document the editor never
opened answers nothing.

pygls and lsprotocol are imported here only, and this module only by
``scale-query lsp``.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .._errors import UsageError
from ..check import (
    Config,
    Kind,
    Result,
    Schemas,
    SourceFile,
    filter_diagnostics,
    load_config,
    load_schemas,
    place,
    read_source,
    select_codes,
    suppressed,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pygls.workspace import ServerTextPosition, TextDocument

    from ...semantics import Diagnostic
    from ..check import Filter

__all__ = ["MAX_DOCUMENT", "build_server"]

#: Documents longer than this many characters are not checked (docs/editors.md).
MAX_DOCUMENT = 1_000_000
# Above this many filters, "Fix all" is offered only when asked for by its kind.
_FIX_ALL = 1000
# Filters validated between two looks at the input.
_SLICE = 500
# Diagnostics kept per setup (filter text and object -> diagnostics) before starting over.
_MEMO = 100_000

_FILTER_LANGUAGE = "scale-filter"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
_OPERATORS = (
    "$eq",
    "$neq",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$like",
    "$notlike",
    "$regex",
    "$in",
    "$notin",
)


class _Setup:
    """The configuration, schemas and selected codes for one folder (cached by file times)."""

    def __init__(self, config: Config, schemas: Schemas, codes: frozenset[str], key: object):
        self.config = config
        self.schemas = schemas
        self.codes = codes
        self.key = key
        # (filter text, object) -> its diagnostics, not yet placed in a file.
        self.memo: dict[tuple[str, str | None], list[Diagnostic]] = {}

    def diagnostics(self, one: Filter) -> list[Diagnostic]:
        """One filter's selected diagnostics, worked out once per text and object."""
        key = (one.text, one.object)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= _MEMO:
                self.memo.clear()
            found = self.memo[key] = filter_diagnostics(one, self.schemas, self.codes)
        return found


class _State:
    def __init__(self) -> None:
        self.setups: dict[str, _Setup] = {}
        self.shown_errors: set[str] = set()
        self.pending: set[str] = set()  # documents changed since their last validation
        self.sources: dict[str, tuple[int | None, SourceFile, _Setup]] = {}  # uri -> by version
        self.running: asyncio.Task[None] | None = None
        self.lines: dict[str, tuple[int | None, Sequence[str]]] = {}  # uri -> by version


def _stamp(paths: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Modification times of the schema files, so that a saved schema is read again."""
    stamps = []
    for value in paths:
        path = value.partition("=")[2] if "=" in value and not os.path.exists(value) else value
        try:
            if os.path.isdir(path):
                for entry in os.scandir(path):
                    stamps.append((entry.path, entry.stat().st_mtime_ns))
            stamps.append((path, os.stat(path).st_mtime_ns))
        except OSError:
            stamps.append((path, -1))
    return tuple(sorted(stamps))


def build_server() -> tuple[LanguageServer, Callable[[], None]]:
    """The scale-query language server, and what to run when its input is idle.

    ``_io.serve(*build_server())`` serves it over stdio.
    """
    from ..._version import version

    server = LanguageServer("scale-query", version())
    state = _State()

    def setup(folder: str) -> _Setup:
        try:
            config = load_config(folder)
            key = (config.source, _stamp(config.schema))
            cached = state.setups.get(folder)
            if cached is not None and cached.key == key:
                return cached
            schemas = load_schemas(config.schema)
            codes = select_codes(config.select, config.extend_select, config.ignore)
        except UsageError as error:
            message = str(error)
            if message not in state.shown_errors:
                state.shown_errors.add(message)
                server.window_show_message(
                    types.ShowMessageParams(
                        type=types.MessageType.Error, message=f"scale-query: {message}"
                    )
                )
            config, schemas, codes, key = Config(), Schemas({}), select_codes(None), None
        made = _Setup(config, schemas, codes, key)
        state.setups[folder] = made
        return made

    def opened(uri: str) -> TextDocument | None:
        """The document as the editor has it, if it opened it (pygls would read the disk)."""
        from urllib.parse import unquote

        found: TextDocument | None = server.workspace.text_documents.get(unquote(uri))
        return found

    def source_of(doc: TextDocument) -> tuple[SourceFile, _Setup] | None:
        """The document's filters, read once per version; None for a kind not checked or too big."""
        if len(doc.source) > MAX_DOCUMENT:
            return None
        cached = state.sources.get(doc.uri)
        if cached is not None and cached[0] == doc.version and doc.version is not None:
            return cached[1], cached[2]
        found = read_document(doc)
        if found is not None:
            state.sources[doc.uri] = (doc.version, *found)
        return found

    def read_document(doc: TextDocument) -> tuple[SourceFile, _Setup] | None:
        path = to_fs_path(doc.uri) or doc.uri
        made = setup(os.path.dirname(os.path.abspath(path)))
        kind: Kind
        if path.endswith(".py"):
            kind = "python"
        elif path.endswith(".filter") or doc.language_id == _FILTER_LANGUAGE:
            kind = "filter"
        else:
            from ..check import file_kind

            found = file_kind(path, filter_globs=made.config.filter_files, root=made.config.root)
            if found is None:
                return None
            kind = found
        default = made.config.object_for(path) if kind == "filter" else None
        source = read_source(
            path, kind, doc.source, default_object=default, calls=made.config.filter_calls
        )
        return source, made

    def lines_of(doc: TextDocument) -> Sequence[str]:
        """The document's lines, split once per version (pygls splits the whole text
        at every position it converts: once per diagnostic, quadratic in all)."""
        cached = state.lines.get(doc.uri)
        if cached is None or cached[0] != doc.version or doc.version is None:
            cached = state.lines[doc.uri] = (doc.version, doc.lines)
        return cached[1]

    def to_range(doc: TextDocument, line: int, column: int, end_line: int, end_column: int) -> Any:
        span = types.Range(
            start=types.Position(line=line - 1, character=column - 1),
            end=types.Position(line=end_line - 1, character=end_column - 1),
        )
        return doc.position_codec.range_to_client_units(lines_of(doc), span)

    def diagnostic(doc: TextDocument, result: Result) -> types.Diagnostic:
        from ...semantics import RULES

        d = result.diagnostic
        line, column = d.line or 1, d.column or 1
        message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        return types.Diagnostic(
            range=to_range(doc, line, column, d.end_line or line, d.end_column or column),
            message=message,
            severity=_SEVERITY[d.severity],
            code=d.code,
            code_description=types.CodeDescription(href=RULES[d.code].help_uri),
            source="scale-query",
        )

    def too_big(doc: TextDocument) -> list[types.Diagnostic]:
        return [
            types.Diagnostic(
                range=types.Range(
                    start=types.Position(line=0, character=0),
                    end=types.Position(line=0, character=0),
                ),
                message=f"not checked: the document is longer than {MAX_DOCUMENT:,} characters "
                "(scale-query check checks it)",
                severity=types.DiagnosticSeverity.Information,
                source="scale-query",
            )
        ]

    async def validate(uri: str) -> None:
        """Publish one document's diagnostics, unless a newer version overtakes this one."""
        doc = opened(uri)
        if doc is None:
            return
        version = doc.version
        diagnostics: list[types.Diagnostic] = []
        if len(doc.source) > MAX_DOCUMENT:
            diagnostics = too_big(doc)
        else:
            found = source_of(doc)
            if found is not None:
                source, made = found
                for start in range(0, len(source.filters), _SLICE):
                    for one in source.filters[start : start + _SLICE]:
                        for d in made.diagnostics(one):
                            d = place(d, one)
                            assert d.line is not None
                            if suppressed(d.code, source.noqa, (d.line, one.last_line)):
                                continue
                            row = source.lines[d.line - 1] if d.line <= len(source.lines) else ""
                            diagnostics.append(diagnostic(doc, Result(source.path, d, row)))
                    await asyncio.sleep(0)  # requests and changes get in between slices
                    if opened(uri) is not doc or doc.version != version:
                        state.pending.add(uri)  # overtaken: validated again when idle
                        return
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    async def validate_pending() -> None:
        while state.pending:
            uri = state.pending.pop()
            await validate(uri)

    def idle() -> None:
        """The input is drained: validate what changed, at its latest version."""
        if state.pending and (state.running is None or state.running.done()):
            state.running = asyncio.get_running_loop().create_task(validate_pending())

    def changed(uri: str) -> None:
        state.pending.add(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        state.setups.clear()  # a saved pyproject.toml or schema counts from now on
        state.sources.clear()
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        state.pending.discard(params.text_document.uri)
        state.sources.pop(params.text_document.uri, None)
        state.lines.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    def filter_at(doc: TextDocument, line: int) -> tuple[str | None, str, _Setup] | None:
        """In a filter file: the object of the filter at ``line`` (0-based), its lines above."""
        from ..check import object_header

        found = source_of(doc)
        if found is None or found[0].kind != "filter":
            return None
        source, made = found
        row = line + 1
        for one in source.filters:
            if one.first_line <= row <= one.last_line:
                above = [doc.lines[n - 1].rstrip("\r\n") for n in range(one.first_line, row)]
                return one.object, "\n".join(above), made
        # Not in a filter yet: one starting here queries the object named above it.
        obj = made.config.object_for(to_fs_path(doc.uri) or doc.uri)
        for earlier in doc.lines[:line]:
            if earlier.lstrip().startswith("#"):
                obj = object_header(earlier.strip()) or obj
        return obj, "", made

    def filter_at_cursor(
        params: types.CompletionParams | types.HoverParams,
    ) -> tuple[TextDocument, ServerTextPosition, tuple[str | None, str, _Setup]] | None:
        """The document, the cursor (in characters) and :func:`filter_at` its line."""
        doc = opened(params.text_document.uri)
        if doc is None:
            return None
        where = doc.position_from_client_units(params.position)
        found = filter_at(doc, where.line)
        return None if found is None else (doc, where, found)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["$", "[", " "]),
    )
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        from ...language import quote_field
        from ._context import completion_context, describe_field

        at = filter_at_cursor(params)
        if at is None:
            return None
        doc, where, (obj, above, made) = at
        row = doc.lines[where.line] if where.line < len(doc.lines) else ""
        current = row[: where.character]
        text = above + "\n" + current if above else current
        context, prefix = completion_context(text)
        items: list[types.CompletionItem] = []
        folded = prefix.casefold()
        if context == "field":
            schema = made.schemas.pick(obj)
            for name, info in (schema or {}).items():
                if name.casefold().startswith(folded):
                    items.append(
                        types.CompletionItem(
                            label=name,
                            kind=types.CompletionItemKind.Field,
                            detail=info.type,
                            insert_text=quote_field(name),
                            documentation=types.MarkupContent(
                                kind=types.MarkupKind.Markdown, value=describe_field(info, obj)
                            ),
                        )
                    )
        elif context in ("operator", "connective"):
            words = _OPERATORS if context == "operator" else ("$and", "$or")
            for word in words:
                if word.startswith(prefix) or word.lstrip("$").startswith(prefix):
                    items.append(
                        types.CompletionItem(
                            label=word,
                            kind=types.CompletionItemKind.Operator,
                            insert_text=word[1:] if prefix.startswith("$") else word,
                        )
                    )
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        from ._context import describe_field, word_at

        at = filter_at_cursor(params)
        if at is None or at[1].line >= len(at[0].lines):
            return None
        doc, where, (obj, _, made) = at
        row = doc.lines[where.line].rstrip("\r\n")
        start, end = word_at(row, where.character)
        name = row[start:end]
        name = name[1:-1] if name.startswith("[") else name
        schema = made.schemas.pick(obj)
        info = None if schema is None or not name else schema.lookup(name)
        if info is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=describe_field(info, obj)
            ),
            range=to_range(doc, where.line + 1, start + 1, where.line + 1, end + 1),
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        from ...language import DEFAULT_LINE_LENGTH
        from ..check import format_text

        doc = opened(params.text_document.uri)
        found = None if doc is None else source_of(doc)
        if doc is None or found is None or found[0].kind != "filter":
            return None
        made = found[1]
        new, problems = format_text(doc.source, made.config.line_length or DEFAULT_LINE_LENGTH)
        if problems or new == doc.source:
            return []
        lines = doc.lines
        end = types.Position(line=len(lines), character=0)
        return [
            types.TextEdit(
                range=types.Range(start=types.Position(line=0, character=0), end=end),
                new_text=new,
            )
        ]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        from ..check import fix_source, quick_fixes

        uri = params.text_document.uri
        doc = opened(uri)
        found = None if doc is None else source_of(doc)
        if doc is None or found is None:
            return None
        source, made = found
        wanted = params.range
        actions = []
        # The filters the range touches (in the editor's lines, near enough for
        # a filter's first and last line): not every filter at each cursor move.
        near = [
            one
            for one in source.filters
            if one.last_line >= wanted.start.line and one.first_line <= wanted.end.line + 2
        ]
        for fix in quick_fixes(source._replace(filters=near), made.schemas, made.codes):
            d = fix.diagnostic
            span = to_range(doc, fix.line, fix.column, fix.line, fix.column + fix.length)
            if span.end.line < wanted.start.line or span.start.line > wanted.end.line:
                continue
            edit = types.TextEdit(range=span, new_text=fix.replacement)
            title = f"Replace with {fix.replacement!r} ({d.code})"
            if not fix.safe:
                title += " (unsafe: may not be what the filter meant)"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    is_preferred=fix.safe,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
        only = params.context.only
        if len(source.filters) > _FIX_ALL and not (
            only and types.CodeActionKind.SourceFixAll in only
        ):
            return actions  # "fix all" on a long document only when asked for by kind
        outcome = fix_source(source, doc.source, made.schemas, made.codes)
        if outcome.fixes:
            end = types.Position(line=len(doc.lines), character=0)
            whole = types.Range(start=types.Position(line=0, character=0), end=end)
            actions.append(
                types.CodeAction(
                    title=f"Fix all safe problems ({outcome.fixes})",
                    kind=types.CodeActionKind.SourceFixAll,
                    edit=types.WorkspaceEdit(
                        changes={uri: [types.TextEdit(range=whole, new_text=outcome.text)]}
                    ),
                )
            )
        return actions

    return server, idle
