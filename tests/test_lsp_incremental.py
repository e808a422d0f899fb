"""Incremental analysis through the real server: edits inside items of a big document are checked
incrementally (anrf.status counts them), and after every edit the published diagnostics are a full
check's of the same text, whatever path the server took."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from benchmarks.generate import make_text
from checkers import check_text
from tests.conftest import EXAMPLES
from tests.lsp_support import diagnostics, open_doc, position_at


def _expected(text: str) -> list[tuple]:
    return sorted((f.code, f.message, f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character)
                  for f in check_text(text))


def _published(diags: list[types.Diagnostic]) -> list[tuple]:
    return sorted((str(d.code), d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in diags)


async def test_edits_inside_items_are_incremental_and_equal_a_full_check(client: LanguageClient, tmp_path):
    text = make_text(1200, dead_code=True)  # ~90 functions, an unreachable node in each: 90 ANRF106 warnings
    uri = (tmp_path / "big.anrf.json").as_uri()
    open_doc(client, uri, text)
    assert _published(await diagnostics(client, uri, 1)) == _expected(text)
    middle = len(text) // 2
    edits = [
        ('"name": "total"', '"name": "running total"', middle),  # a variable's name, halfway down
        ('"operation": "eq"', '"operation": "eqq"', middle),  # an unknown operation: an error appears (ANRF205)
        ('"operation": "eqq"', '"operation": "eq"', 0),  # and goes
        ('"value": "2"', '"value": "2",\n          "note": "two"', middle),  # a new line (an unknown field, ANRF107)
        ('"description": "', '"description": "About ', 0),  # the intent: a full check
        ('"name": "total"', '"name": "sum"', -1),  # the last one
    ]
    version = 1
    for old, new, start in edits:
        i = text.rindex(old) if start < 0 else text.index(old, start)
        rng = types.Range(start=position_at(text, i), end=position_at(text, i + len(old)))
        text = text[:i] + new + text[i + len(old):]
        version += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)]))
        assert _published(await diagnostics(client, uri, version)) == _expected(text), (old, new)
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
    assert status["checks"]["incremental"] >= 4 and status["checks"]["full"] >= 2, status["checks"]


async def test_a_settings_change_asks_a_pulling_client_to_pull_again(tmp_path):
    """VS Code pulls diagnostics and asks again only on edits: after settings change what the server reports, it
    must send workspace/diagnostic/refresh (the real VS Code showed the old findings; tests/test_vscode_e2e.py)."""
    import asyncio

    from pytest_lsp import ClientServerConfig

    from tests.lsp_support import initialize_params, make_client, server_config, stop_client

    refreshed = asyncio.Event()
    client = make_client({types.WORKSPACE_DIAGNOSTIC_REFRESH: lambda *_args: refreshed.set()})
    config: ClientServerConfig = server_config()
    await client.start_io(*config.server_command, env=config.server_env)
    try:
        params = initialize_params("visual_studio_code", root=tmp_path)  # as recorded from an older VS Code: add pull + refresh
        params.capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities()
        params.capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        await client.initialize_session(params)
        uri = (tmp_path / "d.anrf.json").as_uri()
        text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
        open_doc(client, uri, text)
        assert "ANRF301" in {str(d.code) for d in await diagnostics(client, uri, 1)}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"anrf": {"ignore": ["ANRF301"]}}))
        await asyncio.wait_for(refreshed.wait(), 10)
        assert "ANRF301" not in {str(d.code) for d in await diagnostics(client, uri, 1)}
        await client.shutdown_session()
    finally:
        await stop_client(client)
