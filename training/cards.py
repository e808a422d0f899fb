"""Model cards of the two models, written by `anrf train` beside the runtime files (and registered
with them): what the model is, its data, its test figures, and the command that reproduces it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _build_flags(data_dir: str) -> str:
    """The `anrf data build` flags that rebuild the dataset at `data_dir` (those its manifest records away from the defaults)."""
    import json

    from training.configs import BuildConfig

    try:
        manifest = json.loads((Path(data_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    defaults, config = BuildConfig(), manifest.get("config", {})
    flags = [] if manifest.get("seed", 0) == defaults.seed else [f"--seed {manifest['seed']}"]
    for key in ("intent_examples", "generation_examples", "compose_examples"):
        if key in config and config[key] != getattr(defaults, key):
            flags.append(f"--{key.replace('_', '-')} {config[key]}")
    return "".join(" " + f for f in flags)


def _calibration_line(summary: dict[str, Any]) -> str:
    lines = []
    for kind in ("fold", "named"):
        fit = (summary.get("fold_calibration") or {}).get("named") if kind == "named" else summary.get("fold_calibration")
        if fit and "test" in fit:
            lines.append(f"{kind} readings: {fit.get('method', 'Platt scaling')} fitted on the {fit.get('fitted_on', 'calibration')} split, "
                         f"test ECE {fit['test']['ece_before']:.3f} before, {fit['test']['ece_after']:.3f} after")
    return "; ".join(lines) or "no calibration fit recorded"


def write_intent_card(out: Path, summary: dict[str, Any], metrics: dict[str, Any], args: argparse.Namespace) -> None:
    from training.intent_eval import TARGETS

    dataset = summary["dataset"]
    size_mb = sum(p.stat().st_size for p in (out / "encoder").rglob("*") if p.is_file()) / 2**20
    rows = "\n".join(f"| {k} | {metrics[k]:.4f} | {'>= ' + str(TARGETS[k]) if k in TARGETS else ''} |"
                     for k in ("intent_accuracy", "intent_macro_f1", "operation_accuracy", "entity_f1", "out_of_scope_precision",
                               "out_of_scope_recall", "constraint_precision", "constraint_recall", "constraint_f1"))
    parity = summary["parity"]
    epochs = [h for h in summary["history"] if "eval_joint" in h]
    best = max(epochs, key=lambda h: h["eval_joint"]) if epochs else None
    validation = "" if best is None else (
        f"\nValidation split (its own unseen templates) at the restored best epoch {best['epoch']:g}: intent accuracy "
        f"{best['eval_intent_accuracy']:.4f}, operation accuracy {best['eval_operation_accuracy']:.4f}, entity F1 {best['eval_entity_f1']:.4f}.\n")
    v2 = "phrasing_examples" in metrics
    heads = ("`intent_type`, `operation` (the catalog's behaviour keys plus `unknown`), `shape` (named / fold / none), one head per fold "
             "slot (source, select, connective, pred1, value1, pred2, value2, map, reduce: structured intent v2, docs/intent-data.md) and BIO "
             "entity tags (NAME, PARAM, TYPE, CONSTRAINT, VALUE)") if v2 else (
             "`intent_type` (6 classes), `operation` (the catalog's behaviour keys plus `unknown`) and BIO entity tags (NAME, PARAM, TYPE, CONSTRAINT)")
    kinds = ""
    if v2:
        from training.intent_eval import DECLINE_THRESHOLD

        kind_rows = []
        if "named_examples" in metrics:
            kind_rows.append(f"| catalog (named behaviours) | {metrics['named_examples']} | {metrics['named_operation_exact']:.4f} | "
                             f"{metrics['named_confident_wrong']:.4f} | {metrics['named_declined']:.4f} |")
        for kind in ("phrasing", "combination", "family", "unknown_part"):
            if f"{kind}_examples" not in metrics:
                continue
            exact = metrics.get(f"{kind}_behaviour_exact")
            wrong = metrics.get(f"{kind}_confident_wrong")
            kind_rows.append(f"| {kind} | {metrics[f'{kind}_examples']} | {'' if exact is None else f'{exact:.4f}'} | "
                             f"{'' if wrong is None else f'{wrong:.4f}'} | {metrics[f'{kind}_declined']:.4f} |")
        kinds = ("\n## Behaviours on the test split, by kind\n\n"
                 "Declined: what the pipeline refuses before generating (anrf_lsp/pipeline.py `refusal`): out of scope, an\n"
                 "`unknown` part, words the reading leaves out (a fold's concept words; a named reading's part words its\n"
                 f"operation's requests never used), or a calibrated confidence under {DECLINE_THRESHOLD}.\n\n"
                 "| kind | texts | behaviour exactly right | confidently wrong | declined |\n|---|---|---|---|---|\n" + "\n".join(kind_rows) + "\n")
    card = f"""# anrf-intent (intent analysis model {'v2' if v2 else 'v1'})

Joint model: the {summary['base']} encoder fine-tuned with linear heads: {heads}. Constraints come from the rule-based parser
(`anrf_lsp/intent/constraints.py`), not the model; names the text states come from rules (`anrf_lsp/intent/names.py`).

- Runtime: CTranslate2 int8 encoder (`encoder/`, {size_mb:.1f} MiB) + numpy heads (`heads.npz`) + `tokenizer.json`; no torch.
  `labels.json` holds the label spaces and each operation's signature (kind, default name, parameters, return type), so
  intent analysis never loads the training catalog.
- Dataset: `{dataset['name']}` version `{dataset['version']}`, manifest sha256 `{dataset['manifest_sha256']}`.
- Training: {len(epochs)} epochs evaluated (early stopping, patience {args.patience}; the best epoch by the mean of the three validation
  figures is restored), batch {args.batch_size}, lr {args.learning_rate}, seed {args.seed}.

## Test split ({metrics['examples']} texts, phrasing templates unseen in training)

| metric | value | target |
|---|---|---|
{rows}

CTranslate2 int8 vs PyTorch on the test split: intent {parity['intent']:.2%}, operation {parity['operation']:.2%},
per-token tags {parity['tokens']:.2%}, whole prediction {parity['whole_prediction']:.2%}.
{validation}{kinds}
## Reproduce

```
pip install -e '.[train]' torch==2.13.0
anrf data build{_build_flags(summary['data'])}
anrf train intent --data {dataset['name']}/{dataset['version']} --out models/intent-{'v2' if v2 else 'v1'}{f' --epochs {args.epochs:g}' if v2 else ''}
```
(`anrf data build` writes the version stamp of the day; the manifest hash above identifies the content.)

## Limits
{'Trained on synthetic phrasings of the catalog behaviours and of composed folds; requests outside both are meant to be declined (the kinds table says how often they are). English only. The `confidence` of an intent is calibrated (' + _calibration_line(summary) + ').' if v2 else 'Trained on synthetic phrasings of the 77 catalog behaviours: requests outside the catalog get `operation: unknown` at best, and the model has seen English only. The `confidence` field is the intent head softmax probability (not calibrated).'}
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def write_generator_card(out: Path, summary: dict[str, Any], metrics: dict[str, Any], calibration: Any, args: argparse.Namespace) -> None:
    from training import storage

    dataset = storage.identity(summary["data"])
    size_mb = sum(p.stat().st_size for p in (out / "generator").rglob("*") if p.is_file()) / 2**20
    targets = {"validity": 0.99, "execution_accuracy": 0.90, "ece": 0.05}
    rows = "\n".join(f"| {k} | {metrics[k]:.4f} | {targets.get(k, '')} |" for k in
                     ("validity", "execution_accuracy", "exact_match", "bleu", "rouge_l", "ece", "brier", "coverage",
                      "latency_p50_s", "latency_p95_s", "mean_attempts") if k in metrics)
    if args.base:
        what = (f"`{args.base}` ({summary.get('parameters', 0) / 1e6:.1f}M parameters) fine-tuned with LoRA (preset `{args.preset}`,"
                f" {summary.get('trainable_parameters', 0) / 1e6:.2f}M trainable, merged) on (intent prompt, compact program) pairs,"
                " with the checkpoint's own tokenizer")
    else:
        what = (f"A {summary.get('parameters', 0) / 1e6:.1f}M-parameter Llama-architecture causal LM (preset `{args.preset}`) trained from"
                " scratch on (intent prompt, compact program) pairs, with a byte-level BPE tokenizer trained on the same corpus")
    base = f" --base {args.base}" if args.base else ""
    card = f"""# anrf-generator (generation model {'v2' if 'phrasing_examples' in metrics else 'v1'})

{what}. It writes the compact form (docs/compact-form.md); the assembler expands it into ANRF v1.

- Runtime: CTranslate2 int8 (`generator/`, {size_mb:.1f} MiB) + `tokenizer.json`; no torch.
- Dataset: `{dataset['name']}` version `{dataset['version']}`, manifest sha256 `{dataset['manifest_sha256']}`.
- Calibration: {calibration.examples} calibration-split generations ({calibration.correct} correct); {_score_line(calibration)};
  conformal threshold at alpha {calibration.alpha}: {_thresholds(calibration)}.

## Test split ({metrics['examples']:.0f} records, N-best {args.hypotheses}{', end to end' if 'gold_examples' in metrics else ''})

Declined: the pipeline refuses the request (not understood, unsure, a part the generator never trained on),
no candidate is a valid program that agrees with the reading, or the best one is outside the acceptance rule.

| metric | value | target |
|---|---|---|
{rows}
{_kinds_table(metrics, "", "end to end: requests read by the intent model" if "gold_examples" in metrics else "gold intents")}{_kinds_table(metrics, "gold_", "gold intents: the generator given the right reading")}
## Reproduce

```
anrf data build{_build_flags(summary['data'])}
anrf train generator --data {dataset['name']}/{dataset['version']} --out {args.out} --preset {args.preset}{base} --epochs {args.epochs:g}
```
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def _score_line(calibration: Any) -> str:
    if not getattr(calibration, "weights", None):
        return "nonconformity: the negative mean token log-probability"
    terms = ", ".join(f"{name} {w:+.3f}" for name, w in zip(calibration.feature_names, calibration.weights, strict=True))
    return f"nonconformity: minus the log-odds of a logistic combination ({terms}; models/confidence.py)"


def _thresholds(calibration: Any) -> str:
    groups = getattr(calibration, "group_thresholds", None)
    if not groups:
        return f"{calibration.threshold:.4f}"
    return ", ".join(f"{g} {t:.4f}" for g, t in groups.items()) + f" (pooled {calibration.threshold:.4f})"


def _kinds_table(metrics: dict[str, Any], prefix: str, title: str) -> str:
    """The generator's figures per split kind, when the split has kinds (`prefix`: "" or "gold_")."""
    kinds = [k for k in ("catalog", "phrasing", "combination", "family") if f"{prefix}{k}_examples" in metrics]
    if not kinds:
        return ""
    columns = ("examples", "validity", "execution_accuracy", "declined", "correct_among_accepted", "auroc", "ece", "brier", "coverage")

    def cell(value: Any, column: str) -> str:
        return "" if value is None else (f"{value:.0f}" if column == "examples" else f"{value:.4f}")

    lines = ["", f"## By split kind ({title})", "", "| kind | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    lines += [f"| {k} | " + " | ".join(cell(metrics.get(f"{prefix}{k}_{c}"), c) for c in columns) + " |" for k in kinds]
    return "\n".join(lines) + "\n"
