"""A real `anrf serve` process on loopback for the service tests and the benchmark: a free port,
a tmp data dir (registry + SQLite), wait for /readyz, always stopped afterwards.

Also a stub generator (`stub_generator`), loaded by the server through ANRF_SERVE_GENERATOR_FACTORY:
it "decodes" for as long as the intent's description asks (`sleep:SECONDS`; "fail": no valid program,
"unsure": one the acceptance rule turns down), honouring the
`cancelled` hook and `timeout_s` like the real one, then returns the public sum example. It
makes queueing, timeouts and client disconnects testable without a trained generator."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_GENERATOR = ROOT / "models" / "generator-v2" / "generator.json"
STUB_FACTORY = "tests.service_process:stub_generator"
TEST_KEY = "test-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Path
    key: str | None
    headers: dict[str, str] = field(default_factory=dict)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=kwargs.pop("timeout", 60), **kwargs)

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'metadata.db'}"


@contextmanager
def serve(tmp: Path, *args: str, key: str | None = TEST_KEY, env: dict[str, str] | None = None, ready_timeout: float = 180,
          stub_generator: bool = False, wait_for: str = "/readyz") -> Iterator[Server]:
    """`python -m anrf_lsp serve --host 127.0.0.1 --port PORT ARGS...`, answering 200 on `wait_for` (ready), then stopped
    (SIGTERM, then SIGKILL)."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environ = {**os.environ, "ANRF_DATA_DIR": str(tmp / "data"), "ANRF_CACHE_DIR": str(tmp / "cache"), "PYTHONUNBUFFERED": "1",
               "ANRF_API_KEYS": key or ""}
    if stub_generator:
        environ["ANRF_SERVE_GENERATOR_FACTORY"] = STUB_FACTORY
    environ.update(env or {})
    log_path = tmp / "server.log"
    command = [sys.executable, "-m", "anrf_lsp", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path, tmp / "data", key, {"X-API-Key": key} if key else {})
    try:
        _wait_ready(server, ready_timeout, wait_for)
        yield server
    finally:
        stop(process)


def _wait_ready(server: Server, timeout: float, path: str) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"anrf serve exited with {server.process.returncode}:\n" + "\n".join(server.log_lines()[-30:]))
        try:
            response = httpx.get(server.url + path, timeout=5)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(f"anrf serve not ready after {timeout:.0f} s: {last}\n" + "\n".join(server.log_lines()[-30:]))


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def generator_args() -> list[str] | None:
    """Flags selecting a real generator: ANRF_TEST_GENERATOR_MODEL (a model directory) when set, else the bundled
    model when it is trained; None when there is none."""
    chosen = os.environ.get("ANRF_TEST_GENERATOR_MODEL")
    if chosen:
        return ["--generator-model", chosen]
    return [] if BUNDLED_GENERATOR.is_file() else None


# -- stub generator (runs inside the server process) ---------------------------------

_SLEEP = re.compile(r"sleep:([0-9.]+)")


class StubGenerator:
    directory = "stub-generator"
    device = "cpu"

    def __init__(self) -> None:
        self.document = json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text(encoding="utf-8"))

    def generate(self, intent: Any, n: int = 4, max_tokens: int = 512, timeout_s: float = 30.0, progress: Any = None,
                 cancelled: Any = None, anrf_id: str | None = None) -> Any:
        from models.generator import Attempt, Generation, GenerationCancelled, GenerationError

        match = _SLEEP.search(intent.description)
        delay = float(match.group(1)) if match else 0.0
        started = time.monotonic()
        while time.monotonic() - started < delay:
            if cancelled is not None and cancelled():
                raise GenerationCancelled("generation cancelled")
            if time.monotonic() - started > timeout_s:
                raise GenerationError("no valid ANRF in 1 attempt(s): #1: not a valid program: decoding stopped at the deadline")
            time.sleep(0.02)
        if "fail" in intent.description:
            raise GenerationError("no valid ANRF in 1 attempt(s): #1: ANRF104 dangling reference", [Attempt("x", [-0.5, -0.5])])
        document = copy.deepcopy(self.document) | {"anrf_id": anrf_id or "stub"}
        attempt = Attempt(text="stub", token_log_probs=[-0.1] * 10, anrf=document)
        unsure = "unsure" in intent.description  # a program the acceptance rule turns down
        return Generation(anrf=document, best=attempt, attempts=[attempt], seconds=time.monotonic() - started,
                          confidence=0.31 if unsure else 0.9, accepted=not unsure)


def stub_generator(ref: str | None, device: str) -> StubGenerator:
    return StubGenerator()
