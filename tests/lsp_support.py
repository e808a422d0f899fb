"""Helpers for driving the real language server process with pytest-lsp.

The stock pytest-lsp client keeps only the last diagnostics per URI and one
waiter per notification method, which races with fast servers; this client
records every publishDiagnostics (with its version) and wakes waiters on each.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

CLIENTS = ["visual_studio_code", "neovim"]
TIMEOUT = 30.0

LOG_DIR = tempfile.mkdtemp(prefix="anrf-lsp-test-logs-")


def server_config(*extra_args: str, env: dict[str, str] | None = None) -> ClientServerConfig:
    server_env = {**os.environ, "ANRF_LOG_FILE": os.path.join(LOG_DIR, "server.log"), **(env or {})}
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "anrf_lsp", "lsp", *extra_args],
        client_factory=make_client,
        server_env=server_env,
    )


async def stop_client(client: LanguageClient, grace: float = 5.0) -> None:
    """Stop a hand-started client even when the session failed before `shutdown`/`exit`:
    pygls's `stop` waits for the server process to end, which it would do only on `exit`
    or end of input, so an assertion inside a session used to hang the test run."""
    process = client._server
    if process is not None and process.returncode is None:
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
    await client.stop()


def make_client(extra_features: dict[str, Any] | None = None) -> LanguageClient:
    """The recording client; `extra_features` add or replace client-side handlers (method -> function(client, params))."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.published_event = asyncio.Event()  # type: ignore[attr-defined]

    def on_publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]
        client.published_event.set()  # type: ignore[attr-defined]

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish, **(extra_features or {})})
    return client


def initialize_params(client_name: str, root: Path | None = None, options: dict[str, Any] | None = None) -> types.InitializeParams:
    root_uri = root.as_uri() if root else None
    return types.InitializeParams(
        capabilities=client_capabilities(client_name),
        root_uri=root_uri,
        workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="ws")] if root_uri else None,
        initialization_options=options,
    )


def pulls(client: LanguageClient) -> bool:
    """Whether the server (in its default auto mode) expects this client to pull diagnostics."""
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def wait_published(client: LanguageClient, uri: str, version: int | None = None, timeout: float = TIMEOUT) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics for `uri` (with `version`, when given) not yet consumed."""
    seen: int = getattr(client, "_consumed", {}).get(uri, 0)

    async def find() -> types.PublishDiagnosticsParams:
        nonlocal seen
        while True:
            matching = [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]
            for i, p in enumerate(matching[seen:], start=seen):
                if version is None or p.version == version:
                    client.__dict__.setdefault("_consumed", {})[uri] = i + 1
                    return p
            seen = len(matching)
            client.published_event.clear()  # type: ignore[attr-defined]
            await client.published_event.wait()  # type: ignore[attr-defined]

    return await asyncio.wait_for(find(), timeout)


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """The server's diagnostics for `uri` at `version`, pulled or pushed as the client works."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)
    return list((await wait_published(client, uri, version)).diagnostics)


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=version, text=text))
    )


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
                )
            ],
        )
    )


def position_of(text: str, needle: str, nth: int = 0, delta: int = 1) -> types.Position:
    """LSP position (UTF-16) `delta` code units into the nth occurrence of `needle`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return position_at(text, at + delta)


def pretty(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) the way an editor does: all against the original text."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        start = sum(len(line) + 1 for line in lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units, i = 0, 0
        while i < len(line) and units < pos.character:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return start + i

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    """The text edits a code action makes to `uri` (versioned documentChanges or plain changes)."""
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list((edit.changes or {}).get(uri, []))


def position_at(text: str, offset: int, encoding: str = "utf-16") -> types.Position:
    """LSP position of a code-point offset, in code units of `encoding`."""
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    column = text[line_start:offset]
    units = {"utf-8": len(column.encode("utf-8")), "utf-32": len(column)}.get(encoding, len(column.encode("utf-16-le")) // 2)
    return types.Position(line=line, character=units)
