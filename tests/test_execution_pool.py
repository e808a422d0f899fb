"""The /execute worker pool on its own: real worker processes, bounded memory and time, workers
replaced after a memory error, a stuck or killed worker, per-key and queue limits."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from anrf_lsp.services.execution_pool import ExecutionPool, TooManyRuns
from anrf_lsp.services.limits import QueueFull
from anrf_lsp.services.operations import ExecutionFailed
from tests.hostile_programs import document

pytestmark = [pytest.mark.timeout(120), pytest.mark.skipif(os.name != "posix", reason="worker processes need POSIX pipes")]


def pool(**overrides) -> ExecutionPool:
    settings = {"workers": 1, "memory_mb": 64, "timeout_s": 5.0, "max_steps": 1_000_000, "max_output_bytes": 1 << 20,
                "queue_size": 4, "per_key": 4} | overrides
    return ExecutionPool(**settings)


def run(p: ExecutionPool, name: str, *args, key: str = "k"):
    return asyncio.run(p.run(key, document(name), None, list(args)))


def failure(p: ExecutionPool, name: str, *args) -> ExecutionFailed:
    with pytest.raises(ExecutionFailed) as caught:
        run(p, name, *args)
    return caught.value


def test_a_run_returns_output_and_logs():
    p = pool()
    try:
        output, logs = run(p, "big-result", 3)
        assert output == [7, 7, 7] and logs[0] == "call big with 1 argument(s)"
    finally:
        p.close()


@pytest.mark.parametrize("program", ["memory-bomb", "string-bomb"])
def test_memory_is_bounded_and_the_worker_is_replaced(program):
    p = pool()
    try:
        assert run(p, program, 2)[0] == 2  # 16 MB (or 2 MB of strings): within 64 MiB
        exc = failure(p, program, 1000)  # 8 GB (1 GB) unbounded
        assert str(exc) == "memory limit of 64 MiB exceeded" and exc.logs == ["error: memory limit exceeded"]
        assert run(p, "big-result", 2)[0] == [7, 7]  # a fresh worker answers the next run
    finally:
        p.close()


def test_a_stuck_worker_is_killed_at_the_deadline_and_replaced():
    p = pool(timeout_s=1.0, grace_s=0.5)
    try:
        p.start()
        for worker in p._idle:
            os.kill(worker.process.pid, signal.SIGSTOP)  # stands for a run stuck inside one long operation
        exc = failure(p, "big-result", 1)
        assert str(exc) == "time limit of 1 s exceeded; the run was stopped"
        assert run(p, "big-result", 1)[0] == [7]
    finally:
        p.close()


def test_a_worker_killed_mid_run_reads_as_out_of_memory():
    """The kernel's OOM killer sends SIGKILL; the run's answer says what most likely happened."""
    p = pool(timeout_s=5.0)
    try:
        p.start()
        (worker,) = p._idle

        async def scenario():
            task = asyncio.create_task(p.run("k", document("spin"), None, [1]))
            await asyncio.sleep(0.5)
            os.kill(worker.process.pid, signal.SIGKILL)
            return await task

        with pytest.raises(ExecutionFailed, match="memory limit of 64 MiB exceeded"):
            asyncio.run(scenario())
        assert run(p, "big-result", 1)[0] == [7]
    finally:
        p.close()


def test_the_time_limit_of_the_interpreter_names_the_node():
    exc = failure(p := pool(timeout_s=0.5, max_steps=10**9), "spin", 1)
    p.close()
    assert str(exc).startswith("time limit of 0.5 s exceeded") and "spin_" in str(exc)


def test_a_result_larger_than_the_answer_may_hold_is_refused():
    p = pool(max_output_bytes=1024)
    try:
        assert len(run(p, "big-result", 300)[0]) == 300
        exc = failure(p, "big-result", 100_000)
        assert "more than the 1024 an /execute answer may hold" in str(exc)
    finally:
        p.close()


def test_one_key_cannot_take_every_worker_and_the_queue_is_bounded():
    p = pool(workers=1, per_key=2, queue_size=1, timeout_s=5.0, max_steps=200_000)

    async def scenario():
        spin = document("spin")
        first = [asyncio.create_task(p.run("a", spin, None, [1])) for _ in range(2)]
        await asyncio.sleep(0.2)
        with pytest.raises(TooManyRuns, match="already has 2 /execute run"):
            await p.run("a", spin, None, [1])
        with pytest.raises(QueueFull, match="the execution queue is full"):
            await p.run("b", spin, None, [1])  # one running, one waiting: the queue (1) is full
        results = await asyncio.gather(*first, return_exceptions=True)
        assert all(isinstance(r, ExecutionFailed) for r in results), results
        return await p.run("a", document("big-result"), None, [1])

    try:
        assert asyncio.run(scenario())[0] == [7]
    finally:
        p.close()
