"""Intent analysis through the real language server: the `anrf.analyzeIntent` command loads the
model the settings name (the bundled default here) off the event loop, and a model that cannot
load is a clear error, not a dead server."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from anrf_lsp.intent.schema import StructuredIntent


async def _analyze(client: LanguageClient, text: str):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.analyzeIntent", arguments=[text]))


async def test_analyze_intent_command(client: LanguageClient):
    result = await _analyze(client, "Write a function called biggest that returns the largest number in a list, in O(n) time")
    intent = StructuredIntent.model_validate(result)
    assert intent.intent_type == "create_function" and intent.operation == "max"
    assert intent.target is not None and intent.target.name == "biggest"
    assert [c.formal_spec for c in intent.constraints] == ["O(n)"]
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
    assert status["models"]["intent"]["directory"].endswith("intent-v2")
    # The {"text": ...} form and odd input answer too.
    empty = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.analyzeIntent", arguments=[{"text": ""}]))
    assert empty["intent_type"] == "out_of_scope"


async def test_a_missing_model_is_a_clear_error_and_the_server_keeps_answering(client: LanguageClient, tmp_path):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"anrf": {"intentModel": str(tmp_path / "no-such-model")}})
    )
    with pytest.raises(JsonRpcException, match="not an intent model directory"):
        await _analyze(client, "reverse a string")
    # Sent before the error response, so it is already here.
    assert any(m.type == types.MessageType.Error and "intent analysis failed" in m.message for m in client.messages)
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
    assert status["openDocuments"] == []


async def test_an_unreachable_remote_server_is_a_clear_error_and_hides_the_key(client: LanguageClient):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"anrf": {"server": {"url": f"http://127.0.0.1:{port}", "apiKey": "secret-key", "timeoutS": 5}}}))
    with pytest.raises(JsonRpcException, match="cannot reach the ANRF server"):
        await _analyze(client, "reverse a string")
    assert any(m.type == types.MessageType.Error and "check the `server.url` setting" in m.message for m in client.messages)
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
    assert status["settings"]["server"] == {"url": f"http://127.0.0.1:{port}", "apiKey": "***", "timeoutS": 5.0}
