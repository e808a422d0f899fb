"""The editor workflow through the real server process (issue 8): an intent comment or selection in any
document -> code actions -> `anrf.generate` with progress -> workspace/applyEdit creating
`<workspace>/anrf/<name>.anrf.json` -> its diagnostics -> inlay hint and hover on the comment; cancellation
that reaches the decoder; Accept/Reject feedback; the comment <-> file link across a restart; an
unreachable remote server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from checkers import check_text
from tests.conftest import EXAMPLES
from tests.lsp_support import CLIENTS, apply_edits, diagnostics, initialize_params, make_client, position_of, server_config, stop_client

DATA_DIR = tempfile.mkdtemp(prefix="anrf-lsp-test-data-")  # the server's data dir: feedback.jsonl goes here
REQUEST = "a function called total that returns the sum of a list of numbers, in O(n) time"  # greedy decoding gets it right
PYTHON = f"import os\n\n# anrf: {REQUEST}\n\n\ndef main():\n    pass\n"


def generator_model() -> str:
    """The generator these tests use: $ANRF_TEST_GENERATOR_MODEL, else the bundled one."""
    return os.environ.get("ANRF_TEST_GENERATOR_MODEL") or "bundled"


# A server whose decoder sleeps at every token (through the real `cancelled` hook), so a generation lasts long
# enough to cancel it and to ask for other things meanwhile.
SLOW_SERVER = """
import sys, time
import models.generator as g
_decode = g.GeneratorModel.decode
def decode(self, intent, hypotheses=1, sample=False, max_tokens=512, deadline=None, progress=None, cancelled=None):
    def slow():
        time.sleep(0.08)
        return bool(cancelled and cancelled())
    return _decode(self, intent, hypotheses, sample, max_tokens, deadline, progress, slow)
g.GeneratorModel.decode = decode
from anrf_lsp.cli import main
sys.exit(main(["lsp"]))
"""


def workflow_client() -> LanguageClient:
    """The test client, acting like an editor: applies workspace edits to disk (CreateFile never overwrites) and opens
    documents the server asks to show; records both."""
    client = make_client({types.WORKSPACE_APPLY_EDIT: _apply_edit, types.WINDOW_SHOW_DOCUMENT: _show_document,
                          types.WORKSPACE_INLAY_HINT_REFRESH: _refresh})
    client.applied = []  # type: ignore[attr-defined]
    client.refreshed = asyncio.Event()  # type: ignore[attr-defined]
    converter = client.protocol._converter
    # lsprotocol's client-side hook reads any object with a "command" key as a Command, so a CodeAction that runs a
    # command would arrive as a Command whose `command` is the repr of a dict; editors decide by the key's type.
    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the exact type lsprotocol registers
        lambda obj, _: converter.structure(obj, types.Command if isinstance(obj.get("command"), str) else types.CodeAction),
    )
    return client


def _apply_edit(client: LanguageClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
    client.applied.append(params)  # type: ignore[attr-defined]
    for change in params.edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            path = Path(_path(change.uri))
            if path.exists() and not (change.options and (change.options.overwrite or change.options.ignore_if_exists)):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason=f"{path} exists")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
        elif isinstance(change, types.TextDocumentEdit):
            path = Path(_path(change.text_document.uri))
            path.write_text(apply_edits(path.read_text(), list(change.edits)))
    return types.ApplyWorkspaceEditResult(applied=True)


def _show_document(client: LanguageClient, params: types.ShowDocumentParams) -> types.ShowDocumentResult:
    client.shown_documents.append(params)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=params.uri, language_id="json", version=1, text=Path(_path(params.uri)).read_text())))
    return types.ShowDocumentResult(success=True)


def _refresh(client: LanguageClient, params: None) -> None:
    client.refreshed.set()  # type: ignore[attr-defined]


def _path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) or uri


def _config(*command: str) -> ClientServerConfig:
    base = server_config(env={"ANRF_DATA_DIR": DATA_DIR})
    return ClientServerConfig(server_command=list(command) or base.server_command, client_factory=workflow_client,
                              server_env=base.server_env)


def _options(**more) -> dict:
    return {"anrf": {"generatorModel": generator_model(), "modelDevice": "cpu", "hypotheses": 2, **more}}


@pytest_lsp.fixture(config=_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path):
    await lsp_client.initialize_session(initialize_params(request.param, root=tmp_path, options=_options()))
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config(sys.executable, "-c", SLOW_SERVER))
async def slow_client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(initialize_params("visual_studio_code", root=tmp_path, options=_options()))
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str, language_id: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=path.as_uri(), language_id=language_id, version=1, text=text)))
    return path.as_uri()


async def _actions(client: LanguageClient, uri: str, start: tuple[int, int], end: tuple[int, int] | None = None) -> dict[str, types.CodeAction]:
    rng = types.Range(start=types.Position(*start), end=types.Position(*(end or start)))
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng, context=types.CodeActionContext(diagnostics=[])))
    return {a.title: a for a in found or []}


async def _run(client: LanguageClient, action: types.CodeAction, token: str | None = None, msg_id: str | None = None):
    assert action.command is not None
    if token is not None:
        client.progress_reports.setdefault(token, [])  # a client-made token is known to the client
    params = types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments, work_done_token=token)
    return await client.protocol.send_request_async(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=msg_id)


def _tokens_with(client: LanguageClient, message: str) -> list:
    return [t for t, reports in client.progress_reports.items() if any(message in (getattr(r, "message", "") or "") for r in reports)]


async def test_generate_from_a_python_comment(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    uri = _open(client, root / "src" / "app.py", PYTHON, "python")
    actions = await _actions(client, uri, (2, 5))
    assert set(actions) == {"ANRF: Generate from intent", "ANRF: Analyze intent"}
    assert await _actions(client, uri, (5, 0)) == {}  # not on the comment, nothing selected

    pulls = bool(client.capabilities.text_document.diagnostic)  # type: ignore[union-attr]
    token = None if pulls else "client-token"  # Neovim: the server creates the progress; VS Code: the client's token
    started = time.monotonic()
    result = await _run(client, actions["ANRF: Generate from intent"], token)
    elapsed = time.monotonic() - started
    target = root / "anrf" / "total.anrf.json"
    assert result["path"] == str(target) and target.is_file(), result
    doc = json.loads(target.read_text())
    assert not [f for f in check_text(target.read_text()) if f.severity == "error"]
    props = doc["intent"]["properties"]
    assert props["source_uri"] == uri and props["source_line"] == "2" and len(props["source_text_sha256"]) == 64
    assert json.loads(props["structured_intent"])["operation"] == "sum"
    assert result["created"] == ("written" if pulls else "workspaceEdit")  # Neovim's capabilities lack documentChanges

    # Progress: analyzing -> generating -> verifying -> end.
    (progress_token,) = _tokens_with(client, "analyzing intent")
    assert token is None or progress_token == token
    messages = [getattr(r, "message", "") or "" for r in client.progress_reports[progress_token]]
    assert any("generating" in m for m in messages) and any("verifying" in m for m in messages)
    assert isinstance(client.progress_reports[progress_token][-1], types.WorkDoneProgressEnd)

    # The new file's diagnostics (the server publishes them at once; the editor opened it on window/showDocument).
    assert not [d for d in await diagnostics(client, target.as_uri()) if d.severity == types.DiagnosticSeverity.Error]
    assert uri not in client.diagnostics  # other languages get no diagnostics
    window = client.capabilities.window  # type: ignore[union-attr]
    created = [m.message for m in client.messages if m.message.startswith("ANRF: created anrf/total.anrf.json (")]
    if window and window.show_document and window.show_document.support:  # opened beside, the cursor stays on the comment
        assert [(d.uri, d.take_focus) for d in client.shown_documents] == [(target.as_uri(), False)] and not created
    else:  # a client that cannot open it is told where it is
        assert not client.shown_documents and len(created) == 1

    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=types.Position(0, 0), end=types.Position(7, 0))))
    assert hints and hints[0].position.line == 2
    assert "anrf/total.anrf.json" in hints[0].label and "0 errors" in hints[0].label
    assert ("confidence" in hints[0].label) == (result["confidenceScore"] is not None)

    hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                                                     position=types.Position(2, 12)))
    card = hover.contents.value
    for expected in ("create_function", "`total`", "operation: `sum`", "O(n)", "calibrated probability", "0 errors",
                     target.as_uri()):
        assert expected in card, (expected, card)

    # Never overwrite: the same comment again makes total-2.anrf.json.
    again = await _run(client, actions["ANRF: Generate from intent"])
    assert again["path"] == str(root / "anrf" / "total-2.anrf.json")
    print(f"code action -> edit applied: {elapsed * 1000:.0f} ms (first, models loading), then {again['seconds'] * 1000:.0f} ms")


async def test_selection_in_markdown_and_analyze(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    text = "# Notes\n\nWe need this:\nreverse a string called flip\n\nThanks.\n"
    uri = _open(client, root / "README.md", text, "markdown")
    actions = await _actions(client, uri, (3, 0), (3, len("reverse a string called flip")))
    assert actions["ANRF: Generate from intent"].command.arguments[0]["text"] == "reverse a string called flip"

    analyzed = await _run(client, actions["ANRF: Analyze intent"])
    assert analyzed["intent_type"] == "create_function" and analyzed["target"]["name"] == "flip"
    assert any(m.type == types.MessageType.Info and "create_function flip" in m.message for m in client.messages)
    assert not (root / "anrf").exists()  # analysis only

    result = await _run(client, actions["ANRF: Generate from intent"])
    assert Path(result["path"]) == root / "anrf" / "flip.anrf.json" and result["verification"]["errors"] == 0

    # Prose that asks for nothing: declined with a clear message, no file, nothing to force.
    thanks = await _actions(client, uri, (5, 0), (5, len("Thanks.")))
    declined = await _run(client, thanks["ANRF: Generate from intent"])
    assert declined["declined"] and "out of scope" in declined["reason"] and not declined["canForce"]
    assert any(m.type == types.MessageType.Warning and "not a request ANRF can generate" in m.message for m in client.messages)
    assert sorted(p.name for p in (root / "anrf").iterdir()) == ["flip.anrf.json"]


UNSURE = "import json\n\n# anrf: sort a list of dictionaries by a key\n\nrows = []\n"


async def test_a_declined_request_says_why_on_its_comment_and_can_be_generated_anyway(client: LanguageClient):
    """The bundled intent model is unsure of this request (it reads it as join_words at a low probability):
    nothing is written, the reason is in a message, the comment's hint and hover; "Generate anyway" writes
    the best guess, marked as not accepted."""
    root: Path = client.root  # type: ignore[attr-defined]
    uri = _open(client, root / "rows.py", UNSURE, "python")
    actions = await _actions(client, uri, (2, 5))
    declined = await _run(client, actions["ANRF: Generate from intent"])
    assert declined["declined"] and declined["canForce"] and declined["reason"].startswith("low confidence"), declined
    assert not (root / "anrf").exists()
    assert any(m.type == types.MessageType.Warning and m.message.startswith("ANRF declined: low confidence")
               and "Generate anyway" in m.message for m in client.messages)
    cli = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "anrf_lsp", "generate", "sort a list of dictionaries by a key"],
                                  cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert cli.returncode == 3 and cli.stderr.startswith(f"anrf generate: declined: {declined['reason']}."), cli.stderr  # the editor's words

    whole = types.Range(start=types.Position(0, 0), end=types.Position(5, 0))
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=whole))
    assert hints and hints[0].position.line == 2 and hints[0].label.startswith("ANRF declined: low confidence")
    hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                                                     position=types.Position(2, 12)))
    assert "**Declined**: nothing was written" in hover.contents.value and "Generate anyway" in hover.contents.value

    actions = await _actions(client, uri, (2, 5))
    forced = await _run(client, actions["ANRF: Generate anyway (best guess, not accepted)"])
    written = json.loads(Path(forced["path"]).read_text())
    assert forced["accepted"] is False and written["metadata"]["acceptance"] == "not accepted"
    assert written["metadata"]["declined_reason"].startswith("low confidence")
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=whole))
    assert "not accepted" in hints[0].label and "anrf/" in hints[0].label
    assert "ANRF: Generate anyway (best guess, not accepted)" not in await _actions(client, uri, (2, 5))


async def test_accept_and_reject_record_feedback(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    uri = _open(client, root / "app.py", PYTHON, "python")
    result = await _run(client, (await _actions(client, uri, (2, 0)))["ANRF: Generate from intent"])
    generated = result["uri"]
    await diagnostics(client, generated)  # opened by the client (window/showDocument) and checked
    actions = await _actions(client, generated, (1, 0))
    assert {"ANRF: Regenerate from intent", "ANRF: Accept generation", "ANRF: Reject generation"} <= set(actions)

    feedback = Path(DATA_DIR) / "feedback.jsonl"
    before = feedback.read_text().splitlines() if feedback.exists() else []
    accepted = await _run(client, actions["ANRF: Accept generation"])
    assert accepted["recorded"] == "local" and accepted["edited"] is False

    # Edit the file in the editor, then reject: the edited document goes along as the correction.
    text = Path(result["path"]).read_text()
    edited = text.replace(REQUEST, "Return the sum of a list")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=generated, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
    rejected = await _run(client, actions["ANRF: Reject generation"])
    assert rejected["edited"] is True
    lines = [json.loads(line) for line in feedback.read_text().splitlines()[len(before):]]
    assert [(r["accepted"], r["edited"], r["generationId"]) for r in lines] == [(True, False, result["generationId"]),
                                                                               (False, True, result["generationId"])]
    assert lines[1]["correctedAnrf"]["intent"]["description"] == "Return the sum of a list"

    # Regenerate from the file's intent: a new file beside it, linked to the same comment.
    again = await _run(client, actions["ANRF: Regenerate from intent"])
    assert Path(again["path"]).name == "total-2.anrf.json"
    assert json.loads(Path(again["path"]).read_text())["intent"]["properties"]["source_uri"] == uri


async def test_cancel_reaches_the_decoder_and_the_server_keeps_answering(slow_client: LanguageClient):
    client = slow_client
    root: Path = client.root  # type: ignore[attr-defined]
    uri = _open(client, root / "app.ts", f"// anrf: {REQUEST}\nexport {{}};\n", "typescript")
    generate = (await _actions(client, uri, (0, 3)))["ANRF: Generate from intent"]

    # 1. Cancel the progress: the command answers {"cancelled": true}; the decoder stopped within 200 ms.
    task = asyncio.ensure_future(_run(client, generate, "progress-1"))
    await _wait_for_progress(client, "progress-1", "generating:")
    # Meanwhile hover and diagnostics on an ANRF document answer promptly.
    sum_text = (EXAMPLES / "valid" / "sum.anrf.json").read_text()
    sum_uri = _open(client, root / "sum.anrf.json", sum_text, "json")
    asked = time.monotonic()
    await diagnostics(client, sum_uri)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=sum_uri), position=position_of(sum_text, '"exec_node_5"')))
    assert hover is not None and time.monotonic() - asked < 1.0 and not task.done()
    client.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token="progress-1"))
    result = await asyncio.wait_for(task, 5)
    assert result["cancelled"] is True and result["stoppedAfterMs"] < 200, result
    assert not (root / "anrf").exists()

    # 2. Cancel the request ($/cancelRequest): an error response at once, and the decoder stops.
    task = asyncio.ensure_future(_run(client, generate, "progress-2", msg_id="generate-2"))
    await _wait_for_progress(client, "progress-2", "generating:")
    cancelled_at = time.monotonic()
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="generate-2"))
    with pytest.raises(JsonRpcException, match="cancel"):
        await asyncio.wait_for(task, 5)
    await _wait_for_progress(client, "progress-2", "cancelled", end=True)
    assert time.monotonic() - cancelled_at < 1.0

    # 3. The model is free: the next generation runs to the end.
    result = await asyncio.wait_for(_run(client, generate, "progress-3"), 60)
    assert Path(result["path"]).is_file()


async def _wait_for_progress(client: LanguageClient, token: str, message: str, end: bool = False, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reports = client.progress_reports.get(token, [])
        if any(message in (getattr(r, "message", "") or "") and (not end or isinstance(r, types.WorkDoneProgressEnd)) for r in reports):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no progress {message!r} on {token}: {client.progress_reports.get(token)}")


async def test_the_link_survives_a_restart(tmp_path: Path):
    """Generate in one session; a new server finds the file from the comment (lazily) and hints it again."""
    config = _config()
    uri = None
    for session in range(2):
        lsp = workflow_client()
        await lsp.start_io(*config.server_command, env=config.server_env)
        try:
            await lsp.initialize_session(initialize_params("neovim", root=tmp_path, options=_options()))
            uri = _open(lsp, tmp_path / "main.go", f"package main\n\n/* anrf: {REQUEST} */\n", "go")
            if session == 0:
                await _run(lsp, (await _actions(lsp, uri, (2, 0)))["ANRF: Generate from intent"])
            else:
                await asyncio.wait_for(lsp.refreshed.wait(), 30)  # type: ignore[attr-defined]
                hints = await lsp.text_document_inlay_hint_async(types.InlayHintParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(start=types.Position(0, 0), end=types.Position(3, 0))))
                assert hints and "anrf/total.anrf.json" in hints[0].label
                hover = await lsp.text_document_hover_async(types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(2, 10)))
                assert "operation: `sum`" in hover.contents.value and "0 errors" in hover.contents.value
            await lsp.shutdown_session()
        finally:
            await stop_client(lsp)


async def test_an_unreachable_remote_server_is_an_error_message_not_a_crash(tmp_path: Path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _config()
    lsp = workflow_client()
    await lsp.start_io(*config.server_command, env=config.server_env)
    try:
        await lsp.initialize_session(initialize_params(
            "visual_studio_code", root=tmp_path, options=_options(server={"url": f"http://127.0.0.1:{port}", "timeoutS": 5})))
        uri = _open(lsp, tmp_path / "q.sql", f"-- anrf: {REQUEST}\nSELECT 1;\n", "sql")
        with pytest.raises(JsonRpcException, match="cannot reach the ANRF server") as failed:
            await _run(lsp, (await _actions(lsp, uri, (0, 0)))["ANRF: Generate from intent"])
        # One plain message (no "RuntimeError: anrf: ..." layers), shown once by the server; data.shown tells clients.
        assert failed.value.message.startswith("generation failed: cannot reach the ANRF server") and failed.value.data == {"shown": True}
        shown = [m.message for m in lsp.messages if m.type == types.MessageType.Error]
        assert shown == [f"ANRF: {failed.value.message}"] and "server.url" in shown[0]
        status = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
        assert status["generations"] == [] and not (tmp_path / "anrf").exists()
        # Back to local models, with a generator that is not there: a clear error too.
        lsp.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"anrf": {"server": {"url": None}, "generatorModel": str(tmp_path / "no-model")}}))
        with pytest.raises(JsonRpcException, match="not a generator model directory"):
            await _run(lsp, (await _actions(lsp, uri, (0, 0)))["ANRF: Generate from intent"])
        await lsp.shutdown_session()
    finally:
        await stop_client(lsp)


async def test_remote_mode_through_a_real_service(tmp_path: Path):
    """`server.url` + `server.apiKey`: intent analysis, generation and feedback run in an `anrf serve`
    process on loopback (its registry and database record them); a wrong key is a clear error."""
    from anrf_lsp.services.db import Database
    from tests.service_process import TEST_KEY, serve

    model = generator_model()
    with serve(tmp_path / "service", "--generator-model", "" if model == "bundled" else model, "--device", "cpu") as service:
        config = _config()
        lsp = workflow_client()
        await lsp.start_io(*config.server_command, env=config.server_env)
        try:
            remote = {"url": service.url, "apiKey": "wrong-key"}
            await lsp.initialize_session(initialize_params("visual_studio_code", root=tmp_path, options=_options(server=remote)))
            uri = _open(lsp, tmp_path / "app.py", PYTHON, "python")
            generate = (await _actions(lsp, uri, (2, 0)))["ANRF: Generate from intent"]
            with pytest.raises(JsonRpcException, match="answered 401"):
                await _run(lsp, generate)
            assert any("server.apiKey" in m.message for m in lsp.messages if m.type == types.MessageType.Error)

            lsp.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"anrf": {**_options()["anrf"], "server": {"url": service.url, "apiKey": TEST_KEY}}}))
            result = await _run(lsp, generate)
            assert Path(result["path"]) == tmp_path / "anrf" / "total.anrf.json" and result["verification"]["errors"] == 0
            generated = json.loads(Path(result["path"]).read_text())
            assert generated["intent"]["properties"]["source_uri"] == uri
            with service.client() as http_client:  # the service stored what the editor got
                stored = http_client.get(f"/anrf/{result['anrfId']}", params={"format": "json"}).json()
            assert stored["execution"] == generated["execution"]
            accepted = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.accept", arguments=[result["uri"]]))
            assert accepted["recorded"] == "remote"
            db = Database(service.db_url)
            try:
                counts = db.counts()
                assert counts["intents"] >= 1 and counts["generations"] == 1 and counts["feedback"] == 1
                generation = db.get_generation(result["generationId"])
                assert generation["anrfId"] == result["anrfId"]
                assert db.get_intent(generation["analysisId"])["inputText"].startswith("a function called total")  # linked
            finally:
                db.close()
            await lsp.shutdown_session()
        finally:
            await stop_client(lsp)
