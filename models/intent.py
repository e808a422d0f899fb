"""Intent analysis at run time: text -> StructuredIntent with CTranslate2, tokenizers and numpy
(no torch). The fine-tuned encoder runs in CTranslate2; its three linear heads (intent type,
operation, BIO entity tags) are applied here in numpy; constraints come from the rule parser.

A model directory holds `encoder/` (CTranslate2), `heads.npz`, `labels.json` and
`tokenizer.json`; `anrf train intent` writes one, `models/intent-v2/` is the bundled default."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anrf_lsp.intent.labels import spans_from_tags
from anrf_lsp.intent.names import comment_tag_spans
from anrf_lsp.intent.schema import UNKNOWN_OPERATION, Entity, Parameter, StructuredIntent, Target
from models.locate import ModelNotFound, resolve
from models.runtime import pick_device, pick_threads

BUNDLED_INTENT_MODEL = Path(__file__).resolve().parent / "intent-v2"
ENCODER_DIR, HEADS_FILE, LABELS_FILE, TOKENIZER_FILE = "encoder", "heads.npz", "labels.json", "tokenizer.json"
RUNTIME_FILES = (ENCODER_DIR, HEADS_FILE, LABELS_FILE, TOKENIZER_FILE)  # what a model needs at run time (and what is bundled)
MAX_ANALYZED_CHARS = 4000  # the encoder sees at most max_length tokens anyway; rules read this much too


class IntentModelError(ModelNotFound):
    """A model that cannot be found or loaded, said in words a user can act on."""


@dataclass(frozen=True)
class Prediction:
    """What the model says about one text, before assembly into a StructuredIntent."""

    intent_type: str
    intent_probability: float
    operation: str
    operation_probability: float
    tags: list[str]  # one per token, special tokens included
    offsets: list[tuple[int, int]]
    heads: dict[str, tuple[str, float]] = field(default_factory=dict)  # v2: shape and fold slots -> (label, probability)
    shape_probabilities: dict[str, float] = field(default_factory=dict)  # v2: every shape (named / fold / none)

    def shape_probability(self, shape: str) -> float:
        """P(shape) from the v2 shape head; 1.0 for a v1 model, which has none."""
        return self.shape_probabilities.get(shape, 1.0) if self.shape_probabilities else 1.0


def resolve_model_dir(ref: str | Path | None) -> Path:
    """The bundled default (None or "bundled"), a directory, or a models:/anrf-intent/... URI."""
    return resolve(ref, BUNDLED_INTENT_MODEL, LABELS_FILE, "an intent model")


class IntentModel:
    """A loaded intent model. Thread-safe: CTranslate2 releases the GIL, the tokenizer is per call."""

    def __init__(self, directory: str | Path | None = None, device: str = "auto", threads: int | None = None, compute_type: str | None = None):
        import ctranslate2
        import numpy as np
        from tokenizers import Tokenizer

        self.directory = resolve_model_dir(directory)
        self.labels: dict[str, Any] = json.loads((self.directory / LABELS_FILE).read_text(encoding="utf-8"))
        self.max_length = int(self.labels["max_length"])
        # Operation -> {kind, name, params, return_type}; a model exported before signatures were written
        # knows none, and names only `unknown` operations (the generator then has the request text alone).
        self.signatures: dict[str, dict[str, Any]] = self.labels.get("signatures", {})
        self._tokenizer = Tokenizer.from_file(str(self.directory / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_length)
        self._lock = threading.Lock()  # Tokenizer truncation settings are shared state
        self.device, default_type = pick_device(device)
        self.compute_type = compute_type or default_type
        try:
            self._encoder = ctranslate2.Encoder(str(self.directory / ENCODER_DIR), device=self.device,
                                                compute_type=self.compute_type,
                                                intra_threads=pick_threads(self.directory / ENCODER_DIR, threads))
        except (RuntimeError, ValueError) as exc:
            raise IntentModelError(f"cannot load the CTranslate2 encoder in {self.directory / ENCODER_DIR}: {exc}") from exc
        heads = np.load(self.directory / HEADS_FILE)
        self._heads = {name: heads[name].astype(np.float32) for name in heads.files}

    @property
    def info(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "device": self.device, "computeType": self.compute_type,
                "dataset": self.labels.get("dataset"), "base": self.labels.get("base")}

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Raw predictions for a batch of texts (each cut to MAX_ANALYZED_CHARS first)."""
        import numpy as np

        if not texts:
            return []
        with self._lock:
            encodings = self._tokenizer.encode_batch([t[:MAX_ANALYZED_CHARS] for t in texts])
        out = self._encoder.forward_batch([e.ids for e in encodings])
        hidden = np.asarray(out.last_hidden_state, dtype=np.float32)  # (batch, max_len, hidden)
        cls = hidden[:, 0]
        intent_p = _softmax(cls @ self._heads["intent_weight"].T + self._heads["intent_bias"])
        operation_p = _softmax(cls @ self._heads["operation_weight"].T + self._heads["operation_bias"])
        tag_ids = (hidden @ self._heads["tags_weight"].T + self._heads["tags_bias"]).argmax(-1)
        intents, operations, tags = self.labels["intent_types"], self.labels["operations"], self.labels["tags"]
        extra = {"shape": self.labels.get("shapes", []), **{f"slot_{k}": v for k, v in self.labels.get("slots", {}).items()}}
        extra_p = {name: _softmax(cls @ self._heads[f"{name}_weight"].T + self._heads[f"{name}_bias"]) for name in extra if extra[name]}
        predictions = []
        for i, enc in enumerate(encodings):
            n = len(enc.ids)
            k, o = int(intent_p[i].argmax()), int(operation_p[i].argmax())
            heads = {name: (extra[name][int(p[i].argmax())], float(p[i].max())) for name, p in extra_p.items()}
            shapes = {label: float(q) for label, q in zip(extra["shape"], extra_p["shape"][i], strict=True)} if "shape" in extra_p else {}
            predictions.append(Prediction(
                intent_type=intents[k], intent_probability=float(intent_p[i, k]),
                operation=operations[o], operation_probability=float(operation_p[i, o]),
                tags=[tags[t] for t in tag_ids[i, :n]], offsets=[tuple(x) for x in enc.offsets], heads=heads,
                shape_probabilities=shapes,
            ))
        return predictions

    def analyze(self, text: str) -> StructuredIntent:
        """The structured intent of one editor comment or selection."""
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: list[str], calibrated: bool = True) -> list[StructuredIntent]:
        """Structured intents; a confidence is calibrated when the model carries a fit for its kind of
        reading, named or fold (`calibrated=False` gives the raw joint probability the fit is made from)."""
        results: list[StructuredIntent | None] = [None] * len(texts)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        calibration = self.labels.get("fold_calibration") if calibrated else None
        named_calibration = self.labels.get("named_calibration") if calibrated else None
        for i, prediction in zip(todo, self.predict([texts[i] for i in todo]), strict=True):
            if _reads_as_fold(prediction):
                results[i] = assemble_fold(texts[i], prediction, self.labels.get("fold", {}), calibration)
            else:
                results[i] = assemble(texts[i], prediction, self.signatures, named_calibration, self.labels.get("named_coverage"))
        return [_with_examples(r, t) if r is not None else out_of_scope(t) for r, t in zip(results, texts, strict=True)]


def _with_examples(intent: StructuredIntent, text: str) -> StructuredIntent:
    """The request's stated input/output examples, the tests a generated program must pass."""
    if intent.intent_type == "out_of_scope":
        return intent
    from anrf_lsp.intent.examples import intent_examples

    examples = intent_examples(text)
    return intent.model_copy(update={"examples": examples}) if examples else intent


NAMED_THRESHOLD = 0.5  # a catalog operation this probable wins over a fold reading of the same text


def _reads_as_fold(prediction: Prediction) -> bool:
    """Whether to assemble a v2 fold intent: the shape head says fold, and the text is not also, and
    confidently, a catalog behaviour ("the largest number in a list" is both `max` and a fold: the named
    behaviour is kept, so v1 generation serves it as before); or the shape head leans to a named
    behaviour but the operation head names none (`unknown`), so the fold is the only reading there is."""
    if prediction.intent_type == "out_of_scope" or "shape" not in prediction.heads:
        return False
    shape = prediction.heads["shape"][0]
    if shape == "none":
        return False
    if shape == "named":
        return prediction.operation == UNKNOWN_OPERATION
    return prediction.operation == UNKNOWN_OPERATION or prediction.operation_probability < NAMED_THRESHOLD


def _softmax(logits: Any) -> Any:
    import numpy as np

    z = np.exp(logits - logits.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def out_of_scope(text: str, confidence: float = 1.0) -> StructuredIntent:
    return StructuredIntent(intent_type="out_of_scope", operation=UNKNOWN_OPERATION, description=text, confidence=confidence)


_NOT_IDENTIFIER = re.compile(r"\W+")


def _identifier(text: str) -> str:
    return _NOT_IDENTIFIER.sub("_", text).strip("_")


def entity_tags(text: str, prediction: Prediction) -> list[str]:
    """The predicted BIO tags, none inside a comment tag (`TODO(alice)`: its author is no parameter)."""
    decorations = comment_tag_spans(text[:MAX_ANALYZED_CHARS])
    if not decorations:
        return prediction.tags
    return [tag if not any(a <= start < b for a, b in decorations) else "O"
            for tag, (start, _end) in zip(prediction.tags, prediction.offsets, strict=True)]


def _entities(text: str, prediction: Prediction) -> list[Entity]:
    """The entity tags as character spans of `text`."""
    spans = spans_from_tags(entity_tags(text, prediction), prediction.offsets)
    return [Entity(label=label, start=s, end=e, text=text[s:e]) for label, s, e in spans]  # type: ignore[arg-type]


def _constraints(text: str) -> list[Any]:
    """The rule parser's constraints (the model predicts none)."""
    from anrf_lsp.intent.constraints import parse_constraints

    return [c for c, _span in parse_constraints(text[:MAX_ANALYZED_CHARS])]


def _target(text: str, intent_type: str, entities: list[Entity], default: str) -> tuple[str, Target]:
    """(intent type, target): a name the text states comes out exactly (anrf_lsp/intent/names.py), else the
    model's first NAME span widened to its whole identifier, else `default`; "add a method to the Inventory
    class" is a modify request whatever the model said."""
    from anrf_lsp.intent.names import declared_kind, modified_target, stated_name, widen

    kind = intent_type.split("_", 1)[1]
    declared = declared_kind(text)
    if declared is not None and intent_type.startswith("create_"):
        kind, intent_type = declared, f"create_{declared}"
    changed = modified_target(text)
    if changed is not None and intent_type.startswith("create_") and changed[0] in ("function", "class"):
        kind, intent_type = changed[0], f"modify_{changed[0]}"
    name = stated_name(text, kind)
    if name is None:
        spans = [widen(text, e.start, e.end) for e in entities if e.label == "NAME"]
        name = next((n for n in (_identifier(text[a:b]) for a, b in spans) if n), None)
    return intent_type, Target(kind=kind, name=name or default)  # type: ignore[arg-type]


def assemble(text: str, prediction: Prediction, signatures: dict[str, dict[str, Any]],
             calibration: dict[str, Any] | None = None, coverage: dict[str, Any] | None = None) -> StructuredIntent:
    """Model outputs + operation signatures + rule-parsed constraints -> StructuredIntent, by the rules
    the dataset was labelled with: the target is named by the first NAME entity (else the operation's
    default name), parameters take the operation's types and the PARAM entities' names in order.
    `signatures` comes from the model's labels.json (written at export), so no catalog is loaded.
    The confidence is the joint probability of the intent type, the shape (v2) and the operation: a text
    the operation head barely recognises ("sort a list of dictionaries by a key" as `join_words`) is not
    a confident reading however sure the intent head is that it asks for a function. With 251 close
    behaviours the operation softmax runs low on right readings too, so a model carries a fit (on its
    calibration split) that maps the joint probability to P(right). With `coverage` (labels.json's
    `named_coverage`), words of parts the operation's requests never used are kept in `uncovered_words`
    ("squares" read as sum_even), and generation declines the reading."""
    from anrf_lsp.intent.coverage import unexplained_by_operation

    if prediction.intent_type == "out_of_scope":
        return out_of_scope(text, prediction.intent_probability)
    entities = _entities(text, prediction)
    kind = prediction.intent_type.split("_", 1)[1]
    signature = signatures.get(prediction.operation)
    default_name = signature["name"] if signature is not None and signature["kind"] == kind else f"new_{kind}"
    intent_type, target = _target(text, prediction.intent_type, entities, default_name)
    param_names = [n for n in (_identifier(e.text) for e in entities if e.label == "PARAM") if n]
    if signature is not None:
        params = [Parameter(name=param_names[i] if i < len(param_names) else p["name"], type=p["type"])
                  for i, p in enumerate(signature["params"])]
    else:
        params = [Parameter(name=n) for n in param_names]
    uncovered = unexplained_by_operation(text, [(e.start, e.end) for e in entities], prediction.operation, coverage) if coverage else []
    return StructuredIntent(
        version=2 if uncovered else 1,
        uncovered_words=uncovered,
        intent_type=intent_type,  # type: ignore[arg-type]
        target=target,
        parameters=params,
        return_type=signature["return_type"] if signature is not None else "any",
        operation=prediction.operation if signature is not None else UNKNOWN_OPERATION,
        entities=entities,
        constraints=_constraints(text),
        description=text,
        confidence=round(calibrate(prediction.intent_probability * prediction.shape_probability("named") * prediction.operation_probability,
                                   calibration), 6),
    )


def _literal(text: str) -> Any:
    """A VALUE entity as the literal it names: a number when it reads as one, else the text."""
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text else value


def calibrate(joint: float, calibration: dict[str, Any] | None, uncovered: int = 0) -> float:
    """P(the fold is exactly right) from the heads' joint probability and whether words are left
    uncovered: logistic regression fitted on the calibration split (training/intent_calibration.py).
    A fit from before coverage was measured (no `c`) is Platt scaling of the joint probability alone."""
    import math

    if not calibration:
        return joint
    z = calibration["a"] * math.log(max(joint, 1e-6) / max(1 - joint, 1e-6)) + calibration["b"]
    z += calibration.get("c", 0.0) * (uncovered > 0)
    return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))


def assemble_fold(text: str, prediction: Prediction, fold: dict[str, Any], calibration: dict[str, Any] | None = None) -> StructuredIntent:
    """A v2 intent whose behaviour is a fold of the predicted parts (anrf_lsp/intent/slots.py): literal
    operands from VALUE entities, the signature from the parts' tables in labels.json. The confidence is
    the joint probability of the intent type, the shape and every slot (calibrated when the model carries
    a fit): a part the model is unsure of lowers it, and an `unknown` part stays in the tree for
    generation to decline. Words the parts do not account for (anrf_lsp/intent/coverage.py) are kept
    in `uncovered_words` and lower the calibrated confidence."""
    from anrf_lsp.intent.coverage import uncovered_words
    from anrf_lsp.intent.slots import SLOTS, tree_of

    entities = _entities(text, prediction)
    slots = {name: prediction.heads[f"slot_{name}"][0] for name in SLOTS if f"slot_{name}" in prediction.heads}
    values = [_literal(e.text) for e in entities if e.label == "VALUE"]
    source = fold.get("sources", {}).get(slots.get("source", ""))
    value_params = [fold.get("values", {}).get(slots.get(f"pred{i}", ""), {}) for i in (1, 2) if slots.get(f"value{i}") == "param"]
    signature = ([(source["param"], source["type"])] if source else []) + [(v.get("param", "value"), v.get("type", "any")) for v in value_params]
    stated = [n for n in (_identifier(e.text) for e in entities if e.label == "PARAM") if n]
    params = [Parameter(name=stated[i] if i < len(stated) else name, type=type_) for i, (name, type_) in enumerate(signature)]
    tree = tree_of(slots, values, [name for name, _ in signature[1:]])
    elem = fold.get("maps", {}).get(slots.get("map", ""), {}).get("gives") or (source or {}).get("elem", "num")
    returns = fold.get("returns", {}).get(slots.get("reduce", ""), {}).get(elem, "any")
    default = "_".join(p for p in (slots.get("reduce"), slots.get("map") if slots.get("map") != "identity" else None, slots.get("source")) if p)
    intent_type, target = _target(text, prediction.intent_type, entities, _identifier(default) or "new_function")
    confidence = prediction.intent_probability * prediction.shape_probability("fold")
    for name in SLOTS:
        confidence *= prediction.heads.get(f"slot_{name}", ("", 1.0))[1]
    uncovered = uncovered_words(text, [(e.start, e.end) for e in entities], fold.get("concepts", ()))
    return StructuredIntent(
        version=2,
        intent_type=intent_type,  # type: ignore[arg-type]
        target=target,
        parameters=params,
        return_type=returns,
        operation=UNKNOWN_OPERATION,
        behaviour=tree,
        uncovered_words=uncovered,
        entities=entities,
        constraints=_constraints(text),
        description=text,
        confidence=round(calibrate(confidence, calibration, len(uncovered)), 6),
    )
