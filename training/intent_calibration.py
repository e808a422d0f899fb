"""Calibrate a v2 intent model's fold confidence on the calibration split.

The joint probability of the heads is a score, not a probability of being right: it is fitted here
(Platt scaling on its log-odds, two parameters) against whether the whole behaviour expression was
exactly right, on the calibration split's composed texts of every kind (requests the model cannot
know included, whose right answer is to decline). The parameters go into labels.json
(`fold_calibration`); the runtime applies them (models/intent.py). Reported: expected calibration
error before and after, on the calibration split and on the test split (held out from the fit).
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


def fit_platt(scores: np.ndarray, right: np.ndarray, steps: int = 200) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a * logit(score) + b) by Newton's method."""
    x = _logit(scores)
    a, b = 1.0, 0.0
    for _ in range(steps):
        z = np.clip(a * x + b, -30, 30)
        p = 1 / (1 + np.exp(-z))
        g = p - right
        grad = np.array([np.sum(g * x), np.sum(g)])
        w = p * (1 - p) + 1e-9
        hess = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def ece(probabilities: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width bins."""
    total = 0.0
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = (probabilities >= lo) & ((probabilities < hi) if i < bins - 1 else (probabilities <= hi))
        if inside.any():
            total += inside.mean() * abs(probabilities[inside].mean() - right[inside].mean())
    return float(total)


def _scores(model: Any, records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(uncalibrated joint probability, exactly right) per composed record; a text the model reads as no fold
    scores 0 (nothing would be generated from it), and is right when it was not to be answered."""
    intents = model.analyze_batch([r["text"] for r in records], calibrated=False)
    scores, right = [], []
    for r, i in zip(records, intents, strict=True):
        answerable = r["kind"] in ("phrasing", "combination")
        is_fold = i.behaviour is not None and i.behaviour.is_known()
        scores.append(i.confidence if is_fold else 0.0)
        right.append(float(answerable and is_fold and i.behaviour.text() == r["behaviour"]))
    return np.array(scores), np.array(right)


def calibrate(model_dir: str | Path, data_dir: str) -> dict[str, Any]:
    """Fit on the calibration split, write `fold_calibration` into labels.json, return the figures."""
    from models.intent import IntentModel

    model = IntentModel(model_dir, device="cpu")
    if "slots" not in model.labels:
        return {}
    figures: dict[str, Any] = {}
    fitted = None
    for split in ("calibration", "test"):
        records = [r for r in storage.read_jsonl(data_dir, f"intent_{split}.jsonl") if r.get("kind")]
        scores, right = _scores(model, records)
        if split == "calibration":
            fitted = fit_platt(scores[scores > 0], right[scores > 0]) if (scores > 0).sum() >= 10 else (1.0, 0.0)
        a, b = fitted
        calibrated = np.where(scores > 0, 1 / (1 + np.exp(-(a * _logit(scores) + b))), 0.0)
        figures[split] = {"texts": len(records), "ece_before": ece(scores, right), "ece_after": ece(calibrated, right),
                          "exactly_right": float(right.mean())}
    labels_path = Path(model_dir) / "labels.json"
    labels = json.loads(labels_path.read_text())
    labels["fold_calibration"] = {"method": "platt", "a": fitted[0], "b": fitted[1], "fitted_on": "calibration", **figures}
    labels_path.write_text(json.dumps(labels, indent=2) + "\n")
    return {"a": fitted[0], "b": fitted[1], **figures}

