"""The Neovim plugin (editors/neovim) with a real Neovim: headless `nvim` loads the plugin, opens an
invalid ANRF file, and the server's diagnostics (codes and lines) must reach `vim.diagnostic.get()`;
then the "Create stub" quick fix is applied through `vim.lsp.buf.code_action()` and the error must go.
The Lua side is editors/neovim/tests/diagnostics_spec.lua; it writes what it saw as JSON.

Runs with `nvim` from PATH (Debian's neovim package in CI: 0.7). More binaries can be tried with
ANRF_TEST_NVIM=/path/to/nvim[:/other/nvim]; on a Neovim that has them, the older start APIs
(`vim.lsp.start`, `vim.lsp.start_client`) are tested too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkers import check_text

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "editors" / "neovim"
SPEC = PLUGIN / "tests" / "diagnostics_spec.lua"
INVALID = ROOT / "examples" / "invalid" / "dangling_reference.anrf.json"
TIMEOUT_S = 120
INTENT_TEXT = "a function that reverses a string"


def _binaries() -> list[str]:
    found = [shutil.which("nvim")] + [p for p in os.environ.get("ANRF_TEST_NVIM", "").split(os.pathsep) if p]
    out: list[str] = []
    for path in found:
        if path and path not in out and os.access(path, os.X_OK):
            out.append(path)
    return out


def _version(nvim: str) -> tuple[int, int, int]:
    first = subprocess.run([nvim, "--version"], check=False, capture_output=True, text=True, timeout=30).stdout.splitlines()[0]
    match = re.search(r"v(\d+)\.(\d+)\.(\d+)", first)
    return (int(match[1]), int(match[2]), int(match[3])) if match else (0, 0, 0)


def _auto_api(version: tuple[int, int, int]) -> str:
    return "enable" if version >= (0, 11, 0) else "start" if version >= (0, 8, 0) else "start_client"


def _params() -> list:
    binaries = _binaries()
    if not binaries:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="nvim is not on PATH (apt-get install neovim)"), id="no-nvim")]
    params = []
    for nvim in binaries:
        version = _version(nvim)
        name = "nvim-" + ".".join(map(str, version))
        params.append(pytest.param(nvim, None, id=f"{name}-auto"))
        for api in ("start", "start_client"):
            if api == _auto_api(version) or (api == "start" and version < (0, 8, 0)):
                continue  # the same run as auto, or not in this Neovim
            params.append(pytest.param(nvim, api, id=f"{name}-{api}"))
    return params


def _server_cmd() -> list[str]:
    anrf = Path(sys.executable).parent / "anrf"
    return [str(anrf), "lsp"] if anrf.exists() else [sys.executable, "-m", "anrf_lsp", "lsp"]


def _expected_findings(text: str) -> list[tuple[str, int]]:
    return sorted((f.code, f.range.start.line) for f in check_text(text))


@pytest.mark.parametrize(("nvim", "api"), _params())
def test_neovim_plugin_diagnostics_and_quick_fix(nvim: str, api: str | None, tmp_path: Path):
    anrf_file = tmp_path / INVALID.name
    anrf_file.write_text(INVALID.read_text())
    intent_file = tmp_path / "tool.py"
    intent_file.write_text(f"# anrf: {INTENT_TEXT}\n\ndef f():\n    pass\n")
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "ANRF_NVIM_PLUGIN": str(PLUGIN),
        "ANRF_NVIM_CMD": json.dumps(_server_cmd()),
        "ANRF_NVIM_FILE": str(anrf_file),
        "ANRF_NVIM_INTENT": str(intent_file),
        "ANRF_NVIM_OUT": str(out),
        "ANRF_NVIM_API": api or "",
        "ANRF_LOG_FILE": str(tmp_path / "server.log"),
        "XDG_STATE_HOME": str(tmp_path / "state"),  # Neovim's lsp.log
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    command = [nvim, "--headless", "--clean", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SPEC}"]
    try:
        proc = subprocess.run(
            command, check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"nvim did not finish in {TIMEOUT_S} s; stderr: {exc.stderr!r}")
    assert out.exists(), f"no result file; rc={proc.returncode}\nstderr:\n{proc.stderr[-4000:]}"
    result = json.loads(out.read_text())
    if result.get("skipped"):
        pytest.skip(result["skipped"])
    assert result["ok"], f"{result.get('error')}\nsteps: {result.get('steps')}\nstderr:\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert result["steps"] == ["setup", "attached", "diagnostics", "inlay hints", "commands", "quickfix", "intent", "generate", "stopped"]
    assert result["api"] == (api or _auto_api(_version(nvim)))
    assert result["filetype"] == "anrf"
    assert "AnrfVerify" in result["keymap"]  # the default buffer-local keymaps, set on attach

    # The server's findings, code and 0-based line, are what vim.diagnostic.get() holds.
    before = sorted((d["code"], d["lnum"]) for d in result["before"])
    assert before == _expected_findings(INVALID.read_text())
    assert ("ANRF104", 65) in before
    assert {d["source"] for d in result["before"]} == {"anrf"}
    assert [d["severity"] for d in result["before"] if d["code"] == "ANRF104"] == [1]  # vim.diagnostic.severity.ERROR

    # Settings from setup() reached the server; the statusline shows backend and model state.
    assert result["status_settings"]["debounceMs"] == 0
    assert result["statusline"].startswith("ANRF local: ")
    assert any(item["text"].startswith("ANRF104 ") and item["lnum"] == 66 for item in result["verify"])  # 1-based in the loclist

    # The confidence inlay hint after anrf_id (line 1: metadata.confidence_score is 0.95).
    assert {"line": 1, "label": "confidence 0.95"} in result["hints"]["labels"], result["hints"]

    # The quick fix applied: a stub node in the text, the error gone, the diagnostics refreshed.
    assert "Create stub execution node 'exec_node_9'" in result["offered"]
    assert result["stub_in_text"]
    after = sorted((d["code"], d["lnum"]) for d in result["after"])
    assert "ANRF104" not in {code for code, _ in after}
    assert [d for d in result["after"] if d["severity"] == 1] == []
    assert after == _expected_findings(result["text_after"])

    # Other files reach the server too (intent comments): Generate/Analyze offered, no ANRF diagnostics.
    assert {(a["command"], a["text"]) for a in result["intent_actions"]} == {
        ("anrf.generate", INTENT_TEXT),
        ("anrf.analyzeIntent", INTENT_TEXT),
    }
    assert result["intent_diagnostics"] == 0
    assert result["clients"] == 1  # one server for both buffers (same root)

    # "Generate from intent" as a code action: said while running and when done, in plain words; the new
    # file opens in a split that does not take the cursor; the comment's hint shows without another edit.
    notes = result["generate_notes"]
    assert "ANRF: generating... (:AnrfCancel stops it)" in notes
    done = [n for n in notes if n.startswith(("ANRF: generated ", "ANRF: declined"))]
    assert done, notes
    assert not any("RuntimeError" in n or "failed:" in n for n in notes), notes
    assert result["focus_kept"]
    generated = sorted((tmp_path / "anrf").glob("*.anrf.json"))
    assert [p.name for p in generated] == result["generated_windows"] == ["reverse_string.anrf.json"]
    assert any("anrf/reverse_string.anrf.json" in label for label in result["comment_hints"]), result["comment_hints"]
    assert result["hover_mapped"]  # K is hover, not :Man, on every Neovim the plugin supports
    assert result["omnifunc"] == "v:lua.vim.lsp.omnifunc"
