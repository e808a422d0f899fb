"""The generation pipeline's plain functions: refusal, naming new files, verification, feedback
stores. (Each entry point is driven through it in test_generator_runtime (CLI), test_lsp_workflow
(editor) and test_service_api (service).)"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from anrf_lsp import pipeline
from anrf_lsp.intent.schema import StructuredIntent, Target

ROOT = Path(__file__).resolve().parent.parent


def test_refusal_only_for_requests_with_nothing_to_generate():
    known = StructuredIntent(intent_type="create_function", target=Target(kind="function", name="f"), operation="sum", description="x")
    assert pipeline.refusal(known) is None
    assert pipeline.refusal(known.model_copy(update={"operation": "unknown"})).startswith("not understood")  # no behaviour: no guess
    long = "nothing to do here " * 20
    message = pipeline.refusal(StructuredIntent(intent_type="out_of_scope", description=long))
    assert message is not None and "out of scope" in message and len(message) < 200 and "…" in message


def test_out_of_scope_is_refused_before_the_generator_runs():
    class Never:
        def generate(self, *args, **kwargs):
            raise AssertionError("the generator must not run")

    with pytest.raises(pipeline.GenerationRefused, match="out of scope"):
        pipeline.generate(Never(), StructuredIntent(intent_type="out_of_scope", description="hello"))


def test_new_files_never_overwrite(tmp_path):
    target = tmp_path / "deep" / "sum.anrf.json"
    first = pipeline.write_new(target, "1")
    second = pipeline.write_new(target, "2")
    assert (first, second) == (target, tmp_path / "deep" / "sum-2.anrf.json")
    assert target.read_text() == "1" and second.read_text() == "2"
    assert pipeline.free_path(target, taken={str(tmp_path / "deep" / "sum-3.anrf.json")}) == tmp_path / "deep" / "sum-4.anrf.json"
    assert pipeline.file_stem("../../etc/passwd") == "etc_passwd" and pipeline.file_stem("") == "generated"


def test_concurrent_writers_each_get_their_own_file(tmp_path):
    target = tmp_path / "x.anrf.json"
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda i=i: paths.append(pipeline.write_new(target, str(i)))) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(paths)) == 8 and sorted(p.read_text() for p in paths) == [str(i) for i in range(8)]


def test_verification_counts_the_checkers_findings():
    valid = json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text())
    assert pipeline.Verification.of(valid).errors == 0
    broken = json.loads(json.dumps(valid))
    broken["execution"]["nodes"][1]["inputs"] = ["nowhere"]
    assert pipeline.Verification.of(broken).errors >= 1


def test_local_feedback_store_appends_json_lines(tmp_path):
    store = pipeline.LocalFeedbackStore(tmp_path / "feedback.jsonl")
    for accepted in (True, False):
        assert store.record(pipeline.Feedback(generation_id="g1", accepted=accepted, anrf_id="a", edited=not accepted)) == str(store.path)
    rows = [json.loads(line) for line in store.path.read_text().splitlines()]
    assert [(r["generationId"], r["accepted"], r["edited"]) for r in rows] == [("g1", True, False), ("g1", False, True)]


def test_database_feedback_store_needs_a_known_generation(tmp_path):
    db_module = pytest.importorskip("anrf_lsp.services.db")
    db = db_module.Database(f"sqlite:///{tmp_path / 'meta.db'}")
    try:
        generation = db.add_generation(anrf_id=None, version=None, confidence=None, accepted=None, status="failed", analysis_id=None,
                                       model="m", attempts=1, seconds=0.1)
        store = pipeline.DatabaseFeedbackStore(db)
        assert store.record(pipeline.Feedback(generation_id=generation, accepted=False))
        with pytest.raises(db_module.UnknownGeneration):
            store.record(pipeline.Feedback(generation_id="00000000-0000-0000-0000-000000000000", accepted=True))
    finally:
        db.close()


def test_refusal_declines_v2_compositions_the_generator_cannot_write():
    """A v2 intent with an unknown part is declined, and so is a known composition while the generator
    writes catalog behaviours only: never the nearest catalog program at high confidence."""
    from anrf_lsp.intent.behaviour import node

    def intent(reduce: str) -> StructuredIntent:
        tree = node("fold", source=node("numbers"), select=node("filter", predicate=node("positive")), map=node("identity"), reduce=node(reduce))
        return StructuredIntent(version=2, intent_type="create_function", target={"kind": "function", "name": "f"}, behaviour=tree,
                                description="the product of the positive numbers")

    class NamedOnly:
        operations, parts = frozenset({"sum"}), None

    class Composer:
        operations, parts = frozenset({"sum"}), frozenset({"fold", "numbers", "filter", "positive", "identity", "sum"})

    assert "not one ANRF knows" in pipeline.refusal(intent("unknown"))
    assert pipeline.refusal(intent("product")) is None  # the intent alone is fine
    assert "composes parts" in pipeline.refusal(intent("product"), NamedOnly())
    assert pipeline.refusal(intent("sum"), Composer()) is None
    assert "never trained on the part(s) “product”" in pipeline.refusal(intent("product"), Composer())  # a held-out family


def test_refusal_names_the_words_no_part_covers():
    """'the cubes of' read as the squares: the fold leaves 'cubes' unexplained and the user is told which word."""
    from anrf_lsp.intent.behaviour import node

    tree = node("fold", source=node("numbers"), select=node("all"), map=node("square"), reduce=node("sum"))
    intent = StructuredIntent(version=2, intent_type="create_function", target={"kind": "function", "name": "f"}, behaviour=tree,
                              uncovered_words=["cubes"], description="return the sum of the cubes of the numbers")
    message = pipeline.refusal(intent)
    assert message.startswith("not understood: “cubes”") and "nothing was generated" in message
    with pytest.raises(ValueError, match="uncovered words need version 2"):
        StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "f"}, uncovered_words=["x"], description="x")


def test_a_catalog_behaviour_the_generator_never_learned_is_declined():
    class Trained:
        operations = frozenset({"sum"})

        def generate(self, *args, **kwargs):
            raise AssertionError("the generator must not run")

    intent = StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "f"}, operation="second_largest",
                              description="the second largest number")
    with pytest.raises(pipeline.GenerationRefused, match="“second_largest”, which the generator was not trained on"):
        pipeline.generate(Trained(), intent)
    Trained.operations = frozenset({"sum", "second_largest"})
    assert pipeline.refusal(intent, Trained()) is None
    assert pipeline.refusal(intent) is None  # a generator that does not say what it learned is asked anyway


def test_an_unsure_or_unknown_reading_is_declined_with_the_reason():
    """A reading under the decline threshold, or no behaviour at all, is never handed to the generator."""
    def intent(operation: str, confidence: float) -> StructuredIntent:
        return StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "f"}, operation=operation,
                                confidence=confidence, description="sort a list of dictionaries by a key")

    assert pipeline.refusal(intent("join_words", 0.06)).startswith("low confidence 0.06 in reading this request as the catalog behaviour “join_words”")
    assert pipeline.refusal(intent("unknown", 0.99)).startswith("not understood")
    assert pipeline.refusal(intent("join_words", 0.5)) is None


def test_generate_declines_a_request_outside_what_the_models_know(tmp_path):
    """As a user runs it: the bundled models read "sort ... dictionaries" as no confident behaviour; nothing is written."""
    out = tmp_path / "sorted.anrf.json"
    result = subprocess.run([sys.executable, "-m", "anrf_lsp", "generate", "sort a list of dictionaries by a key", "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "nothing was generated" in result.stderr, result.stderr
    assert "--force writes the best guess" in result.stderr and not out.exists()
    forced = subprocess.run([sys.executable, "-m", "anrf_lsp", "generate", "sort a list of dictionaries by a key", "--out", str(out), "--force"],
                            check=False, capture_output=True, text=True, timeout=120)
    assert forced.returncode == 0 and "not accepted: low confidence" in forced.stdout, forced.stdout + forced.stderr
    written = json.loads(out.read_text())
    assert written["metadata"]["acceptance"] == "not accepted" and written["metadata"]["declined_reason"].startswith("low confidence")


def test_the_bundled_generator_says_what_it_was_trained_on():
    config = json.loads((ROOT / "models" / "generator-v2" / "generator.json").read_text())
    assert len(config["operations"]) >= 250 and {"max", "filter_even", "reverse_string"} <= set(config["operations"])
    assert {"fold", "filter", "positive", "sum", "square"} <= set(config["parts"])
    assert not {"cube", "palindrome", "shortest", "divisible_by", "capitalize"} & set(config["parts"])  # held-out families: declined


class _Unsure:
    """A generator whose one valid program the acceptance rule turns down (confidence 0.31)."""

    name = "unsure"
    operations = None
    parts = None

    def generate(self, intent, n=4, timeout_s=30.0, progress=None, cancelled=None, anrf_id=None):
        from models.generator import Attempt, Generation

        anrf = json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text())
        anrf.setdefault("metadata", {})["confidence_score"] = "0.3100"
        return Generation(anrf=anrf, best=Attempt(text="", token_log_probs=[-0.1]), attempts=[], confidence=0.31, accepted=False)


def _sum_intent() -> StructuredIntent:
    return StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "total"}, operation="sum",
                            confidence=0.9, description="add up the numbers")


def test_a_program_the_acceptance_rule_turns_down_is_declined_with_the_best_guess_in_words():
    with pytest.raises(pipeline.GenerationRefused) as declined:
        pipeline.generate(_Unsure(), _sum_intent())
    message = str(declined.value)
    assert message.startswith("low confidence 0.31") and "best guess: the catalog behaviour “sum”" in message
    assert declined.value.can_force and declined.value.guess is not None


def test_forced_the_best_guess_is_written_and_says_it_was_not_accepted():
    from anrf_lsp.format.confidence import not_accepted

    outcome = pipeline.generate(_Unsure(), _sum_intent(), force=True)
    assert outcome.accepted is False and outcome.confidence == 0.31
    assert not_accepted(outcome.anrf).startswith("low confidence 0.31")
    assert outcome.anrf["metadata"]["acceptance"] == "not accepted"


def test_force_guesses_an_unsure_reading_but_never_one_it_did_not_understand():
    unsure = _sum_intent().model_copy(update={"confidence": 0.2})
    assert pipeline.refusal(unsure) is not None and pipeline.can_guess(unsure)
    assert pipeline.generate(_Unsure(), unsure, force=True).accepted is False
    not_understood = unsure.model_copy(update={"operation": "unknown"})
    assert not pipeline.can_guess(not_understood)
    with pytest.raises(pipeline.GenerationRefused, match="not understood") as refused:
        pipeline.generate(_Unsure(), not_understood, force=True)
    assert not refused.value.can_force
    assert not pipeline.can_guess(StructuredIntent(intent_type="out_of_scope", description="hello"))


def test_a_named_reading_that_leaves_out_a_part_is_declined_with_the_words():
    """As a user runs it: the bundled intent model reads "sum the squares of the even numbers" as the
    catalog's sum_even (0.91); "squares" is a part word no sum_even request used, so nothing is generated."""
    from models.intent import IntentModel

    model = IntentModel()
    intent = model.analyze("sum the squares of the even numbers in a list")
    assert intent.operation == "sum_even" and intent.uncovered_words == ["squares"]
    message = pipeline.refusal(intent)
    assert message is not None and message.startswith("not understood: the nearest reading, the catalog behaviour “sum_even”, leaves out “squares”")
    assert not pipeline.can_guess(intent)
    plain = model.analyze("sum the even numbers in a list")  # the same behaviour, asked for as it is
    assert plain.operation == "sum_even" and not plain.uncovered_words and pipeline.refusal(plain) is None


def test_a_remote_decline_is_the_same_decline_in_the_editor(monkeypatch):
    """The service answers 422 with its reason: the language server's model host raises GenerationRefused
    with those words (a decline, shown on the comment), not a connection error."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from anrf_lsp.lsp.models import ModelHost
    from anrf_lsp.remote import RemoteClient, RemoteError
    from anrf_lsp.settings import Settings

    reason = "low confidence 0.31, below what the calibration accepts; best guess: the catalog behaviour “sum”"

    def declines(self, intent, analysis_id=None, force=False):
        raise RemoteError(f"the ANRF server answered 422 to POST /generate: {reason}", 422, reason)

    monkeypatch.setattr(RemoteClient, "generate", declines)
    settings = Settings.model_validate({"server": {"url": "http://127.0.0.1:9"}})
    host = ModelHost(ThreadPoolExecutor(1))
    with pytest.raises(pipeline.GenerationRefused) as declined:
        asyncio.run(host.generate(_sum_intent(), settings, lambda: False))
    assert str(declined.value) == reason and declined.value.can_force


def test_fields_longer_than_any_program_are_refused_before_a_model_runs():
    class Never:
        name, operations, parts = "never", None, None

        def generate(self, *args, **kwargs):
            raise AssertionError("the generator must not run")

    long_name = _sum_intent().model_copy(update={"target": Target(kind="function", name="x" * 20_000)})
    with pytest.raises(pipeline.GenerationRefused, match="the target name is 20,000 characters long; at most 128"):
        pipeline.generate(Never(), long_name, force=True)
    many = _sum_intent().model_copy(update={"parameters": [{"name": f"p{i}"} for i in range(40)]})
    assert "at most 32" in pipeline.refusal(StructuredIntent.model_validate(many.model_dump()))
    assert pipeline.refusal(_sum_intent()) is None
