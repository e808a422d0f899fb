"""Generation speed on CPU (2 threads): CTranslate2 int8 beside transformers/PyTorch on the same
model, same prompts, same run (greedy decoding of the program), plus end-to-end `generate`
latency: in process (intent analysis, decode, assemble, check; N-best when greedy fails) and the
`anrf generate` command as users run it (process start and model loads included).

Targets: CTranslate2 at least 2x faster than PyTorch (issue 6); `anrf generate` median under 1 s on
CPU including process start (issue 16). The prompts are spread over the test split's kinds (catalog,
held-out phrasings, combinations, families), so verification, resampling and declines are timed too.

    python benchmarks/bench_generate.py --model DIR [--data DATASET_VERSION] [--prompts 30]

DIR is a generator directory with `torch/model` (the training output) for the PyTorch side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from stats import percentile

from anrf_lsp.intent.schema import StructuredIntent
from anrf_lsp.program.prompt import prompt
from models.generator import GeneratorModel
from training import storage


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default="anrf-v1/latest")
    parser.add_argument("--prompts", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=10, help="`anrf generate` processes to time")
    args = parser.parse_args()

    model = GeneratorModel(args.model, device="cpu")  # default threads: 1 for a small model (see models.runtime.pick_threads)
    records = _spread(storage.read_jsonl(storage.resolve_version(args.data), "generation_test.jsonl"), args.prompts)
    intents = [StructuredIntent.model_validate(r["intent"]) for r in records]

    ct2_times, ct2_tokens = [], 0
    for intent in intents:
        started = time.perf_counter()
        out = model._generator.generate_batch([model._prompt_tokens(intent)], max_length=512, include_prompt_in_result=False, end_token=model.eos)
        ct2_times.append(time.perf_counter() - started)
        ct2_tokens += len(out[0].sequences[0])
    rows = [("ct2 int8 greedy", ct2_times, ct2_tokens)]

    torch_dir = Path(model.directory) / "torch" / "model"
    if torch_dir.is_dir():
        import torch
        from transformers import LlamaForCausalLM

        torch.set_num_threads(2)
        lm = LlamaForCausalLM.from_pretrained(str(torch_dir)).eval()
        bos, eos = model.tokenizer.token_to_id(model.bos), model.tokenizer.token_to_id(model.eos)
        pt_times, pt_tokens = [], 0
        for intent in intents:
            ids = torch.tensor([[bos, *model.tokenizer.encode(prompt(intent), add_special_tokens=False).ids]])
            started = time.perf_counter()
            with torch.inference_mode():
                out = lm.generate(ids, max_new_tokens=512, do_sample=False, eos_token_id=eos, pad_token_id=eos)
            pt_times.append(time.perf_counter() - started)
            pt_tokens += out.shape[1] - ids.shape[1]
        rows.append(("torch fp32 greedy", pt_times, pt_tokens))
    else:
        print(f"(no PyTorch model at {torch_dir}: pass a training output directory to compare)")

    from models.intent import IntentModel

    intent_model = IntentModel(device="cpu")
    texts = [r["intent"]["description"] for r in records]
    e2e = []
    for text in texts:  # what `anrf generate` does in process: intent analysis, N-best generation, verification
        started = time.perf_counter()
        try:
            model.generate(intent_model.analyze(text), n=4)
        except Exception:  # noqa: BLE001, S110 - a failed generation still took this long
            pass
        e2e.append(time.perf_counter() - started)
    cli = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(texts[: args.cli_runs]):  # the command as users run it: process start and model loads included
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "anrf_lsp", "generate", text, "--out", f"{tmp}/g{i}.anrf.json", "--model", str(model.directory)],
                           capture_output=True, check=False)
            cli.append(time.perf_counter() - started)

    print(f"{'path':<20} {'median ms':>10} {'p95 ms':>8} {'tokens/s':>9}")
    for name, times, tokens in rows:
        print(f"{name:<20} {statistics.median(times) * 1e3:>10.1f} {percentile(times, 95) * 1e3:>8.1f} {tokens / sum(times):>9.0f}")
    print(f"{'intent+generate':<20} {statistics.median(e2e) * 1e3:>10.1f} {percentile(e2e, 95) * 1e3:>8.1f}")
    if cli:
        print(f"{'anrf generate (CLI)':<20} {statistics.median(cli) * 1e3:>10.1f} {percentile(cli, 95) * 1e3:>8.1f}")
    if len(rows) == 2:
        speedup = (rows[0][2] / sum(rows[0][1])) / (rows[1][2] / sum(rows[1][1]))
        print(f"CTranslate2 is {speedup:.2f}x PyTorch in tokens/s (target >= 2x): {'OK' if speedup >= 2 else 'MISSED'}")
    median = statistics.median(cli or e2e)
    print(f"end-to-end median {median:.2f} s (target < 1 s): {'OK' if median < 1.0 else 'MISSED'}")
    return 0


def _spread(records: list[dict], n: int) -> list[dict]:
    """`n` records taken in turn from each split kind (in file order within a kind)."""
    by_kind: dict[str, list[dict]] = {}
    for r in records:
        by_kind.setdefault(r.get("kind") or "catalog", []).append(r)
    queues = [iter(v) for _, v in sorted(by_kind.items())]
    out: list[dict] = []
    while len(out) < n and queues:
        for q in list(queues):
            item = next(q, None)
            if item is None:
                queues.remove(q)
            elif len(out) < n:
                out.append(item)
    return out


if __name__ == "__main__":
    sys.exit(main())
