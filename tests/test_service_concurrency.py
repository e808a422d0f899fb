"""50 concurrent clients write versions of a few ANRF ids through POST /anrf and read them back
for a bounded time; afterwards the registry and the metadata DB must agree exactly."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict

import pytest

httpx = pytest.importorskip("httpx", reason="the service extra is not installed")
pytest.importorskip("fastapi", reason="the service extra is not installed")

from tests.service_process import ROOT, serve

CLIENTS = 50
IDS = ("shared-a", "shared-b", "shared-c", "shared-d")
SECONDS = 10.0
SUM = json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text())


@pytest.mark.timeout(240)
def test_concurrent_writers_and_readers(tmp_path):
    with serve(tmp_path, "--intent-model", "none", "--generator-model", "none", "--rate-limit", "0") as server:
        written: dict[tuple[str, int], dict] = {}
        failures: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + SECONDS

        def worker(n: int) -> None:
            rng = random.Random(n)
            with server.client(timeout=60) as client:
                seq = 0
                while time.monotonic() < stop_at:
                    anrf_id = rng.choice(IDS)
                    if rng.random() < 0.6:
                        seq += 1
                        document = json.loads(json.dumps(SUM)) | {"anrf_id": anrf_id}
                        document["metadata"] = {"writer": str(n), "seq": str(seq)}
                        response = client.post("/anrf", json=document)
                        if response.status_code != 201:
                            failures.append(f"POST {response.status_code} {response.text[:200]}")
                            continue
                        with lock:
                            key = (anrf_id, response.json()["version"])
                            if key in written:
                                failures.append(f"version {key} handed out twice")
                            written[key] = document
                    else:
                        listed = client.get(f"/anrf/{anrf_id}/versions")
                        if listed.status_code == 404:
                            continue
                        if listed.status_code != 200:
                            failures.append(f"versions {listed.status_code} {listed.text[:200]}")
                            continue
                        version = rng.choice(listed.json()["versions"])
                        got = client.get(f"/anrf/{anrf_id}/{version}", params={"format": "json"})
                        if got.status_code != 200:
                            failures.append(f"GET {anrf_id}/{version}: {got.status_code} {got.text[:200]}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:5]
        assert len(written) >= len(IDS)

        by_id: dict[str, set[int]] = defaultdict(set)
        for anrf_id, version in written:
            by_id[anrf_id].add(version)
        total = 0
        with server.client() as client:
            for anrf_id in IDS:
                listed = client.get(f"/anrf/{anrf_id}/versions").json()["versions"]
                assert listed == list(range(1, len(listed) + 1)), f"gaps in {anrf_id}: {listed}"
                assert set(listed) == by_id[anrf_id]
                total += len(listed)
                for version in listed:
                    got = client.get(f"/anrf/{anrf_id}/{version}", params={"format": "json"})
                    assert got.json() == written[(anrf_id, version)]

    from anrf_lsp.services.db import Database

    with Database(server.db_url) as db:
        assert db.counts()["anrfs"] == total
