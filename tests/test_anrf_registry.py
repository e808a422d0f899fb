"""The versioned ANRF registry: ids, versions, backends, concurrent writers, writers killed mid-write."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from anrf_lsp.format.protobuf import to_protobuf
from anrf_lsp.services import registry as registry_module
from anrf_lsp.services.registry import AnrfRegistry, InvalidId, NotFound, RegistryError, validate_id

# Not tests.conftest: spawned writers import this module, and conftest brings the LSP test stack.
ROOT = Path(__file__).resolve().parent.parent
SHARED_ID = "anrf-1a2b3c4d5e6f"


def sum_doc() -> dict:
    return json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text())


def doc_by(writer: int, seq: int, anrf_id: str = SHARED_ID) -> dict:
    """A document that names its writer and sequence number, so each stored version can be traced back."""
    doc = sum_doc()
    doc["anrf_id"] = anrf_id
    doc["metadata"] = {"writer": str(writer), "seq": str(seq)}
    return doc


@pytest.fixture(params=["local", "memory"])
def registry(request, tmp_path):
    return AnrfRegistry(tmp_path / "registry" if request.param == "local" else f"memory://registry-{uuid.uuid4().hex}")


def test_put_get_versions_ids(registry):
    assert registry.ids() == []
    assert registry.versions("func_123456") == []
    first, second = sum_doc(), doc_by(0, 1, anrf_id="func_123456")
    assert registry.put(first) == 1
    assert registry.put(second) == 2
    assert registry.put(doc_by(0, 0, anrf_id="other")) == 1
    assert registry.versions("func_123456") == [1, 2]
    assert registry.ids() == ["func_123456", "other"]
    assert registry.get("func_123456", 1) == first
    assert registry.get("func_123456") == second
    assert registry.get_bytes("func_123456") == (2, to_protobuf(second))


def test_missing_ids_and_versions(registry):
    registry.put(sum_doc())
    for anrf_id, version in [("absent", None), ("absent", 1), ("func_123456", 2), ("func_123456", 0)]:
        with pytest.raises(NotFound):
            registry.get(anrf_id, version)


def test_layout_on_disk(tmp_path):
    AnrfRegistry(tmp_path).put(sum_doc())
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == ["anrf/func_123456/1.anrf"]


def test_default_location_is_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANRF_DATA_DIR", str(tmp_path))
    assert AnrfRegistry().location == (tmp_path / "registry").as_posix()
    assert AnrfRegistry(f"file://{tmp_path.as_posix()}/r").location == f"{tmp_path.as_posix()}/r"


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "x" * 200, "..", "a..b", ".hidden", "-x", "a b", "a\n", "é", None, 3])
def test_bad_ids_are_refused(bad, tmp_path):
    with pytest.raises(InvalidId):
        validate_id(bad)
    with pytest.raises(InvalidId):
        AnrfRegistry(tmp_path).put({**sum_doc(), "anrf_id": bad})
    with pytest.raises(ValueError):
        AnrfRegistry(tmp_path).versions(bad)


@pytest.mark.parametrize("good", [str(uuid.uuid4()), str(uuid.uuid4()).upper(), SHARED_ID, "func_123456", "a", "v1.2", "x" * 128])
def test_good_ids_pass(good):
    assert validate_id(good) == good


def test_corrupt_version_raises_registry_error(tmp_path):
    registry = AnrfRegistry(tmp_path)
    registry.put(sum_doc())
    (tmp_path / "anrf" / "func_123456" / "2.anrf").write_bytes(b"not protobuf")
    assert registry.versions("func_123456") == [1, 2]
    with pytest.raises(RegistryError, match="anrf/func_123456/2.anrf") as caught:
        registry.get("func_123456")
    assert not isinstance(caught.value, NotFound)


def _writer(location: str, writer: int, count: int, barrier, results) -> None:
    registry = AnrfRegistry(location)
    barrier.wait()
    results.put([(registry.put(doc_by(writer, seq)), writer, seq) for seq in range(count)])


def test_concurrent_writers_never_share_a_version(tmp_path):
    writers, count = 8, 20
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [context.Process(target=_writer, args=(str(tmp_path), w, count, barrier, results)) for w in range(writers)]
    for process in processes:
        process.start()
    claimed = [item for _ in processes for item in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    registry = AnrfRegistry(tmp_path)
    total = writers * count
    assert registry.versions(SHARED_ID) == list(range(1, total + 1))
    assert sorted(version for version, _, _ in claimed) == list(range(1, total + 1))
    for version, writer, seq in claimed:
        assert registry.get_bytes(SHARED_ID, version) == (version, to_protobuf(doc_by(writer, seq)))
    stored = [registry.get(SHARED_ID, v)["metadata"] for v in range(1, total + 1)]
    assert sorted((int(m["writer"]), int(m["seq"])) for m in stored) == [(w, s) for w in range(writers) for s in range(count)]
    assert sorted(os.listdir(tmp_path / "anrf" / SHARED_ID)) == sorted(f"{v}.anrf" for v in range(1, total + 1))


# Runs in a child: stores a large document but stalls after writing half of it, until killed.
STALLED_PUT = """
import os, sys, time
from anrf_lsp.services import registry
from tests.test_anrf_registry import large_doc

real_fdopen = os.fdopen

class HalfWritten:
    def __init__(self, file): self.file = file
    def __enter__(self): return self
    def __exit__(self, *exc): self.file.close()
    def __getattr__(self, name): return getattr(self.file, name)
    def write(self, data):
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        print("writing", flush=True)
        time.sleep(600)

registry.os.fdopen = lambda fd, mode: HalfWritten(real_fdopen(fd, mode))
registry.AnrfRegistry(sys.argv[1]).put(large_doc())
"""


def large_doc() -> dict:
    doc = doc_by(9, 9)
    doc["intent"]["description"] = "x" * 2_000_000
    return doc


def test_writer_killed_mid_write_leaves_no_version(tmp_path):
    registry = AnrfRegistry(tmp_path)
    registry.put(doc_by(0, 0))
    child = subprocess.Popen([sys.executable, "-c", STALLED_PUT, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        folder = tmp_path / "anrf" / SHARED_ID
        (temp,) = [p for p in folder.iterdir() if p.name.startswith(".")]
        assert 0 < temp.stat().st_size < len(to_protobuf(large_doc()))
        assert registry.versions(SHARED_ID) == [1]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()

    assert temp.exists()
    assert registry.versions(SHARED_ID) == [1]
    assert not temp.exists()  # its writer, a process of this host, is gone: deleted at once
    assert registry.get(SHARED_ID) == doc_by(0, 0)
    assert registry.put(large_doc()) == 2
    assert registry.get(SHARED_ID) == large_doc()
    assert registry.ids() == [SHARED_ID]
    assert registry.stored_versions() == [(SHARED_ID, 1), (SHARED_ID, 2)]


def test_sweep_keeps_live_and_other_hosts_temps_until_an_hour_old(tmp_path):
    registry = AnrfRegistry(tmp_path)
    registry.put(doc_by(0, 0))
    folder = tmp_path / "anrf" / SHARED_ID
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = registry_module._host()  # the host name as temp names spell it
        mine_live = folder / f".{host}.{live.pid}.abc.tmp"
        mine_dead = folder / f".{host}.999999999.abd.tmp"
        other_host = folder / ".some-other-host.12.abe.tmp"
        legacy = folder / ".tmpabcdef.tmp"
        for path in (mine_live, mine_dead, other_host, legacy):
            path.write_bytes(b"half")
        assert registry.sweep_temps() == 1
        assert not mine_dead.exists() and mine_live.exists() and other_host.exists() and legacy.exists()
        old = time.time() - 2 * 3600
        for path in (other_host, legacy):
            os.utime(path, (old, old))
        assert registry.sweep_temps() == 2
        assert sorted(p.name for p in folder.iterdir()) == sorted(["1.anrf", mine_live.name])
    finally:
        live.kill()
        live.wait()
