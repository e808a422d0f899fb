"""Calibrated confidence for generated ANRF (pure Python: the runtime needs nothing more).

Nonconformity of a generation (higher = less likely right). A generator calibrated before the
verifier existed uses the negative mean per-token log-probability of the program alone; that is
high exactly when a model that learned a lookup is confidently wrong, so a calibration now also
holds a logistic combination of what tells right from wrong on shifted requests (`FEATURES`):
how sure the intent model is of its reading, whether the program agreed with the reading on
probes (models/verify.py), and the likelihood. The nonconformity is minus its log-odds.

On the calibration split (requests analysed by the intent model, as users' are, holding catalog
requests, held-out phrasings, combinations and families) we know, for each generation, whether it
was correct (passes the checkers and executes equal to the reference), and fit:

- `confidenceScore = P(correct | score)` by isotonic regression (monotone: a less sure model is
  never more likely right), so 0.8 means about 8 in 10 such outputs are correct;
- a split-conformal acceptance threshold: the ceil((n+1)(1-alpha))-th smallest score among the
  correct calibration outputs. A new correct output scores at most that with probability >= 1-alpha
  (exchangeability), so "accept when score <= threshold" keeps >= 90% of correct outputs at alpha 0.1.
  The threshold is fitted per group of requests (`group_of`: compositions, which the verifier can
  run against their reading, and named catalog behaviours, which it cannot), so the guarantee
  holds for each group, not only on their mix (class-conditional, "Mondrian", conformal).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CALIBRATION_FILE = "calibration.json"


def nonconformity(token_log_probs: list[float]) -> float:
    """The likelihood nonconformity: negative mean token log-probability."""
    if not token_log_probs:
        return math.inf
    return -sum(token_log_probs) / len(token_log_probs)


GROUPS = ("composition", "named")
MIN_GROUP = 30  # fewer correct calibration outputs than this in a group: it uses the pooled threshold


def group_of(intent: Any) -> str:
    """The conformal group of a request: a composition (v2 behaviour) or a named behaviour."""
    return "composition" if getattr(intent, "behaviour", None) is not None else "named"


FEATURES = ("bias", "reading_log_odds", "verified", "unverified_log_likelihood", "verified_log_likelihood")


def features(reading_confidence: float, likelihood: float, verified: bool) -> list[float]:
    """The combination's inputs: the intent model's probability of its reading (as log-odds), whether
    the program agreed with the reading on probes, and the log likelihood nonconformity, apart for
    verified and unverified programs (a verified program's likelihood says little; an unverified
    one's, a catalog behaviour's, is all there is)."""
    p = min(max(reading_confidence, 1e-4), 1 - 1e-4)
    log_likelihood = math.log(max(likelihood, 1e-6)) if math.isfinite(likelihood) else math.log(1e6)
    return [1.0, math.log(p / (1 - p)), float(verified), 0.0 if verified else log_likelihood, log_likelihood if verified else 0.0]


def combined_score(weights: list[float], reading_confidence: float, likelihood: float, verified: bool) -> float:
    """The nonconformity under a combination: minus the log-odds `weights` give these `features`."""
    return -sum(w * f for w, f in zip(weights, features(reading_confidence, likelihood, verified), strict=True))


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
    weights: list[float] | None = None  # of FEATURES; None: the likelihood alone (a calibration from before)
    feature_names: list[str] | None = None
    group_thresholds: dict[str, float] | None = None  # per `group_of`; a group without one uses `threshold`

    def score(self, reading_confidence: float, likelihood: float, verified: bool) -> float:
        """The nonconformity of a generation (what `confidence` and `accept` take) from the reading's
        probability, the likelihood nonconformity (`Attempt.likelihood`) and whether it was verified."""
        if self.weights is None:
            return likelihood
        return combined_score(self.weights, reading_confidence, likelihood, verified)

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

    def accept(self, score: float, group: str | None = None) -> bool:
        return score <= (self.group_thresholds or {}).get(group or "", self.threshold)

    def save(self, directory: Path) -> None:
        (directory / CALIBRATION_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Calibration | None:
        path = directory / CALIBRATION_FILE
        return cls(**json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def _threshold(good: list[float], alpha: float) -> float:
    """The conformal quantile of the sorted scores of correct outputs."""
    if not good:
        return -math.inf  # nothing was ever right: accept nothing
    rank = math.ceil((len(good) + 1) * (1 - alpha))
    return good[rank - 1] if rank <= len(good) else math.inf


def fit(scores: list[float], correct: list[bool], alpha: float = 0.1, weights: list[float] | None = None,
        groups: list[str] | None = None) -> Calibration:
    """Calibration from the calibration split's (nonconformity score, correct?) pairs; `weights`: the
    combination the scores were computed with; `groups`: each pair's `group_of`, for per-group thresholds."""
    if len(scores) != len(correct) or not scores:
        raise ValueError("fit needs one correctness label per score, and at least one")
    finite = [(s, c) for s, c in zip(scores, correct, strict=True) if math.isfinite(s)]
    xs, ys = isotonic_decreasing([s for s, _ in finite], [float(c) for _, c in finite]) if finite else ([], [])
    threshold = _threshold(sorted(s for s, c in finite if c), alpha)
    group_thresholds = None
    if groups is not None:
        by_group = {g: sorted(s for s, c, h in zip(scores, correct, groups, strict=True) if c and h == g and math.isfinite(s)) for g in set(groups)}
        group_thresholds = {g: _threshold(good, alpha) for g, good in sorted(by_group.items()) if len(good) >= MIN_GROUP}
    return Calibration(alpha=alpha, threshold=threshold, knots_x=xs, knots_y=ys, examples=len(scores), correct=sum(correct),
                       weights=weights, feature_names=list(FEATURES) if weights is not None else None, group_thresholds=group_thresholds)


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


def coverage(calibration: Calibration, scores: list[float], correct: list[bool], groups: list[str] | None = None) -> float:
    """Share of correct outputs the acceptance rule keeps (the conformal guarantee: >= 1 - alpha)."""
    groups = groups or [""] * len(scores)
    kept = [calibration.accept(s, g) for s, c, g in zip(scores, correct, groups, strict=True) if c]
    return sum(kept) / len(kept) if kept else 1.0


def summary(calibration: Calibration, scores: list[float], correct: list[bool], groups: list[str] | None = None) -> dict[str, Any]:
    confidences = [calibration.confidence(s) for s in scores]
    return {"ece": expected_calibration_error(confidences, correct), "brier": brier_score(confidences, correct),
            "coverage": coverage(calibration, scores, correct, groups), "alpha": calibration.alpha,
            "accuracy": sum(correct) / max(1, len(correct))}
