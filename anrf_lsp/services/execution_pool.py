"""`/execute` in a pool of worker processes (execution_worker.py), so a user program's memory and time
are bounded and other routes keep answering while programs run.

- N workers (`--execute-workers`), each capped at `--execute-memory` MiB beyond its own footprint;
- a bounded queue in front (503 + Retry-After when full, or when no worker frees up within the
  longest a run may take), a per-key cap on runs at once (429), and a freed worker goes to the key
  with the fewest runs going, so one key cannot take every worker;
- a run past its timeout (plus a grace for the check before it) gets its worker killed and replaced;
- waiting happens on the event loop; at most N threads block on worker pipes, never the thread pool
  the other routes use.
Where processes cannot be used this way (no POSIX pipes), runs stay in-process (steps and time only)."""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import anyio

from .execution_worker import FRAME_HEADER, MAX_FRAME, MEMORY_EXIT, FrameError, run_job
from .limits import SlotQueue
from .operations import ExecutionFailed

log = logging.getLogger("anrf_lsp.services")

GRACE_S = 2.0  # beyond the run's own timeout: the document's check and the answer's transfer


class TooManyRuns(Exception):
    """This key already has its share of runs going (429)."""


class WorkerDied(RuntimeError):
    """A worker stopped without answering, for no reason a program can cause (a bug: 500)."""


class _Worker:
    """One worker process and the blocking calls on its pipes (made from a worker thread)."""

    def __init__(self, memory_bytes: int):
        self.process = subprocess.Popen([sys.executable, "-m", "anrf_lsp.services.execution_worker", str(memory_bytes)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        start_new_session=True)  # no Ctrl-C tracebacks; it ends on EOF when the server goes

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def call(self, job: bytes, deadline: float) -> tuple[dict[str, Any], bytes | None] | None:
        """The worker's answer, or None when it overstayed `deadline` (it is then killed)."""
        assert self.process.stdin is not None
        self.process.stdin.write(FRAME_HEADER.pack(len(job)) + job)
        self.process.stdin.flush()
        header = self._frame(deadline)
        if header is None:
            return None
        decoded = json.loads(header)
        data = self._frame(deadline) if decoded.get("ok") else None
        if decoded.get("ok") and data is None:
            return None
        return decoded, data

    def _frame(self, deadline: float) -> bytes | None:
        head = self._read(FRAME_HEADER.size, deadline)
        if head is None:
            return None
        (length,) = FRAME_HEADER.unpack(head)
        if length > MAX_FRAME:
            raise FrameError(f"frame of {length} bytes")
        return self._read(length, deadline)

    def _read(self, size: int, deadline: float) -> bytes | None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks, got = [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                self.kill()
                return None
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                raise EOFError("the worker closed its pipe")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


class ExecutionPool:
    def __init__(self, *, workers: int, memory_mb: float, timeout_s: float, max_steps: int, max_output_bytes: int,
                 queue_size: int, per_key: int, grace_s: float = GRACE_S):
        self.workers, self.memory_mb, self.timeout_s, self.grace_s = workers, memory_mb, timeout_s, grace_s
        self.max_steps, self.max_output_bytes, self.per_key = max_steps, max_output_bytes, per_key
        self.queue = SlotQueue("execution", workers, queue_size, typical_seconds=min(timeout_s, 1.0))
        self.isolated = os.name == "posix"
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._running_by_key: dict[str, int] = {}
        self._threads: anyio.CapacityLimiter | None = None
        self._closed = False

    def start(self) -> None:
        """Start the workers now (blocking, a few hundred ms): the first runs need not pay for it."""
        if self.isolated:
            for _ in range(self.workers - len(self._idle)):
                self._give_back(_Worker(int(self.memory_mb * 2**20)))

    def close(self) -> None:
        self._closed = True
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    async def run(self, identity: str, document: dict[str, Any], function: str | None, args: list[Any]) -> tuple[Any, list[str]]:
        """(output, logs); ExecutionFailed (422), QueueFull (503), TooManyRuns (429)."""
        if self._running_by_key.get(identity, 0) >= self.per_key:
            raise TooManyRuns(f"this key already has {self.per_key} /execute run(s) going; wait for one to finish")
        self._running_by_key[identity] = self._running_by_key.get(identity, 0) + 1
        try:
            async with self.queue.slot(wait_s=self.timeout_s + self.grace_s, owner=identity):
                if self._threads is None:
                    self._threads = anyio.CapacityLimiter(self.workers)
                job = {"document": document, "function": function, "args": args, "maxSteps": self.max_steps,
                       "timeout": self.timeout_s, "maxOutputBytes": self.max_output_bytes}
                started = time.monotonic()
                header, data = await anyio.to_thread.run_sync(self._run_blocking, job, limiter=self._threads)
                self.queue.record(time.monotonic() - started)
        finally:
            left = self._running_by_key.pop(identity) - 1
            if left:
                self._running_by_key[identity] = left
        if not header["ok"]:
            raise ExecutionFailed(header["error"], header.get("logs") or [])
        assert data is not None
        return json.loads(data), header["logs"]

    def _run_blocking(self, job: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
        if not self.isolated:
            return run_job(job, self.memory_mb)
        worker = self._take()
        deadline = time.monotonic() + self.timeout_s + self.grace_s
        try:
            answer = worker.call(json.dumps(job).encode("utf-8"), deadline)
        except (OSError, EOFError, FrameError, ValueError):
            answer = self._died(worker)
        if answer is None:
            worker.kill()
            self._give_back(None)
            return {"ok": False, "error": f"time limit of {self.timeout_s:g} s exceeded; the run was stopped",
                    "logs": ["error: time limit exceeded (the worker was stopped)"], "limit": "time"}, None
        if answer[0].get("limit") == "memory" or not worker.alive:
            worker.kill()
            worker = None
        self._give_back(worker)
        return answer

    def _died(self, worker: _Worker) -> tuple[dict[str, Any], None]:
        """A worker that stopped mid-run: out of memory (its own MemoryError exit, or the kernel's kill), or a bug."""
        worker.kill()
        self._give_back(None)
        code = worker.process.returncode
        if code in (MEMORY_EXIT, -signal.SIGKILL):
            return {"ok": False, "error": f"memory limit of {self.memory_mb:g} MiB exceeded", "logs": ["error: memory limit exceeded"],
                    "limit": "memory"}, None
        raise WorkerDied(f"the execution worker stopped unexpectedly (exit status {code})")

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.kill()
        return _Worker(int(self.memory_mb * 2**20))

    def _give_back(self, worker: _Worker | None) -> None:
        """Return a worker to the pool; None: replace one that was lost (started now, off the request's path)."""
        if worker is None:
            if not self._closed:
                threading.Thread(target=lambda: self._give_back(_Worker(int(self.memory_mb * 2**20))), daemon=True).start()
            return
        with self._lock:
            if self._closed or len(self._idle) >= self.workers:
                keep = False
            else:
                self._idle.append(worker)
                keep = True
        if not keep:
            worker.kill()
