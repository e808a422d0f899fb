"""The services' metadata database on SQLite and, when ANRF_TEST_POSTGRES_URL is set, on PostgreSQL.

Start a throwaway server for the PostgreSQL half with
    export ANRF_TEST_POSTGRES_URL=$(python tests/pg_server.py start /tmp/anrf-pg)
Each PostgreSQL test gets its own schema (dropped afterwards), so runs never see each other's rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anrf_lsp.services import db as dbmod
from anrf_lsp.services.db import (
    AnrfConflict,
    Database,
    Execution,
    UnknownContext,
    UnknownGeneration,
    UnknownIntent,
    Verification,
    normalize_url,
)

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("ANRF_TEST_POSTGRES_URL")
NO_PG = "ANRF_TEST_POSTGRES_URL is not set (start a server: export ANRF_TEST_POSTGRES_URL=$(python tests/pg_server.py start DIR))"
EMPTY = {"contexts": 0, "intents": 0, "anrfs": 0, "generations": 0, "verifications": 0, "executions": 0, "feedback": 0}


def pg_schema_url() -> tuple[str, object]:
    """A fresh schema on the test server: (URL whose search_path is that schema, cleanup callable)."""
    pytest.importorskip("psycopg")
    schema = f"anrf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalize_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'metadata.db'}"
        return
    if not PG_URL:
        pytest.skip(NO_PG)
    url, drop = pg_schema_url()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.close()


def generation(db: Database, analysis_id: str | None = None, **overrides) -> str:
    fields = {"analysis_id": analysis_id, "anrf_id": "sum", "version": 1, "confidence": 0.9, "accepted": True,
              "model": "gen-v1", "attempts": 1, "seconds": 0.25}
    return db.add_generation(**{**fields, **overrides})


def intent(db: Database, text_: str = "sum a list", context_id: str | None = None) -> str:
    return db.add_intent(input_text=text_, structured_intent={"operation": "sum", "inputs": ["xs"]}, context_id=context_id)


def is_utc_iso(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset().total_seconds() == 0


# Schema and migrations


def test_migrations_agree_with_models(db):
    """After `upgrade head` the live schema is exactly what the ORM models describe (autogenerate finds nothing)."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), dbmod.Base.metadata)
        current = MigrationContext.configure(conn).get_current_heads()
    assert diff == []
    config = Config()
    config.set_main_option("script_location", str(dbmod.MIGRATIONS))
    assert set(current) == set(ScriptDirectory.from_config(config).get_heads())
    assert db.migrated is True
    assert db.counts() == EMPTY


def test_reopening_does_not_migrate_again(db_url):
    first = Database(db_url)
    first.add_context(module="m", function="f")
    first.close()
    again = Database(db_url)
    assert again.migrated is False
    assert again.counts()["contexts"] == 1
    again.close()


def test_default_url_is_sqlite_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANRF_DATA_DIR", str(tmp_path / "data"))
    database = Database()
    try:
        assert database.url == f"sqlite:///{tmp_path / 'data' / 'metadata.db'}"
        assert (tmp_path / "data" / "metadata.db").exists()
    finally:
        database.close()


def test_urls():
    assert normalize_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalize_url("postgres://h/db") == "postgresql+psycopg://h/db"
    assert normalize_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_pragmas(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    finally:
        database.close()


# Every method


def test_context_and_intent(db):
    context_id = db.add_context(module="app.orders", function="total")
    analysis_id = intent(db, "add up the order lines", context_id)
    got = db.get_intent(analysis_id)
    assert got["analysisId"] == analysis_id
    assert got["inputText"] == "add up the order lines"
    assert got["structuredIntent"] == {"operation": "sum", "inputs": ["xs"]}
    assert got["contextId"] == context_id
    assert got["context"] == {"module": "app.orders", "function": "total"}
    assert is_utc_iso(got["createdAt"])
    uuid.UUID(analysis_id)
    bare = db.get_intent(db.add_intent(input_text="x", structured_intent={}))
    assert bare["contextId"] is None and bare["context"] is None
    assert db.get_intent(str(uuid.uuid4())) is None
    assert db.get_intent("not-a-uuid") is None


def test_generation(db):
    analysis_id = intent(db)
    generation_id = generation(db, analysis_id)
    got = db.get_generation(generation_id)
    assert got == {
        "generationId": generation_id, "analysisId": analysis_id, "anrfId": "sum", "version": 1, "confidence": 0.9,
        "accepted": True, "model": "gen-v1", "attempts": 1, "seconds": 0.25, "status": "ok", "error": None,
        "createdAt": got["createdAt"],
    }
    assert is_utc_iso(got["createdAt"])
    failed = db.get_generation(generation(db, None, anrf_id=None, version=None, confidence=None, accepted=None, attempts=3,
                                          status="error", error="no valid ANRF after 3 attempts"))
    assert failed["analysisId"] is None and failed["anrfId"] is None and failed["accepted"] is None
    assert (failed["status"], failed["error"], failed["attempts"]) == ("error", "no valid ANRF after 3 attempts", 3)
    assert db.get_generation(str(uuid.uuid4())) is None


def test_anrf_versions(db):
    for version in (1, 3, 2):
        db.add_anrf(anrf_id="sum", version=version, sha256=f"{version:064x}", size=100 + version)
    db.add_anrf(anrf_id="max", version=1, sha256="a" * 64, size=5, source="uploaded")
    assert db.anrf_versions("sum") == [1, 2, 3]
    assert db.anrf_versions("max") == [1]
    assert db.anrf_versions("nothing") == []
    db.add_anrf(anrf_id="sum", version=2, sha256=f"{2:064x}", size=102)  # same content again: no-op
    with pytest.raises(AnrfConflict):
        db.add_anrf(anrf_id="sum", version=2, sha256="f" * 64, size=102)
    assert db.counts()["anrfs"] == 4


def test_verification_and_execution(db):
    results = [{"check": "structure", "status": "PASS", "details": []}, {"check": "types", "status": "WARN", "details": ["x"]}]
    verification_id = db.add_verification(anrf_id="sum", version=1, checks=["structure", "types"], results=results)
    ok_id = db.add_execution(anrf_id="sum", version=1, inputs={"xs": [1, 2, 3]}, output=6, logs=["step 1"], ok=True)
    none_id = db.add_execution(anrf_id="sum", version=1, inputs={}, output=None, logs=[], ok=False)
    list_id = db.add_execution(anrf_id="sum", version=2, inputs={"xs": []}, output=[1, "a", None], logs=[], ok=True)
    with Session(db.engine) as session:
        verification = session.get(Verification, verification_id)
        assert (verification.checks, verification.results) == (["structure", "types"], results)
        outputs = {row.id: (row.output, row.inputs, row.logs, row.ok) for row in session.scalars(select(Execution))}
    assert outputs[ok_id] == (6, {"xs": [1, 2, 3]}, ["step 1"], True)
    assert outputs[none_id] == (None, {}, [], False)
    assert outputs[list_id][0] == [1, "a", None]
    assert db.counts() == {**EMPTY, "verifications": 1, "executions": 3}


def test_feedback_and_export(db):
    analysis_id = intent(db, "largest of a list")
    accepted_id = generation(db, analysis_id, anrf_id="biggest")
    rejected_id = generation(db, None, anrf_id="bad", version=2)
    corrected = {"anrf_id": "bad", "version": "v1", "intent": {}}
    first = db.add_feedback(generation_id=accepted_id, accepted=True)
    second = db.add_feedback(generation_id=rejected_id, accepted=False, corrected_anrf=corrected)
    rows = list(db.feedback_export())
    assert [row["feedbackId"] for row in rows] == [first, second]
    assert rows[0] == {
        "feedbackId": first, "generationId": accepted_id, "accepted": True, "inputText": "largest of a list",
        "structuredIntent": {"operation": "sum", "inputs": ["xs"]}, "anrfId": "biggest", "version": 1,
        "correctedAnrf": None, "createdAt": rows[0]["createdAt"],
    }
    assert rows[1]["inputText"] is None and rows[1]["structuredIntent"] is None
    assert (rows[1]["accepted"], rows[1]["correctedAnrf"], rows[1]["version"]) == (False, corrected, 2)
    assert all(is_utc_iso(row["createdAt"]) for row in rows)
    assert db.counts() == {**EMPTY, "intents": 1, "generations": 2, "feedback": 2}


# Links


def test_unknown_references_write_nothing(db):
    before = db.counts()
    with pytest.raises(UnknownGeneration) as caught:
        db.add_feedback(generation_id=str(uuid.uuid4()), accepted=True, corrected_anrf={"x": 1})
    assert isinstance(caught.value, KeyError)
    with pytest.raises(UnknownIntent):
        generation(db, str(uuid.uuid4()))
    with pytest.raises(UnknownContext):
        intent(db, context_id=str(uuid.uuid4()))
    assert db.counts() == before
    assert list(db.feedback_export()) == []


def test_foreign_keys_enforced_by_the_database(db):
    """Not just our checks: the database itself refuses dangling links."""
    rows = [
        "INSERT INTO feedback (id, generation_id, accepted, created_at) VALUES ('f1', 'missing', true, CURRENT_TIMESTAMP)",
        ("INSERT INTO generations (id, analysis_id, model, attempts, seconds, status, created_at)"
         " VALUES ('g1', 'missing', 'm', 1, 0.1, 'ok', CURRENT_TIMESTAMP)"),
        ("INSERT INTO intents (id, context_id, input_text, structured_intent, created_at)"
         " VALUES ('i1', 'missing', 't', '{}', CURRENT_TIMESTAMP)"),
    ]
    for sql in rows:
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert db.counts() == EMPTY


# Concurrency


def test_many_threads(db):
    """50 threads x 10 inserts through one Database: no lost rows, no 'database is locked'."""
    errors: list[BaseException] = []
    ids: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                new = db.add_execution(anrf_id=f"f{n}", version=i, inputs={"n": n, "i": i}, output=n * i, logs=[], ok=True)
                with lock:
                    ids.append(new)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(set(ids)) == 500
    assert db.counts()["executions"] == 500


OPENER = textwrap.dedent("""
    import json, os, sys, time
    go = sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.005)
    from anrf_lsp.services.db import Database
    db = Database(sys.argv[1])
    db.add_context(module="proc", function=str(os.getpid()))
    print(json.dumps({"migrated": db.migrated}))
    db.close()
""")


def test_four_processes_open_a_new_database_at_once(db_url, tmp_path):
    """Migrated exactly once, and every process can write."""
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, db_url, str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(0.5)  # let the interpreters start, so the opens really overlap
    go.touch()
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        outcomes.append(json.loads(out)["migrated"])
    assert sorted(outcomes) == [False, False, False, True]
    database = Database(db_url)
    try:
        assert database.migrated is False
        assert database.counts()["contexts"] == 4
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        database.close()


# CLI


def test_export_feedback_cli(db, db_url, tmp_path):
    analysis_id = intent(db, "reverse a string")
    corrected = {"anrf_id": "rev", "version": "v1", "intent": {"operation": "reverse"}}
    db.add_feedback(generation_id=generation(db, analysis_id, anrf_id="rev"), accepted=False, corrected_anrf=corrected)
    db.add_feedback(generation_id=generation(db, analysis_id, anrf_id="rev", version=2), accepted=True)
    out = tmp_path / "export" / "feedback.jsonl"
    result = subprocess.run([sys.executable, "-m", "anrf_lsp", "data", "export-feedback", "--out", str(out), "--db", db_url],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2" in result.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 2
    assert [row["anrf"] for row in rows] == [corrected, None]
    assert all(row["inputText"] == "reverse a string" for row in rows)
    assert set(rows[0]) == {"feedbackId", "generationId", "accepted", "inputText", "structuredIntent", "anrfId", "version",
                            "correctedAnrf", "createdAt", "anrf"}
    assert not out.with_name(out.name + ".tmp").exists()
