"""Conformal calibration of generation confidence, on synthetic generations whose true
probability of being correct is known."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from models.confidence import (
    Calibration,
    brier_score,
    coverage,
    expected_calibration_error,
    fit,
    isotonic_decreasing,
    nonconformity,
)


def synthetic(n: int, seed: int) -> tuple[list[float], list[bool]]:
    """Scores in [0, 3]; P(correct | s) = exp(-s), a model that is right less often when unsure."""
    rng = random.Random(seed)
    scores = [rng.uniform(0, 3) for _ in range(n)]
    return scores, [rng.random() < math.exp(-s) for s in scores]


def test_confidence_is_calibrated_on_fresh_data():
    calibration = fit(*synthetic(4000, 1))
    scores, correct = synthetic(4000, 2)
    confidences = [calibration.confidence(s) for s in scores]
    assert expected_calibration_error(confidences, correct) < 0.03
    assert brier_score(confidences, correct) < brier_score([sum(correct) / len(correct)] * len(correct), correct)
    assert calibration.confidence(0.1) > 0.8
    assert calibration.confidence(2.8) < 0.2


@pytest.mark.parametrize("alpha", [0.1, 0.2])
def test_conformal_acceptance_keeps_one_minus_alpha_of_correct_outputs(alpha):
    calibration = fit(*synthetic(2000, 3), alpha=alpha)
    kept = coverage(calibration, *synthetic(20000, 4))
    assert abs(kept - (1 - alpha)) < 0.03


def test_isotonic_fit_is_monotone():
    _xs, ys = isotonic_decreasing([0.1, 0.2, 0.3, 0.4, 0.5], [1, 0, 1, 0, 0])
    assert all(a >= b for a, b in itertools.pairwise(ys))
    assert ys[0] == 1.0 and ys[-1] == 0.0


def test_edge_cases(tmp_path):
    assert nonconformity([]) == math.inf
    assert nonconformity([-0.5, -1.5]) == 1.0
    never = fit([0.5, 1.0], [False, False])
    assert not never.accept(0.0) and never.confidence(0.7) == 0.0
    always = fit([0.5, 1.0], [True, True])
    assert always.confidence(5.0) == 1.0 and always.confidence(math.inf) == 1.0
    with pytest.raises(ValueError):
        fit([], [])
    calibration = fit(*synthetic(100, 5))
    calibration.save(tmp_path)
    assert Calibration.load(tmp_path) == calibration
    assert Calibration.load(tmp_path / "missing") is None
