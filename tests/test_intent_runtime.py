"""The bundled intent model through the torch-free runtime (CTranslate2 + tokenizers + numpy):
what `anrf intent` and the editor features call."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from anrf_lsp.intent.labels import TAGS, spans_from_tags, tags_for_tokens
from anrf_lsp.intent.schema import StructuredIntent
from models.intent import BUNDLED_INTENT_MODEL, MAX_ANALYZED_CHARS, RUNTIME_FILES, IntentModel, resolve_model_dir
from models.locate import ModelNotFound
from tests.conftest import run_anrf


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel(device="cpu")


def test_bundled_model_is_small_and_has_a_card():
    paths = [BUNDLED_INTENT_MODEL / name for name in RUNTIME_FILES]
    size = sum(f.stat().st_size for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    assert size <= 30 * 2**20
    card = (BUNDLED_INTENT_MODEL / "MODEL_CARD.md").read_text()
    labels = json.loads((BUNDLED_INTENT_MODEL / "labels.json").read_text())
    assert labels["dataset"]["manifest_sha256"] in card
    assert "anrf train intent" in card


def test_inference_does_not_import_torch():
    code = ("import sys; from models.intent import IntentModel; IntentModel(device='cpu').analyze('reverse a string'); "
            "print(sorted(m for m in ('torch', 'transformers', 'mlflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"


def test_a_request_becomes_a_structured_intent(model):
    text = "Write a function called biggest that takes values and returns the largest number in a list, in O(n) time"
    intent = model.analyze(text)
    assert intent.intent_type == "create_function"
    assert intent.operation == "max"
    assert intent.target is not None and intent.target.name == "biggest"
    assert [p.name for p in intent.parameters] == ["values"]
    assert [(c.type, c.formal_spec) for c in intent.constraints] == [("performance", "O(n)")]
    assert {(e.label, e.text) for e in intent.entities} >= {("NAME", "biggest"), ("PARAM", "values")}
    assert 0.5 < intent.confidence <= 1.0


def test_modify_and_class_requests(model):
    assert model.analyze("Please update the count_words function so it counts the words in a sentence").intent_type == "modify_function"
    assert model.analyze("Create a Stack class with push and pop").intent_type == "create_class"


def test_chit_chat_is_out_of_scope(model):
    intent = model.analyze("what's the weather like in Paris tomorrow?")
    assert intent.intent_type == "out_of_scope" and intent.target is None and intent.operation == "unknown"


@pytest.mark.parametrize("text", [
    "", "   \n\t", "a" * 100_000, "word " * 20_000, "写一个函数，返回列表中最大的数字", "Écris une fonction qui inverse une chaîne",
    "🚀🔥💯 " * 50, "def f(x):\n    return [i for i in x if i % 2 == 0]\n" * 40, "\x00\x01\ufffd", "{{{{[[[[(((( " * 1000,
])
def test_odd_input_gets_a_result_in_bounded_time(model, text):
    started = time.perf_counter()
    intent = model.analyze(text)
    assert time.perf_counter() - started < 2.0
    assert isinstance(intent, StructuredIntent) and intent.description == text
    assert all(e.end <= MAX_ANALYZED_CHARS for e in intent.entities)
    if not text.strip():
        assert intent.intent_type == "out_of_scope"


def test_batch_matches_single(model):
    texts = ["reverse the string s", "", "keep only the even numbers from a list, O(n)"]
    assert model.analyze_batch(texts) == [model.analyze(t) for t in texts]


def test_model_references(tmp_path):
    assert resolve_model_dir(None) == resolve_model_dir("bundled") == BUNDLED_INTENT_MODEL
    with pytest.raises(ModelNotFound, match="not an intent model directory"):
        resolve_model_dir(tmp_path)


def test_bio_tags_round_trip_through_the_tokenizer(model):
    text = "def process_result(values: number[]) -> num: find the highest value, within 250 ms"
    spans = []
    for label, surface in [("NAME", "process_result"), ("PARAM", "values"), ("TYPE", "number[]"), ("TYPE", "num:"), ("CONSTRAINT", "250 ms")]:
        start = text.index(surface, spans[-1][2] if spans else 0)
        spans.append((label, start, start + len(surface.rstrip(":"))))
    enc = model._tokenizer.encode(text)
    tags = [TAGS[t] if t >= 0 else "O" for t in tags_for_tokens(enc.offsets, spans)]
    assert spans_from_tags(tags, enc.offsets) == spans


def test_cli_prints_json():
    out = run_anrf("intent", "reverse the string s", "--format", "json", expect_ok=True).stdout
    assert StructuredIntent.model_validate_json(out).intent_type == "create_function"
