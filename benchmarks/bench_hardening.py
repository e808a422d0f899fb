"""Hostile-input figures for `anrf serve` and `anrf lsp` (issue 17), against the real processes on loopback:

- probes: every hostile value in every body field, path and query parameter (tests/test_service_hostile.py's
  set), counting answers >= 500 (target 0);
- memory: 40 concurrent /execute memory bombs from 10 keys, peak RSS of the server and its workers (target < 1 GiB);
- latency: /healthz while 45 never-ending programs run (one key, then 10 keys), p50 / p95 / max (target p95 < 100 ms);
- connections: 1,500 idle connections opened at once: how many the server still holds after its header timeout;
- LSP: junk frames (the framing fuzz's strategy) in N rounds, crash count (target 0).

    python benchmarks/bench_hardening.py [--format json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import httpx
import psutil
from stats import percentile

from tests.hostile_programs import document
from tests.service_process import ROOT, serve
from tests.test_service_hostile import HOSTILE_JSON, HOSTILE_PARAMS, REQUEST, bodies, paths, substituted
from tests.test_service_limits import total_rss

KEYS = [f"bench-key-{i:02d}" for i in range(10)]


def probes(server) -> dict[str, int]:
    tried = server_errors = 0
    with server.client(timeout=120) as c:
        intent = c.post("/intent/analyze", json={"inputText": REQUEST}).json()["structuredIntent"]
        generation = c.post("/generate", json={"structuredIntent": intent}).json()["generationId"]
        for operation, body in bodies(intent, generation).items():
            for path in paths(body):
                for raw in HOSTILE_JSON.values():
                    status = c.post(operation, content=substituted(body, path, raw), headers={"Content-Type": "application/json"}).status_code
                    tried += 1
                    server_errors += status >= 500 and not (operation == "/generate" and status in (503, 504))
        for template in ("/verify/{}", "/view/{}", "/anrf/{}", "/anrf/{}/versions", "/anrf/func_123456/{}", "/verify/func_123456?version={}"):
            for raw in HOSTILE_PARAMS.values():
                tried += 1
                server_errors += c.get(template.format(raw)).status_code >= 500
    return {"probes": tried, "server_errors": server_errors}


def under_load(server, program: str, arg: int, count: int, keys: list[str]) -> dict[str, float]:
    """`count` concurrent runs of `program(arg)` spread over `keys`, with RSS and /healthz sampled meanwhile."""
    peak, health, stop = [0], [], threading.Event()

    def sample() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            while not stop.is_set():
                peak[0] = max(peak[0], total_rss(server.process.pid))
                started = time.perf_counter()
                c.get("/healthz")
                health.append((time.perf_counter() - started) * 1e3)
                stop.wait(0.02)

    def run(i: int) -> int:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            return c.post(f"/execute/{program}", json={"inputs": [arg]}, headers={"X-API-Key": keys[i % len(keys)]}).status_code

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        statuses = list(pool.map(run, range(count)))
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return {"runs": count, "seconds": round(seconds, 2), "peak_rss_mib": round(peak[0] / 2**20),
            "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "healthz_p50_ms": round(percentile(health, 50), 1), "healthz_p95_ms": round(percentile(health, 95), 1),
            "healthz_max_ms": round(max(health), 1), "healthz_samples": len(health)}


def idle_connections(server, count: int, header_timeout: float) -> dict[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    opened = []
    for _ in range(count):
        try:
            opened.append(socket.create_connection((host, int(port)), timeout=5))
        except OSError:
            break
    time.sleep(0.5)
    held_at_once = psutil.Process(server.process.pid).num_fds()
    time.sleep(header_timeout + 2)
    held_after = psutil.Process(server.process.pid).num_fds()
    for s in opened:
        s.close()
    return {"opened": len(opened), "server_fds_while_open": held_at_once, "server_fds_after_timeout": held_after}


def lsp_crashes(rounds: int) -> dict[str, int]:
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    from tests.test_lsp_reliability import _JUNK, _frame, _RawServer

    crashes, frames = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        server = _RawServer(Path(tmp))
        server.initialize()
        state = {"n": 0}

        @settings(max_examples=rounds, derandomize=True, deadline=None, database=None, phases=[Phase.generate])
        @given(junk=st.lists(_JUNK, min_size=1, max_size=8))
        def fuzz(junk: list[bytes]) -> None:
            nonlocal frames
            frames += len(junk)
            state["n"] += 1
            probe = f"probe-{state['n']}"
            server.send(b"".join(junk) + _frame({"jsonrpc": "2.0", "id": probe, "method": "workspace/symbol", "params": {"query": ""}}))
            for _ in range(500):
                message = server.message(timeout=20)
                if message.get("id") == probe and "method" not in message:
                    return

        try:
            fuzz()
        except Exception:  # noqa: BLE001 - a crash or a hang is what is counted
            crashes += 1
        crashes += server.process.poll() is not None
        server.close()
    return {"rounds": rounds, "junk_frames": frames, "crashes": crashes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lsp-rounds", type=int, default=300)
    args = parser.parse_args()
    header_timeout = 3.0
    env = {"ANRF_API_KEYS": ",".join(KEYS), "ANRF_SERVE_HEADER_TIMEOUT": str(header_timeout), "ANRF_SERVE_GENERATOR_FACTORY":
           "tests.service_process:stub_generator"}
    report: dict[str, object] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp), "--rate-limit", "0", key=KEYS[0], env=env) as server:
        with server.client() as c:
            for name in ("memory-bomb", "spin"):
                c.post("/anrf", json=document(name))
            c.post("/anrf", content=(ROOT / "examples" / "valid" / "sum.anrf.json").read_bytes(), headers={"Content-Type": "application/json"})
        report["idle_rss_mib"] = round(total_rss(server.process.pid) / 2**20)
        report["probes"] = probes(server)
        report["memory_bombs_40"] = under_load(server, "memory-bomb", 1000, 40, KEYS)
        report["spins_45_one_key"] = under_load(server, "spin", 1, 45, KEYS[:1])
        report["spins_45_ten_keys"] = under_load(server, "spin", 1, 45, KEYS)
        report["rss_after_mib"] = round(total_rss(server.process.pid) / 2**20)
        report["idle_connections"] = idle_connections(server, 1500, header_timeout)
    report["lsp"] = lsp_crashes(args.lsp_rounds)
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
