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


def shifted_generations(n: int, seed: int) -> list[tuple[float, list[float], bool, str, bool]]:
    """(reading probability, token log-probs, verified, group, correct): a model whose likelihood is
    high whether it is right or not (it learned a lookup), while the reading's probability and the
    verifier carry the signal, as on requests outside the catalog."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        group = rng.choice(("composition", "named"))
        reading = rng.uniform(0.3, 1.0)
        reading_right = rng.random() < reading
        verified = group == "composition" and rng.random() < 0.9
        program_right = verified or rng.random() < (0.5 if group == "composition" else 0.85)
        log_probs = [-abs(rng.gauss(0.02, 0.01))] * 20  # confident either way
        out.append((reading, log_probs, verified, group, reading_right and program_right))
    return out


def _combined(rows, weights):
    from models.confidence import combined_score

    return [combined_score(weights, r, nonconformity(lp), v) for r, lp, v, _g, _c in rows]


def test_the_combination_tells_right_from_wrong_where_the_likelihood_cannot(tmp_path):
    from models.confidence import features
    from training.generator_eval import auroc, fit_combination

    train, fresh = shifted_generations(3000, 5), shifted_generations(3000, 6)
    weights = fit_combination([features(r, nonconformity(lp), v) for r, lp, v, _g, _c in train], [c for *_, c in train])
    calibration = fit(_combined(train, weights), [c for *_, c in train], weights=weights, groups=[g for *_, g, _c in train])
    right = [c for *_, c in fresh]
    combined = [calibration.confidence(calibration.score(r, nonconformity(lp), v)) for r, lp, v, _g, _c in fresh]
    likelihood_only = [-nonconformity(lp) for _r, lp, *_ in fresh]
    assert auroc(combined, right) > 0.7 > (auroc(likelihood_only, right) or 0.5) + 0.15
    assert expected_calibration_error(combined, right) < 0.05
    calibration.save(tmp_path)
    loaded = Calibration.load(tmp_path)
    assert loaded == calibration and loaded.score(0.9, 0.1, True) < loaded.score(0.4, 0.1, True)


def test_each_group_keeps_one_minus_alpha_of_its_correct_outputs():
    from models.confidence import features
    from training.generator_eval import fit_combination

    train, fresh = shifted_generations(4000, 7), shifted_generations(20000, 8)
    weights = fit_combination([features(r, nonconformity(lp), v) for r, lp, v, _g, _c in train], [c for *_, c in train])
    calibration = fit(_combined(train, weights), [c for *_, c in train], weights=weights, groups=[g for *_, g, _c in train])
    assert set(calibration.group_thresholds or {}) == {"composition", "named"}
    scores = _combined(fresh, weights)
    for group in ("composition", "named"):
        part = [(s, c) for s, (*_, g, c) in zip(scores, fresh, strict=True) if g == group]
        kept = coverage(calibration, [s for s, _ in part], [c for _, c in part], [group] * len(part))
        assert abs(kept - 0.9) < 0.03, (group, kept)


def test_a_calibration_from_before_the_combination_still_loads_and_scores_by_likelihood(tmp_path):
    import json

    old = {"alpha": 0.1, "threshold": 0.5, "knots_x": [0.1, 1.0], "knots_y": [0.9, 0.1], "examples": 10, "correct": 5}
    (tmp_path / "calibration.json").write_text(json.dumps(old))
    calibration = Calibration.load(tmp_path)
    assert calibration is not None and calibration.weights is None
    assert calibration.score(0.01, 0.3, False) == pytest.approx(0.3) and calibration.accept(0.3, "named")
