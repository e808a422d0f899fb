"""Parse + check time for documents with 1k, 10k and 100k execution nodes.

Target (issue 2): 10k nodes in under 200 ms on one core, and near-linear growth
(log-log slope at most 1.15 between 10k and 100k).

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

from benchmarks.generate import make_text  # noqa: E402
from checkers import check_document  # noqa: E402
from anrf_lsp.format.document import load_document  # noqa: E402


def measure(text: str, repeat: int) -> tuple[list[float], int]:
    times, findings = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        doc = load_document(text.encode("utf-8"))
        findings = len(check_document(doc))
        times.append(time.perf_counter() - start)
    return times, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says

    rows = []
    for size in args.sizes:
        text = make_text(size)
        repeat = args.repeat if size <= 10000 else max(1, args.repeat // 2)
        measure(text, 1)  # warm-up: imports, caches
        times, findings = measure(text, repeat)
        rows.append({"exec_nodes": size, "bytes": len(text.encode()), "findings": findings,
                     "min_ms": min(times) * 1e3, "median_ms": statistics.median(times) * 1e3})

    slope = None
    by_size = {r["exec_nodes"]: r["median_ms"] for r in rows}
    if 10000 in by_size and 100000 in by_size:
        slope = math.log(by_size[100000] / by_size[10000]) / math.log(10)

    if args.json:
        print(json.dumps({"rows": rows, "loglog_slope_10k_100k": slope}, indent=2))
        return 0
    print(f"{'exec nodes':>10} {'size':>9} {'findings':>8} {'min ms':>9} {'median ms':>10}")
    for r in rows:
        print(f"{r['exec_nodes']:>10} {r['bytes'] / 1e6:>7.1f}MB {r['findings']:>8} {r['min_ms']:>9.1f} {r['median_ms']:>10.1f}")
    if 10000 in by_size:
        verdict = "OK" if by_size[10000] < 200 else "MISSED"
        print(f"10k nodes: {by_size[10000]:.1f} ms median (target < 200 ms): {verdict}")
    if slope is not None:
        verdict = "OK" if slope <= 1.15 else "MISSED"
        print(f"log-log slope 10k -> 100k: {slope:.3f} (target <= 1.15): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
