"""The real server process, driven like VS Code and Neovim drive it: diagnostics,
settings, logging, stale results and closing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES, sum_doc
from tests.lsp_support import (
    CLIENTS,
    LOG_DIR,
    diagnostics,
    edit,
    initialize_params,
    open_doc,
    position_at,
    pretty,
    pulls,
    replace_all,
    server_config,
    wait_published,
)


def _codes(diags: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def test_invalid_example_gets_precise_diagnostics(client: LanguageClient, tmp_path):
    path = EXAMPLES / "invalid" / "dangling_reference.anrf.json"
    text = path.read_text()
    open_doc(client, path.as_uri(), text)
    diags = await diagnostics(client, path.as_uri(), 1)
    dangling = [d for d in diags if d.code == "ANRF104"]
    assert len(dangling) == 1
    d = dangling[0]
    line = text.splitlines()[d.range.start.line]
    assert line[d.range.start.character : d.range.end.character] == '"exec_node_9"'
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "anrf"
    assert d.code_description.href.endswith("docs/checks.md#anrf104-dangling-reference")
    assert d.data["code"] == "ANRF104" and d.data["pointer"] == "/execution/nodes/4/inputs/1"
    assert d.data["data"]["ref"] == "exec_node_9"


async def test_duplicate_id_points_at_first_occurrence(client: LanguageClient):
    path = EXAMPLES / "invalid" / "duplicate_ids.anrf.json"
    text = path.read_text()
    open_doc(client, path.as_uri(), text)
    diags = await diagnostics(client, path.as_uri(), 1)
    dup = next(d for d in diags if d.code == "ANRF103")
    assert dup.related_information, "the first definition is related information"
    first = dup.related_information[0]
    assert first.location.uri == path.as_uri()
    assert first.location.range.start.line < dup.range.start.line
    assert "first defined here" in first.message


async def test_syntax_error_and_back(client: LanguageClient, tmp_path):
    uri = (tmp_path / "sum.anrf.json").as_uri()
    text = pretty(sum_doc())
    open_doc(client, uri, text)
    assert not [d for d in await diagnostics(client, uri, 1) if d.severity == types.DiagnosticSeverity.Error]

    # Delete the comma after "version": "v1" -> a syntax error on that line.
    line_no = next(i for i, line in enumerate(text.splitlines()) if '"version"' in line)
    line = text.splitlines()[line_no]
    edit(client, uri, 2, (line_no, len(line) - 1), (line_no, len(line)), "")
    broken = await diagnostics(client, uri, 2)
    syntax = [d for d in broken if d.code == "ANRF100"]
    assert syntax and syntax[0].range.start.line in (line_no, line_no + 1)

    edit(client, uri, 3, (line_no, len(line) - 1), (line_no, len(line) - 1), ",")
    fixed = await diagnostics(client, uri, 3)
    assert "ANRF100" not in _codes(fixed)
    assert not [d for d in fixed if d.severity == types.DiagnosticSeverity.Error]


async def test_positions_after_astral_characters_use_the_negotiated_encoding(client: LanguageClient, tmp_path):
    """One-line document: every column after the emoji differs between UTF-8, UTF-16 and code points."""
    uri = (tmp_path / "emoji.anrf.json").as_uri()
    doc = sum_doc()
    doc["intent"]["description"] = "Sum 😀 the é values 𝄞"
    text = json.dumps(doc, ensure_ascii=False)
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)

    encoding = client.position_encoding  # type: ignore[attr-defined]
    start = text.index('"exec_node_1"', text.index('"execution_refs"'))
    end = start + len('"exec_node_1"')
    rng = types.Range(start=position_at(text, start, encoding), end=position_at(text, end, encoding))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text='"exec_node_404"')],
        )
    )
    text = text[:start] + '"exec_node_404"' + text[end:]
    diags = await diagnostics(client, uri, 2)
    dangling = [d for d in diags if d.code == "ANRF104"]
    assert "ANRF100" not in _codes(diags)
    assert [d.range.start for d in dangling] == [position_at(text, start, encoding)]
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
    assert {"uri": uri, "version": 2, "length": len(text)} in status["openDocuments"]


async def test_rapid_edits_never_publish_a_stale_result(client: LanguageClient, tmp_path):
    uri = (tmp_path / "race.anrf.json").as_uri()
    doc = sum_doc()
    open_doc(client, uri, pretty(doc))
    await diagnostics(client, uri, 1)
    final = 30
    for version in range(2, final + 1):
        doc["anrf_id"] = f"race_{version}"
        # Odd versions break the document; the last one (even) is valid.
        text = pretty(doc) if version % 2 == 0 else pretty(doc)[:-3]
        replace_all(client, uri, text, version)
    diags = await diagnostics(client, uri, final)
    assert "ANRF100" not in _codes(diags)
    if not pulls(client):
        versions = [p.version for p in client.published if p.uri == uri]
        assert versions == sorted(versions), f"an older version was published after a newer one: {versions}"
        assert versions[-1] == final
        assert len(versions) < final, "a burst of edits is debounced"


async def test_close_clears_diagnostics(client: LanguageClient, tmp_path):
    uri = (tmp_path / "closing.anrf.json").as_uri()
    open_doc(client, uri, "{")
    assert "ANRF100" in _codes(await diagnostics(client, uri, 1))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert list(report.items) == []
    else:
        cleared = await wait_published(client, uri)
        assert list(cleared.diagnostics) == []


async def test_non_anrf_documents_are_left_alone(client: LanguageClient, tmp_path):
    other = (tmp_path / "package.json").as_uri()
    anrf = (tmp_path / "x.anrf.json").as_uri()
    open_doc(client, other, "{ not json")
    open_doc(client, anrf, "{ not json")
    assert "ANRF100" in _codes(await diagnostics(client, anrf, 1))
    if not pulls(client):
        assert other not in {p.uri for p in client.published}


async def test_huge_and_odd_documents_get_findings_not_crashes(client: LanguageClient, tmp_path):
    cases = {
        "deep": "[" * 100_000 + "]" * 100_000,
        "array": "[1, 2, 3]",
        "string_for_object": json.dumps({"anrf_id": "x", "version": "v1", "intent": "hello", "semantic": {}, "execution": {}}),
        "lone_surrogate": '{"anrf_id": "\ud800"}',
        "empty": "",
    }
    for name, text in cases.items():
        uri = (tmp_path / f"{name}.anrf.json").as_uri()
        open_doc(client, uri, text)
        diags = await diagnostics(client, uri, 1)
        assert any(d.severity == types.DiagnosticSeverity.Error for d in diags), name
    # the server still answers
    uri = (tmp_path / "after.anrf.json").as_uri()
    open_doc(client, uri, pretty(sum_doc()))
    assert "ANRF100" not in _codes(await diagnostics(client, uri, 1))


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def configured(lsp_client: LanguageClient, request):
    options = {"anrf": {"ignore": ["ANRF301"], "maxFileSizeMb": 0.01}}
    await lsp_client.initialize_session(initialize_params(request.param, options=options))
    yield
    await lsp_client.shutdown_session()


async def test_settings_from_initialization_options_and_changes(configured: LanguageClient, tmp_path):
    client = configured
    sum_uri = (EXAMPLES / "valid" / "sum.anrf.json").as_uri()
    open_doc(client, sum_uri, (EXAMPLES / "valid" / "sum.anrf.json").read_text())
    assert "ANRF301" not in _codes(await diagnostics(client, sum_uri, 1))

    big_uri = (tmp_path / "big.anrf.json").as_uri()
    doc = sum_doc()
    doc["metadata"]["padding"] = "x" * 20_000
    open_doc(client, big_uri, pretty(doc))
    diags = await diagnostics(client, big_uri, 1)
    assert _codes(diags) == ["ANRF000"] and "maxFileSizeMb" in diags[0].message

    # A bad value is refused with a message; the old settings stay.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"anrf": {"debounceMs": "soon"}}))
    message = await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert "debounceMs" in message.message
    replace_all(client, sum_uri, (EXAMPLES / "valid" / "sum.anrf.json").read_text(), 2)
    assert "ANRF301" not in _codes(await diagnostics(client, sum_uri, 2))

    # A good change re-checks open documents with the new settings.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"anrf": {"ignore": []}}))
    replace_all(client, sum_uri, (EXAMPLES / "valid" / "sum.anrf.json").read_text(), 3)
    assert "ANRF301" in _codes(await diagnostics(client, sum_uri, 3))


async def test_logs_go_to_the_client_and_a_file(client: LanguageClient):
    assert any("anrf-lsp" in m.message and "log file" in m.message for m in client.log_messages)
    log_file = os.path.join(LOG_DIR, "server.log")
    assert os.path.exists(log_file)
    assert "anrf-lsp" in Path(log_file).read_text(encoding="utf-8")


@pytest.mark.parametrize("client_name", CLIENTS)
async def test_initialize_advertises_the_features(client_name):
    config = server_config()
    lsp = await config.start()
    try:
        result = await lsp.initialize_session(initialize_params(client_name))
        caps = result.capabilities
        assert caps.hover_provider and caps.definition_provider and caps.references_provider
        assert caps.document_symbol_provider and caps.workspace_symbol_provider and caps.code_action_provider
        assert caps.completion_provider and caps.inlay_hint_provider and caps.diagnostic_provider
        assert "anrf.verify" in caps.execute_command_provider.commands
        assert result.server_info.name == "anrf-lsp"
        await lsp.shutdown_session()
    finally:
        await lsp.stop()
