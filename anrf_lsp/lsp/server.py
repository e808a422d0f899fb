"""The ANRF language server (pygls 2): thin handlers over `anrf_lsp.language` and `checkers`.

Each handler converts LSP types, calls plain functions (off the event loop when
the work can be slow), and converts back. Heavy modules (checkers, pydantic
models, navigation) are imported on first use so `initialize` answers fast.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from anrf_lsp import __version__
from anrf_lsp.settings import Settings, SettingsError, from_environment, redacted, section_of

from . import conversion, convert, logs, textsync, workflow
from .analysis import Analysis, Analyzer
from .idle_gc import IdleCollector
from .models import ModelHost
from .workflow import COMMAND_PARAMS, Workflow, WorkflowHost
from .workspace_symbols import WorkspaceFiles

log = logging.getLogger(__name__)

VERIFY_COMMAND = "anrf.verify"
STATUS_COMMAND = "anrf.status"
ANRF_LANGUAGE_IDS = ("anrf", "json", "jsonc")
TRIGGER_CHARACTERS = ['"']


ANSWERED = object()  # a request already answered with an error while it was read: nothing more to do


class AnrfProtocol(LanguageServerProtocol):
    """ANRF documents keep their text in the analyzer, synchronized by `textsync`
    (pygls' own copy costs a Python loop over every line per keystroke);
    any other document is pygls' business as usual."""

    _server: AnrfLanguageServer

    def _ours(self, uri: str, language_id: str | None = None) -> bool:
        return uri in self._server.analyzer or uri in self._server.desynced or (language_id is not None and is_anrf_document(uri, language_id))

    def _user_handler(self, method: str, params: Any) -> Any:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if self._ours(params.text_document.uri, params.text_document.language_id):
            return (yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params))
        return (yield from super().lsp_text_document__did_open(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if self._ours(params.text_document.uri):
            return (yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params))
        return (yield from super().lsp_text_document__did_change(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if self._ours(params.text_document.uri):
            return (yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params))
        return (yield from super().lsp_text_document__did_close(params))

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams) -> Any:
        """Command handlers get only the arguments; the work-done token travels in the params."""
        COMMAND_PARAMS.set(params)
        return (yield from super().lsp_workspace__execute_command(params))

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Any:
        """Stop running generations; cancel pending requests from a copy (pygls cancels them while iterating the
        dict their done-callbacks remove them from: a RuntimeError when a request is in flight at shutdown)."""
        self._server.workflow.stop_all()
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        return (yield from super().lsp_shutdown(*args))

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A request pygls cannot structure still gets an answer: -32602 when its params do not fit the
        method (hover with `{}`, references without `context`), -32600 when its id is neither a number nor
        a string (pygls logged such requests and never answered, so the client waited for ever). A
        didChange it cannot structure means the server lost the editor's text (`lost_sync`)."""
        if "jsonrpc" not in data or "method" not in data:
            return super().structure_message(data)
        is_request = "id" in data
        if is_request and (isinstance(data["id"], bool) or not isinstance(data["id"], (int, str))):
            return self._answer_error(None, -32600, "invalid request: the id must be a number or a string")
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if is_request:
                code = -32602 if isinstance(exc, JsonRpcInvalidParams) else exc.code
                return self._answer_error(data["id"], code, f"invalid params for {data['method']}" if code == -32602 else str(exc))
            if data["method"] != types.TEXT_DOCUMENT_DID_CHANGE:
                raise
            params = data.get("params")
            document = params.get("textDocument") if isinstance(params, dict) else None
            uri = document.get("uri") if isinstance(document, dict) else None
            if isinstance(uri, str):
                self._server.lost_sync(uri, "a change it could not read")
            return ANSWERED

    def _answer_error(self, msg_id: Any, code: int, message: str) -> Any:
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})
        return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is not ANSWERED:
            super().handle_message(message)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        """pygls cancels the request's future (the client gets its error at once); the generation
        running under it is stopped here (its decoder polls the flag)."""
        super()._handle_cancel_notification(msg_id)
        self._server.workflow.cancel_request(msg_id)


class AnrfLanguageServer(LanguageServer):
    def __init__(self, base_settings: dict[str, Any] | None = None):
        super().__init__(
            "anrf-lsp",
            __version__,
            protocol_cls=AnrfProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            max_workers=4,
        )
        self.base_settings = Settings().updated(from_environment()).updated(base_settings or {})
        self.settings = self.base_settings
        self.pull_diagnostics = False
        # Checks run one at a time in their own thread (CPU-bound, and the GIL
        # makes more threads pointless); feature work has its own thread (one, as
        # a document's lazily built source index is not safe to build concurrently).
        self.check_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anrf-check")
        self.feature_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anrf-feature")
        self.analyzer = Analyzer(self.check_executor, lambda: self.settings, self.position_encoding, self._on_analysis)
        self.workspace_files = WorkspaceFiles()
        self.desynced: set[str] = set()  # ANRF documents whose text the server lost track of (`lost_sync`)
        self.line_anchors: dict[str, textsync.Anchor] = {}  # per document: where the last change's line starts
        self.idle_gc = IdleCollector()
        self.models = ModelHost(ThreadPoolExecutor(max_workers=1, thread_name_prefix="anrf-model"))
        self.workflow = Workflow(self, WorkflowHost(
            settings=lambda: self.settings, encoding=self.position_encoding, models=self.models, documents=self.analyzer,
            check_new=self._check_new, publish=self._publish_new, markdown=self.markdown_supported))
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- plumbing ------------------------------------------------------------

    def position_encoding(self) -> str:
        """The negotiated position encoding as its wire value ("utf-16"...): `str()` of the
        lsprotocol enum is "PositionEncodingKind.Utf16", which matches no encoding."""
        return types.PositionEncodingKind(self.workspace.position_encoding or types.PositionEncodingKind.Utf16).value

    def lost_sync(self, uri: str, why: str) -> None:
        """The editor sent a change that cannot be applied as it applied it: rather than check a text that
        differs from the editor's, forget the document (its diagnostics cleared) until the editor sends the
        whole text again (a reopen, or a full-document change), and say so."""
        if uri in self.analyzer:
            self.analyzer.closed(uri)
            if not self.pull_diagnostics:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.desynced.add(uri)
        self.line_anchors.pop(uri, None)
        name = uri.rsplit("/", 1)[-1]
        log.error("lost sync with the editor for %s: %s", uri, why)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=(
            f"ANRF: lost track of the text of {name} (the editor sent {why}); its checks stop until the whole text "
            "comes again: close and reopen the file")))

    async def off_loop(self, fn: Any, *args: Any) -> Any:
        """Run slow feature work in a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self.feature_executor, fn, *args)

    def send_log(self, params: types.LogMessageParams) -> None:
        """window/logMessage from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            if _on_loop(loop):
                self.window_log_message(params)
            else:
                loop.call_soon_threadsafe(self.window_log_message, params)
        except RuntimeError:
            pass  # loop shutting down

    def apply_settings(self, changes: dict[str, Any] | None) -> bool:
        """Apply a settings update; on a bad value tell the user and keep the old settings."""
        try:
            new = self.base_settings.updated(changes)
        except SettingsError as exc:
            log.warning("%s", exc)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=str(exc)))
            return False
        old, self.settings = self.settings, new
        if (old.log_level, old.log_file) != (new.log_level, new.log_file):
            self.configure_logging()
        if old != new:
            self.analyzer.recheck_all()
            self._refresh_pulled_diagnostics()
        return True

    def _refresh_pulled_diagnostics(self) -> None:
        """A client that pulls diagnostics asks again only on edits: after a re-check for other reasons (settings),
        ask it to (workspace/diagnostic/refresh). VS Code showed the old findings until the next keystroke."""
        caps = self.client_capabilities.workspace
        if self.pull_diagnostics and caps and caps.diagnostics and caps.diagnostics.refresh_support:
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as exc:  # noqa: BLE001 - a refresh is a courtesy
                log.debug("diagnostic refresh failed: %s", exc)

    def configure_logging(self) -> None:
        used = logs.configure(self.settings.log_level, self.settings.log_file, self.send_log)
        log.info("anrf-lsp %s; log file: %s", __version__, used or "none (cannot be opened)")

    def _on_analysis(self, analysis: Analysis) -> None:
        if not self.pull_diagnostics:  # else the client asks (textDocument/diagnostic)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=analysis.uri, diagnostics=self.diagnostics(analysis), version=analysis.version)
            )
        self.workflow.anrf_analyzed(analysis.uri, analysis.doc, analysis.findings)
        self.idle_gc.activity()

    def diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        caps = self.client_capabilities.text_document
        related = bool(caps and caps.publish_diagnostics and caps.publish_diagnostics.related_information)
        return [convert.diagnostic(f, analysis.positions, analysis.uri, self.settings.docs_url, related) for f in analysis.findings]

    async def _check_new(self, uri: str, text: str) -> Analysis:
        """Check a document the editor has not opened yet (a file being generated), off the loop."""
        from .analysis import analyze

        return await asyncio.get_running_loop().run_in_executor(self.check_executor, analyze, uri, None, text, self.settings,
                                                                self.position_encoding())

    def _publish_new(self, analysis: Analysis) -> None:
        """Diagnostics of a file not open in the editor, at once (push mode; pull clients ask when they open it)."""
        if analysis.uri not in self.analyzer and not self.pull_diagnostics:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=analysis.uri, diagnostics=self.diagnostics(analysis)))

    def markdown_supported(self) -> bool:
        caps = self.client_capabilities.text_document
        formats = caps.hover.content_format if caps and caps.hover else None
        return not formats or types.MarkupKind.Markdown in formats


server = AnrfLanguageServer()
server.workflow.register(server)  # its commands and handlers (generate, analyze, accept, reject, progress cancel)
conversion.register(server)  # anrf.importPython, anrf.exportPython


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def is_anrf_document(uri: str, language_id: str | None = None) -> bool:
    return uri.endswith(".anrf.json") or language_id == "anrf"


# -- lifecycle ---------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: AnrfLanguageServer, params: types.InitializeParams) -> None:
    ls._loop = asyncio.get_running_loop()
    options = section_of(params.initialization_options)
    ls.configure_logging()
    if options:
        ls.apply_settings(options)
    mode = ls.settings.diagnostics_mode
    client_pulls = bool(params.capabilities.text_document and params.capabilities.text_document.diagnostic)
    ls.pull_diagnostics = mode == "pull" or (mode == "auto" and client_pulls)
    ls.workspace_files.set_roots(_roots(params))


def _roots(params: types.InitializeParams) -> list[str]:
    from pygls.uris import to_fs_path

    uris = [f.uri for f in params.workspace_folders or []] or ([params.root_uri] if params.root_uri else [])
    paths = [to_fs_path(u) for u in uris]
    if not paths and params.root_path:
        paths = [params.root_path]
    return [p for p in paths if p]


@server.feature(types.INITIALIZED)
async def initialized(ls: AnrfLanguageServer, params: types.InitializedParams) -> None:
    await _pull_configuration(ls)


async def _pull_configuration(ls: AnrfLanguageServer) -> None:
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        result = await ls.workspace_configuration_async(types.ConfigurationParams(items=[types.ConfigurationItem(section="anrf")]))
    except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps the current settings
        log.debug("workspace/configuration failed: %s", exc)
        return
    if result and isinstance(result[0], dict):
        ls.apply_settings(result[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: AnrfLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    section = section_of(params.settings)
    if section is not None:
        ls.apply_settings(section)
    else:
        await _pull_configuration(ls)


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def did_change_folders(ls: AnrfLanguageServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    from pygls.uris import to_fs_path

    ls.workspace_files.set_roots([p for f in ls.workspace.folders.values() if (p := to_fs_path(f.uri))])


# -- documents -----------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: AnrfLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    ls.line_anchors.pop(doc.uri, None)
    if is_anrf_document(doc.uri, doc.language_id) or doc.uri in ls.desynced:
        ls.desynced.discard(doc.uri)
        ls.analyzer.changed(doc.uri, doc.version, doc.text)
    else:  # any other language: tracked by pygls for intent comments only (no diagnostics)
        ls.workflow.opened(doc.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: AnrfLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    changes = list(params.content_changes)
    resynced = False
    if uri in ls.desynced:  # only a whole-document change brings the text back
        whole = [i for i, c in enumerate(changes) if isinstance(c, types.TextDocumentContentChangeWholeDocument)]
        if not whole:
            return
        ls.desynced.discard(uri)
        text, changes, resynced = changes[whole[-1]].text, changes[whole[-1] + 1 :], True
    elif uri in ls.analyzer:
        text = ls.analyzer.text(uri)
    else:
        return
    try:
        text, edit, ls.line_anchors[uri] = textsync.apply_changes(text, changes, ls.position_encoding(),
                                                                   (0, 0) if resynced else ls.line_anchors.get(uri, (0, 0)))
    except textsync.OutOfSync as exc:
        ls.lost_sync(uri, str(exc))
        return
    ls.analyzer.changed(uri, params.text_document.version, text, None if resynced else edit)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: AnrfLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.workspace_files.forget(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: AnrfLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.desynced.discard(uri)
    ls.line_anchors.pop(uri, None)
    if uri in ls.analyzer:
        ls.analyzer.closed(uri)
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    else:
        ls.workflow.closed(uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="anrf", inter_file_dependencies=False, workspace_diagnostics=False),
)
async def pull_diagnostics(ls: AnrfLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    analysis = await ls.analyzer.current(params.text_document.uri)
    if analysis is None or not ls.pull_diagnostics:
        # Not ours, or diagnostics are pushed (an empty report keeps them from showing twice).
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{analysis.version}:{id(analysis)}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(analysis), result_id=result_id)


# -- navigation ------------------------------------------------------------------


async def _analysis_at(ls: AnrfLanguageServer, uri: str, position: types.Position) -> tuple[Analysis, int] | None:
    analysis = await ls.analyzer.current(uri)
    if analysis is None:
        return None
    return analysis, analysis.positions.offset(position)


async def _feature_at(ls: AnrfLanguageServer, params: Any, feature: Any, *extra: Any) -> tuple[Analysis, Any] | None:
    """Run `feature(doc, index, offset, *extra)` off the loop at the request's position."""
    found = await _analysis_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    analysis, offset = found
    result = await ls.off_loop(feature, analysis.doc, analysis.index, offset, *extra)
    return None if result is None else (analysis, result)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: AnrfLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """A card for what is under the cursor: an ANRF node (ANRF documents) or an intent comment (the workflow's, any other)."""
    from anrf_lsp.language.hover import hover as hover_card

    found = await _feature_at(ls, params, hover_card)
    if found is not None:
        analysis, (markdown, span) = found
        return convert.hover(markdown, analysis.positions.span_to_client(span), ls.markdown_supported())
    return ls.workflow.hover(params.text_document.uri, params.position)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: AnrfLanguageServer, params: types.DefinitionParams) -> list[types.Location] | None:
    from anrf_lsp.language import navigation

    found = await _feature_at(ls, params, navigation.definition)
    if found is None:
        return None
    analysis, spans = found
    return [convert.location(analysis.uri, s, analysis.positions) for s in spans] or None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: AnrfLanguageServer, params: types.ReferenceParams) -> list[types.Location] | None:
    from anrf_lsp.language import navigation

    found = await _feature_at(ls, params, navigation.references, params.context.include_declaration)
    if found is None:
        return None
    analysis, spans = found
    return [convert.location(analysis.uri, s, analysis.positions) for s in spans] or None


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbols(
    ls: AnrfLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    from anrf_lsp.language.symbols import document_symbols as outline

    analysis = await ls.analyzer.current(params.text_document.uri)
    if analysis is None:
        return None
    symbols = await ls.off_loop(outline, analysis.doc, analysis.index)
    caps = ls.client_capabilities.text_document
    hierarchical = bool(caps and caps.document_symbol and caps.document_symbol.hierarchical_document_symbol_support)
    if hierarchical:
        return [convert.document_symbol(s, analysis.positions) for s in symbols]
    return list(convert.flat_symbols(analysis.uri, symbols, analysis.positions))


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbols(ls: AnrfLanguageServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol] | None:
    open_docs = {}
    for uri in ls.analyzer.uris():
        analysis = await ls.analyzer.current(uri)
        if analysis is not None:
            open_docs[uri] = analysis
    found = await ls.off_loop(ls.workspace_files.symbols, params.query, open_docs, ls.settings.workspace_symbol_max_files)
    return [convert.workspace_symbol(s) for s in found]


# -- editing help ------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS))
async def completion(ls: AnrfLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    from anrf_lsp.language.completion import completions

    found = await _feature_at(ls, params, completions)
    if found is None:
        return None
    analysis, result = found
    return convert.completion_list(result, analysis.positions, ls.markdown_supported())


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
async def inlay_hints(ls: AnrfLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
    if not ls.settings.inlay_hints:
        return None
    hints = await _anrf_inlay_hints(ls, params) + ls.workflow.inlay_hints(params.text_document.uri, params.range)
    return hints or None


async def _anrf_inlay_hints(ls: AnrfLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    from anrf_lsp.language.inlay import inlay_hints as hints_in

    analysis = await ls.analyzer.current(params.text_document.uri)
    if analysis is None:
        return []
    start = analysis.positions.offset(params.range.start)
    end = analysis.positions.offset(params.range.end)
    hints = await ls.off_loop(hints_in, analysis.doc, start, end, analysis.index)
    source = analysis.doc.source
    return [convert.inlay_hint(analysis.positions.to_client(source.position(h.offset)), h.label, h.tooltip, types.InlayHintKind.Parameter)
            for h in hints]


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, workflow.GENERATE_KIND, workflow.FEEDBACK_KIND]),
)
async def code_actions(ls: AnrfLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    """Quick fixes (ANRF documents), and what the workflow offers: Regenerate/Accept/Reject in ANRF files,
    Generate/Analyze on intent comments and selections in any other document."""
    uri, only = params.text_document.uri, params.context.only
    actions = ls.workflow.code_actions(uri, params.range, only)
    analysis = await ls.analyzer.current(uri)
    if analysis is not None:
        actions += await _quick_fixes(ls, analysis, params.context.diagnostics)
        tree = await ls.off_loop(getattr, analysis.doc, "tree")  # parsed once per version, off the loop (large documents)
        actions += ls.workflow.anrf_code_actions(uri, tree, only)
    return actions or None


async def _quick_fixes(ls: AnrfLanguageServer, analysis: Analysis, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    from anrf_lsp.language.quickfix import full_check, incremental_checker, quick_fixes

    check = incremental_checker(analysis.state) if analysis.state is not None else full_check
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    actions: list[types.CodeAction] = []
    seen: set[tuple[str, str]] = set()
    for diag in diagnostics:
        payload = convert.fix_payload(diag)
        if payload is None:
            continue
        for fix in await ls.off_loop(quick_fixes, analysis.doc, *payload, check):
            key = (fix.title, repr([(e.span, e.new_text) for e in fix.edits]))
            if key in seen:
                continue  # e.g. one "rebuild symbol table" for several findings
            seen.add(key)
            edits = [convert.text_edit(e.span, e.new_text, analysis.positions) for e in fix.edits]
            actions.append(convert.quick_fix(fix.title, diag, convert.workspace_edit(analysis.uri, analysis.version, edits, versioned), fix.preferred))
    return actions


# -- commands ------------------------------------------------------------------------


@server.command(VERIFY_COMMAND)
async def verify(ls: AnrfLanguageServer, *args: Any) -> dict[str, Any]:
    """Run every check on a document (open or on disk); returns the findings and counts."""
    first = args[0] if args else None
    uri = first.get("uri") if isinstance(first, dict) else first
    if not uri or not isinstance(uri, str):
        raise JsonRpcInvalidParams("anrf.verify needs a document URI argument")
    analysis = await ls.analyzer.current(uri)
    if analysis is None:
        analysis = await ls.off_loop(_analyze_file, uri, ls.settings)
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in analysis.findings:
        counts[f.severity] += 1
    return {
        "uri": uri,
        "version": analysis.version,
        "ok": counts["error"] == 0,
        "counts": counts,
        "findings": [f.to_dict() for f in analysis.findings],
    }


@server.command(STATUS_COMMAND)
def status(ls: AnrfLanguageServer, *args: Any) -> dict[str, Any]:
    """What the server holds: for editor status bars and for checking that closing releases state."""
    return {
        "version": __version__,
        "openDocuments": [
            {"uri": uri, "version": ls.analyzer.version(uri), "length": len(ls.analyzer.text(uri))} for uri in ls.analyzer.uris()
        ],
        "diagnostics": "pull" if ls.pull_diagnostics else "push",
        "checks": dict(ls.analyzer.counts),  # how many analyses were incremental (an edit inside one item) or full
        "idleCollections": ls.idle_gc.collections,
        "models": ls.models.status(),
        "generations": ls.workflow.running(),
        "settings": redacted(ls.settings),
    }


def _analyze_file(uri: str, settings: Settings) -> Analysis:
    from anrf_lsp import pipeline

    from .analysis import analyze, uri_to_display_path

    path = uri_to_display_path(uri)
    data = pipeline.read_regular_file(path, settings.max_file_bytes)
    return analyze(uri, None, data, settings, types.PositionEncodingKind.Utf16)


# -- entry point ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """`anrf-lsp` console script (same as `anrf lsp`)."""
    import argparse

    from anrf_lsp.cli_common import add_lsp_arguments

    parser = argparse.ArgumentParser(prog="anrf-lsp", description="ANRF language server")
    add_lsp_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: Any) -> int:
    flags = {k: v for k, v in {"log_file": args.log_file, "log_level": args.log_level, "debounce_ms": args.debounce_ms}.items() if v is not None}
    try:
        server.base_settings = server.base_settings.updated(flags)
    except SettingsError as exc:
        print(f"anrf lsp: error: {exc}", file=sys.stderr)
        return 2
    server.settings = server.base_settings
    server.idle_gc.start()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not (port.isascii() and port.isdigit()):
            print("anrf lsp: error: --tcp wants HOST:PORT, e.g. 127.0.0.1:2087", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        from .framing import BoundedStdin

        server.start_io(stdin=BoundedStdin(sys.stdin.buffer))
    return 0
