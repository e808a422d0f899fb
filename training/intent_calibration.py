"""Calibrate a v2 intent model's fold confidence on the calibration split.

The joint probability of the heads is a score, not a probability of being right, and it is highest
exactly where the model is confidently wrong: a part it never learned read as its nearest
neighbour ("cubes" as squares). Two features go into a logistic fit (three parameters) against
whether the whole behaviour expression was exactly right, on the calibration split's composed texts
of every kind (held-out combinations, held-out families and unknown parts included, whose right
answer is to decline): the log-odds of the joint probability, and whether the request has words a
fold cannot account for (anrf_lsp/intent/coverage.py: words training saw only in named-behaviour
requests; the list is computed here from the train split and written into labels.json beside the
fit). The runtime applies both (models/intent.py). Reported: expected calibration error before and
after, on the calibration split and on the test split (held out from the fit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from training import storage

EPSILON = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def fit_logistic(features: np.ndarray, right: np.ndarray, steps: int = 100, ridge: float = 1e-2) -> np.ndarray:
    """Weights (one per feature column, then a bias) minimising the ridge-regularised log loss of
    sigmoid(features @ w + bias), by Newton's method (the ridge keeps a separating feature finite)."""
    x = np.hstack([features, np.ones((len(features), 1))])
    w = np.zeros(x.shape[1])
    w[0] = 1.0
    penalty = ridge * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - right) + penalty @ w
        hess = (x * (p * (1 - p) + 1e-9)[:, None]).T @ x + penalty + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w = w - step
        if np.abs(step).max() < 1e-8:
            break
    return w


def ece(probabilities: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width bins."""
    total = 0.0
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = (probabilities >= lo) & ((probabilities < hi) if i < bins - 1 else (probabilities <= hi))
        if inside.any():
            total += inside.mean() * abs(probabilities[inside].mean() - right[inside].mean())
    return float(total)


def _scores(model: Any, records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(uncalibrated joint probability, has uncovered words, exactly right) per composed record; a text
    the model reads as no fold scores 0 (nothing would be generated from it), and is right when it was
    not to be answered."""
    intents = model.analyze_batch([r["text"] for r in records], calibrated=False)
    scores, uncovered, right = [], [], []
    for r, i in zip(records, intents, strict=True):
        answerable = r["kind"] in ("phrasing", "combination")
        is_fold = i.behaviour is not None and i.behaviour.is_known()
        scores.append(i.confidence if is_fold else 0.0)
        uncovered.append(float(bool(i.uncovered_words)))
        right.append(float(answerable and is_fold and i.behaviour.text() == r["behaviour"]))
    return np.array(scores), np.array(uncovered), np.array(right)


def _named_scores(model: Any, records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(uncalibrated joint probability, right) per in-scope record the model reads as a named catalog
    behaviour: right when the record is a catalog request and the operation is its own (a composed
    request read as a named behaviour counts as wrong)."""
    scored = [r for r in records if r["intent"]["intent_type"] != "out_of_scope"]
    intents = model.analyze_batch([r["text"] for r in scored], calibrated=False)
    pairs = [(i.confidence, float(not r.get("kind") and i.operation == r["intent"]["operation"]))
             for r, i in zip(scored, intents, strict=True) if i.intent_type != "out_of_scope" and i.behaviour is None]
    return np.array([p for p, _ in pairs]), np.array([r for _, r in pairs])


def fold_concepts(data_dir: str) -> list[str]:
    """Words of the train split's in-scope catalog requests that none of its composed requests uses."""
    from anrf_lsp.intent.coverage import concept_words

    def spans(r: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
        return r["text"], [(e["start"], e["end"]) for e in r["intent"]["entities"]]

    train = storage.read_jsonl(data_dir, "intent_train.jsonl")
    named = [spans(r) for r in train if not r.get("kind") and r["intent"]["intent_type"] != "out_of_scope"]
    return concept_words(named, [spans(r) for r in train if r.get("kind")])


def named_coverage(data_dir: str) -> dict[str, Any]:
    """labels.json's `named_coverage` (anrf_lsp/intent/coverage.py) from the train split's catalog requests."""
    from anrf_lsp.intent.coverage import named_coverage as build
    from training.compose import parts

    train = storage.read_jsonl(data_dir, "intent_train.jsonl")
    named = [(r["intent"]["operation"], r["text"], [(e["start"], e["end"]) for e in r["intent"]["entities"]])
             for r in train if not r.get("kind") and r["intent"]["intent_type"] != "out_of_scope"]
    phrases = [p.replace("{v}", " ").replace("{elements}", " ")
               for group in (parts.SOURCES, parts.PREDICATES, parts.TRANSFORMS, parts.REDUCERS) for part in group for p in part.phrases]
    return build(named, phrases)


def calibrate(model_dir: str | Path, data_dir: str) -> dict[str, Any]:
    """Write the concept words and the fit (fitted on the calibration split) into labels.json, return the figures."""
    from models.intent import IntentModel

    labels_path = Path(model_dir) / "labels.json"
    labels = json.loads(labels_path.read_text())
    if "slots" not in labels:
        return {}
    labels.setdefault("fold", {})["concepts"] = fold_concepts(data_dir)
    labels["named_coverage"] = named_coverage(data_dir)
    labels.pop("fold_calibration", None)
    labels_path.write_text(json.dumps(labels, indent=2) + "\n")
    model = IntentModel(model_dir, device="cpu")
    figures: dict[str, Any] = {}
    a, c, b = 1.0, 0.0, 0.0
    for split in ("calibration", "test"):
        records = [r for r in storage.read_jsonl(data_dir, f"intent_{split}.jsonl") if r.get("kind")]
        scores, uncovered, right = _scores(model, records)
        folds = scores > 0
        if split == "calibration" and folds.sum() >= 10:
            a, c, b = (float(v) for v in fit_logistic(np.stack([_logit(scores[folds]), uncovered[folds]], axis=1), right[folds]))
        calibrated = np.where(folds, 1 / (1 + np.exp(-np.clip(a * _logit(scores) + c * uncovered + b, -30, 30))), 0.0)
        figures[split] = {"texts": len(records), "ece_before": ece(scores, right), "ece_after": ece(calibrated, right),
                          "exactly_right": float(right.mean()), "with_uncovered_words": float(uncovered.mean())}
    labels["fold_calibration"] = {"method": "logistic(logit joint, uncovered words)", "a": a, "b": b, "c": c, "fitted_on": "calibration",
                                  **figures}
    labels["named_calibration"] = named = calibrate_named(model, data_dir)
    labels_path.write_text(json.dumps(labels, indent=2) + "\n")
    return {"a": a, "b": b, "c": c, "concepts": len(labels["fold"]["concepts"]), "part_words": len(labels["named_coverage"]["part_words"]),
            **figures, "named": named}


def calibrate_named(model: Any, data_dir: str) -> dict[str, Any]:
    """Platt scaling of a named reading's joint probability (intent type x shape x operation), fitted on
    the calibration split, with its ECE there and on the test split."""
    fit: dict[str, Any] = {"method": "logistic(logit joint)", "a": 1.0, "b": 0.0, "fitted_on": "calibration"}
    for split in ("calibration", "test"):
        scores, right = _named_scores(model, storage.read_jsonl(data_dir, f"intent_{split}.jsonl"))
        if split == "calibration" and len(scores) >= 10 and 0 < right.mean() < 1:
            fit["a"], fit["b"] = (float(v) for v in fit_logistic(_logit(scores)[:, None], right))
        calibrated = 1 / (1 + np.exp(-np.clip(fit["a"] * _logit(scores) + fit["b"], -30, 30)))
        fit[split] = {"readings": len(scores), "ece_before": ece(scores, right) if len(scores) else 0.0,
                      "ece_after": ece(calibrated, right) if len(scores) else 0.0, "right": float(right.mean()) if len(scores) else 0.0}
    return fit
