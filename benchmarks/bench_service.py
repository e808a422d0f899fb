"""Throughput and latency of `anrf serve` under concurrent load: a real server process on loopback
(tmp data dir, SQLite), N concurrent clients hammering one endpoint for a fixed time, then the next.

- `GET /verify/{id}`: registry read + protobuf decode + all four checker groups + a verifications row;
- `POST /intent/analyze`: the bundled intent model (CTranslate2) + a contexts and an intents row.

Every request must succeed (2xx); the report counts any that did not.

    python benchmarks/bench_service.py [--clients 8] [--seconds 10] [--format json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import httpx
from stats import percentile

from tests.service_process import ROOT, serve

TEXTS = [
    "Write a function called biggest that returns the largest number in a list, in O(n) time",
    "keep only the even numbers from a list -> evens(xs)",
    "Create a Stack class with push and pop, no network access",
    "could you update the count_words function so it counts the words in a sentence and handles empty input?",
]




def load(url: str, headers: dict[str, str], clients: int, seconds: float, call) -> dict[str, float]:
    """`clients` threads, each with its own keep-alive connection, calling `call(client, i)` until time is up."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(n: int) -> None:
        mine, bad = [], 0
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            call(client, n)  # warm-up (connection, caches)
            start.wait()
            i = n
            while time.perf_counter() < stop_at[0]:
                began = time.perf_counter()
                response = call(client, i)
                mine.append((time.perf_counter() - began) * 1e3)
                bad += not response.is_success
                i += clients
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "failures": failures[0], "throughput_rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50), 2), "p95_ms": round(percentile(latencies, 95), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp), "--generator-model", "none", "--rate-limit", "0") as server:
        with server.client() as client:
            for path in sorted((ROOT / "examples" / "valid").glob("*.anrf.json")):
                client.post("/anrf", content=path.read_bytes(), headers={"Content-Type": "application/json"}).raise_for_status()
        ids = ["func_123456", *(json.loads(p.read_text())["anrf_id"] for p in sorted((ROOT / "examples" / "valid").glob("*.anrf.json")))]
        results = {
            "GET /verify/{anrfId}": load(server.url, server.headers, args.clients, args.seconds,
                                         lambda c, i: c.get(f"/verify/{ids[i % len(ids)]}")),
            "POST /intent/analyze": load(server.url, server.headers, args.clients, args.seconds,
                                         lambda c, i: c.post("/intent/analyze", json={"inputText": TEXTS[i % len(TEXTS)],
                                                                                      "context": {"module": "bench", "function": None}})),
        }
    if args.format == "json":
        print(json.dumps({"clients": args.clients, "seconds": args.seconds, "cpus": os.cpu_count(), "results": results}, indent=2))
    else:
        print(f"{args.clients} concurrent clients, {args.seconds:g} s per endpoint, {os.cpu_count()} CPU(s)")
        print(f"{'endpoint':24} {'requests':>9} {'failed':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for name, r in results.items():
            print(f"{name:24} {r['requests']:>9} {r['failures']:>7} {r['throughput_rps']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8}")
    return 1 if any(r["failures"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
