"""The VS Code extension (editors/vscode): its package.json mirrors the server's settings and
commands, and its Node test (`npm test`) drives the real server through vscode-languageclient's
protocol layer exactly as the extension configures it.

`npm test` runs only where `npm` is installed and `npm ci` has been run in editors/vscode (CI does:
see .ci/run); the other tests need nothing but Python.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
PACKAGE = json.loads((EXTENSION / "package.json").read_text())


def _sync_module():
    spec = importlib.util.spec_from_file_location("sync_settings", EXTENSION / "scripts" / "sync-settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_json_settings_are_in_sync_with_the_server():
    """package.json is exactly what scripts/sync-settings.py writes from anrf_lsp.settings.Settings."""
    sync = _sync_module()
    current = (EXTENSION / "package.json").read_text()
    assert current == sync.render(sync.synced(json.loads(current))), "run: python editors/vscode/scripts/sync-settings.py"


def test_every_server_setting_is_an_extension_setting():
    from anrf_lsp.settings import RemoteServer, Settings

    properties = PACKAGE["contributes"]["configuration"]["properties"]
    expected = set()
    for name, field in Settings.model_fields.items():
        alias = field.alias or name
        if field.annotation is RemoteServer:
            expected |= {f"anrf.{alias}.{sub.alias or sub_name}" for sub_name, sub in RemoteServer.model_fields.items()}
        else:
            expected.add(f"anrf.{alias}")
    client_only = {"anrf.languageServer.command", "anrf.pythonPath", "anrf.trace.server"}
    assert set(properties) == expected | client_only
    assert properties["anrf.debounceMs"]["default"] == Settings().debounce_ms
    assert properties["anrf.server.url"]["type"] == ["string", "null"]


def _server_commands() -> set[str]:
    """The commands the server registers (what it advertises in executeCommandProvider)."""
    from anrf_lsp.lsp.server import server

    return set(server.protocol.fm.commands)


def test_both_clients_offer_the_server_commands():
    """The palette commands (VS Code) and :Anrf* commands (Neovim) call commands the server has."""
    config_ts = (EXTENSION / "src" / "config.ts").read_text()
    vscode = set(re.findall(r'server: "(anrf\.\w+)"', config_ts))
    lua = (ROOT / "editors" / "neovim" / "lua" / "anrf" / "init.lua").read_text()
    neovim = set(re.findall(r'server = "(anrf\.\w+)"', lua))
    wanted = {"anrf.generate", "anrf.analyzeIntent", "anrf.verify", "anrf.accept", "anrf.reject", "anrf.status", "anrf.importPython", "anrf.exportPython"}
    assert vscode == neovim == wanted
    assert wanted <= _server_commands()
    contributed = {c["command"] for c in PACKAGE["contributes"]["commands"]}
    assert contributed.isdisjoint(_server_commands()), "palette ids must differ from the server's (the client registers those)"


def test_language_grammar_and_schema_contributions():
    contributes = PACKAGE["contributes"]
    assert contributes["languages"][0]["id"] == "anrf" and "*.anrf.json" in contributes["languages"][0]["filenamePatterns"]
    grammar = json.loads((EXTENSION / contributes["grammars"][0]["path"]).read_text())
    assert grammar["patterns"] == [{"include": "source.json"}]
    assert contributes["jsonValidation"] == [{"fileMatch": "*.anrf.json", "url": "./schemas/anrf-v1.schema.json"}]
    copier = (EXTENSION / "scripts" / "copy-schema.mjs").read_text()
    assert '"anrf_lsp", "schema", "anrf-v1.schema.json"' in copier and (ROOT / "anrf_lsp" / "schema" / "anrf-v1.schema.json").exists()


def _npm_ready() -> str | None:
    if shutil.which("npm") is None:
        return "npm is not installed"
    if not (EXTENSION / "node_modules" / "vscode-languageclient").exists():
        return "run `npm ci` in editors/vscode first (CI does)"
    return None


@pytest.mark.skipif(_npm_ready() is not None, reason=str(_npm_ready()))
def test_npm_test_drives_the_real_server():
    anrf = Path(sys.executable).parent / "anrf"
    env = {**os.environ, "ANRF_LSP_COMMAND": str(anrf) if anrf.exists() else "anrf"}
    proc = subprocess.run(
        ["npm", "test"], check=False, cwd=EXTENSION, env=env, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert re.search(r"^# fail 0$", output, re.MULTILINE) and re.search(r"^# pass [1-9]", output, re.MULTILINE), output[-3000:]


def test_packaged_vsix_contents():
    """The .vsix `npm run package` builds (CI does): the compiled extension, the schema, the client library."""
    vsix = EXTENSION / f"{PACKAGE['name']}-{PACKAGE['version']}.vsix"
    if not vsix.exists():
        pytest.skip(f"{vsix.name} not built (npm run package in editors/vscode)")
    names = {n.lower() for n in zipfile.ZipFile(vsix).namelist()}
    for wanted in (
        "extension/package.json",
        "extension/out/src/extension.js",
        "extension/out/src/config.js",
        "extension/schemas/anrf-v1.schema.json",
        "extension/syntaxes/anrf.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
        "extension/README.md",
    ):
        assert wanted.lower() in names, wanted
    assert not any(n.startswith(("extension/src/", "extension/out/test/")) for n in names)
