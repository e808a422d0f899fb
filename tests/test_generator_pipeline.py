"""The generator's offline pipeline end to end, as a user runs it: `anrf train generator` a few
steps on a tiny preset (train the tokenizer and model, convert to CTranslate2, calibrate,
evaluate, register in a temporary MLflow store), then `anrf eval generator` and `anrf generate`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("mlflow")

from tests.conftest import isolated_env, run_anrf


def _anrf(env: dict[str, str], *args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    return run_anrf(*args, cwd=cwd, env=env, timeout=600, expect_ok=ok)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("generator")
    env = isolated_env(root)
    _anrf(env, "data", "build", "--out", str(root / "ds"), "--intent-examples", "40", "--generation-examples", "60", "--compose-examples", "0",
          "--behaviours", "max,sum,reverse_string", cwd=root)
    data = str(root / "ds" / "anrf-v1" / "latest")
    result = _anrf(env, "train", "generator", "--data", data, "--out", str(root / "model"), "--preset", "tiny", "--max-steps", "3",
                   "--batch-size", "4", "--eval-limit", "4", "--hypotheses", "2", "--no-progress", "--alias", "smoke", cwd=root)
    return root, env, data, result.stdout


def test_training_writes_a_calibrated_runtime_model(trained):
    root, _env, _data, stdout = trained
    model = root / "model"
    assert "registered anrf-generator version 1" in stdout
    for name in ("generator/model.bin", "tokenizer.json", "generator.json", "calibration.json", "metrics.json", "evaluation/report.md"):
        assert (model / name).is_file(), name
    calibration = json.loads((model / "calibration.json").read_text())
    assert calibration["alpha"] == 0.1 and calibration["examples"] == 4
    metrics = json.loads((model / "metrics.json").read_text())
    for key in ("validity", "execution_accuracy", "exact_match", "ece", "brier", "coverage"):
        assert 0.0 <= metrics[key] <= 1.0, key
    assert metrics["bleu"] >= 0 and metrics["latency_p50_s"] > 0


def test_registered_with_tags(trained):
    root = trained[0]
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{root / 'data' / 'mlflow' / 'mlflow.db'}")
    version = client.get_model_version_by_alias("anrf-generator", "smoke")
    assert {"phase-1", "generator-v2"} <= set(version.tags)
    assert "test_validity" in client.get_run(version.run_id).data.metrics


def test_eval_cli(trained):
    root, env, data, _ = trained
    result = _anrf(env, "eval", "generator", "--model", "models:/anrf-generator@smoke", "--data", data, "--limit", "3",
                   "--hypotheses", "1", "--out", str(root / "eval"), "--format", "json", "--no-mlflow", cwd=root)
    metrics = json.loads(result.stdout)
    assert metrics["examples"] == 3 and 0.0 <= metrics["validity"] <= 1.0


def test_recalibrate_in_place(trained):
    """`anrf calibrate generator` refits the confidence of a trained model (end to end, with the bundled
    intent model), re-evaluates and rewrites the card, from the training.json training left."""
    root, env, _data, _ = trained
    model = root / "model"
    before = (model / "calibration.json").stat().st_mtime_ns
    result = _anrf(env, "calibrate", "generator", "--model", str(model), "--limit", "4", "--hypotheses", "1", cwd=root)
    assert "recalibrated" in result.stdout and (model / "calibration.json").stat().st_mtime_ns > before
    assert json.loads((model / "calibration.json").read_text())["examples"] == 4
    card = (model / "MODEL_CARD.md").read_text()
    assert "preset `tiny`" in card and "Calibration: 4 calibration-split generations" in card
    missing = _anrf(env, "calibrate", "generator", "--model", str(root), cwd=root, ok=False)
    assert missing.returncode == 2 and "training.json" in missing.stderr


def test_generate_with_an_untrained_model_is_a_clear_error(trained):
    """A few training steps cannot write valid programs: every attempt is rejected and reported."""
    root, env, _data, _ = trained
    result = _anrf(env, "generate", "Write a function that returns the largest number in a list", "--model", str(root / "model"),
                   "--hypotheses", "2", "--timeout", "20", cwd=root, ok=False)
    assert result.returncode == 3  # declined
    assert "no valid ANRF in" in result.stderr and "Traceback" not in result.stderr
    assert not list(root.glob("*.anrf.json"))


@pytest.mark.parametrize(("preset", "low", "high"), [("tiny", 0.1e6, 1e6), ("default", 3e6, 6e6), ("large", 20e6, 35e6)])
def test_presets_build_llamas_of_their_size(preset, low, high):
    from tokenizers import Tokenizer, models

    from training.generator_tokenizer import BOS, EOS, PAD
    from training.generator_train import build_model

    tokenizer = Tokenizer(models.WordLevel({BOS: 0, EOS: 1, PAD: 2, "[UNK]": 3}, unk_token="[UNK]"))
    parameters = sum(p.numel() for p in build_model(preset, 2048, 768, tokenizer).parameters())
    assert low < parameters < high, parameters
