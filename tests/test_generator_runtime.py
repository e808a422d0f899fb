"""The bundled generator through the torch-free runtime (CTranslate2 + tokenizers): what
`anrf generate` and the editor features call. Requests here are phrased as users write them,
not copied from the dataset."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from models.generator import BUNDLED_GENERATOR_MODEL, RUNTIME_FILES, GenerationCancelled, GenerationError, GeneratorModel
from models.intent import IntentModel
from tests.conftest import run_anrf

pytestmark = pytest.mark.skipif(not (BUNDLED_GENERATOR_MODEL / "generator.json").is_file(), reason="no bundled generator model")


@pytest.fixture(scope="module")
def intents() -> IntentModel:
    return IntentModel(device="cpu")


@pytest.fixture(scope="module")
def generator() -> GeneratorModel:
    return GeneratorModel(device="cpu")


def test_bundled_model_is_small_calibrated_and_has_a_card():
    paths = [BUNDLED_GENERATOR_MODEL / name for name in RUNTIME_FILES]
    size = sum(f.stat().st_size for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    assert size <= 40 * 2**20
    card = (BUNDLED_GENERATOR_MODEL / "MODEL_CARD.md").read_text()
    assert "anrf train generator" in card and "manifest sha256" in card
    calibration = json.loads((BUNDLED_GENERATOR_MODEL / "calibration.json").read_text())
    assert calibration["alpha"] == 0.1 and calibration["examples"] >= 100


def test_generation_does_not_import_torch():
    code = ("import sys; from models.intent import IntentModel; from models.generator import GeneratorModel; "
            "GeneratorModel(device='cpu').generate(IntentModel(device='cpu').analyze('reverse a string'), n=1); "
            "print(sorted(m for m in ('torch', 'transformers', 'mlflow', 'peft') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(("request_text", "args", "expected"), [
    ("Write a function called biggest that returns the largest number in a list", [[3, 9, 2]], 9),
    ("I need a function that reverses a string", ["abc"], "cba"),
    ("write a function that counts the vowels in a string", ["education"], 5),
])
def test_requests_become_verified_running_anrf(intents, generator, request_text, args, expected):
    from anrf_lsp.execution.interpreter import run_function
    from anrf_lsp.format.document import load_document

    generation = generator.generate(intents.analyze(request_text))
    assert generation.best.valid and generation.best.error_count == 0
    assert 0.0 <= generation.confidence <= 1.0
    assert generation.anrf["metadata"]["confidence_score"] == f"{generation.confidence:.4f}"
    doc = load_document(json.dumps(generation.anrf))
    assert run_function(doc.model, args) == expected


def test_progress_and_cancellation_stop_decoding_mid_sequence(intents, generator):
    intent = intents.analyze("add a class Stack that stores integers in a last-in first-out stack")
    seen: list[int] = []
    generator.generate(intent, n=1, progress=seen.append)
    assert seen and seen == sorted(seen)
    calls = 0

    def cancel_after_a_few_tokens() -> bool:
        nonlocal calls
        calls += 1
        return calls > 5

    started = time.perf_counter()
    with pytest.raises(GenerationCancelled):
        generator.generate(intent, n=4, cancelled=cancel_after_a_few_tokens)
    assert calls <= 7 and time.perf_counter() - started < 1.0


def test_a_deadline_bounds_decoding(intents, generator):
    intent = intents.analyze("add a class Stack that stores integers in a last-in first-out stack")
    started = time.perf_counter()
    with pytest.raises(GenerationError):
        generator.generate(intent, n=4, timeout_s=0.001)
    assert time.perf_counter() - started < 2.0


def test_cli_writes_a_new_file_and_prints_json(tmp_path):
    target = tmp_path / "anrf" / "biggest.anrf.json"  # the folder does not exist yet
    results = []
    for _ in range(2):  # the second run must not overwrite the first file
        out = run_anrf("generate", "Write a function called biggest that returns the largest number in a list", "--out", str(target),
                       "--format", "json", cwd=tmp_path, expect_ok=True)
        results.append(json.loads(out.stdout))
    assert [set(r) for r in results] == [{"path", "anrfId", "generationId", "confidenceScore", "accepted", "model", "verification"}] * 2
    assert results[0]["path"] == str(target) and results[1]["path"] == str(tmp_path / "anrf" / "biggest-2.anrf.json")
    written = json.loads(target.read_text())
    assert written["anrf_id"] == results[0]["anrfId"] and results[0]["verification"]["errors"] == 0
    assert written["metadata"]["generated_by"] == results[0]["model"] == "anrf-generator generator-v2"  # the model that wrote it
    assert float(written["metadata"]["confidence_score"]) == pytest.approx(results[0]["confidenceScore"], abs=1e-4)
    check = run_anrf("check", str(target), "--format", "json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_cli_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = run_anrf("generate", "I need a function that reverses a string", "--out", str(blocker / "x.anrf.json"), cwd=tmp_path)
    assert out.returncode == 1 and "cannot write" in out.stderr and "Traceback" not in out.stderr


def test_cli_out_of_scope_is_a_clear_error(tmp_path):
    from anrf_lsp.intent.schema import StructuredIntent
    from anrf_lsp.pipeline import refusal

    out = run_anrf("generate", "what a lovely day it is", cwd=tmp_path)
    expected = refusal(StructuredIntent(intent_type="out_of_scope", description="what a lovely day it is"))
    assert out.returncode == 3 and out.stderr.strip() == f"anrf generate: declined: {expected}."  # the pipeline's one refusal message
    assert not list(tmp_path.iterdir())
