"""The process `/execute` runs user programs in: `python -m anrf_lsp.services.execution_worker MEMORY_BYTES`.

Why a process: the interpreter bounds steps and seconds, but not the memory a program builds (a loop
appending million-element lists reached 1.6 GB inside the time limit), and a run stuck in one long
operation cannot be interrupted from another thread. Here the address space is capped with
RLIMIT_AS after the imports (the cap is what a program may add), the worker runs at a lower CPU
priority than the server, and the server kills it when a run overstays its time.

Protocol on stdin/stdout: length-prefixed frames (4-byte big-endian length + bytes). A job is one
JSON frame {document, function, args, maxSteps, timeout, maxOutputBytes}; the answer is one JSON
header frame {ok, error?, logs, limit?}, followed on success by a frame with the output's JSON text.
After a memory error the worker answers, then exits (its heap may be fragmented); the server starts
another. EOF on stdin (the server is gone) ends it."""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import IO, Any

FRAME_HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024
MEMORY_EXIT = 3  # the exit status after a memory error, so a crash while answering is still named


class FrameError(Exception):
    """The other side sent something that is not a frame, or closed the pipe mid-frame."""


def write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(FRAME_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame, or None at a clean EOF."""
    head = stream.read(FRAME_HEADER.size)
    if not head:
        return None
    if len(head) < FRAME_HEADER.size:
        raise FrameError("pipe closed inside a frame header")
    (length,) = FRAME_HEADER.unpack(head)
    if length > MAX_FRAME:
        raise FrameError(f"frame of {length} bytes")
    data = stream.read(length)
    if len(data) < length:
        raise FrameError("pipe closed inside a frame")
    return data


def _limit_memory(extra_bytes: int) -> bool:
    """Cap the address space at what the process holds now plus `extra_bytes`; False where it cannot."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits (the run is still in its own process and time-bounded)
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            held = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        held = 256 * 1024 * 1024  # no /proc (macOS): a generous allowance for the interpreter itself
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return False
    return True


def run_job(job: dict[str, Any], memory_limit_mb: float) -> tuple[dict[str, Any], bytes | None]:
    """(header, output JSON bytes or None) for one job; never raises for what a program does."""
    from .operations import ExecutionFailed, execute

    try:
        output, logs = execute(job["document"], job.get("function"), job.get("args") or [], int(job["maxSteps"]), float(job["timeout"]))
        data = json.dumps(output, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ExecutionFailed as exc:
        return {"ok": False, "error": str(exc), "logs": exc.logs}, None
    except MemoryError:
        return {"ok": False, "error": f"memory limit of {memory_limit_mb:g} MiB exceeded", "logs": ["error: memory limit exceeded"],
                "limit": "memory"}, None
    except RecursionError:
        return {"ok": False, "error": "the result is nested too deeply to return", "logs": []}, None
    limit = int(job["maxOutputBytes"])
    if len(data) > limit:
        return {"ok": False, "error": f"the result is {len(data)} bytes of JSON, more than the {limit} an /execute answer may hold",
                "logs": [*logs, "error: result too large"], "limit": "output"}, None
    return {"ok": True, "logs": logs}, data


def main(argv: list[str]) -> int:
    memory_bytes = int(argv[0]) if argv else 0
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    from . import operations  # noqa: F401 - imported before the cap, so the cap is what a program may add

    if memory_bytes > 0:
        _limit_memory(memory_bytes)
    if hasattr(os, "nice"):
        os.nice(10)  # the server's event loop comes first when cores are scarce
    while True:
        try:
            frame = read_frame(stdin)
        except FrameError:
            return 1
        if frame is None:
            return 0
        header, data = run_job(json.loads(frame), memory_bytes / 2**20)
        try:
            write_frame(stdout, json.dumps(header).encode("utf-8"))
            if data is not None:
                write_frame(stdout, data)
        except MemoryError:
            return MEMORY_EXIT
        except BrokenPipeError:
            return 0
        if header.get("limit") == "memory":
            return MEMORY_EXIT


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(0)
