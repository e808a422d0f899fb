"""Parse + check time for documents with 1k, 10k and 100k execution nodes.

Target (issue 2): 10k nodes in under 200 ms on one core, and near-linear growth
(log-log slope at most 1.15 between 10k and 100k).

Then incremental re-checks (issue 18): 20 edits of a variable's name at places spread down
the execution layer, each re-checked from the previous state (checkers/incremental.py), next to
the full load + check of the same text measured in the same run; and the one-off cost of
preparing the state after a full check (done off the event loop, after the result is out).

    python benchmarks/bench_check.py [--sizes 1000 10000 100000] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from stats import percentile

from anrf_lsp.format.document import load_document
from anrf_lsp.format.edit import Edit
from benchmarks.generate import make_text
from checkers import check_in_context, check_text
from checkers.incremental import prepare, recheck


def measure(data: bytes, repeat: int) -> tuple[list[float], int]:
    """Wall time of parse + check (bytes in, findings out), as `anrf check` does it."""
    times, findings = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        findings = len(check_text(data))
        times.append(time.perf_counter() - start)
    return times, findings


def measure_incremental(size: int, edits: int = 20) -> dict:
    """Full load + check, prepare, then `edits` incremental re-checks of a variable's name spread down the document.
    The clean variant: with dead code the 100k document has more findings than a document lists (ANRF108), and
    such a document is checked in full."""
    text = make_text(size, False)
    start = time.perf_counter()
    doc = load_document(text)
    findings, ctx = check_in_context(doc)
    full_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    state = prepare(doc, findings, ctx)
    prepare_ms = (time.perf_counter() - start) * 1e3
    assert state is not None, "not incremental"
    old = '"name": "total"'
    places, at = [], text.find(old)
    while at >= 0:
        places.append(at)
        at = text.find(old, at + 1)
    chosen = sorted(places[k * len(places) // edits] for k in range(edits))
    times = []
    for k, i in enumerate(reversed(chosen)):  # from the end: the offsets before each edit stay valid
        new = f'"name": "total_{k}"'
        text = text[:i] + new + text[i + len(old):]
        start = time.perf_counter()
        state = recheck(state, Edit(i, i + len(old), i + len(new)), text)
        times.append((time.perf_counter() - start) * 1e3)
        assert state is not None, "an edit inside an item fell back to a full check"
    return {"exec_nodes": size, "full_ms": full_ms, "prepare_ms": prepare_ms, "edit_p50_ms": statistics.median(times),
            "edit_p95_ms": percentile(times, 95), "edit_max_ms": max(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says

    rows = []
    for variant, dead_code in (("clean", False), ("with dead code", True)):
        for size in args.sizes:
            data = make_text(size, dead_code).encode()
            repeat = args.repeat if size <= 10000 else max(1, args.repeat // 2)
            measure(data, 1)  # warm-up: imports, caches
            times, findings = measure(data, repeat)
            rows.append({"variant": variant, "exec_nodes": size, "bytes": len(data), "findings": findings,
                         "min_ms": min(times) * 1e3, "median_ms": statistics.median(times) * 1e3})

    summary = {}
    for variant in ("clean", "with dead code"):
        by_size = {r["exec_nodes"]: r["median_ms"] for r in rows if r["variant"] == variant}
        slope = math.log(by_size[100000] / by_size[10000]) / math.log(10) if {10000, 100000} <= set(by_size) else None
        summary[variant] = {"ms_10k": by_size.get(10000), "loglog_slope_10k_100k": slope}

    incremental = [measure_incremental(size) for size in args.sizes]
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary, "incremental": incremental}, indent=2))
        return 0
    print(f"{'document':>15} {'exec nodes':>10} {'size':>9} {'findings':>8} {'min ms':>9} {'median ms':>10}")
    for r in rows:
        print(f"{r['variant']:>15} {r['exec_nodes']:>10} {r['bytes'] / 1e6:>7.1f}MB {r['findings']:>8} {r['min_ms']:>9.1f} {r['median_ms']:>10.1f}")
    print(f"\n{'exec nodes':>10} {'full ms':>8} {'prepare ms':>11} {'edit p50 ms':>12} {'edit p95 ms':>12} {'full/edit p50':>14}")
    for r in incremental:
        print(f"{r['exec_nodes']:>10} {r['full_ms']:>8.1f} {r['prepare_ms']:>11.1f} {r['edit_p50_ms']:>12.2f} {r['edit_p95_ms']:>12.2f} "
              f"{r['full_ms'] / r['edit_p50_ms']:>13.0f}x")
    for variant, s in summary.items():
        if s["ms_10k"] is not None:
            verdict = "OK" if s["ms_10k"] < 200 else "MISSED"
            print(f"{variant}: 10k nodes {s['ms_10k']:.1f} ms median (target < 200 ms): {verdict}")
        if s["loglog_slope_10k_100k"] is not None:
            verdict = "OK" if s["loglog_slope_10k_100k"] <= 1.15 else "MISSED"
            print(f"{variant}: log-log slope 10k -> 100k {s['loglog_slope_10k_100k']:.3f} (target <= 1.15): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
