"""Hover, definition, references, symbols, completion and inlay hints through the
real server process, with VS Code's and Neovim's client capabilities."""

from __future__ import annotations

import shutil

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES
from tests.lsp_support import CLIENTS, diagnostics, initialize_params, open_doc, position_of, server_config

SUM = EXAMPLES / "valid" / "sum.anrf.json"


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path):
    for name in ("gcd.anrf.json", "counter.anrf.json"):
        shutil.copy(EXAMPLES / "valid" / name, tmp_path / name)
    await lsp_client.initialize_session(initialize_params(request.param, root=tmp_path))
    yield
    await lsp_client.shutdown_session()


def _doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def _covered(text: str, rng: types.Range) -> str:
    lines = text.splitlines()
    assert rng.start.line == rng.end.line
    return lines[rng.start.line][rng.start.character : rng.end.character]


async def _open_sum(client: LanguageClient) -> tuple[str, str]:
    text = SUM.read_text()
    open_doc(client, SUM.as_uri(), text)
    return SUM.as_uri(), text


async def test_hover_on_an_execution_reference(client: LanguageClient):
    uri, text = await _open_sum(client)
    # exec_node_5 as an output of the for_each node (line 65)
    pos = position_of(text, '"outputs": ["exec_node_5"', delta=len('"outputs": ["') + 2)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=_doc(uri), position=pos))
    assert hover is not None
    value = hover.contents.value
    assert "exec_node_5" in value and "add" in value and "xecution" in value
    assert _covered(text, hover.range) == '"exec_node_5"'


async def test_hover_on_intent_shows_confidence(client: LanguageClient):
    uri, text = await _open_sum(client)
    pos = position_of(text, '"intent"', delta=3)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=_doc(uri), position=pos))
    value = hover.contents.value
    assert "Calculate the sum of an array of numbers" in value
    assert "performance" in value and "0.95" in value


async def test_definition_and_references_across_layers(client: LanguageClient):
    uri, text = await _open_sum(client)
    use = position_of(text, '"inputs": ["exec_node_3", "exec_node_4"]', delta=len('"inputs": ["exec_node_3", "') + 3)
    result = await client.text_document_definition_async(types.DefinitionParams(text_document=_doc(uri), position=use))
    assert len(result) == 1 and result[0].uri == uri
    assert _covered(text, result[0].range) == '"exec_node_4"'
    assert '"node_id": "exec_node_4"' in text.splitlines()[result[0].range.start.line]

    refs = await client.text_document_references_async(
        types.ReferenceParams(text_document=_doc(uri), position=use, context=types.ReferenceContext(include_declaration=False))
    )
    lines = sorted({r.range.start.line for r in refs})
    expected = sorted({i for i, line in enumerate(text.splitlines()) if '"exec_node_4"' in line and '"node_id": "exec_node_4"' not in line})
    assert all(_covered(text, r.range) == '"exec_node_4"' for r in refs)
    assert lines == expected


async def test_document_symbols_have_the_three_layers(client: LanguageClient):
    uri, _ = await _open_sum(client)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=_doc(uri)))
    top = [s.name for s in symbols]
    assert top[:3] == ["Intent", "Semantic", "Execution"]
    execution = symbols[2]
    assert "exec_node_5" in [c.name for c in execution.children or []]


async def test_workspace_symbols_find_files_on_disk(client: LanguageClient, tmp_path):
    await _open_sum(client)
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="gcd"))
    uris = {s.location.uri for s in found}
    assert (tmp_path / "gcd.anrf.json").as_uri() in uris
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="func_sum"))
    assert SUM.as_uri() in {s.location.uri for s in found}


async def test_completion_in_half_typed_json(client: LanguageClient, tmp_path):
    text = SUM.read_text()
    cut = text.index('"inputs": ["exec_node_3", "exec_node_4"]') + len('"inputs": ["exec_')
    half = text[:cut]  # the rest of the file is not typed yet
    uri = (tmp_path / "half.anrf.json").as_uri()
    open_doc(client, uri, half)
    assert "ANRF100" in [d.code for d in await diagnostics(client, uri, 1)]
    pos = position_of(half, half[-5:], delta=5)
    result = await client.text_document_completion_async(types.CompletionParams(text_document=_doc(uri), position=pos))
    labels = [i.label for i in result.items]
    assert "exec_node_1" in labels and "exec_node_4" in labels
    assert all(not label.startswith("func_") for label in labels), "only execution node ids belong in inputs"


async def test_completion_of_operations(client: LanguageClient, tmp_path):
    text = SUM.read_text().replace('"operation": "add"', '"operation": ""')
    uri = (tmp_path / "ops.anrf.json").as_uri()
    open_doc(client, uri, text)
    pos = position_of(text, '"operation": ""', delta=len('"operation": "'))
    result = await client.text_document_completion_async(types.CompletionParams(text_document=_doc(uri), position=pos))
    labels = {i.label for i in result.items}
    assert {"add", "for_each", "return", "function_def"} <= labels
    add = next(i for i in result.items if i.label == "add")
    assert add.text_edit.new_text == "add"


async def test_inlay_hints_show_confidence(client: LanguageClient, tmp_path):
    text = SUM.read_text().replace('"confidence_score": "0.95"', '"confidence_score": "0.87", "confidence.exec_node_5": "0.42"')
    uri = (tmp_path / "conf.anrf.json").as_uri()
    open_doc(client, uri, text)
    end = types.Position(line=len(text.splitlines()), character=0)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=_doc(uri), range=types.Range(start=types.Position(line=0, character=0), end=end))
    )
    labels = {h.label: h.position.line for h in hints}
    assert labels.get("confidence 0.87") == 1
    node_line = next(i for i, line in enumerate(text.splitlines()) if '"node_id": "exec_node_5"' in line)
    assert any(line == node_line and "0.42" in label for label, line in labels.items())


async def test_the_requests_examples_are_checked_live_and_shown_on_hover(client: LanguageClient, tmp_path):
    """A document whose program fails one of its own examples: ANRF404 while editing, and the
    intent's hover says which examples pass; fixing the example clears the error."""
    import json

    doc = json.loads(SUM.read_text())
    examples = [{"text": "sum([1, 2, 3]) == 6", "function": "sum", "args": [[1, 2, 3]], "expected": 6},
                {"text": "sum([2, 2]) == 5", "function": "sum", "args": [[2, 2]], "expected": 5}]
    doc["intent"]["properties"] = {"examples": json.dumps(examples)}
    path = tmp_path / "examples.anrf.json"
    text = json.dumps(doc, indent=2)
    open_doc(client, path.as_uri(), text)
    found = await diagnostics(client, path.as_uri(), 1)
    assert [d.code for d in found if d.code == "ANRF404"] == ["ANRF404"]
    assert any("sum([2, 2]) returned 4, not 5" in d.message for d in found)
    pos = position_of(text, '"intent"', delta=3)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=_doc(path.as_uri()), position=pos))
    assert "**Examples** (1 of 2 pass)" in hover.contents.value
    assert "✓ `sum([1, 2, 3]) == 6`" in hover.contents.value and "✗ `sum([2, 2]) == 5`" in hover.contents.value
    examples[1]["expected"] = 4
    doc["intent"]["properties"] = {"examples": json.dumps(examples)}
    from tests.lsp_support import replace_all

    replace_all(client, path.as_uri(), json.dumps(doc, indent=2), 2)
    assert not [d for d in await diagnostics(client, path.as_uri(), 2) if d.code == "ANRF404"]
