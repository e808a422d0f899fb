"""What the service stands on: the registry, the metadata DB and the two models, each loaded in a
background thread at start-up with its state (loading / ready / failed / disabled) for /readyz,
plus the synchronous work the endpoints hand to worker threads. Nothing here touches the event loop."""

from __future__ import annotations

import hashlib
import importlib
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .settings import GENERATOR_FACTORY_ENV, ServiceSettings

log = logging.getLogger("anrf_lsp.services")

REGISTRY, DATABASE, INTENT, GENERATOR = "registry", "database", "intentModel", "generatorModel"
RETRY_S = (1, 2, 5, 10, 30)  # back-off while the registry or DB cannot be reached


class NotReady(Exception):
    def __init__(self, component: str, detail: str):
        super().__init__(f"{component} is not available: {detail}")
        self.component = component


@dataclass
class Component:
    state: str = "loading"  # disabled | loading | ready | failed
    detail: str | None = None
    value: Any = None


class Backend:
    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.components = {REGISTRY: Component(), DATABASE: Component(), INTENT: Component(), GENERATOR: Component()}
        for which, name in (("intent", INTENT), ("generator", GENERATOR)):
            if settings.model_disabled(which):
                self.components[name] = Component("disabled", f"{which} model disabled by configuration")
        self._closing = threading.Event()
        self._reconciled = False
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load_all, name="anrf-serve-loader", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        db = self.components[DATABASE].value
        if db is not None:
            db.close()

    def _load_all(self) -> None:
        stores = [(REGISTRY, self._open_registry), (DATABASE, self._open_database)]
        for name, opener in stores:
            self._load(name, opener)
        self._reconcile()
        for name, loader in ((INTENT, self._load_intent), (GENERATOR, self._load_generator)):
            if self.components[name].state != "disabled":
                self._load(name, loader)
        for attempt in itertools.count():  # stores that failed are retried: they may come up later
            failed = [(n, o) for n, o in stores if self.components[n].state == "failed"]
            if not failed or self._closing.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)]):
                return
            for name, opener in failed:
                self._load(name, opener)
            self._reconcile()

    def _load(self, name: str, loader: Callable[[], Any]) -> None:
        started = time.monotonic()
        try:
            value = loader()
        except Exception as exc:  # noqa: BLE001 - reported by /readyz and the log, never fatal
            self.components[name] = Component("failed", f"{type(exc).__name__}: {exc}")
            log.error(f"{name} failed to load: {exc}")
            return
        self.components[name] = Component("ready", self._describe(name, value), value)
        log.info(f"{name} ready in {time.monotonic() - started:.1f} s: {self.components[name].detail}")

    def _reconcile(self) -> None:
        """Once both stores answer: delete temp files of writers that died, and record versions stored without a
        metadata row (a process killed between the registry write and the DB insert), so the DB lists what exists."""
        if self._reconciled or not all(self.components[n].state == "ready" for n in (REGISTRY, DATABASE)):
            return
        self._reconciled = True
        registry, db = self.registry, self.db
        try:
            swept = registry.sweep_temps()
            missing = sorted(set(registry.stored_versions()) - db.recorded_versions())
            for anrf_id, version in missing:
                _version, data = registry.get_bytes(anrf_id, version)
                db.add_anrf(anrf_id=anrf_id, version=version, sha256=hashlib.sha256(data).hexdigest(), size=len(data), source="recovered")
        except Exception as exc:  # noqa: BLE001 - the service works without it; say so and go on
            log.error(f"reconciling the registry with the metadata DB failed: {type(exc).__name__}: {exc}")
            return
        if swept or missing:
            log.warning(f"start-up repair: {swept} temp file(s) of dead writers deleted, {len(missing)} stored version(s) without a "
                        "metadata row recorded (source 'recovered')")

    @staticmethod
    def _describe(name: str, value: Any) -> str:
        if name == DATABASE:
            return value.safe_url
        if name in (INTENT, GENERATOR):
            return f"{getattr(value, 'directory', type(value).__name__)} on {getattr(value, 'device', '?')}"
        return str(getattr(value, "location", None) or getattr(value, "root", None) or type(value).__name__)

    def _open_registry(self) -> Any:
        from .registry import AnrfRegistry

        return AnrfRegistry(self.settings.registry)

    def _open_database(self) -> Any:
        from .db import Database

        return Database(self.settings.db)

    def _load_intent(self) -> Any:
        from models.intent import IntentModel

        return IntentModel(self.settings.intent_model or None, device=self.settings.device)

    def _load_generator(self) -> Any:
        factory = os.environ.get(GENERATOR_FACTORY_ENV)
        if factory:
            module, _, attr = factory.partition(":")
            return getattr(importlib.import_module(module), attr)(self.settings.generator_model, self.settings.device)
        from models.generator import GeneratorModel

        return GeneratorModel(self.settings.generator_model or None, device=self.settings.device)

    # -- readiness ---------------------------------------------------------------

    def require(self, name: str) -> Any:
        component = self.components[name]
        if component.state != "ready":
            raise NotReady(name, component.detail or component.state)
        return component.value

    @property
    def registry(self) -> Any:
        return self.require(REGISTRY)

    @property
    def db(self) -> Any:
        return self.require(DATABASE)

    def readiness(self) -> tuple[bool, dict[str, dict[str, Any]]]:
        """Component states, with the registry and DB pinged now (blocking: call from a thread)."""
        states = {name: {"state": c.state, "detail": c.detail} for name, c in self.components.items()}
        for name, ping in ((REGISTRY, self._ping_registry), (DATABASE, self._ping_database)):
            if states[name]["state"] == "ready":
                try:
                    ping()
                except Exception as exc:  # noqa: BLE001 - unreachable right now: not ready
                    states[name] = {"state": "failed", "detail": f"unreachable: {type(exc).__name__}: {exc}"}
        ready = all(s["state"] in ("ready", "disabled") for s in states.values())
        return ready, states

    def _ping_registry(self) -> None:
        self.registry.versions("readyz-probe")

    def _ping_database(self) -> None:
        from sqlalchemy import text

        with self.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- work (blocking; run in worker threads) -----------------------------------

    def analyze(self, text: str, module: str | None, function: str | None, has_context: bool) -> tuple[Any, str]:
        intent = self.require(INTENT).analyze(text)
        db = self.db
        context_id = db.add_context(module=module, function=function) if has_context else None
        analysis_id = db.add_intent(input_text=text, structured_intent=intent.model_dump(mode="json"), context_id=context_id)
        return intent, analysis_id

    def store(self, document: dict[str, Any], source: str) -> int:
        """A new version in the registry, recorded (hash, size) in the DB."""
        registry = self.registry
        version = registry.put(document)
        _version, data = registry.get_bytes(document["anrf_id"], version)
        self.db.add_anrf(anrf_id=document["anrf_id"], version=version, sha256=hashlib.sha256(data).hexdigest(), size=len(data), source=source)
        log.info("stored", extra={"anrfId": document["anrf_id"], "version": version, "detail": source})
        return version

    def load(self, anrf_id: str, version: int | None) -> tuple[int, dict[str, Any]]:
        """(version, document); the latest version when `version` is None (one read, no race with writers)."""
        from anrf_lsp.format.protobuf import from_protobuf

        version, data = self.registry.get_bytes(anrf_id, version)
        return version, from_protobuf(data)

    def model_name(self) -> str:
        generator = self.components[GENERATOR].value
        return str(getattr(generator, "directory", None) or type(generator).__name__)
