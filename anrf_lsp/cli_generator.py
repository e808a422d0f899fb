"""Generation subcommands of `anrf`: `generate` (intent analysis -> generation -> verification, no
torch), `train generator` and `eval generator` (the `train` extra)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

GENERATOR_MODEL_NAME = "anrf-generator"
GENERATOR_MODEL_TAGS = {"phase-1": "true", "generator-v1": "true"}


def free_path(path: Path) -> Path:
    """`path`, or `name-2.anrf.json`, `name-3...`: never overwrite a file."""
    if not path.exists():
        return path
    stem = path.name.removesuffix(".anrf.json")
    for k in range(2, 10_000):
        candidate = path.with_name(f"{stem}-{k}.anrf.json")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"no free file name beside {path}")


def write_new(path: Path, text: str) -> Path:
    """Write `text` to `path` or a free name beside it (its folder made if missing), never over a file:
    the name is claimed with an exclusive create, so a file that appears meanwhile is kept too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        candidate = free_path(path)
        try:
            with candidate.open("x", encoding="utf-8") as fh:
                fh.write(text)
            return candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free file name beside {path}")


def cmd_generate(args: argparse.Namespace) -> int:
    from models.generator import GenerationError, GeneratorModel
    from models.intent import IntentModel
    from models.locate import ModelNotFound

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        intent = IntentModel(args.intent_model, device=args.device).analyze(text)
        generator = GeneratorModel(args.model, device=args.device)
        generation = generator.generate(intent, n=args.hypotheses, timeout_s=args.timeout)
    except ModelNotFound as exc:
        print(f"anrf generate: {exc}", file=sys.stderr)
        return 1
    except GenerationError as exc:
        print(f"anrf generate: {exc}", file=sys.stderr)
        return 1
    best = generation.best
    try:
        path = write_new(Path(args.out) if args.out else Path(f"{intent.target.name if intent.target else 'generated'}.anrf.json"),
                         json.dumps(generation.anrf, indent=2) + "\n")
    except OSError as exc:
        print(f"anrf generate: cannot write {args.out or 'the file'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    verification = {"errors": best.error_count, "warnings": best.warning_count, "attempts": len(generation.attempts),
                    "rejected": [a.error for a in generation.attempts if not a.valid], "accepted": generation.accepted}
    result = {"path": str(path), "anrfId": generation.anrf["anrf_id"], "confidenceScore": generation.confidence, "verification": verification}
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        confidence = "uncalibrated" if generation.confidence is None else f"{generation.confidence:.2f}"
        print(f"{path}\n  anrfId: {result['anrfId']}\n  confidence: {confidence}\n  verification: {best.error_count} error(s), "
              f"{best.warning_count} warning(s), {len(generation.attempts)} attempt(s) in {generation.seconds:.2f} s")
    return 0


def is_main_process() -> bool:
    """False in the other processes of a multi-GPU `accelerate launch` (they train, nothing else)."""
    import os

    return os.environ.get("RANK", "0") == "0"


def cmd_train_generator(args: argparse.Namespace) -> int:
    from training import registry
    from training.generator_train import GeneratorTrainConfig, check_preset, train

    config = GeneratorTrainConfig(
        data=args.data, out=args.out, preset=args.preset, data_root=args.data_root, base=args.base, epochs=args.epochs, max_steps=args.max_steps,
        batch_size=args.batch_size, learning_rate=args.learning_rate, gradient_accumulation=args.gradient_accumulation, patience=args.patience, seed=args.seed,
        train_limit=args.train_limit, eval_limit=args.eval_limit, progress=not args.no_progress, resume=args.resume,
    )
    try:
        check_preset(config)
    except ValueError as exc:
        print(f"anrf train generator: {exc}", file=sys.stderr)
        return 2
    if args.no_mlflow or not is_main_process():
        summary = train(config)
        return _finish(args, summary, None) if summary["main_process"] else 0
    with registry.run(GENERATOR_MODEL_NAME, run_name=Path(args.out).name, tags={"model": GENERATOR_MODEL_NAME}):
        import mlflow

        mlflow.log_params({k: v for k, v in vars(config).items()})
        summary = train(config, on_log=registry.log_validation)
        return _finish(args, summary, registry)


def _finish(args: argparse.Namespace, summary: dict[str, Any], registry: Any) -> int:
    """Calibrate on the calibration split, evaluate the test split, report, register."""
    from models.generator import RUNTIME_FILES, GeneratorModel
    from training import storage
    from training.generator_eval import calibrate

    out = Path(args.out)
    model = GeneratorModel(out, device="cpu")
    records = storage.read_jsonl(summary["data"], "generation_calibration.jsonl", args.eval_limit)
    calibration, _rows = calibrate(model, records, alpha=args.alpha, n=args.hypotheses)
    calibration.save(out)
    model.calibration = calibration
    metrics, report = _evaluate(model, summary["data"], "test", args.eval_limit, args.hypotheses, out / "evaluation")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_generator_card(out, summary, metrics, calibration, args)
    version = None
    if registry is not None:
        import mlflow

        registry.log_metrics(metrics, prefix="test_")
        mlflow.log_artifacts(str(out / "evaluation"), "evaluation")
        version = registry.register(out, GENERATOR_MODEL_NAME, GENERATOR_MODEL_TAGS, files=(*RUNTIME_FILES, "metrics.json", "MODEL_CARD.md"))
        if args.alias:
            registry.set_alias(GENERATOR_MODEL_NAME, args.alias, version)
    print(f"model: {out}" + (f" (registered {GENERATOR_MODEL_NAME} version {version})" if version else ""))
    print(f"test: validity {metrics['validity']:.4f}, execution accuracy {metrics['execution_accuracy']:.4f}, "
          f"ECE {metrics.get('ece', float('nan')):.4f}, coverage {metrics.get('coverage', float('nan')):.4f}; report: {report}")
    return 0


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
    card = f"""# anrf-generator (generation model v1)

{what}. It writes the compact form (docs/compact-form.md); the assembler expands it into ANRF v1.

- Runtime: CTranslate2 int8 (`generator/`, {size_mb:.1f} MiB) + `tokenizer.json`; no torch.
- Dataset: `{dataset['name']}` version `{dataset['version']}`, manifest sha256 `{dataset['manifest_sha256']}`.
- Calibration: {calibration.examples} calibration-split generations ({calibration.correct} correct); conformal threshold at
  alpha {calibration.alpha} on the negative mean token log-probability: {calibration.threshold:.4f}.

## Test split ({metrics['examples']:.0f} records, N-best {args.hypotheses})

| metric | value | target |
|---|---|---|
{rows}

## Reproduce

```
anrf train generator --data {dataset['name']}/{dataset['version']} --out {args.out} --preset {args.preset}{base} --epochs {args.epochs:g}
```
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def _evaluate(model: Any, data_dir: str, split: str, limit: int | None, hypotheses: int, out: Path) -> tuple[dict[str, Any], Path]:
    from training import storage
    from training.generator_eval import metrics as compute
    from training.generator_eval import reliability_png, run_split
    from training.registry import numeric

    rows = run_split(model, storage.read_jsonl(data_dir, f"generation_{split}.jsonl", limit), n=hypotheses)
    metrics = compute(rows, model.calibration)
    out.mkdir(parents=True, exist_ok=True)
    if model.calibration is not None:
        reliability_png(model.calibration, rows, out / "reliability.png")
    lines = [f"# Generator evaluation ({split} split)", "", f"- model: `{model.directory}` ({model.device}, {model.compute_type})",
             f"- data: `{data_dir}`", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4f} |" for k, v in numeric(metrics).items()]
    failures = [r for r in rows if not r["correct"]][:10]
    lines += ["", "## First failures", ""] + [f"- `{r['id']}`: valid={r['valid']}" for r in failures] + ["", "![reliability](reliability.png)", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return numeric(metrics), report


def cmd_eval_generator(args: argparse.Namespace) -> int:
    from models.generator import GeneratorModel
    from training import storage

    data_dir = storage.resolve_version(args.data, args.data_root)
    model = GeneratorModel(args.model, device=args.device)
    out = Path(args.out or Path(model.directory) / "evaluation")
    metrics, report = _evaluate(model, data_dir, args.split, args.limit, args.hypotheses, out)
    if not args.no_mlflow:
        from training import registry

        registry.log_evaluation("anrf-generator-eval", f"{Path(model.directory).name}:{args.split}",
                                {"model": str(model.directory), "data": data_dir, "split": args.split}, metrics, out)
    print(json.dumps(metrics | {"report": str(report)}, indent=2) if args.format == "json" else report.read_text(encoding="utf-8"))
    return 0


def add_generator_commands(sub: Any, train: Any, evaluate: Any) -> None:
    p = sub.add_parser("generate", help="generate ANRF from a request (intent analysis, generation, verification)")
    p.add_argument("text", metavar="TEXT", help="the request ('-' reads standard input)")
    p.add_argument("--out", help="file to write (default NAME.anrf.json here; never overwritten: a free name is chosen)")
    p.add_argument("--model", help="generator: directory or models:/anrf-generator/... (default: bundled)")
    p.add_argument("--intent-model", help="intent model: directory or models:/anrf-intent/... (default: bundled)")
    p.add_argument("--hypotheses", type=int, default=4, help="most hypotheses to try (default 4)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds of decoding at most (default 30)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_generate)

    t = train.add_parser("generator", help="train, convert, calibrate, evaluate and register the generator")
    t.add_argument("--data", required=True, help="dataset version: a directory/URL, or NAME[/STAMP|/latest] under --data-root")
    t.add_argument("--data-root")
    t.add_argument("--out", required=True)
    t.add_argument("--preset", default="default",
                   help="default (small Llama from scratch), tiny (tests), or LoRA fine-tuning of --base: codellama-7b, starcoder")
    t.add_argument("--base", help="local pretrained checkpoint directory (Hugging Face format) for the LoRA presets")
    t.add_argument("--epochs", type=float, default=15.0)
    t.add_argument("--max-steps", type=int, default=-1)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--learning-rate", type=float, help="default 1e-3 from scratch, 2e-4 for LoRA")
    t.add_argument("--gradient-accumulation", type=int, default=1, help="batches per optimizer step")
    t.add_argument("--patience", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--train-limit", type=int)
    t.add_argument("--eval-limit", type=int, help="first N validation/calibration/test records only")
    t.add_argument("--hypotheses", type=int, default=4)
    t.add_argument("--alpha", type=float, default=0.1, help="conformal miscoverage level (default 0.1)")
    t.add_argument("--resume", action="store_true", help="resume from the newest checkpoint in OUT")
    t.add_argument("--alias")
    t.add_argument("--no-mlflow", action="store_true")
    t.add_argument("--no-progress", action="store_true")
    t.set_defaults(func=cmd_train_generator)

    e = evaluate.add_parser("generator", help="validity, execution accuracy, BLEU/ROUGE, calibration, latency")
    e.add_argument("--model", help="directory or models:/ URI (default: bundled)")
    e.add_argument("--data", required=True)
    e.add_argument("--data-root")
    e.add_argument("--split", default="test", choices=("train", "validation", "calibration", "test"))
    e.add_argument("--limit", type=int, help="first N records only")
    e.add_argument("--hypotheses", type=int, default=4)
    e.add_argument("--out")
    e.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    e.add_argument("--no-mlflow", action="store_true")
    e.add_argument("--format", choices=("text", "json"), default="text")
    e.set_defaults(func=cmd_eval_generator)
