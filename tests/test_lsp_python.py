"""`anrf.importPython` and `anrf.exportPython` through the real server process, as an editor runs them:
the unsaved buffer is what gets translated, the new file is created beside it (through a workspace
edit where the client can apply one), and a file outside the subset gets an error naming its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from anrf_lsp.execution.interpreter import run_function
from anrf_lsp.format.model import Anrf
from tests.lsp_support import CLIENTS, initialize_params, open_doc, server_config
from tests.test_lsp_workflow import workflow_client

SAVED = "def total(xs: list[int]) -> int:\n    return 0\n"
EDITED = "def total(xs: list[int]) -> int:\n    s = 0\n    for x in xs:\n        if x > 0:\n            s += x\n    return s\n"


def _config() -> ClientServerConfig:
    base = server_config()
    return ClientServerConfig(server_command=base.server_command, client_factory=workflow_client, server_env=base.server_env)


@pytest_lsp.fixture(config=_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path):
    await lsp_client.initialize_session(initialize_params(request.param, root=tmp_path))
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def _run(client: LanguageClient, command: str, uri: str):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=[{"uri": uri}]))


@pytest.mark.asyncio
async def test_import_translates_the_open_buffer_and_export_writes_python_back(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    source = root / "total.py"
    source.write_text(SAVED)
    open_doc(client, source.as_uri(), EDITED)  # the user's unsaved edit is what gets imported
    result = await _run(client, "anrf.importPython", source.as_uri())
    created = root / "total.anrf.json"
    assert result["uri"] == created.as_uri() and result["kind"] == "function"
    model = Anrf.model_validate(json.loads(created.read_text()))
    assert run_function(model, [[3, -4, 5]]) == 8
    again = await _run(client, "anrf.importPython", source.as_uri())  # never over the first file
    assert again["uri"] == (root / "total-2.anrf.json").as_uri()

    exported = await _run(client, "anrf.exportPython", created.as_uri())
    python = root / "total-2.py"
    assert exported["uri"] == python.as_uri()  # total.py is taken (and open), so a free name beside it
    namespace: dict = {}
    exec(python.read_text(), namespace)  # noqa: S102 - running the file the server wrote
    assert namespace["total"]([3, -4, 5]) == 8


@pytest.mark.asyncio
async def test_python_outside_the_subset_is_an_error_that_names_the_line(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    source = root / "broken.py"
    source.write_text("def f(xs):\n    return len([x for x in xs])\n")
    with pytest.raises(JsonRpcException, match=r"broken.py:2:16: a list comprehension is not in the importable subset"):
        await _run(client, "anrf.importPython", source.as_uri())
    assert sorted(p.name for p in root.iterdir()) == ["broken.py"]
    with pytest.raises(JsonRpcException, match="needs a file URI"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.exportPython", arguments=[]))
