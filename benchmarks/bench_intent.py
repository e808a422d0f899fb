"""Latency of one intent analysis on CPU (2 threads): the CTranslate2 runtime side by side with the
PyTorch model it was converted from, in the same run, on the same texts (test split phrasings).

- `ct2 predict`: tokenize + CTranslate2 encoder + numpy heads (what `anrf intent` runs);
- `ct2 analyze`: the same plus entity decoding, catalog lookup and the constraint parser;
- `torch predict`: tokenize + the fine-tuned PyTorch encoder + the same heads (needs the training
  output's `torch/encoder`, which is not bundled: pass --torch or train first).

Targets: median analysis < 10 ms on 2 cores (issue 15; was < 15 ms in issue 5) and faster than PyTorch.

    python benchmarks/bench_intent.py [--model DIR] [--torch HF_ENCODER_DIR] [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from stats import percentile

from models.intent import IntentModel

TEXTS = [
    "Write a function called biggest that takes values and returns the largest number in a list, in O(n) time",
    "could you update the count_words function so it counts the words in a sentence and handles empty input?",
    "keep only the even numbers from a list -> evens(xs)",
    "Create a Stack class with push and pop, no network access",
    "what's the difference between git merge and git rebase?",
    "def clamp(x: int, lo: int, hi: int) -> int: clamp a number into a range within 5 ms",
    "return the product of the positive numbers in a list",
    "count the strings in a list that are empty",
    "Create a function called mean_above that returns the mean of the numbers that are greater than a threshold",
]




def timed(fn, texts: list[str], runs: int) -> list[float]:
    for text in texts:  # warm-up
        fn(text)
    out = []
    for i in range(runs):
        started = time.perf_counter()
        fn(texts[i % len(texts)])
        out.append((time.perf_counter() - started) * 1e3)
    return out


def torch_predictor(encoder_dir: Path, model: IntentModel):
    import numpy as np
    import torch
    from transformers import BertModel

    torch.set_num_threads(2)
    encoder = BertModel.from_pretrained(str(encoder_dir)).eval()
    heads = {k: torch.from_numpy(np.load(model.directory / "heads.npz")[k]) for k in ("intent_weight", "intent_bias", "operation_weight",
                                                                                      "operation_bias", "tags_weight", "tags_bias")}
    tokenizer = model._tokenizer

    def predict(text: str):
        enc = tokenizer.encode(text)
        with torch.inference_mode():
            hidden = encoder(input_ids=torch.tensor([enc.ids]), attention_mask=torch.tensor([enc.attention_mask])).last_hidden_state
            cls = hidden[:, 0]
            return ((cls @ heads["intent_weight"].T + heads["intent_bias"]).argmax(-1),
                    (cls @ heads["operation_weight"].T + heads["operation_bias"]).argmax(-1),
                    (hidden @ heads["tags_weight"].T + heads["tags_bias"]).argmax(-1))

    return predict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="runtime model directory (default: bundled)")
    parser.add_argument("--torch", help="fine-tuned HF encoder directory (default: MODEL/torch/encoder when present)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    two = IntentModel(args.model, device="cpu", threads=2)
    model = IntentModel(args.model, device="cpu")  # default threads: 1 for a model this small
    rows = [("ct2 int8 predict", timed(lambda t: model.predict([t]), TEXTS, args.runs)),
            ("ct2 int8 analyze", timed(model.analyze, TEXTS, args.runs)),
            ("ct2 analyze 2 thr", timed(two.analyze, TEXTS, args.runs))]
    torch_dir = Path(args.torch) if args.torch else model.directory / "torch" / "encoder"
    if torch_dir.is_dir():
        rows.append(("torch fp32 predict", timed(torch_predictor(torch_dir, model), TEXTS, args.runs)))
    else:
        print(f"(no PyTorch encoder at {torch_dir}: train the model or pass --torch to compare)")
    print(f"{'path':<20} {'median ms':>10} {'p95 ms':>8}")
    for name, values in rows:
        print(f"{name:<20} {statistics.median(values):>10.2f} {percentile(values, 95):>8.2f}")
    median = statistics.median(rows[1][1])
    two_median = statistics.median(rows[2][1])
    print(f"analyze median {median:.2f} ms, with 2 threads {two_median:.2f} ms (target < 10 ms): "
          f"{'OK' if min(median, two_median) < 10 else 'MISSED'}")
    if len(rows) == 4:
        ratio = statistics.median(rows[3][1]) / statistics.median(rows[0][1])
        print(f"CTranslate2 predict is {ratio:.2f}x faster than PyTorch (median, same texts, same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
