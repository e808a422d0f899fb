"""Metadata database of the services: intents, generations, ANRFs, verifications, executions, feedback.

SQLAlchemy 2 ORM over SQLite (default, a file under the data dir) or PostgreSQL (`postgresql+psycopg://...`).
The schema is owned by Alembic (`anrf_lsp/services/migrations`); opening a `Database` upgrades it to head,
under a lock so that several processes opening the same database at once migrate it exactly once.
Every method uses its own short session, so one `Database` can be shared by all threads of a web app.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 60  # concurrent writers wait this long for the lock instead of failing "database is locked"
READ_ONLY = "anrf_read_only"  # engine execution option: this engine's transactions only read
PG_MIGRATION_LOCK = 0x414E5246  # advisory lock key ("ANRF") held while migrating a PostgreSQL database


class UnknownReference(KeyError):
    """A row names another row (generation, intent, context) that does not exist; nothing was written."""


class UnknownGeneration(UnknownReference):
    pass


class UnknownIntent(UnknownReference):
    pass


class UnknownContext(UnknownReference):
    pass


class AnrfConflict(ValueError):
    """The same ANRF id and version were recorded before with different content."""


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


# Constraint names fixed by convention, so migrations can name them and autogenerate compares them stably.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Context(Base):
    """Where in the user's code a request came from (module, function)."""

    __tablename__ = "contexts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    module: Mapped[str | None] = mapped_column(Text)
    function: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class Intent(Base):
    """One `/intent/analyze` call: the user's text and the structured intent; its id is the analysisId."""

    __tablename__ = "intents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    context_id: Mapped[str | None] = mapped_column(ForeignKey("contexts.id"), index=True)
    input_text: Mapped[str] = mapped_column(Text, nullable=False)
    structured_intent: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = _created_at()


class Anrf(Base):
    """One stored ANRF version (the document itself lives in the registry; here its hash and size)."""

    __tablename__ = "anrfs"
    anrf_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = _created_at()


class Generation(Base):
    """One `/generate` call, successful or not; `accepted` is the checkers' verdict at generation time."""

    __tablename__ = "generations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    analysis_id: Mapped[str | None] = mapped_column(ForeignKey("intents.id"), index=True)
    anrf_id: Mapped[str | None] = mapped_column(String(255), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    model: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    seconds: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class Verification(Base):
    """One `/verify` call: the checks asked for and their results."""

    __tablename__ = "verifications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    anrf_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    checks: Mapped[list] = mapped_column(JSON, nullable=False)
    results: Mapped[list] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = _created_at()


class Execution(Base):
    """One `/execute` call: inputs, output (any JSON value) and the interpreter's log."""

    __tablename__ = "executions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    anrf_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    inputs: Mapped[dict] = mapped_column(JSON, nullable=False)
    output: Mapped[Any] = mapped_column(JSON)
    logs: Mapped[list] = mapped_column(JSON, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = _created_at()


class Feedback(Base):
    """A user's verdict on a generation, optionally with the ANRF they corrected it to (training data)."""

    __tablename__ = "feedback"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    generation_id: Mapped[str] = mapped_column(ForeignKey("generations.id"), nullable=False, index=True)
    accepted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    corrected_anrf: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = _created_at()


TABLES = {cls.__tablename__: cls for cls in (Context, Intent, Anrf, Generation, Verification, Execution, Feedback)}


def default_url() -> str:
    """SQLite file `metadata.db` under the data dir (`ANRF_DATA_DIR` or the platformdirs one)."""
    from anrf_lsp.paths import data_dir

    root = data_dir()
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'metadata.db'}"


def normalize_url(url: str) -> str:
    """`postgres://` and bare `postgresql://` mean psycopg 3 (the driver we ship), not psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _enable_wal(cursor: Any) -> None:
    """WAL mode, which persists in the file: skip when it is already on; else switch, retrying, because
    the switch needs an exclusive lock and SQLite reports "database is locked" at once (without waiting
    out the busy timeout) while other processes open the same new file."""
    import sqlite3
    import time

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def make_engine(url: str) -> Engine:
    """An engine with SQLite made safe for many threads and processes (FKs on, WAL, waiting writers)."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Driver autocommit: we issue BEGIN ourselves (below) so that writers take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers BEGIN IMMEDIATE: it waits (busy timeout) for the write lock, whereas a deferred transaction that
        # reads and then writes fails at once with "database is locked" when another writer got in between.
        # Readers (the `READ_ONLY` engine option) BEGIN deferred, so they never hold up writers under WAL.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


def upgrade(engine: Engine) -> bool:
    """Alembic `upgrade head` inside one locked transaction: concurrent openers wait, then find nothing to do.

    Returns whether this call changed the schema (False when it was already at head)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE, i.e. the database's write lock
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return False
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True


def _iso(ts: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes that were written as UTC."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat()


class Database:
    """The services' metadata store; thread-safe, one short session per call."""

    def __init__(self, url: str | None = None):
        self.url = normalize_url(url) if url else default_url()
        self.engine = make_engine(self.url)
        try:
            self.migrated = upgrade(self.engine)  # True in the one process that created or upgraded the schema
        except BaseException:
            self.engine.dispose()
            raise
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.safe_url!r})"

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden (for logs and health endpoints)."""
        return make_url(self.url).render_as_string(hide_password=True)

    def _add(self, row: Base, unknown: type[UnknownReference] | None = None, ref: str | None = None) -> None:
        """Insert one row in its own transaction; a foreign-key failure becomes `unknown(ref)`."""
        try:
            with self._session.begin() as session:
                session.add(row)
        except IntegrityError as exc:
            if unknown is None:
                raise
            raise unknown(ref) from exc

    def add_context(self, *, module: str | None, function: str | None) -> str:
        row = Context(id=new_id(), module=module, function=function)
        self._add(row)
        return row.id

    def add_intent(self, *, input_text: str, structured_intent: dict, context_id: str | None = None) -> str:
        row = Intent(id=new_id(), input_text=input_text, structured_intent=structured_intent, context_id=context_id)
        self._add(row, UnknownContext, context_id)
        return row.id

    def add_anrf(self, *, anrf_id: str, version: int, sha256: str, size: int, source: str = "generated") -> None:
        """Record a stored ANRF version; recording the same content again is a no-op, different content a conflict."""
        try:
            self._add(Anrf(anrf_id=anrf_id, version=version, sha256=sha256, size=size, source=source))
        except IntegrityError:
            with self._read() as session:
                existing = session.get(Anrf, (anrf_id, version))
            if existing is None:
                raise
            if existing.sha256 != sha256:
                raise AnrfConflict(f"{anrf_id} v{version} is already recorded with sha256 {existing.sha256}") from None

    def add_generation(self, *, analysis_id: str | None, anrf_id: str | None, version: int | None, confidence: float | None,
                       accepted: bool | None, model: str, attempts: int, seconds: float, status: str = "ok",
                       error: str | None = None) -> str:
        row = Generation(id=new_id(), analysis_id=analysis_id, anrf_id=anrf_id, version=version, confidence=confidence,
                         accepted=accepted, model=model, attempts=attempts, seconds=seconds, status=status, error=error)
        self._add(row, UnknownIntent, analysis_id)
        return row.id

    def add_verification(self, *, anrf_id: str, version: int, checks: list[str], results: list[dict]) -> str:
        row = Verification(id=new_id(), anrf_id=anrf_id, version=version, checks=list(checks), results=list(results))
        self._add(row)
        return row.id

    def add_execution(self, *, anrf_id: str, version: int, inputs: dict, output: object, logs: list[str], ok: bool) -> str:
        row = Execution(id=new_id(), anrf_id=anrf_id, version=version, inputs=inputs, output=output, logs=list(logs), ok=ok)
        self._add(row)
        return row.id

    def add_feedback(self, *, generation_id: str, accepted: bool, corrected_anrf: dict | None = None) -> str:
        """Raises `UnknownGeneration` (and writes nothing) when the generation does not exist."""
        row = Feedback(id=new_id(), generation_id=generation_id, accepted=accepted, corrected_anrf=corrected_anrf)
        try:
            with self._session.begin() as session:
                # Checked here for a clear error on every backend; the foreign key is the backstop.
                if session.get(Generation, generation_id) is None:
                    raise UnknownGeneration(generation_id)
                session.add(row)
        except IntegrityError as exc:
            raise UnknownGeneration(generation_id) from exc
        return row.id

    def get_intent(self, analysis_id: str) -> dict | None:
        with self._read() as session:
            row = session.get(Intent, analysis_id)
            if row is None:
                return None
            context = session.get(Context, row.context_id) if row.context_id else None
        return {
            "analysisId": row.id,
            "inputText": row.input_text,
            "structuredIntent": row.structured_intent,
            "contextId": row.context_id,
            "context": {"module": context.module, "function": context.function} if context else None,
            "createdAt": _iso(row.created_at),
        }

    def get_generation(self, generation_id: str) -> dict | None:
        with self._read() as session:
            row = session.get(Generation, generation_id)
        if row is None:
            return None
        return {
            "generationId": row.id,
            "analysisId": row.analysis_id,
            "anrfId": row.anrf_id,
            "version": row.version,
            "confidence": row.confidence,
            "accepted": row.accepted,
            "model": row.model,
            "attempts": row.attempts,
            "seconds": row.seconds,
            "status": row.status,
            "error": row.error,
            "createdAt": _iso(row.created_at),
        }

    def anrf_versions(self, anrf_id: str) -> list[int]:
        with self._read() as session:
            return list(session.scalars(select(Anrf.version).where(Anrf.anrf_id == anrf_id).order_by(Anrf.version)))

    def recorded_versions(self) -> set[tuple[str, int]]:
        """Every (anrf_id, version) with a row: what the registry is reconciled against."""
        with self._read() as session:
            return {(anrf_id, version) for anrf_id, version in session.execute(select(Anrf.anrf_id, Anrf.version))}

    def feedback_export(self) -> Iterator[dict]:
        """Feedback joined with its generation and intent, oldest first: the rows training data is made from."""
        query = (
            select(Feedback, Generation, Intent)
            .join(Generation, Feedback.generation_id == Generation.id)
            .outerjoin(Intent, Generation.analysis_id == Intent.id)
            .order_by(Feedback.created_at, Feedback.id)
        )
        with self._read() as session:
            for feedback, generation, intent in session.execute(query).yield_per(500):
                yield {
                    "feedbackId": feedback.id,
                    "generationId": generation.id,
                    "accepted": feedback.accepted,
                    "inputText": intent.input_text if intent else None,
                    "structuredIntent": intent.structured_intent if intent else None,
                    "anrfId": generation.anrf_id,
                    "version": generation.version,
                    "correctedAnrf": feedback.corrected_anrf,
                    "createdAt": _iso(feedback.created_at),
                }

    def counts(self) -> dict[str, int]:
        with self._read() as session:
            return {name: session.scalar(select(func.count()).select_from(cls)) for name, cls in TABLES.items()}

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
