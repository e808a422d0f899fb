"""Shared fixtures: the public v1 example as a fresh dict, and helpers to check documents."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from checkers import check_text
from tests.lsp_support import CLIENTS, initialize_params, server_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
_SUM = json.loads((EXAMPLES / "valid" / "sum.anrf.json").read_text())


def isolated_env(root: Path) -> dict[str, str]:
    """The environment for an `anrf` subprocess whose data (datasets, MLflow store) and cache live
    under `root`, offline from any model hub."""
    env = {**os.environ, "ANRF_DATA_DIR": str(root / "data"), "ANRF_CACHE_DIR": str(root / "cache"), "HF_HUB_OFFLINE": "1"}
    env.pop("MLFLOW_TRACKING_URI", None)  # the default store: sqlite under the (temporary) data dir
    return env


def sum_doc() -> dict:
    """A fresh copy of the public v1 example (sum of an array)."""
    return copy.deepcopy(_SUM)


def run_anrf(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120,
             expect_ok: bool = False) -> subprocess.CompletedProcess:
    """The `anrf` command in a real subprocess; `expect_ok` fails the test (with stderr) on a non-zero exit."""
    result = subprocess.run([sys.executable, "-m", "anrf_lsp", *args], check=False, capture_output=True, text=True,
                            cwd=cwd or ROOT, env=env, timeout=timeout)
    if expect_ok:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def check_dict(doc: dict | list, indent: int | None = 2):
    """Check a document given as a Python value, serialized the way editors write it."""
    return check_text(json.dumps(doc, indent=indent))


def run(doc: dict) -> tuple[str, list]:
    """Check `doc` as editors write it; return the text too, to slice ranges from."""
    text = json.dumps(doc, indent=2)
    return text, check_text(text)


def text_at(text: str, rng) -> str:
    """The text a finding's range covers."""
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return text[starts[rng.start.line] + rng.start.character : starts[rng.end.line] + rng.end.character]


def found(findings, code: str) -> list:
    return [f for f in findings if f.code == code]


def codes(findings, severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


@pytest.fixture
def base():
    return sum_doc()


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request):
    """The real server process, initialized with VS Code's and then Neovim's capabilities."""
    result = await lsp_client.initialize_session(initialize_params(request.param))
    lsp_client.position_encoding = result.capabilities.position_encoding or "utf-16"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
