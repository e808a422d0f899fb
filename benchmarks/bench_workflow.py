"""Code action request -> edit applied (workspace/applyEdit received by the client), real server, CPU.
Cold: a fresh server per run (models load on first use). Warm: repeated generations in one server.

    python benchmarks/bench_workflow.py [COLD_RUNS=5] [WARM_RUNS=21]
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stats import percentile

from tests import test_lsp_workflow as wf
from tests.lsp_support import initialize_params, stop_client


async def once(lsp, uri):
    t0 = time.perf_counter()
    n = len(lsp.applied)
    actions = await wf._actions(lsp, uri, (2, 0))
    task = asyncio.ensure_future(wf._run(lsp, actions["ANRF: Generate from intent"]))
    while len(lsp.applied) == n:
        await asyncio.sleep(0.001)
    t = time.perf_counter() - t0
    await task
    return t

async def session(root, runs):
    config = wf._config()
    lsp = wf.workflow_client()
    await lsp.start_io(*config.server_command, env=config.server_env)
    try:
        await lsp.initialize_session(initialize_params("visual_studio_code", root=root, options=wf._options(modelDevice="cpu")))
        uri = wf._open(lsp, root / "app.py", wf.PYTHON, "python")
        out = [await once(lsp, uri) for _ in range(runs)]
        await lsp.shutdown_session()
        return out
    finally:
        await stop_client(lsp)

async def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cold_runs", type=int, nargs="?", default=5, help="fresh servers, one generation each")
    parser.add_argument("warm_runs", type=int, nargs="?", default=21, help="generations in one server (the first is dropped)")
    args = parser.parse_args()
    cold = []
    for _ in range(args.cold_runs):
        times = await session(Path(tempfile.mkdtemp()), 1)
        cold.append(times[0])
    warm = (await session(Path(tempfile.mkdtemp()), args.warm_runs))[1:]
    for name, xs in (("cold", cold), ("warm", warm)):
        print(f"{name}: n={len(xs)} median {statistics.median(xs)*1000:.0f} ms, p95 {percentile(xs, 95)*1000:.0f} ms, max {max(xs)*1000:.0f} ms")
    print("model:", wf.generator_model())

if __name__ == "__main__":
    asyncio.run(main())
