"""The ML lifecycle commands of `anrf`: `data build|validate`, `train intent|generator`,
`eval intent|generator`. `anrf_lsp.cli` adds them through its one lazy hook (`add_commands`), so the
runtime never imports this package otherwise; the heavy libraries (torch, transformers, MLflow) are
imported inside the commands.

Train flags are generated from the config dataclasses (training/flags.py); the steps after training
(evaluate the converted model on the test split, write metrics and card, log, register, alias) are
one `finish` for both models."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anrf_lsp.cli_common import UsageError
from training import flags

INTENT_MODEL_NAME, GENERATOR_MODEL_NAME = "anrf-intent", "anrf-generator"
INTENT_MODEL_TAGS = {"phase-1": "true", "intent-v2": "true"}
GENERATOR_MODEL_TAGS = {"phase-1": "true", "generator-v2": "true"}
SPLITS = ("train", "validation", "calibration", "test")


# -- data ----------------------------------------------------------------------------------


def cmd_data_build(args: argparse.Namespace) -> int:
    from training import dataset, storage

    config = dataset.BuildConfig(
        seed=args.seed, name=args.name, intent_examples=args.intent_examples, generation_examples=args.generation_examples,
        behaviours=tuple(args.behaviours.split(",")) if args.behaviours else None, compose_examples=args.compose_examples,
    )
    root = args.out or storage.default_root()
    try:
        built = dataset.build(config)
    except dataset.DataBuildError as exc:
        print(f"anrf data build: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    directory = dataset.write(built, root)
    counts = built.manifest["counts"]
    if args.format == "json":
        print(json.dumps({"directory": directory, "counts": counts}))
    else:
        print(directory)
        for section in ("intent", "generation"):
            print(f"  {section}: " + ", ".join(f"{split} {n}" for split, n in counts[section].items()), file=sys.stderr)
    return 0


def cmd_data_validate(args: argparse.Namespace) -> int:
    from training import dataset, storage

    try:
        directory = storage.resolve_version(args.version, args.root)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    problems = dataset.validate(directory)
    if args.format == "json":
        print(json.dumps({"directory": directory, "ok": not problems, "problems": problems}, indent=2))
    else:
        for p in problems:
            print(p)
        print(f"{directory}: {'OK' if not problems else f'{len(problems)} problem(s)'}", file=sys.stderr)
    return 1 if problems else 0


# -- training: one tracked run, one finish step ---------------------------------------------------


@dataclass
class Registration:
    """Flags both train commands share: MLflow tracking and registration, and the alias to move."""

    alias: str | None = None
    mlflow: bool = True


def is_main_process() -> bool:
    """False in the other processes of a multi-GPU `accelerate launch` (they train, nothing else)."""
    return os.environ.get("RANK", "0") == "0"


def tracked_training(config: Any, train: Callable[..., dict[str, Any]]) -> tuple[dict[str, Any], Any]:
    """Run `train(config, on_log=...)` in the active MLflow run (`run_context`), logging its parameters,
    validation history and summary; returns (summary, registry) for `finish`."""
    import mlflow

    from training import registry

    mlflow.log_params({k: v for k, v in vars(config).items() if k != "extra"})
    summary = train(config, on_log=registry.log_validation)
    mlflow.log_text(json.dumps(summary, indent=2, default=str), "training.json")
    return summary, registry


def run_context(name: str, out: str, args: argparse.Namespace) -> Any:
    """The MLflow run a training is tracked in (a no-op context with --no-mlflow or off the main process)."""
    if not args.mlflow or not is_main_process():
        return nullcontext(None)
    from training import registry

    return registry.run(name, run_name=Path(out).name, tags={"model": name})


def finish(out: Path, name: str, tags: dict[str, str], metrics: dict[str, Any], files: tuple[str, ...], registry: Any, alias: str | None,
           extra_metrics: dict[str, Any] | None = None) -> str | None:
    """After the model directory holds its runtime files, card and `evaluation/`: write metrics.json,
    and with MLflow log the test figures and the report, register the files, move the alias.
    Returns the registered version (None without MLflow)."""
    from training.registry import numeric

    (out / "metrics.json").write_text(json.dumps(numeric(metrics) | (extra_metrics or {}), indent=2) + "\n")
    if registry is None:
        return None
    import mlflow

    registry.log_metrics(metrics, prefix="test_")
    for prefix, figures in (extra_metrics or {}).items():
        if isinstance(figures, dict):
            registry.log_metrics({k: v for k, v in figures.items() if k != "compute_type"}, prefix=f"{prefix}_")
    mlflow.log_artifacts(str(out / "evaluation"), "evaluation")
    version = registry.register(out, name, tags, files=(*files, "metrics.json", "MODEL_CARD.md"))
    if alias:
        registry.set_alias(name, alias, version)
    return version


def _train(name: str, config: Any, args: argparse.Namespace, train: Callable[..., dict[str, Any]],
           evaluate: Callable[[Path, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]],
           files: tuple[str, ...], tags: dict[str, str], describe: Callable[[dict[str, Any], dict[str, Any]], str]) -> int:
    """The one training flow: tracked run -> train -> evaluate (and card) -> finish -> print."""
    with run_context(name, config.out, args) as active:
        if active is None:
            summary, registry = train(config), None
            if not summary.get("main_process", True):
                return 0
        else:
            summary, registry = tracked_training(config, train)
        out = Path(config.out)
        metrics, extra = evaluate(out, summary)
        version = finish(out, name, tags, metrics, files, registry, args.alias, extra)
    print(f"model: {out}" + (f" (registered {name} version {version})" if version else ""))
    print(describe(metrics, extra))
    return 0


def cmd_train_intent(args: argparse.Namespace) -> int:
    from models.intent import RUNTIME_FILES
    from training.intent_train import IntentTrainConfig, train

    config = flags.from_arguments(IntentTrainConfig, args)

    def evaluate(out: Path, summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        from models.intent import IntentModel
        from training.cards import write_intent_card
        from training.intent_eval import evaluate as intent_metrics
        from training.intent_eval import write_report
        from training.intent_train import load_records

        model = IntentModel(out, device="cpu")
        metrics = intent_metrics(model, load_records(summary["data"], "test", config.eval_limit))
        summary["report"] = write_report(metrics, model.info, "test", summary["data"], out / "evaluation")
        write_intent_card(out, summary, metrics, args)
        return metrics, {"parity": summary["parity"]}

    def describe(metrics: dict[str, Any], extra: dict[str, Any]) -> str:
        parity = extra["parity"]
        return (f"test: intent {metrics['intent_accuracy']:.4f}, operation {metrics['operation_accuracy']:.4f}, "
                f"entity F1 {metrics['entity_f1']:.4f}, constraints F1 {metrics['constraint_f1']:.4f}, "
                f"out_of_scope precision {metrics['out_of_scope_precision']:.4f}\n"
                f"CTranslate2 {parity['compute_type']} agrees with PyTorch on {parity['whole_prediction']:.2%} of test predictions "
                f"(intent {parity['intent']:.2%}, operation {parity['operation']:.2%}, tokens {parity['tokens']:.2%})")

    return _train(INTENT_MODEL_NAME, config, args, train, evaluate, RUNTIME_FILES, INTENT_MODEL_TAGS, describe)


def cmd_train_generator(args: argparse.Namespace) -> int:
    from models.generator import RUNTIME_FILES
    from training.generator_train import GeneratorTrainConfig, check_preset, train

    config = flags.from_arguments(GeneratorTrainConfig, args)
    try:
        check_preset(config)
    except ValueError as exc:
        print(f"anrf train generator: {exc}", file=sys.stderr)
        return 2

    def evaluate(out: Path, summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return calibrate_and_evaluate(out, summary, args, config.eval_limit), {}

    def describe(metrics: dict[str, Any], extra: dict[str, Any]) -> str:
        return (f"test: validity {metrics['validity']:.4f}, execution accuracy {metrics['execution_accuracy']:.4f}, "
                f"ECE {metrics.get('ece', float('nan')):.4f}, coverage {metrics.get('coverage', float('nan')):.4f}")

    return _train(GENERATOR_MODEL_NAME, config, args, train, evaluate, RUNTIME_FILES, GENERATOR_MODEL_TAGS, describe)


def calibrate_and_evaluate(out: Path, summary: dict[str, Any], args: argparse.Namespace, limit: int | None) -> dict[str, Any]:
    """Calibrate a trained generator on the calibration split (read end to end by the intent model),
    evaluate the test split, write calibration.json, evaluation/ and the model card; the test figures."""
    from models.generator import GeneratorModel
    from training import storage
    from training.cards import write_generator_card
    from training.generator_eval import calibrate

    model = GeneratorModel(out, device="cpu")
    intent_model = _reading_model(args)
    records = storage.read_jsonl(summary["data"], "generation_calibration.jsonl", limit)
    calibration, _rows = calibrate(model, records, alpha=args.alpha, n=args.hypotheses, intent_model=intent_model)
    calibration.save(out)
    model.calibration = calibration
    metrics, _report = evaluate_generator(model, summary["data"], "test", limit, args.hypotheses, out / "evaluation", intent_model)
    write_generator_card(out, summary, metrics, calibration, args)
    return metrics


def cmd_calibrate_generator(args: argparse.Namespace) -> int:
    """Recalibrate a trained generator in place (after the intent model or the verifier changed), from its
    training.json; nothing is retrained or registered."""
    from training import storage
    from training.registry import numeric

    out = Path(args.model)
    try:
        summary = json.loads((out / "training.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"anrf calibrate generator: {out} has no readable training.json (what `anrf train generator` writes): {exc}", file=sys.stderr)
        return 2
    summary["data"] = storage.resolve_version(args.data, args.data_root) if args.data else summary["data"]
    trained = summary.get("config", {})
    card_args = argparse.Namespace(**{k: trained.get(k) for k in ("base", "preset", "epochs")}, out=trained.get("out", str(out)),
                                   hypotheses=args.hypotheses, alpha=args.alpha, intent_model=args.intent_model, gold_intents=args.gold_intents)
    metrics = calibrate_and_evaluate(out, summary, card_args, args.limit)
    (out / "metrics.json").write_text(json.dumps(numeric(metrics), indent=2) + "\n")
    print(f"model: {out} (recalibrated)\ntest: execution accuracy {metrics['execution_accuracy']:.4f}, declined {metrics.get('declined', 0):.4f}, "
          f"correct among accepted {metrics.get('correct_among_accepted') or 0:.4f}, AUROC {metrics.get('auroc') or 0:.4f}, ECE {metrics.get('ece', 0):.4f}")
    return 0


# -- evaluation ------------------------------------------------------------------------------------


def _reading_model(args: argparse.Namespace) -> Any:
    """The intent model that reads the requests of an evaluation end to end (None: --gold-intents)."""
    if getattr(args, "gold_intents", False):
        return None
    from models.intent import IntentModel

    return IntentModel(getattr(args, "intent_model", None), device="cpu")


def evaluate_generator(model: Any, data_dir: str, split: str, limit: int | None, hypotheses: int, out: Path,
                       intent_model: Any = None) -> tuple[dict[str, Any], Path]:
    """The split's figures end to end (requests read by `intent_model`, what users get) and, as
    `gold_*`, on the records' gold intents (the generator given the right reading)."""
    from training import storage
    from training.generator_eval import metrics as compute
    from training.generator_eval import reliability_png, run_split, score_rows
    from training.registry import numeric

    records = storage.read_jsonl(data_dir, f"generation_{split}.jsonl", limit)
    weights = model.calibration.weights if model.calibration is not None else None
    gold = run_split(model, records, n=hypotheses)
    score_rows(gold, weights)
    rows = gold if intent_model is None else run_split(model, records, n=hypotheses, intent_model=intent_model)
    score_rows(rows, weights)
    metrics = compute(rows, model.calibration)
    if intent_model is not None:
        metrics |= {f"gold_{k}": v for k, v in compute(gold, model.calibration).items()}
    out.mkdir(parents=True, exist_ok=True)
    if model.calibration is not None:
        reliability_png(model.calibration, rows, out / "reliability.png")
    reading = "gold intents" if intent_model is None else f"requests read by `{intent_model.directory}`; `gold_*`: gold intents"
    lines = [f"# Generator evaluation ({split} split)", "", f"- model: `{model.directory}` ({model.device}, {model.compute_type})",
             f"- data: `{data_dir}`", f"- reading: {reading}", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4f} |" for k, v in numeric(metrics).items()]
    failures = [r for r in rows if not r["correct"]][:10]
    lines += ["", "## First failures", ""] + [f"- `{r['id']}`: valid={r['valid']}" for r in failures] + ["", "![reliability](reliability.png)", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return numeric(metrics), report


def _evaluation(args: argparse.Namespace, experiment: str, model: Any, metrics: dict[str, Any], out: Path, report: Path, data_dir: str) -> int:
    """Log an evaluation to MLflow (unless --no-mlflow) and print it."""
    from training import registry

    if not args.no_mlflow:
        registry.log_evaluation(experiment, f"{Path(model.directory).name}:{args.split}",
                                {"model": str(model.directory), "data": data_dir, "split": args.split}, metrics, out)
    if args.format == "json":
        print(json.dumps(registry.numeric(metrics) | {"report": str(report)}, indent=2))
    else:
        print(report.read_text(encoding="utf-8"))
    return 0


def cmd_eval_intent(args: argparse.Namespace) -> int:
    from models.intent import IntentModel
    from training import storage
    from training.intent_eval import evaluate, write_report
    from training.intent_train import load_records

    data_dir = storage.resolve_version(args.data, args.data_root)
    model = IntentModel(args.model, device=args.device)
    metrics = evaluate(model, load_records(data_dir, args.split, args.limit))
    out = Path(args.out or (Path(model.directory) / "evaluation" if args.model else Path("intent-evaluation")))
    report = write_report(metrics, model.info, args.split, data_dir, out)
    return _evaluation(args, "anrf-intent-eval", model, metrics, out, report, data_dir)


def cmd_eval_generator(args: argparse.Namespace) -> int:
    from models.generator import GeneratorModel
    from training import storage

    data_dir = storage.resolve_version(args.data, args.data_root)
    model = GeneratorModel(args.model, device=args.device)
    out = Path(args.out or Path(model.directory) / "evaluation")
    metrics, report = evaluate_generator(model, data_dir, args.split, args.limit, args.hypotheses, out, _reading_model(args))
    return _evaluation(args, "anrf-generator-eval", model, metrics, out, report, data_dir)


# -- the hook ------------------------------------------------------------------------------------------


def add_commands(sub: Any, data: Any) -> None:
    """Add `data build|validate` to the `data` subparsers and the `train` and `eval` commands to `sub`."""
    from training.configs import BuildConfig, GeneratorTrainConfig, IntentTrainConfig

    defaults = BuildConfig()
    d = data.add_parser("build", help="generate a new dataset version (every ANRF checked and executed)")
    d.add_argument("--out", help="root directory or fsspec URL (default: the platformdirs data dir)")
    d.add_argument("--seed", type=int, default=defaults.seed)
    d.add_argument("--name", default=defaults.name, help=f"dataset name (default {defaults.name})")
    d.add_argument("--intent-examples", type=int, default=defaults.intent_examples, help=f"text -> intent pairs (default {defaults.intent_examples})")
    d.add_argument("--generation-examples", type=int, default=defaults.generation_examples,
                   help=f"intent -> ANRF pairs (default {defaults.generation_examples})")
    d.add_argument("--behaviours", help="comma-separated behaviour keys (default: the whole catalog)")
    d.add_argument("--compose-examples", type=int, default=defaults.compose_examples,
                   help=f"text -> v2 intent pairs of composed behaviours, by split kind (default {defaults.compose_examples})")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.set_defaults(func=cmd_data_build)
    d = data.add_parser("validate", help="re-check a dataset version: hashes, schema, checkers, execution")
    d.add_argument("version", help="a version directory/URL, or NAME[/STAMP|/latest] under --root")
    d.add_argument("--root", help="dataset root (default: the platformdirs data dir)")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.set_defaults(func=cmd_data_validate)

    train = sub.add_parser("train", help="fine-tune a model (needs the train extra)").add_subparsers(
        dest="train_command", required=True, metavar="MODEL")
    t = train.add_parser("intent", help="fine-tune, convert, evaluate and register the intent model")
    flags.add_arguments(t, IntentTrainConfig)
    flags.add_arguments(t, Registration)
    t.set_defaults(func=cmd_train_intent)
    t = train.add_parser("generator", help="train, convert, calibrate, evaluate and register the generator")
    flags.add_arguments(t, GeneratorTrainConfig)
    _add_generation_arguments(t)
    t.add_argument("--alpha", type=float, default=0.1, help="conformal miscoverage level (default 0.1)")
    flags.add_arguments(t, Registration)
    t.set_defaults(func=cmd_train_generator)

    calibrate = sub.add_parser("calibrate", help="recalibrate a trained model in place").add_subparsers(
        dest="calibrate_command", required=True, metavar="MODEL")
    c = calibrate.add_parser("generator", help="refit the confidence and acceptance rule, re-evaluate, rewrite the card")
    c.add_argument("--model", required=True, help="a generator directory `anrf train generator` wrote (it holds training.json)")
    c.add_argument("--data", help="dataset version (default: the one it was trained on)")
    c.add_argument("--data-root", help="dataset root (default: the platformdirs data dir)")
    c.add_argument("--limit", type=int, help="first N records of each split only")
    c.add_argument("--alpha", type=float, default=0.1, help="conformal miscoverage level (default 0.1)")
    _add_generation_arguments(c)
    c.set_defaults(func=cmd_calibrate_generator)

    evaluate = sub.add_parser("eval", help="evaluate a model on a dataset split").add_subparsers(
        dest="eval_command", required=True, metavar="MODEL")
    e = evaluate.add_parser("intent", help="intent/operation accuracy, entity F1, constraint parser P/R, confusion matrix")
    _add_eval_arguments(e, "intent")
    e.set_defaults(func=cmd_eval_intent)
    e = evaluate.add_parser("generator", help="validity, execution accuracy, BLEU/ROUGE, calibration, latency")
    _add_eval_arguments(e, "generator")
    _add_generation_arguments(e)
    e.set_defaults(func=cmd_eval_generator)


def _add_generation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hypotheses", type=int, default=4, help="most hypotheses per request (default 4)")
    parser.add_argument("--intent-model", help="the intent model that reads the requests for calibration and evaluation (default: bundled)")
    parser.add_argument("--gold-intents", action="store_true", help="calibrate and evaluate on the records' gold intents instead")


def _add_eval_arguments(parser: argparse.ArgumentParser, model: str) -> None:
    parser.add_argument("--model", help=f"model directory or models:/anrf-{model}/... URI (default: bundled)")
    parser.add_argument("--data", required=True, help="dataset version: a directory/URL, or NAME[/STAMP|/latest] under --data-root")
    parser.add_argument("--data-root", help="dataset root (default: the platformdirs data dir)")
    parser.add_argument("--split", default="test", choices=SPLITS)
    parser.add_argument("--limit", type=int, help="first N records only")
    parser.add_argument("--out", help="report directory (default: MODEL/evaluation)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--format", choices=("text", "json"), default="text")
