"""The language server behind ``scale-query lsp`` (pygls, over stdio).

For ``*.filter`` files (and any document the editor calls ``scale-filter``):
diagnostics as you type, completion of field names from the object's schema
and of operators after a field, hover on a field, formatting with ``fmt``'s
rules, and quick fixes. For Python files: the diagnostics and quick fixes of
the filters ``check`` finds in them. Everything comes from the same code as
``check`` and ``fmt``: the configuration is the nearest ``pyproject.toml``
above each document, with its schemas, selection and line length.

pygls and lsprotocol are imported here only, and this module only by
``scale-query lsp``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ._config import Config, load_config
from ._discover import Kind
from ._errors import UsageError
from ._lint import SourceFile, lint, read_source, select_codes
from ._schemas import Schemas, load_schemas

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from ._report import Result

__all__ = ["build_server"]

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


class _State:
    def __init__(self) -> None:
        self.setups: dict[str, _Setup] = {}
        self.shown_errors: set[str] = set()


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


def build_server() -> LanguageServer:
    """The scale-query language server, ready for ``start_io()``."""
    from .._version import version

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

    def source_of(doc: TextDocument) -> tuple[SourceFile, _Setup] | None:
        path = to_fs_path(doc.uri) or doc.uri
        made = setup(os.path.dirname(os.path.abspath(path)))
        kind: Kind
        if path.endswith(".py"):
            kind = "python"
        elif path.endswith(".filter") or doc.language_id == _FILTER_LANGUAGE:
            kind = "filter"
        else:
            from ._discover import file_kind

            found = file_kind(path, filter_globs=made.config.filter_files, root=made.config.root)
            if found is None:
                return None
            kind = found
        default = made.config.object_for(path) if kind == "filter" else None
        source = read_source(
            path, kind, doc.source, default_object=default, calls=made.config.filter_calls
        )
        return source, made

    def to_range(doc: TextDocument, line: int, column: int, end_line: int, end_column: int) -> Any:
        span = types.Range(
            start=types.Position(line=line - 1, character=column - 1),
            end=types.Position(line=end_line - 1, character=end_column - 1),
        )
        return doc.range_to_client_units(span)  # type: ignore[arg-type]

    def diagnostic(doc: TextDocument, result: Result) -> types.Diagnostic:
        from ..semantics._rules import RULES

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

    def publish(uri: str) -> None:
        doc = server.workspace.get_text_document(uri)
        found = source_of(doc)
        diagnostics = []
        if found is not None:
            source, made = found
            diagnostics = [diagnostic(doc, r) for r in lint(source, made.schemas, made.codes)]
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=doc.version, diagnostics=diagnostics)
        )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        state.setups.clear()  # a saved pyproject.toml or schema counts from now on
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    def filter_at(doc: TextDocument, line: int) -> tuple[str | None, str, _Setup] | None:
        """In a filter file: the object of the filter at ``line`` (0-based), its lines above."""
        from ._filterfile import object_header

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

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["$", "[", " "]),
    )
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        from ..language._canonical import quote_field
        from ._lsp_context import completion_context, describe_field

        doc = server.workspace.get_text_document(params.text_document.uri)
        where = doc.position_from_client_units(params.position)
        found = filter_at(doc, where.line)
        if found is None:
            return None
        obj, above, made = found
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
        from ._lsp_context import describe_field, word_at

        doc = server.workspace.get_text_document(params.text_document.uri)
        where = doc.position_from_client_units(params.position)
        found = filter_at(doc, where.line)
        if found is None or where.line >= len(doc.lines):
            return None
        obj, _, made = found
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
        from ..language._format import DEFAULT_LINE_LENGTH
        from ._fmt import format_text

        doc = server.workspace.get_text_document(params.text_document.uri)
        found = source_of(doc)
        if found is None or found[0].kind != "filter":
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
        from ._fix import fix_source, quick_fixes

        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        found = source_of(doc)
        if found is None:
            return None
        source, made = found
        wanted = params.range
        actions = []
        for fix in quick_fixes(source, made.schemas, made.codes):
            d = fix.diagnostic
            span = to_range(doc, fix.line, fix.column, fix.line, fix.column + fix.length)
            if span.end.line < wanted.start.line or span.start.line > wanted.end.line:
                continue
            edit = types.TextEdit(range=span, new_text=fix.replacement)
            title = f"Replace with {fix.replacement!r} ({d.code})"
            if not fix.safe:
                title += " (changes what the filter matches)"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    is_preferred=fix.safe,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
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

    return server
