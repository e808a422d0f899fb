"""Run the generator over a dataset split and measure it: structural validity, execution accuracy
(interpreter vs the reference on the record's cases), exact match of the compact program, BLEU
and ROUGE-L against the reference, calibration (ECE, Brier, reliability diagram, conformal
coverage at alpha) and latency. `calibrate` fits the confidence on the calibration split."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent
from models.confidence import Calibration, combined_score, features, fit, group_of
from models.confidence import coverage as calibration_coverage
from models.confidence import summary as calibration_summary


def executes_correctly(anrf: dict[str, Any], cases: list[dict[str, Any]]) -> bool:
    """Every case returns what the reference returns (bounded steps per call). A case names the
    reference's function; a program with one function under another name (the intent model read
    another name from the text) is called by that one."""
    import json

    from anrf_lsp.execution.cases import failures
    from anrf_lsp.execution.graph import build_graph
    from anrf_lsp.format.document import load_document

    doc = load_document(json.dumps(anrf))
    if doc.model is None or doc.model.execution.format != "graph":
        return False
    functions = build_graph(doc.model.execution).functions
    only = next(iter(functions)) if len(functions) == 1 else None
    calls = [(c["function"] if c["function"] in functions or only is None else only, c["args"]) for c in cases]
    return not failures(doc.model, calls, [c["expected"] for c in cases], max_steps=100_000, first_only=True)


def run_split(model: Any, records: list[dict[str, Any]], n: int = 4, timeout_s: float = 30.0, seed: int = 0,
              intent_model: Any = None) -> list[dict[str, Any]]:
    """One row per record: its split kind, what came out, whether it is valid and correct, what the
    confidence is computed from (the reading's probability, the likelihood, verified) and latency;
    a record the pipeline declines before decoding is a declined row. With `intent_model` the request
    text is analysed as a user's would be (end to end); without, the record's gold intent is used.
    Sampling is seeded, so the same models score the same every time. `score_rows` adds the scores."""
    import ctranslate2

    from anrf_lsp.pipeline import refusal
    from training.generator_train import target_text

    ctranslate2.set_random_seed(seed)
    rows = []
    for record in records:
        started = time.perf_counter()
        gold = StructuredIntent.model_validate(record["intent"])
        intent = gold if intent_model is None else intent_model.analyze(gold.description)
        row: dict[str, Any] = {"id": record["id"], "reference": target_text(record), "kind": record.get("kind") or "catalog",
                               "reading": intent.confidence, "likelihood": float("inf"), "verified": False, "group": group_of(intent)}
        why = refusal(intent, model)
        if why is not None:
            row.update(valid=False, correct=False, text="", attempts=0, declined=True, reason=why)
        else:
            row.update(_decode(model, record, intent, n, timeout_s), declined=False)
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    return rows


def _decode(model: Any, record: dict[str, Any], intent: StructuredIntent, n: int, timeout_s: float) -> dict[str, Any]:
    from models.generator import GenerationError

    try:
        generation = model.generate(intent, n=n, timeout_s=timeout_s, anrf_id=record["anrf"]["anrf_id"])
    except GenerationError as exc:
        best = max(exc.attempts, key=lambda a: a.mean_log_prob) if exc.attempts else None
        return {"valid": False, "correct": False, "text": best.text if best else "", "attempts": len(exc.attempts),
                "likelihood": best.likelihood if best else float("inf"), "verified": False}
    return {"valid": True, "correct": executes_correctly(generation.anrf, record["cases"]), "text": generation.best.text,
            "likelihood": generation.best.likelihood, "verified": generation.best.verified,
            "attempts": len(generation.attempts)}


def fit_combination(rows: list[list[float]], correct: list[bool]) -> list[float]:
    """Logistic weights of `models.confidence.features` rows (their first column is the bias) for P(correct)."""
    import numpy as np

    from training.intent_calibration import fit_logistic

    w = fit_logistic(np.asarray(rows, dtype=float)[:, 1:], np.asarray(correct, dtype=float))
    return [float(w[-1]), *(float(v) for v in w[:-1])]


def score_rows(rows: list[dict[str, Any]], weights: list[float] | None) -> None:
    """Each row's nonconformity under the combination `weights` (None: the likelihood alone);
    infinite for a row with no valid program."""
    for r in rows:
        if not r["valid"] or r["declined"]:
            r["score"] = float("inf")
        elif weights is None:
            r["score"] = r["likelihood"]
        else:
            r["score"] = combined_score(weights, r["reading"], r["likelihood"], r["verified"])


def auroc(scores: list[float], right: list[bool]) -> float | None:
    """P(a right output scores higher than a wrong one), ties half (Mann-Whitney); None without both."""
    pos = [s for s, r in zip(scores, right, strict=True) if r]
    neg = [s for s, r in zip(scores, right, strict=True) if not r]
    if not pos or not neg:
        return None
    ranked = sorted((s, i < len(pos)) for i, s in enumerate(pos + neg))
    rank_sum, i = 0.0, 0
    while i < len(ranked):  # average ranks over ties
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += sum((i + j + 1) / 2 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def selective_figures(rows: list[dict[str, Any]], calibration: Calibration) -> dict[str, Any]:
    """What a user sees: the share declined (refused, no valid program, or outside the acceptance
    rule), correct among accepted, and how well the confidence tells right from wrong."""
    from models.confidence import brier_score, expected_calibration_error

    confidences = [0.0 if r["declined"] or not r["valid"] else calibration.confidence(r["score"]) for r in rows]
    right = [bool(r["correct"]) for r in rows]
    accepted = [not r["declined"] and r["valid"] and calibration.accept(r["score"], r.get("group")) for r in rows]
    kept = [c for c, a in zip(right, accepted, strict=True) if a]
    return {"declined": 1 - sum(accepted) / max(1, len(rows)), "correct_among_accepted": sum(kept) / len(kept) if kept else None,
            "auroc": auroc(confidences, right), "ece": expected_calibration_error(confidences, right), "brier": brier_score(confidences, right)}


def calibrate(model: Any, records: list[dict[str, Any]], alpha: float = 0.1, n: int = 4,
              intent_model: Any = None) -> tuple[Calibration, list[dict[str, Any]]]:
    """Fit the combination on the valid generations of the calibration split, then the confidence
    and the conformal threshold on the scores it gives (with `intent_model`: end to end)."""
    rows = run_split(model, records, n=n, intent_model=intent_model)
    valid = [r for r in rows if r["valid"] and not r["declined"]]
    weights = None
    if valid and len({r["correct"] for r in valid}) == 2:
        weights = fit_combination([features(r["reading"], r["likelihood"], r["verified"]) for r in valid], [r["correct"] for r in valid])
    score_rows(rows, weights)
    return fit([r["score"] for r in rows], [r["correct"] for r in rows], alpha=alpha, weights=weights, groups=[r["group"] for r in rows]), rows


def metrics(rows: list[dict[str, Any]], calibration: Calibration | None) -> dict[str, Any]:
    import sacrebleu
    from rouge_score import rouge_scorer

    n = max(1, len(rows))
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    seconds = sorted(r["seconds"] for r in rows) or [0.0]
    out: dict[str, Any] = {
        "examples": len(rows),
        "validity": sum(r["valid"] for r in rows) / n,
        "execution_accuracy": sum(r["correct"] for r in rows) / n,
        "exact_match": sum(r["text"].strip() == r["reference"].strip() for r in rows) / n,
        "bleu": sacrebleu.corpus_bleu([r["text"] for r in rows], [[r["reference"] for r in rows]]).score,
        "rouge_l": statistics.fmean(scorer.score(r["reference"], r["text"])["rougeL"].fmeasure for r in rows) if rows else 0.0,
        "latency_p50_s": seconds[len(seconds) // 2],
        "latency_p95_s": seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))],
        "mean_attempts": statistics.fmean(r["attempts"] for r in rows) if rows else 0.0,
    }
    if calibration is not None:
        out.update(calibration_summary(calibration, [r["score"] for r in rows], [r["correct"] for r in rows], [r.get("group", "") for r in rows]))
        out.update(selective_figures(rows, calibration))
    kinds = sorted({r.get("kind", "catalog") for r in rows})
    if len(kinds) > 1:  # per split kind: catalog, phrasing, combination, family
        for kind in kinds:
            part = [r for r in rows if r.get("kind", "catalog") == kind]
            out[f"{kind}_examples"] = len(part)
            out[f"{kind}_validity"] = sum(r["valid"] for r in part) / len(part)
            out[f"{kind}_execution_accuracy"] = sum(r["correct"] for r in part) / len(part)
            if calibration is not None:
                out.update({f"{kind}_{k}": v for k, v in selective_figures(part, calibration).items()})
                out[f"{kind}_coverage"] = calibration_coverage(calibration, [r["score"] for r in part], [r["correct"] for r in part],
                                                               [r.get("group", "") for r in part])
    return out


def reliability_png(calibration: Calibration, rows: list[dict[str, Any]], path: Path, bins: int = 10) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    confidences = [calibration.confidence(r["score"]) for r in rows]
    centres, accuracy, counts = [], [], []
    for b in range(bins):
        members = [i for i, c in enumerate(confidences) if b / bins <= c < (b + 1) / bins or (b == bins - 1 and c == 1.0)]
        if members:
            centres.append(sum(confidences[i] for i in members) / len(members))
            accuracy.append(sum(rows[i]["correct"] for i in members) / len(members))
            counts.append(len(members))
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(centres, accuracy, "o-", label="generator")
    for x, y, c in zip(centres, accuracy, counts, strict=True):
        ax.annotate(str(c), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("confidenceScore")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    ax.set_title("reliability diagram (test split)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
