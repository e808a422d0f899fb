"""`anrf serve` under hostile load, against the real process on loopback (issue 17): memory bombs and
never-ending programs in /execute, idle and half-sent connections, too many connections, clients that
leave mid-body, and a server killed during writes. Each probe is bounded in count and time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

httpx = pytest.importorskip("httpx", reason="the service extra is not installed")
psutil = pytest.importorskip("psutil")
pytest.importorskip("fastapi", reason="the service extra is not installed")

from anrf_lsp.services.db import Database
from anrf_lsp.services.registry import AnrfRegistry
from tests.hostile_programs import document
from tests.service_process import serve

pytestmark = [pytest.mark.timeout(240), pytest.mark.skipif(os.name != "posix", reason="POSIX worker processes and sockets")]
KEYS = [f"limits-key-{i:02d}" for i in range(12)]
SERVER_ENV = {"ANRF_API_KEYS": ",".join(KEYS), "ANRF_SERVE_HEADER_TIMEOUT": "1", "ANRF_SERVE_BODY_TIMEOUT": "2",
              "ANRF_SERVE_MAX_CONNECTIONS": "48"}
PROGRAMS = ("memory-bomb", "string-bomb", "spin", "big-result", "big-text")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with serve(tmp_path_factory.mktemp("limits"), "--intent-model", "none", "--generator-model", "none", "--rate-limit", "0",
               key=KEYS[0], env=SERVER_ENV) as running:
        with running.client() as c:
            for name in PROGRAMS:
                assert c.post("/anrf", json=document(name)).status_code == 201
        yield running


def headers(i: int = 0) -> dict[str, str]:
    return {"X-API-Key": KEYS[i % len(KEYS)]}


def total_rss(pid: int) -> int:
    """Resident memory of the server and its worker processes together."""
    process = psutil.Process(pid)
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


class Sampler:
    """Peak RSS of the server tree and /healthz answers, sampled while a load runs."""

    def __init__(self, server):
        self.server, self.peak, self.health, self._stop = server, 0, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.server.url, timeout=10) as c:
            while not self._stop.is_set():
                self.peak = max(self.peak, total_rss(self.server.process.pid))
                started = time.monotonic()
                status = c.get("/healthz").status_code
                self.health.append((status, time.monotonic() - started))
                self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def execute(server, name: str, arg: int, i: int = 0) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        return c.post(f"/execute/{name}", json={"inputs": [arg]}, headers=headers(i))


# -- /execute ------------------------------------------------------------------------------


@pytest.mark.parametrize("program", ["memory-bomb", "string-bomb"])
def test_a_memory_bomb_is_a_422_naming_the_limit_and_the_next_run_works(server, program):
    bombed = execute(server, program, 1000)
    assert bombed.status_code == 422, bombed.text
    assert bombed.json()["error"] == "memory limit of 256 MiB exceeded" and bombed.json()["executionId"]
    small = execute(server, program, 3)
    assert small.status_code == 200 and small.json()["output"] == 3


def test_forty_concurrent_memory_bombs_stay_under_a_gigabyte_and_healthz_answers(server):
    with Sampler(server) as sampler, ThreadPoolExecutor(40) as pool:
        statuses = [r.status_code for r in pool.map(lambda i: execute(server, "memory-bomb", 1000, i), range(40))]
    assert set(statuses) <= {422, 429, 503}, statuses  # bounded, per key capped, queue bounded: never a 5xx of ours
    assert statuses.count(422) >= 2
    assert sampler.peak < 1024**3, f"peak RSS {sampler.peak / 2**20:.0f} MiB"
    assert sampler.health and all(status == 200 for status, _ in sampler.health)
    assert max(seconds for _, seconds in sampler.health) < 2.0  # a liveness bound; the latency figures: bench_hardening.py
    assert total_rss(server.process.pid) < 1024**3  # and memory is given back afterwards


def test_never_ending_runs_from_one_key_do_not_stall_other_routes(server):
    """45 at once from one key: 4 run (the per-key cap), the rest are told at once (429); others are served meanwhile."""
    with ThreadPoolExecutor(45) as pool:
        futures = [pool.submit(execute, server, "spin", 1, 0) for _ in range(45)]
        time.sleep(0.5)
        with httpx.Client(base_url=server.url, timeout=10, headers=headers(1)) as c:
            started = time.monotonic()
            versions = c.get("/anrf/spin/versions")
            seconds = time.monotonic() - started
            assert versions.status_code == 200 and versions.json()["versions"] == [1]
            assert seconds < 2.0
            assert execute(server, "big-result", 2, 1).json()["output"] == [7, 7]  # another key still runs programs
        responses = [f.result() for f in futures]
    statuses = [r.status_code for r in responses]
    assert statuses.count(429) == 41 and set(statuses) <= {422, 429, 503}, statuses
    limited = next(r for r in responses if r.status_code == 429)
    assert "already has 4 /execute run(s) going" in limited.json()["error"] and limited.headers["Retry-After"] == "1"
    for r in responses:
        if r.status_code == 422:
            assert "limit of" in r.json()["error"]  # the step or time limit, with the node


def test_a_result_too_large_to_answer_is_a_422(server):
    assert execute(server, "big-text", 2).status_code == 200
    too_big = execute(server, "big-text", 10)
    assert too_big.status_code == 422 and too_big.json()["error"] == (
        "the result is 8000040 bytes of JSON, more than the 4194304 an /execute answer may hold")


# -- connections ---------------------------------------------------------------------------


def raw(server, data: bytes, wait: float = 10.0) -> tuple[bytes, float]:
    """Send `data` on a fresh connection, then read until the server closes it: (what came back, seconds)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.settimeout(wait)
        started = time.monotonic()
        if data:
            s.sendall(data)
        received = b""
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                raise AssertionError(f"the server kept the connection open for {wait} s; got {received[:200]!r}") from None
            if not chunk:
                return received, time.monotonic() - started
            received += chunk


@pytest.mark.parametrize("data", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"GET /heal"], ids=["no-bytes", "partial-headers", "partial-line"])
def test_a_connection_that_does_not_send_its_headers_is_closed_with_408(server, data):
    received, seconds = raw(server, data)
    assert received.startswith(b"HTTP/1.1 408 Request Timeout"), received
    assert b"did not arrive within 1 s" in received and seconds < 5


def test_a_body_that_does_not_arrive_is_cut_off_and_counted_as_client_closed(server):
    head = (f"POST /execute/spin HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEYS[2]}\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n{\"inp").encode()
    received, seconds = raw(server, head)
    assert seconds < 6 and b" 500 " not in received


def test_a_keep_alive_connection_cannot_dribble_a_second_request(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.settimeout(10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = s.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        s.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        rest = b""
        while chunk := s.recv(65536):
            rest += chunk
    assert b"408 Request Timeout" in first + rest


def test_connections_beyond_the_cap_get_503_and_the_server_recovers(server):
    host, port = server.url.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(60)]
    try:
        time.sleep(0.2)
        refused = httpx.get(server.url + "/healthz", timeout=5)
        assert refused.status_code == 503 and refused.json() == {"error": "too many open connections; retry later"}
    finally:
        for s in idle:
            s.close()
    deadline = time.monotonic() + 10
    while httpx.get(server.url + "/healthz", timeout=5).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)


@pytest.mark.parametrize("path", ["/anrf", "/execute/spin", "/intent/analyze"])
def test_a_client_gone_mid_body_is_no_server_error(server, path):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEYS[3]}\r\nContent-Type: application/json\r\n"
                   "Content-Length: 5000\r\n\r\n{\"anrf_id\": ").encode())
        time.sleep(0.3)
    route = {"/execute/spin": "/execute/{anrfId}"}.get(path, path)
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in server.log_lines() if '"request"' in line]
        mine = [line for line in lines if line.get("route") == route and line.get("status") in (499, 500)]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert mine and mine[-1]["status"] == 499, mine
    metrics = httpx.get(server.url + "/metrics", headers=headers()).text
    assert 'status="500"' not in metrics, [line for line in metrics.splitlines() if 'status="500"' in line]


# -- kill -9 during writes ------------------------------------------------------------------


def test_after_kill_9_during_writes_the_restarted_server_repairs_db_and_temp_files(tmp_path):
    """Writers race a SIGKILL; on restart every stored version has a metadata row and no temp file is left."""
    args = ("--intent-model", "none", "--generator-model", "none", "--rate-limit", "0")
    body = json.dumps(document("big-result") | {"anrf_id": "killed"})
    with serve(tmp_path, *args) as first:
        stop = threading.Event()

        def writer() -> None:
            with first.client(timeout=5) as c:
                while not stop.is_set():
                    try:
                        c.post("/anrf", content=body, headers={"Content-Type": "application/json"})
                    except httpx.HTTPError:
                        return

        threads = [threading.Thread(target=writer) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        stop.set()
        for t in threads:
            t.join(10)
    registry = AnrfRegistry(tmp_path / "data" / "registry")
    stored = registry.versions("killed")
    assert stored, "no write landed before the kill"
    # What kill -9 can leave behind, made certain: a version without its row, a dead writer's temp file.
    folder = tmp_path / "data" / "registry" / "anrf" / "killed"
    orphan = max(stored) + 1
    (folder / f"{orphan}.anrf").write_bytes((folder / f"{stored[0]}.anrf").read_bytes())
    dead = subprocess.Popen(["true"])
    dead.wait()
    from anrf_lsp.services.registry import _host

    (folder / f".{_host()}.{dead.pid}.xyz.tmp").write_bytes(b"")
    with serve(tmp_path, *args) as second:
        deadline = time.monotonic() + 30
        while not any("start-up repair" in line for line in second.log_lines()):
            assert time.monotonic() < deadline, second.log_lines()[-10:]
            time.sleep(0.2)
        with Database(second.db_url) as db:
            assert set(registry.stored_versions()) == db.recorded_versions()
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
        with second.client() as c:
            assert c.get(f"/anrf/killed/{orphan}", params={"format": "json"}).status_code == 200
