"""Calibrated confidence for generated ANRF (pure Python: the runtime needs nothing more).

Nonconformity of a generation: the negative mean per-token log-probability of the program the
model wrote (higher = the model was less sure). On the calibration split we know, for each
generation, whether it was correct (passes the checkers and executes equal to the reference), and
fit two things:

- `confidenceScore = P(correct | score)` by isotonic regression (monotone: a less sure model is
  never more likely right), so 0.8 means about 8 in 10 such outputs are correct;
- a split-conformal acceptance threshold: the ceil((n+1)(1-alpha))-th smallest score among the
  correct calibration outputs. A new correct output scores at most that with probability >= 1-alpha
  (exchangeability), so "accept when score <= threshold" keeps >= 90% of correct outputs at alpha 0.1.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CALIBRATION_FILE = "calibration.json"


def nonconformity(token_log_probs: list[float]) -> float:
    if not token_log_probs:
        return math.inf
    return -sum(token_log_probs) / len(token_log_probs)


def isotonic_decreasing(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """Pool-adjacent-violators fit of y (0/1) as a non-increasing function of x; returns knots
    (block centres, block means) for linear interpolation."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    blocks: list[list[float]] = []  # [sum_y, count, sum_x]
    for i in order:
        blocks.append([ys[i], 1.0, xs[i]])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            y, n, x = blocks.pop()
            blocks[-1][0] += y
            blocks[-1][1] += n
            blocks[-1][2] += x
    return [b[2] / b[1] for b in blocks], [b[0] / b[1] for b in blocks]


@dataclass(frozen=True)
class Calibration:
    alpha: float
    threshold: float  # conformal acceptance threshold on the nonconformity score
    knots_x: list[float]
    knots_y: list[float]
    examples: int
    correct: int

    def confidence(self, score: float) -> float:
        """Calibrated probability that an output with this nonconformity score is correct."""
        if not self.knots_x or math.isnan(score):
            return 0.0
        xs, ys = self.knots_x, self.knots_y
        if score <= xs[0]:
            return ys[0]
        if score >= xs[-1]:
            return ys[-1]
        for k in range(1, len(xs)):
            if score <= xs[k]:
                t = (score - xs[k - 1]) / (xs[k] - xs[k - 1]) if xs[k] > xs[k - 1] else 1.0
                return ys[k - 1] + t * (ys[k] - ys[k - 1])
        return ys[-1]

    def accept(self, score: float) -> bool:
        return score <= self.threshold

    def save(self, directory: Path) -> None:
        (directory / CALIBRATION_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Calibration | None:
        path = directory / CALIBRATION_FILE
        return cls(**json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def fit(scores: list[float], correct: list[bool], alpha: float = 0.1) -> Calibration:
    """Calibration from the calibration split's (nonconformity score, correct?) pairs."""
    if len(scores) != len(correct) or not scores:
        raise ValueError("fit needs one correctness label per score, and at least one")
    finite = [(s, c) for s, c in zip(scores, correct, strict=True) if math.isfinite(s)]
    xs, ys = isotonic_decreasing([s for s, _ in finite], [float(c) for _, c in finite]) if finite else ([], [])
    good = sorted(s for s, c in finite if c)
    if good:
        rank = math.ceil((len(good) + 1) * (1 - alpha))
        threshold = good[rank - 1] if rank <= len(good) else math.inf
    else:
        threshold = -math.inf  # nothing was ever right: accept nothing
    return Calibration(alpha=alpha, threshold=threshold, knots_x=xs, knots_y=ys, examples=len(scores), correct=sum(correct))


def expected_calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    total = len(confidences)
    if not total:
        return 0.0
    error = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            mean_conf = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - mean_conf)
    return error


def brier_score(confidences: list[float], correct: list[bool]) -> float:
    return sum((c - float(y)) ** 2 for c, y in zip(confidences, correct, strict=True)) / max(1, len(confidences))


def coverage(calibration: Calibration, scores: list[float], correct: list[bool]) -> float:
    """Share of correct outputs the acceptance rule keeps (the conformal guarantee: >= 1 - alpha)."""
    kept = [calibration.accept(s) for s, c in zip(scores, correct, strict=True) if c]
    return sum(kept) / len(kept) if kept else 1.0


def summary(calibration: Calibration, scores: list[float], correct: list[bool]) -> dict[str, Any]:
    confidences = [calibration.confidence(s) for s in scores]
    return {"ece": expected_calibration_error(confidences, correct), "brier": brier_score(confidences, correct),
            "coverage": coverage(calibration, scores, correct), "alpha": calibration.alpha, "accuracy": sum(correct) / max(1, len(correct))}
