"""The layering (docs/architecture.md) holds: the import contracts pass, and the runtime works with
the offline `training` package unimportable (the CLI's lazy hook then leaves out data/train/eval)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WITHOUT_TRAINING = "import sys; sys.modules['training'] = None; from anrf_lsp.cli import main; sys.exit(main(sys.argv[1:]))"


def test_import_contracts_pass():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (the dev extra has it)")
    out = subprocess.run([lint], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def _anrf_without_training(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_TRAINING, *args], check=False, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_runtime_runs_without_the_training_package(tmp_path):
    assert _anrf_without_training("check", str(ROOT / "examples" / "valid"), cwd=tmp_path).returncode == 0
    intent = _anrf_without_training("intent", "Write a function called biggest that returns the largest number in a list", "--format", "json",
                                    cwd=tmp_path)
    assert intent.returncode == 0, intent.stderr
    assert '"operation": "max"' in intent.stdout and '"type": "list[number]"' in intent.stdout and '"name": "biggest"' in intent.stdout  # signatures come from labels.json
    generated = _anrf_without_training("generate", "Write a function called biggest that returns the largest number in a list",
                                       "--out", str(tmp_path / "biggest.anrf.json"), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "biggest.anrf.json").is_file()
    absent = _anrf_without_training("train", "intent", "--help", cwd=tmp_path)
    assert absent.returncode == 2 and "invalid choice: 'train'" in absent.stderr
