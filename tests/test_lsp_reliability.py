"""Hypothesis-driven editing sessions against the real server: 500 random edits
(insertions, deletions, garbage) interleaved with requests. The server must
answer every request, publish diagnostics for the final text, and forget a
document once it is closed."""

from __future__ import annotations

import asyncio
import random

from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from tests.conftest import EXAMPLES
from tests.lsp_support import initialize_params, make_client, position_at, server_config, stop_client, wait_published

EDITS = 500
REQUEST_TIMEOUT = 30.0
SNIPPETS = ['"', "{", "}", "[", "]", ",", ":", '"exec_node_', "null", "\\", "\n", "😀", "é", "\x00", '"node_id": "', "1e999"]

REQUESTS = ["none", "none", "hover", "completion", "definition", "references", "symbols", "actions", "inlay"]


def random_edits(rng: random.Random, count: int = EDITS) -> list[tuple[float, int, str, str]]:
    """(where as a fraction of the text, characters to delete, text to insert, request to send after)."""
    edits = []
    for _ in range(count):
        if rng.random() < 0.5:
            insert = rng.choice(SNIPPETS)
        else:
            insert = "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x2FFFF)])) for _ in range(rng.randrange(12)))
            insert = insert.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # no lone surrogates: LSP text is valid Unicode
        edits.append((rng.random(), rng.randrange(41), insert, rng.choice(REQUESTS)))
    return edits


async def _request(client, kind: str, uri: str, pos: types.Position) -> None:
    doc = types.TextDocumentIdentifier(uri=uri)
    rng = types.Range(start=types.Position(line=0, character=0), end=pos)
    calls = {
        "hover": lambda: client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos)),
        "completion": lambda: client.text_document_completion_async(types.CompletionParams(text_document=doc, position=pos)),
        "definition": lambda: client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=pos)),
        "references": lambda: client.text_document_references_async(
            types.ReferenceParams(text_document=doc, position=pos, context=types.ReferenceContext(include_declaration=True))
        ),
        "symbols": lambda: client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc)),
        "actions": lambda: client.text_document_code_action_async(
            types.CodeActionParams(text_document=doc, range=rng, context=types.CodeActionContext(diagnostics=[]))
        ),
        "inlay": lambda: client.text_document_inlay_hint_async(types.InlayHintParams(text_document=doc, range=rng)),
    }
    await asyncio.wait_for(calls[kind](), REQUEST_TIMEOUT)


async def _session(edits: list[tuple[float, int, str, str]]) -> None:
    client = make_client()
    await client.start_io(*server_config().server_command, env=server_config().server_env)
    try:
        await client.initialize_session(initialize_params("visual_studio_code"))
        uri = "file:///fuzz/session.anrf.json"
        text = (EXAMPLES / "valid" / "max_of_list.anrf.json").read_text()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
        )
        version = 1
        pending = []
        for where, delete, insert, request in edits:
            start = int(where * len(text))
            end = min(len(text), start + delete)
            version += 1
            rng = types.Range(start=position_at(text, start), end=position_at(text, end))
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangePartial(range=rng, text=insert)],
                )
            )
            text = text[:start] + insert + text[end:]
            if request != "none":
                pending.append(asyncio.ensure_future(_request(client, request, uri, position_at(text, start + len(insert)))))
        answered = len(await asyncio.gather(*pending))  # every request answered (a timeout or an error response fails)
        final = await wait_published(client, uri, version)
        assert final.version == version

        # The server's text is ours, after 500 incremental edits with UTF-16 positions.
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
        assert status["openDocuments"] == [{"uri": uri, "version": version, "length": len(text)}]
        assert answered == len(pending) > 0
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
        assert status["openDocuments"] == []
        await client.shutdown_session()
    finally:
        await stop_client(client)


# Each example is a whole server session, so few of them; derandomized so CI is repeatable.
# Seed 2 once failed: UTF-16 columns after astral-plane characters were read as code points
# (the negotiated encoding was mis-named), and the failed session then hung on teardown.
@settings(max_examples=4, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate])
@example(seed=2)
@given(seed=st.integers(0, 2**32 - 1))
def test_500_random_edits_keep_the_server_answering(seed):
    asyncio.run(asyncio.wait_for(_session(random_edits(random.Random(seed))), 120))


async def test_cancelled_requests_leave_the_server_answering():
    from benchmarks.generate import make_text

    client = make_client()
    await client.start_io(*server_config().server_command, env=server_config().server_env)
    try:
        await client.initialize_session(initialize_params("neovim"))
        uri = "file:///cancel/big.anrf.json"
        text = make_text(2000, True)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
        )
        doc = types.TextDocumentIdentifier(uri=uri)
        futures = []
        for msg_id in range(1000, 1010):
            fut = client.protocol.send_request(
                types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, types.DocumentSymbolParams(text_document=doc), msg_id=msg_id
            )
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            futures.append(asyncio.wrap_future(fut))
        outcomes = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), REQUEST_TIMEOUT)
        assert len(outcomes) == 10  # each answered: a result or a RequestCancelled error, never silence
        assert all(not isinstance(o, BaseException) or "cancel" in str(o).lower() for o in outcomes), outcomes
        hover = await asyncio.wait_for(
            client.text_document_hover_async(types.HoverParams(text_document=doc, position=position_at(text, text.index('"f1_e1"') + 2))),
            REQUEST_TIMEOUT,
        )
        assert hover is not None and "f1_e1" in hover.contents.value
        await client.shutdown_session()
    finally:
        await stop_client(client)


async def test_garbage_is_collected_once_the_user_pauses(tmp_path):
    """Automatic cyclic GC is off in the server (its passes over big trees landed inside checks and
    on the event loop); a collection runs after a quiet spell instead."""
    client = make_client()
    await client.start_io(*server_config().server_command, env=server_config().server_env)
    try:
        await client.initialize_session(initialize_params("visual_studio_code"))
        uri = (tmp_path / "gc.anrf.json").as_uri()
        text = (EXAMPLES / "valid" / "sum.anrf.json").read_text()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
        )
        await wait_published(client, uri, 1)
        for _ in range(100):  # the collector runs 1.5 s after the last analysis
            status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
            if status["idleCollections"] >= 1:
                break
            await asyncio.sleep(0.1)
        assert status["idleCollections"] >= 1
        await client.shutdown_session()
    finally:
        await stop_client(client)


async def test_tcp_mode():
    import socket
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "anrf_lsp", "lsp", "--tcp", f"127.0.0.1:{port}", env=server_config().server_env
    )
    client = make_client()
    try:
        for _ in range(200):  # the process is starting: wait until it listens
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        await client.initialize_session(initialize_params("visual_studio_code"))
        uri = "file:///tcp/x.anrf.json"
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text="{"))
        )
        published = await wait_published(client, uri, 1)
        assert "ANRF100" in [d.code for d in published.diagnostics]
        await client.shutdown_session()
    finally:
        await stop_client(client)
        if process.returncode is None:
            process.kill()
        await process.wait()


def _frame(message: dict) -> bytes:
    import json

    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class _RawServer:
    """The real server over a pipe, spoken to in raw frames."""

    def __init__(self, root):
        import subprocess

        config = server_config()
        self.process = subprocess.Popen(config.server_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=config.server_env)
        self.root = root
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def message(self, timeout: float = 30.0) -> dict:
        """The next message from the server (AssertionError when none comes within `timeout` seconds)."""
        import json
        import os
        import select
        import time

        deadline = time.monotonic() + timeout
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if sep:
                length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                raise AssertionError(f"nothing from the server in {timeout} s")
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise AssertionError("the server closed its output")
            self.buffer += chunk

    def answer(self, msg_id) -> dict:
        for _ in range(50):  # notifications (log messages) may come first
            message = self.message()
            if "id" in message and message["id"] == msg_id and "method" not in message:
                return message
        raise AssertionError(f"no answer to {msg_id}")

    def notification(self, method: str, accept=lambda params: True) -> dict:
        seen = []
        for _ in range(200):
            message = self.message()
            seen.append(message.get("method"))
            if message.get("method") == method and "id" not in message and accept(message["params"]):
                return message["params"]
        raise AssertionError(f"no {method} among {seen}")

    def initialize(self) -> None:
        self.send(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                          "params": {"processId": None, "rootUri": self.root.as_uri(), "capabilities": {}}}))
        assert "capabilities" in self.answer(1)["result"]
        self.send(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    def close(self) -> None:
        self.process.kill()
        self.process.wait(10)


def test_requests_that_cannot_be_read_get_an_error_answer(tmp_path):
    """Params that do not fit the method get -32602 and an id that is an object -32600; pygls had answered
    neither, so the client waited for ever. The server keeps answering."""
    server = _RawServer(tmp_path)
    try:
        server.initialize()
        server.send(_frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {}}))
        assert server.answer(2)["error"]["code"] == -32602
        server.send(_frame({"jsonrpc": "2.0", "id": 3, "method": "textDocument/references",
                            "params": {"textDocument": {"uri": "file:///x.anrf.json"}, "position": {"line": 0, "character": 0}}}))
        assert server.answer(3)["error"]["code"] == -32602
        server.send(_frame({"jsonrpc": "2.0", "id": {"odd": 1}, "method": "textDocument/hover", "params": {}}))
        assert server.answer(None)["error"]["code"] == -32600
        server.send(_frame({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}))
        assert "error" not in server.answer(4)
    finally:
        server.close()


def test_a_change_the_server_cannot_apply_stops_its_checks_until_the_whole_text_comes(tmp_path):
    """A didChange with a negative position, string positions or no `end` had been dropped or clamped, so the
    server checked a text that was not the editor's. Now it forgets the document, clears its diagnostics, says
    so, and takes it back from a whole-document change."""
    text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
    uri = (tmp_path / "doc.anrf.json").as_uri()
    for bad in ({"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}},
                {"start": {"line": "zero", "character": 0}, "end": {"line": 0, "character": 0}},
                {"start": {"line": 0, "character": 0}}):
        server = _RawServer(tmp_path)
        try:
            server.initialize()
            server.send(_frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "anrf", "version": 1, "text": text}}}))
            assert server.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)["diagnostics"]
            server.send(_frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": bad, "text": "x"}]}}))
            assert server.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)["diagnostics"] == []
            assert "lost track of the text of doc.anrf.json" in server.notification("window/showMessage")["message"]
            server.send(_frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}}))
            assert server.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)["diagnostics"]
        finally:
            server.close()


def test_a_frame_announcing_a_terabyte_is_skipped_and_the_server_keeps_serving(tmp_path):
    """`Content-Length: 1000000000000` had made the server allocate it and exit (MemoryError)."""
    server = _RawServer(tmp_path)
    try:
        server.send(b"Content-Length: 1000000000000\r\n\r\n")
        server.initialize()
        assert server.process.poll() is None
    finally:
        server.close()


# -- fuzz of the framing layer -------------------------------------------------------------

_JUNK_METHODS = ["textDocument/hover", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "initialize",
                 "$/cancelRequest", "workspace/symbol", "textDocument/completion", "workspace/executeCommand",
                 "textDocument/codeAction", "textDocument/inlayHint", "no/such/method", "$/setTrace"]  # never exit or shutdown
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _message_bytes(method: str, msg_id, params) -> bytes:
    import json

    message = {"jsonrpc": "2.0", "method": method, "params": params}
    if msg_id is not None:
        message["id"] = msg_id
    return json.dumps(message).encode()


_BODIES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xff\xfe\xfd", b"null", b"[]", b"1e999", b'"x"', b"{}", b"[" * 5000 + b"]" * 5000, b'{"jsonrpc":"2.0"}',
                     b'{"jsonrpc":"2.0","id":1e999,"method":"workspace/symbol","params":{"query":""}}']),
    st.builds(_message_bytes, st.sampled_from(_JUNK_METHODS),
              st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=2)), _JSON),
)
_JUNK = st.one_of(
    _BODIES.map(lambda body: b"Content-Length: %d\r\n\r\n%s" % (len(body), body)),
    _BODIES.map(lambda body: b"Content-Type: application/x-junk\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)),
    st.binary(max_size=80).filter(lambda b: b"Content-Length" not in b).map(lambda b: b + b"\r\n"),  # a header line pygls ignores
    st.sampled_from([b"Content-Length: 999999999999\r\n\r\n", b"Content-Length: -5\r\n\r\n", b"Content-Length: abc\r\n\r\n",
                     b"\r\n", b"Content-Length: 0\r\n\r\n"]),
)


def test_the_framing_layer_survives_any_junk_and_keeps_answering(tmp_path):
    """Random frames (any bytes, invalid UTF-8, JSON that is no message, messages with wrong ids and params,
    absurd lengths, stray header lines) before each probe request: every probe is answered, the process never exits."""
    server = _RawServer(tmp_path)
    probes = iter(range(10**6))
    try:
        server.initialize()

        @settings(max_examples=120, derandomize=True, deadline=None, database=None, phases=[Phase.generate])
        @given(junk=st.lists(_JUNK, min_size=1, max_size=6))
        def fuzz(junk: list[bytes]) -> None:
            probe = f"probe-{next(probes)}"
            server.send(b"".join(junk) + _frame({"jsonrpc": "2.0", "id": probe, "method": "workspace/symbol", "params": {"query": ""}}))
            for _ in range(500):  # answers to junk requests and log messages come first
                message = server.message(timeout=20)
                if message.get("id") == probe and "method" not in message:
                    assert "result" in message, message
                    break
            else:
                raise AssertionError(f"no answer to {probe}")
            assert server.process.poll() is None

        fuzz()
    finally:
        server.close()
