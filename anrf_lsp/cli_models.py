"""Model subcommands of `anrf`: `intent` (analysis) and `generate` (the generation pipeline), both
inference only (CTranslate2, no torch). Kept apart from cli.py so listing commands imports nothing
heavy. Training and evaluation are `training/cli.py`'s."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


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
        if intent.behaviour is not None:  # structured intent v2
            print(f"behaviour:   {intent.behaviour.text()}{'' if intent.behaviour.is_known() else '  (has an unknown part)'}")
        else:
            print(f"operation:   {intent.operation}")
        if intent.uncovered_words:
            print(f"leaves out:  {', '.join(intent.uncovered_words)}  (words the reading does not account for: generation declines it)")
    for c in intent.constraints:
        print(f"constraint:  {c.type}: {c.formal_spec}  ({c.description!r})")
    for e in intent.entities:
        print(f"entity:      {e.label} {e.text!r} [{e.start}:{e.end}]")
    return 0


DECLINED = 3  # `anrf generate` exit status when nothing was generated, and why is printed


def cmd_generate(args: argparse.Namespace) -> int:
    from anrf_lsp import pipeline
    from models.generator import GeneratorModel
    from models.intent import IntentModel
    from models.locate import ModelNotFound

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        intent = pipeline.analyze(IntentModel(args.intent_model, device=args.device), text)
        pipeline.refuse_unless_forced(intent, force=args.force)  # before the generator loads
        outcome = pipeline.generate(GeneratorModel(args.model, device=args.device), intent, hypotheses=args.hypotheses, timeout_s=args.timeout,
                                    force=args.force)
    except ModelNotFound as exc:
        print(f"anrf generate: {exc}", file=sys.stderr)
        return 1
    except pipeline.GenerationRefused as exc:  # declined: nothing was written (exit 3, as scripts can tell it from an error)
        hint = " --force writes the best guess, marked as not accepted." if not args.force and exc.can_force else ""
        print(f"anrf generate: declined: {exc}.{hint}", file=sys.stderr)  # the editor's words: "ANRF declined: {reason}."
        return DECLINED
    assert intent.target is not None
    target = Path(args.out) if args.out else Path(pipeline.file_stem(intent.target.name) + pipeline.ANRF_SUFFIX)
    try:
        path = pipeline.write_new(target, pipeline.document_text(outcome.anrf))
    except OSError as exc:
        print(f"anrf generate: cannot write {args.out or 'the file'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps({"path": str(path), **outcome.summary()}, indent=2))
    else:
        confidence = "uncalibrated" if outcome.confidence is None else f"{outcome.confidence:.2f}"
        if outcome.accepted is False:
            confidence += f" (not accepted: {outcome.anrf.get('metadata', {}).get('declined_reason', 'below the acceptance rule')})"
        print(f"{path}\n  anrfId: {outcome.anrf_id}\n  confidence: {confidence}\n  verification: {outcome.verification.errors} error(s), "
              f"{outcome.verification.warnings} warning(s), {outcome.attempts} attempt(s) in {outcome.seconds:.2f} s")
    return 0


def add_model_commands(sub: Any) -> None:
    p = sub.add_parser("intent", help="analyze a request into a structured intent", description="Print the structured intent of TEXT.")
    p.add_argument("text", metavar="TEXT", help="the request ('-' reads standard input)")
    p.add_argument("--model", help="model directory, models:/anrf-intent/VERSION or models:/anrf-intent@ALIAS (default: bundled)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_intent)

    p = sub.add_parser("generate", help="generate ANRF from a request (intent analysis, generation, verification)")
    p.add_argument("text", metavar="TEXT", help="the request ('-' reads standard input)")
    p.add_argument("--out", help="file to write (default NAME.anrf.json here; never overwritten: a free name is chosen)")
    p.add_argument("--model", help="generator: directory or models:/anrf-generator/... (default: bundled)")
    p.add_argument("--intent-model", help="intent model: directory or models:/anrf-intent/... (default: bundled)")
    p.add_argument("--hypotheses", type=int, default=4, help="most hypotheses to try (default 4)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds of decoding at most (default 30)")
    p.add_argument("--force", action="store_true",
                   help="write the best guess when the request would be declined (marked as not accepted in its metadata)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_generate)
