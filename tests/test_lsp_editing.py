"""Quick fixes and the verify command through the real server: the client asks for
code actions on a published diagnostic, applies the edit, and the finding is gone."""

from __future__ import annotations

import asyncio
import json

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES, sum_doc
from tests.lsp_support import (
    apply_edits,
    diagnostics,
    edits_for,
    open_doc,
    pretty,
    replace_all,
)


async def _actions(client: LanguageClient, uri: str, diag: types.Diagnostic) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix]),
        )
    )
    return list(result or [])


async def _fix(client: LanguageClient, uri: str, text: str, code: str, title_start: str, diags: list | None = None) -> tuple[str, list]:
    """Take the quick fix titled `title_start...` for the first `code` diagnostic of version 1, apply it as version 2."""
    version = 1
    diags = diags if diags is not None else await diagnostics(client, uri, version)
    diag = next(d for d in diags if d.code == code)
    actions = await _actions(client, uri, diag)
    action = next(a for a in actions if a.title.startswith(title_start))
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.diagnostics and action.diagnostics[0].code == code
    new_text = apply_edits(text, edits_for(action, uri))
    replace_all(client, uri, new_text, version + 1)
    return new_text, await diagnostics(client, uri, version + 1)


async def test_remove_dangling_reference(client: LanguageClient, tmp_path):
    document = json.loads((EXAMPLES / "valid" / "sum.anrf.json").read_text())
    document["semantic"]["nodes"][0]["execution_refs"].append("exec_node_9")
    text = json.dumps(document, indent=2)
    uri = (tmp_path / "dangling.anrf.json").as_uri()
    open_doc(client, uri, text)
    new_text, after = await _fix(client, uri, text, "ANRF104", "Remove reference")
    assert "ANRF104" not in [d.code for d in after]
    assert '"exec_node_9"' not in new_text
    # Everything before the edited line is untouched.
    first_changed = next(i for i, (a, b) in enumerate(zip(text.splitlines(), new_text.splitlines())) if a != b)
    assert text.splitlines()[:first_changed] == new_text.splitlines()[:first_changed]


async def test_no_fix_that_would_add_an_error_is_offered(client: LanguageClient, tmp_path):
    """Removing the dangling operand of `add` would leave it one input (ANRF205): only the stub is offered."""
    text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
    uri = (tmp_path / "operand.anrf.json").as_uri()
    open_doc(client, uri, text)
    published = await diagnostics(client, uri, 1)
    diag = next(d for d in published if d.code == "ANRF104")
    assert [a.title for a in await _actions(client, uri, diag) if a.kind == types.CodeActionKind.QuickFix] == [
        "Create stub execution node 'exec_node_9'"]


async def test_create_stub_node_for_dangling_reference(client: LanguageClient, tmp_path):
    text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
    uri = (tmp_path / "stub.anrf.json").as_uri()
    open_doc(client, uri, text)
    new_text, after = await _fix(client, uri, text, "ANRF104", "Create stub")
    assert "ANRF104" not in [d.code for d in after]
    assert new_text.count('"node_id": "exec_node_9"') == 1


async def test_unknown_type_gets_a_typedef_stub(client: LanguageClient, tmp_path):
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["properties"]["type"] = "type_matrix"
    text = pretty(doc)
    uri = (tmp_path / "types.anrf.json").as_uri()
    open_doc(client, uri, text)
    new_text, after = await _fix(client, uri, text, "ANRF201", "Add TypeDef stub")
    assert "ANRF201" not in [d.code for d in after]
    assert '"type_id": "type_matrix"' in new_text


async def test_rebuild_symbol_table(client: LanguageClient, tmp_path):
    doc = sum_doc()
    doc["semantic"]["symbol_table"] = {"summ": doc["semantic"]["nodes"][0]["node_id"]}
    text = pretty(doc)
    uri = (tmp_path / "symbols.anrf.json").as_uri()
    open_doc(client, uri, text)
    _, after = await _fix(client, uri, text, "ANRF302", "Rebuild symbol table")
    assert "ANRF302" not in [d.code for d in after]


async def test_rename_duplicate_id(client: LanguageClient, tmp_path):
    text = (EXAMPLES / "invalid" / "duplicate_ids.anrf.json").read_text()
    uri = (tmp_path / "dups.anrf.json").as_uri()
    open_doc(client, uri, text)
    before = await diagnostics(client, uri, 1)
    count = sum(d.code == "ANRF103" for d in before)
    _, after = await _fix(client, uri, text, "ANRF103", "Rename to", before)
    assert sum(d.code == "ANRF103" for d in after) == count - 1


async def test_no_actions_for_foreign_or_stale_diagnostics(client: LanguageClient, tmp_path):
    text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
    uri = (tmp_path / "stale.anrf.json").as_uri()
    open_doc(client, uri, text)
    diag = next(d for d in await diagnostics(client, uri, 1) if d.code == "ANRF104")
    foreign = types.Diagnostic(range=diag.range, message="from another tool", source="other", data=diag.data)
    assert await _actions(client, uri, foreign) == []
    # The user fixed it by hand: the old diagnostic no longer fits, so no edit is offered.
    replace_all(client, uri, text.replace('"exec_node_9"', '"exec_node_4"'), 2)
    await diagnostics(client, uri, 2)
    assert await _actions(client, uri, diag) == []


async def test_verify_command(client: LanguageClient, tmp_path):
    path = EXAMPLES / "invalid" / "type_mismatch.anrf.json"
    open_doc(client, path.as_uri(), path.read_text())
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.verify", arguments=[path.as_uri()]))
    assert result["ok"] is False and result["counts"]["error"] >= 1
    assert any(f["code"] == "ANRF202" for f in result["findings"])
    # A file that is not open is read from disk.
    valid = EXAMPLES / "valid" / "gcd.anrf.json"
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.verify", arguments=[valid.as_uri()]))
    assert result["ok"] is True and result["version"] is None
    # A named pipe is refused at once (reading it had blocked the feature thread: hover and verify timed out).
    import os

    fifo = tmp_path / "pipe.anrf.json"
    os.mkfifo(fifo)
    with pytest.raises(JsonRpcException, match="not a regular file"):
        await asyncio.wait_for(client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.verify",
                                                                                                   arguments=[fifo.as_uri()])), 10)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.verify", arguments=[valid.as_uri()]))
    assert result["ok"] is True
