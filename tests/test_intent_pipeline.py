"""The intent model's offline pipeline end to end, as a user runs it: build a tiny dataset,
`anrf train intent` a few steps (fine-tune, convert to CTranslate2, evaluate, register in a
temporary MLflow store), then load it back by registry URI and evaluate it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("mlflow")

from anrf_lsp.intent.schema import StructuredIntent
from tests.conftest import isolated_env, run_anrf


def _anrf(env: dict[str, str], *args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    return run_anrf(*args, cwd=cwd, env=env, timeout=600, expect_ok=ok)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("intent")
    env = isolated_env(root)
    _anrf(env, "data", "build", "--out", str(root / "ds"), "--intent-examples", "120", "--generation-examples", "10", "--compose-examples", "120",
          "--behaviours", "max,filter_even,reverse_string", cwd=root)
    data = str(root / "ds" / "anrf-v1" / "latest")
    result = _anrf(env, "train", "intent", "--data", data, "--out", str(root / "model"), "--max-steps", "4", "--batch-size", "8",
                   "--train-limit", "32", "--eval-limit", "24", "--no-progress", "--alias", "smoke", cwd=root)
    return root, env, data, result.stdout


def test_training_writes_the_runtime_model_card_and_report(trained):
    root, _env, _data, stdout = trained
    model = root / "model"
    assert "registered anrf-intent version 1" in stdout
    assert (model / "encoder" / "model.bin").is_file()
    labels = json.loads((model / "labels.json").read_text())
    import numpy as np

    heads = np.load(model / "heads.npz")
    assert heads["intent_weight"].shape[0] == len(labels["intent_types"]) == 6
    assert heads["operation_weight"].shape[0] == len(labels["operations"]) and labels["operations"][0] == "unknown"
    assert heads["tags_weight"].shape[0] == len(labels["tags"]) == 11  # NAME PARAM TYPE CONSTRAINT VALUE
    assert labels["format"] == "anrf-intent-v2"  # the label spaces came from the v2 dataset's manifest
    for slot, values in labels["slots"].items():
        assert heads[f"slot_{slot}_weight"].shape[0] == len(values)
    assert heads["shape_weight"].shape[0] == len(labels["shapes"]) == 3
    card = (model / "MODEL_CARD.md").read_text()
    manifest_hash = labels["dataset"]["manifest_sha256"]
    assert manifest_hash in card and "anrf train intent" in card
    report = (model / "evaluation" / "report.md").read_text()
    assert "intent_accuracy" in report and "entity_f1" in report
    assert "| combination |" in report and "| family |" in report  # per split kind
    assert (model / "evaluation" / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((model / "metrics.json").read_text())
    for key in ("intent_accuracy", "intent_macro_f1", "operation_accuracy", "entity_f1", "constraint_precision", "constraint_recall"):
        assert 0.0 <= metrics[key] <= 1.0


def test_float32_conversion_matches_torch_exactly(trained):
    """Tokenization and numpy heads reproduce the torch model: an unquantized conversion agrees on
    every prediction (int8 agreement of the real model is measured by training and reported)."""
    root = trained[0]
    summary = json.loads((root / "model" / "training.json").read_text())
    exact = summary["parity_float32"]
    assert exact["examples"] == summary["parity"]["examples"] > 0
    assert exact["whole_prediction"] == 1.0 and exact["tokens"] == 1.0
    assert 0.0 <= summary["parity"]["whole_prediction"] <= 1.0


def test_registered_with_tags_metrics_and_artifacts(trained):
    root, _env, _data, _out = trained
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{root / 'data' / 'mlflow' / 'mlflow.db'}")
    version = client.get_model_version_by_alias("anrf-intent", "smoke")
    assert str(version.version) == "1"
    assert {"phase-1", "intent-v2"} <= set(version.tags)
    run = client.get_run(version.run_id)
    assert run.data.params["seed"] == "0"
    assert {"validation_joint", "test_intent_accuracy", "test_entity_f1", "parity_whole_prediction"} <= set(run.data.metrics)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "model")}
    assert {"model/encoder", "model/heads.npz", "model/labels.json", "model/tokenizer.json", "model/MODEL_CARD.md"} <= artifacts


@pytest.mark.parametrize("uri", ["models:/anrf-intent/1", "models:/anrf-intent@smoke"])
def test_intent_cli_loads_a_registered_model(trained, uri):
    root, env, _data, _out = trained
    text = "Write a function named biggest that returns the largest number in a list, in O(n) time"
    result = _anrf(env, "intent", text, "--model", uri, "--format", "json", cwd=root)
    intent = StructuredIntent.model_validate_json(result.stdout)
    assert intent.description == text
    assert [c.formal_spec for c in intent.constraints] == ["O(n)"]  # the rule parser, whatever the tiny model says
    assert (root / "cache" / "models" / "anrf-intent" / "1" / "labels.json").is_file()


def test_unknown_registry_version_is_a_clear_error(trained):
    root, env, _data, _out = trained
    result = _anrf(env, "intent", "x", "--model", "models:/anrf-intent/99", cwd=root, ok=False)
    assert result.returncode == 1
    assert "models:/anrf-intent/99" in result.stderr and "Traceback" not in result.stderr


def test_eval_cli_reports_every_metric(trained):
    root, env, data, _out = trained
    result = _anrf(env, "eval", "intent", "--model", str(root / "model"), "--data", data, "--out", str(root / "eval"),
                   "--format", "json", cwd=root)
    metrics = json.loads(result.stdout)
    for key in ("intent_accuracy", "intent_macro_f1", "operation_accuracy", "entity_f1", "out_of_scope_precision",
                "constraint_precision", "constraint_recall", "constraint_f1"):
        assert 0.0 <= metrics[key] <= 1.0, key
    assert metrics["examples"] > 0
    assert (root / "eval" / "confusion.png").is_file()
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{root / 'data' / 'mlflow' / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("anrf-intent-eval")
    runs = client.search_runs([experiment.experiment_id])
    assert runs and runs[0].data.metrics["intent_accuracy"] == pytest.approx(metrics["intent_accuracy"])


def test_a_v2_model_carries_its_fold_calibration(trained):
    """Training fits Platt scaling of the fold confidence on the calibration split and the runtime applies it."""
    from models.intent import calibrate

    root = trained[0]
    labels = json.loads((root / "model" / "labels.json").read_text())
    fit = labels["fold_calibration"]
    assert fit["method"].startswith("logistic") and "c" in fit and {"calibration", "test"} <= set(fit)
    assert 0.0 <= fit["test"]["ece_after"] <= 1.0
    assert calibrate(0.5, None) == 0.5
    assert 0.0 < calibrate(0.9, fit) < 1.0
    named = labels["named_calibration"]  # a named reading's joint probability is calibrated too
    assert named["method"] == "logistic(logit joint)" and named["calibration"]["readings"] > 0
    assert calibrate(0.9, named) > calibrate(0.1, named)
