"""Evaluate an intent model through the shipped path (CTranslate2 runtime) on a dataset split:
intent accuracy and macro-F1, operation accuracy, strict entity F1 (seqeval, IOB2), out_of_scope
precision/recall, the rule-based constraint parser's precision/recall, a confusion-matrix PNG and
a markdown report."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from anrf_lsp.intent.labels import IGNORE, tags_for_tokens
from anrf_lsp.intent.schema import DECLINE_THRESHOLD  # a reading below it is declined at run time too

TARGETS = {"intent_accuracy": 0.97, "operation_accuracy": 0.95, "entity_f1": 0.95, "constraint_f1": 0.98, "out_of_scope_precision": 0.95,
           "combination_behaviour_exact": 0.90, "family_declined": 0.90}


def macro_f1(gold: list[str], pred: list[str], labels: list[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def constraint_scores(records: list[dict[str, Any]]) -> dict[str, float]:
    """Parser output vs labelled constraints, matched as (type, formal_spec) multisets per text."""
    from anrf_lsp.intent.constraints import parse_constraints

    tp = fp = fn = 0
    misses: list[str] = []
    for r in records:
        gold = Counter((c["type"], c["formal_spec"]) for c in r["intent"]["constraints"])
        got = Counter((c.type, c.formal_spec) for c, _ in parse_constraints(r["text"]))
        hit = sum((gold & got).values())
        tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(gold.values()) - hit
        if gold != got and len(misses) < 10:
            misses.append(f"{r['text']!r}: expected {sorted(gold)}, parsed {sorted(got)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"constraint_precision": precision, "constraint_recall": recall, "constraint_f1": f1, "constraint_count": tp + fn,
            "constraint_misses": misses}  # type: ignore[dict-item]


def evaluate(model: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """All figures for `records` (one split) predicted by `model` (models.intent.IntentModel)."""
    from seqeval.metrics import classification_report, f1_score
    from seqeval.scheme import IOB2

    from models.intent import entity_tags

    started = time.perf_counter()
    predictions = []
    for i in range(0, len(records), 64):
        predictions += model.predict([r["text"] for r in records[i : i + 64]])
    seconds = time.perf_counter() - started
    gold_intents = [r["intent"]["intent_type"] for r in records]
    pred_intents = [p.intent_type for p in predictions]
    in_scope = [i for i, g in enumerate(gold_intents) if g != "out_of_scope"]
    true_tags, pred_tags = [], []
    tag_space = model.labels["tags"]
    for r, p in zip(records, predictions, strict=True):
        spans = [(e["label"], e["start"], e["end"]) for e in r["intent"]["entities"] if f"B-{e['label']}" in tag_space]
        gold = tags_for_tokens(p.offsets, spans, tag_space)
        true_tags.append([tag_space[t] for t in gold if t != IGNORE])
        pred_tags.append([t for t, g in zip(entity_tags(r["text"], p), gold, strict=True) if g != IGNORE])
    oos_pred = [i for i, p in enumerate(pred_intents) if p == "out_of_scope"]
    oos_gold = [i for i, g in enumerate(gold_intents) if g == "out_of_scope"]
    labels = model.labels["intent_types"]
    metrics: dict[str, Any] = {
        "examples": len(records),
        "intent_accuracy": sum(g == p for g, p in zip(gold_intents, pred_intents, strict=True)) / len(records),
        "intent_macro_f1": macro_f1(gold_intents, pred_intents, labels),
        "operation_accuracy": sum(predictions[i].operation == records[i]["intent"]["operation"] for i in in_scope) / max(1, len(in_scope)),
        "entity_f1": float(f1_score(true_tags, pred_tags, mode="strict", scheme=IOB2)),
        "out_of_scope_precision": sum(gold_intents[i] == "out_of_scope" for i in oos_pred) / len(oos_pred) if oos_pred else 1.0,
        "out_of_scope_recall": sum(pred_intents[i] == "out_of_scope" for i in oos_gold) / len(oos_gold) if oos_gold else 1.0,
        "ms_per_text_batched": 1000 * seconds / max(1, len(records)),
    }
    metrics.update(constraint_scores(records))
    metrics.update(behaviour_scores(model, records))
    metrics["entity_report"] = classification_report(true_tags, pred_tags, mode="strict", scheme=IOB2, digits=3, zero_division=0)
    metrics["confusion"] = {"labels": labels, "matrix": [[sum(g == a and p == b for g, p in zip(gold_intents, pred_intents, strict=True))
                                                          for b in labels] for a in labels]}
    metrics["operation_errors"] = Counter(f"{records[i]['intent']['operation']} -> {predictions[i].operation}"
                                          for i in in_scope if predictions[i].operation != records[i]["intent"]["operation"]).most_common(10)
    return metrics


def behaviour_scores(model: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per split kind of the composed records: how often the whole behaviour expression is exactly right
    (phrasing, combination), and how often a request the model cannot know is declined (family,
    unknown_part: out of scope, an `unknown` part, or a reading, named or fold, under DECLINE_THRESHOLD),
    with the price of declining (right answers declined) beside it; and, for the catalog's named
    behaviours, how often the operation is right, confidently wrong and declined."""
    out: dict[str, Any] = {}
    named = [r for r in records if r.get("kind") is None and r["intent"]["intent_type"] != "out_of_scope"]
    if named:
        intents = model.analyze_batch([r["text"] for r in named])
        right = [i.behaviour is None and i.operation == r["intent"]["operation"] for r, i in zip(named, intents, strict=True)]
        declined = [_declined(i) for i in intents]
        out["named_examples"] = len(named)
        out["named_operation_exact"] = sum(right) / len(named)
        out["named_declined"] = sum(declined) / len(named)
        out["named_confident_wrong"] = sum(not e and not d for e, d in zip(right, declined, strict=True)) / len(named)
    composed = [r for r in records if r.get("kind") in ("phrasing", "combination", "family", "unknown_part")]
    if not composed:
        return out
    intents = model.analyze_batch([r["text"] for r in composed])
    for kind in ("phrasing", "combination", "family", "unknown_part"):
        pairs = [(r, i) for r, i in zip(composed, intents, strict=True) if r["kind"] == kind]
        if not pairs:
            continue
        exact = [i.behaviour is not None and i.behaviour.text() == r["behaviour"] for r, i in pairs]
        declined = [_declined(i) for _, i in pairs]
        out[f"{kind}_examples"] = len(pairs)
        out[f"{kind}_read_as_named"] = sum(i.intent_type != "out_of_scope" and i.behaviour is None for _, i in pairs) / len(pairs)
        if kind in ("phrasing", "combination"):
            out[f"{kind}_behaviour_exact"] = sum(exact) / len(pairs)
            out[f"{kind}_confident_exact"] = sum(e and not d for e, d in zip(exact, declined, strict=True)) / len(pairs)
            out[f"{kind}_declined"] = sum(declined) / len(pairs)
            out[f"{kind}_confident_wrong"] = sum(not e and not d for e, d in zip(exact, declined, strict=True)) / len(pairs)
            out[f"{kind}_errors"] = Counter(f"{r['behaviour']} -> {i.behaviour.text() if i.behaviour else None}"
                                            for (r, i), e in zip(pairs, exact, strict=True) if not e).most_common(5)
        else:
            out[f"{kind}_declined"] = sum(declined) / len(pairs)
    return out


def _declined(intent: Any) -> bool:
    """Whether generation declines this reading before the generator runs (the pipeline's own rule:
    out of scope, an unknown part, words the reading leaves out, a confidence below the threshold)."""
    from anrf_lsp.pipeline import refusal

    return refusal(intent) is not None


def confusion_png(confusion: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = confusion["labels"], confusion["matrix"]
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", color="white" if value > max(map(max, matrix)) / 2 else "black")
    ax.set_title("intent_type confusion")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report_markdown(metrics: dict[str, Any], model_info: dict[str, Any], split: str, data: str) -> str:
    lines = [f"# Intent model evaluation ({split} split)", "", f"- model: `{model_info['directory']}` ({model_info['device']}, {model_info['computeType']})",
             f"- data: `{data}` ({metrics['examples']} examples)", "", "| metric | value | target | |", "|---|---|---|---|"]
    for key in ("intent_accuracy", "intent_macro_f1", "operation_accuracy", "entity_f1", "out_of_scope_precision", "out_of_scope_recall",
                "constraint_precision", "constraint_recall", "constraint_f1"):
        target = TARGETS.get(key)
        verdict = "" if target is None else ("met" if metrics[key] >= target else "MISSED")
        lines.append(f"| {key} | {metrics[key]:.4f} | {'' if target is None else f'>= {target}'} | {verdict} |")
    kinds = [k for k in ("phrasing", "combination", "family", "unknown_part") if f"{k}_examples" in metrics]
    if kinds:
        lines += ["", f"## Composed behaviours by split kind (decline threshold {DECLINE_THRESHOLD})", "",
                  "| kind | examples | behaviour exact | confidently wrong | declined | read as a named behaviour | target |",
                  "|---|---|---|---|---|---|---|"]
        for k in kinds:
            exact = metrics.get(f"{k}_behaviour_exact")
            wrong = metrics.get(f"{k}_confident_wrong")
            target = TARGETS.get(f"{k}_behaviour_exact") or TARGETS.get(f"{k}_declined")
            lines.append(f"| {k} | {metrics[f'{k}_examples']} | {'' if exact is None else f'{exact:.4f}'} | "
                         f"{'' if wrong is None else f'{wrong:.4f}'} | {metrics[f'{k}_declined']:.4f} | "
                         f"{metrics[f'{k}_read_as_named']:.4f} | {'' if target is None else f'>= {target}'} |")
    lines += ["", f"Throughput: {metrics['ms_per_text_batched']:.2f} ms per text (batches of 64).", "", "## Entities (seqeval, strict IOB2)",
              "", "```", metrics["entity_report"].rstrip(), "```", "", "## Most frequent operation errors", ""]
    lines += [f"- {pair}: {count}" for pair, count in metrics["operation_errors"]] or ["- none"]
    lines += ["", "## Constraint parser misses (first 10)", ""]
    lines += [f"- {m}" for m in metrics["constraint_misses"]] or ["- none"]
    lines += ["", "![confusion matrix](confusion.png)", ""]
    return "\n".join(lines)


def write_report(metrics: dict[str, Any], model_info: dict[str, Any], split: str, data: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    confusion_png(metrics["confusion"], out / "confusion.png")
    report = out / "report.md"
    report.write_text(report_markdown(metrics, model_info, split, data), encoding="utf-8")
    return report
