"""Drive the real language server process and time what users feel.

- `initialize` round trip (request sent -> response), and process start -> response;
- didChange -> publishDiagnostics latency (p50/p95) for single edits, each after
  a quiet spell (how a user edits: type, pause, look), on documents with 1k, 10k
  and 100k execution nodes, at two places: a variable's name in a node halfway
  down the execution layer (an edit inside one item: checked incrementally) and
  the intent's description (the header: every check reads it, so a full check);
- the same for a burst of 10 edits 30 ms apart (latency of the last one).

Targets (issue 18): edit -> diagnostics p95 < 50 ms at 10k nodes and < 300 ms at
100k (edits inside an item); open of a 10k-node document < 300 ms; cold spawn ->
initialize answered < 400 ms; server RSS with both models loaded and a 10k-node document
open < 400 MB (`--rss`: the intent model and the generator load through anrf.analyzeIntent
and anrf.generate in a temporary workspace).

    python benchmarks/bench_lsp.py [--sizes 1000 10000 100000] [--edits 30] [--json]

BENCH_LOG_LEVEL=debug ANRF_LOG_FILE=/tmp/srv.log makes the server log each check's own time
("checked <uri> version N in X ms"), to split latency into checking and the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from stats import percentile

from benchmarks.generate import make_text

QUIET_S = 0.4  # longer than the debounce: each single edit starts a fresh burst




class Client:
    def __init__(self) -> None:
        self.lsp = LanguageClient("anrf-bench", "1")
        self.waiters: dict[tuple[str, int | None], asyncio.Future] = {}

        @self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            fut = self.waiters.pop((params.uri, params.version), None)
            if fut is not None and not fut.done():
                fut.set_result((time.perf_counter(), params))

        @self.lsp.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

    def expect(self, uri: str, version: int) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters[(uri, version)] = fut
        return fut


def _change(uri: str, version: int, line: int, old_len: int, text: str) -> types.DidChangeTextDocumentParams:
    rng = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=old_len))
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=rng, text=text)],
    )


SERVER = (sys.executable, "-m", "anrf_lsp", "lsp", "--log-level", os.environ.get("BENCH_LOG_LEVEL", "warning"))


async def _initialize(client: Client) -> float:
    sent = time.perf_counter()
    # 64 MiB: the 100k-node document (45 MB) is above the default limit of 16 MiB (setting maxFileSizeMb).
    await client.lsp.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                             initialization_options={"anrf": {"maxFileSizeMb": 64}}))
    client.lsp.initialized(types.InitializedParams())
    return time.perf_counter() - sent


async def _stop(client: Client) -> None:
    await client.lsp.shutdown_async(None)
    client.lsp.exit(None)
    await client.lsp.stop()


async def startup_times(runs: int = 3) -> tuple[float, float]:
    """(cold: process spawn -> initialize answered, warm: initialize round trip to an idle,
    started process), medians in ms. Cold is dominated by importing pygls/lsprotocol."""
    cold, warm = [], []
    for _ in range(runs):
        client = Client()
        started = time.perf_counter()
        await client.lsp.start_io(*SERVER)
        await _initialize(client)
        cold.append(time.perf_counter() - started)
        await _stop(client)
        client = Client()
        await client.lsp.start_io(*SERVER)
        await asyncio.sleep(2.0)  # let the process finish importing and wait on stdin
        warm.append(await _initialize(client))
        await _stop(client)
    return statistics.median(cold) * 1e3, statistics.median(warm) * 1e3


async def bench(sizes: list[int], edits: int) -> dict:
    cold_ms, warm_ms = await startup_times()
    client = Client()
    await client.lsp.start_io(*SERVER)
    await _initialize(client)
    out: dict = {"initialize_ms": warm_ms, "start_to_initialized_ms": cold_ms, "documents": []}

    for size in sizes:
        text = make_text(size, False)
        lines = text.split("\n")
        places = {"item": next(i for i in range(len(lines) // 2, len(lines)) if '"name": "total"' in lines[i]),
                  "header": next(i for i, line in enumerate(lines) if '"description"' in line)}
        uri = f"file:///bench/doc_{size}.anrf.json"
        fut = client.expect(uri, 1)
        t0 = time.perf_counter()
        client.lsp.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
        )
        t1, first = await asyncio.wait_for(fut, 600)
        open_ms = (t1 - t0) * 1e3
        version = 1
        for place, line_no in places.items():
            version = await _edits(client, uri, version, lines[line_no], line_no, edits, place, size, len(text), len(first.diagnostics),
                                   open_ms, out)
        client.lsp.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await _stop(client)
    return out


async def _edits(client: Client, uri: str, version: int, original: str, line_no: int, edits: int, place: str, size: int,
                 length: int, findings: int, open_ms: float, out: dict) -> int:
    """Single edits and bursts on one line, then the line put back; one row of figures."""
    word = "total" if place == "item" else "functions"

    async def change(text: str, current: str, wait: bool = True) -> float:
        nonlocal version
        version += 1
        fut = client.expect(uri, version)
        t0 = time.perf_counter()
        client.lsp.text_document_did_change(_change(uri, version, line_no, len(current), text))
        if not wait:
            return t0
        t1, _ = await asyncio.wait_for(fut, 600)
        return (t1 - t0) * 1e3

    latencies, current = [], original
    for k in range(edits):
        await asyncio.sleep(QUIET_S)
        new = original.replace(word, f"{word} ({k})")
        latencies.append(await change(new, current))
        current = new
    burst = []
    for _ in range(3):
        await asyncio.sleep(QUIET_S)
        for _k in range(10):
            new = original.replace(word, f"{word} [{version + 1}]")
            t0 = await change(new, current, wait=False)
            fut, current = client.waiters[(uri, version)], new
            await asyncio.sleep(0.03)
        t1, _ = await asyncio.wait_for(fut, 600)
        burst.append((t1 - t0) * 1e3)
    await change(original, current)  # back as it was
    out["documents"].append({
        "exec_nodes": size, "edit_at": place, "bytes": length, "findings": findings, "open_ms": open_ms,
        "edit_p50_ms": statistics.median(latencies), "edit_p95_ms": percentile(latencies, 95),
        "edit_max_ms": max(latencies), "burst_last_edit_ms": statistics.median(burst),
    })
    return version


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


async def rss_with_models() -> dict:
    """Server RSS: started, with a 10k-node document open, then with both models loaded."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as root:
        client = Client()
        await client.lsp.start_io(*SERVER)
        await client.lsp.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=Path(root).as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=Path(root).as_uri(), name="bench")]))
        client.lsp.initialized(types.InitializedParams())
        pid = client.lsp._server.pid  # type: ignore[union-attr]
        out = {"started_mib": _rss_mib(pid)}
        uri = (Path(root) / "doc_10000.anrf.json").as_uri()
        fut = client.expect(uri, 1)
        client.lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=make_text(10000, False))))
        await asyncio.wait_for(fut, 120)
        await asyncio.sleep(1.0)  # the incremental state is prepared after the result is out
        out["document_mib"] = _rss_mib(pid)
        source = Path(root) / "tool.py"
        source.write_text("# anrf: a function that reverses a string\n")
        arg = {"text": "a function that reverses a string", "uri": source.as_uri(), "line": 0}
        await client.lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.analyzeIntent", arguments=[arg]))
        result = await client.lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.generate", arguments=[arg]))
        status = await client.lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="anrf.status"))
        out["generated"] = bool(result and result.get("uri"))
        out["loaded"] = sorted(name for name, info in status["models"].items() if info)
        out["models_mib"] = _rss_mib(pid)
        await _stop(client)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rss", action="store_true", help="also measure the server's memory with both models loaded")
    args = parser.parse_args()
    result = asyncio.run(bench(args.sizes, args.edits))
    if args.rss:
        result["rss"] = asyncio.run(rss_with_models())
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    verdict = "OK" if result["initialize_ms"] < 300 else "MISSED"
    print(f"initialize round trip (started server): {result['initialize_ms']:.1f} ms (target < 300 ms): {verdict}; "
          f"cold (process spawn -> initialize answered): {result['start_to_initialized_ms']:.1f} ms")
    print(f"{'exec nodes':>10} {'edit at':>7} {'size':>8} {'open ms':>8} {'edit p50':>9} {'edit p95':>9} {'edit max':>9} {'burst last':>11}")
    for d in result["documents"]:
        print(f"{d['exec_nodes']:>10} {d['edit_at']:>7} {d['bytes'] / 1e6:>6.1f}MB {d['open_ms']:>8.1f} {d['edit_p50_ms']:>9.1f} "
              f"{d['edit_p95_ms']:>9.1f} {d['edit_max_ms']:>9.1f} {d['burst_last_edit_ms']:>11.1f}")
    targets = {(10000, "item"): 50, (100000, "item"): 300}
    for d in result["documents"]:
        target = targets.get((d["exec_nodes"], d["edit_at"]))
        if target is not None:
            verdict = "OK" if d["edit_p95_ms"] < target else "MISSED"
            print(f"{d['exec_nodes']} nodes, edit inside an item: didChange -> publishDiagnostics p95 {d['edit_p95_ms']:.1f} ms "
                  f"(target < {target} ms): {verdict}")
        if d["exec_nodes"] == 10000 and d["edit_at"] == "item":
            verdict = "OK" if d["open_ms"] < 300 else "MISSED"
            print(f"10k nodes: open -> publishDiagnostics {d['open_ms']:.1f} ms (target < 300 ms): {verdict}")
    if "rss" in result:
        r = result["rss"]
        verdict = "OK" if r["models_mib"] < 400 else "MISSED"
        print(f"server RSS: started {r['started_mib']:.0f} MiB, 10k-node document open {r['document_mib']:.0f} MiB, "
              f"models loaded ({'+'.join(r['loaded'])}) {r['models_mib']:.0f} MiB (target < 400 MiB with both): {verdict}")
    verdict = "OK" if result["start_to_initialized_ms"] < 400 else "MISSED"
    print(f"cold spawn -> initialize answered {result['start_to_initialized_ms']:.1f} ms (target < 400 ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
