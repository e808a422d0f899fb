"""Models the language server uses (intent analysis, generation), loaded lazily off the event loop
and kept while the settings that name them stay the same. In remote mode (`server.url`) an
`anrf serve` instance runs them instead.

Local model work runs in one worker thread: one slot, so a generation has the model to itself
and a cancelled one frees it as soon as its decoder stops (the `cancelled` hook)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.remote import RemoteClient
from anrf_lsp.settings import RemoteServer, Settings

log = logging.getLogger(__name__)


@dataclass
class GenerationResult:
    """What a generation produced, locally or remotely."""

    anrf: dict[str, Any]
    confidence: float | None
    generation_id: str
    model: str
    attempts: int = 1
    rejected: list[str] = field(default_factory=list)
    accepted: bool | None = None
    seconds: float = 0.0
    remote: bool = False


class ModelHost:
    def __init__(self, executor: Executor):
        self._executor = executor
        self._lock = threading.Lock()
        self._intent: tuple[tuple[str, str], Any] | None = None  # ((reference, device), model)
        self._generator: tuple[tuple[str, str], Any] | None = None
        self._remote_analyses: dict[int, tuple[Any, str | None]] = {}  # id(intent) -> (intent, the server's analysisId)

    def _load_intent(self, reference: str, device: str) -> Any:
        with self._lock:  # one load at a time; later callers reuse it
            if self._intent is not None and self._intent[0] == (reference, device):
                return self._intent[1]
            from models.intent import IntentModel

            model = IntentModel(None if reference == "bundled" else reference, device=device)
            log.info("intent model loaded from %s (%s, %s)", model.directory, model.device, model.compute_type)
            self._intent = ((reference, device), model)
            return model

    def _load_generator(self, reference: str, device: str) -> Any:
        with self._lock:
            if self._generator is not None and self._generator[0] == (reference, device):
                return self._generator[1]
            from models.generator import GeneratorModel

            started = time.monotonic()
            model = GeneratorModel(None if reference == "bundled" else reference, device=device)
            log.info("generator loaded from %s (%s, %s) in %.2f s", model.directory, model.device, model.compute_type, time.monotonic() - started)
            self._generator = ((reference, device), model)
            return model

    def generator_loaded(self, settings: Settings) -> bool:
        return settings.server.url is not None or (self._generator is not None and self._generator[0] == (settings.generator_model, settings.model_device))

    async def analyze_intent(self, text: str, reference: str, device: str, remote: RemoteServer | None = None) -> Any:
        """The StructuredIntent of `text`; loading (first use) and inference, or the remote call, run in a worker thread."""
        loop = asyncio.get_running_loop()
        if remote is not None and remote.url:
            client = RemoteClient(remote.url, remote.api_key, remote.timeout_s)
            intent, analysis_id = await asyncio.to_thread(client.analyze, text)
            self._remote_analyses[id(intent)] = (intent, analysis_id)  # for `generate` to link its generation
            while len(self._remote_analyses) > 32:
                self._remote_analyses.pop(next(iter(self._remote_analyses)))
            return intent
        model = await loop.run_in_executor(self._executor, self._load_intent, reference, device)
        return await loop.run_in_executor(self._executor, model.analyze, text)

    async def generate(self, intent: Any, settings: Settings, cancelled: Callable[[], bool],
                       progress: Callable[[int], None] | None = None) -> GenerationResult:
        """ANRF for a StructuredIntent: locally (the generator loads on first use) with `cancelled` polled by the
        decoder at every token, or by the remote server. Raises GenerationError/GenerationCancelled, ModelNotFound
        or RemoteError."""
        from models.generator import GenerationCancelled

        if settings.server.url:
            remote = settings.server
            client = RemoteClient(remote.url, remote.api_key, max(remote.timeout_s, settings.generation_timeout_s + 5))
            # A blocking HTTP call cannot be interrupted: on cancel we stop waiting and the server finishes alone.
            started = time.monotonic()
            known = self._remote_analyses.get(id(intent))
            analysis_id = known[1] if known is not None and known[0] is intent else None
            task = asyncio.ensure_future(asyncio.to_thread(client.generate, intent, analysis_id))
            while not task.done():
                await asyncio.wait([task], timeout=0.05)
                if cancelled():
                    task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)  # no "never retrieved"
                    raise GenerationCancelled("generation cancelled")
            answer = task.result()
            return GenerationResult(anrf=answer["document"], confidence=answer.get("confidenceScore"),
                                    generation_id=str(answer.get("generationId") or ""), model=remote.url, remote=True,
                                    seconds=time.monotonic() - started)

        def run() -> GenerationResult:
            if cancelled():  # cancelled while waiting for the slot
                raise GenerationCancelled("generation cancelled")
            model = self._load_generator(settings.generator_model, settings.model_device)
            if cancelled():
                raise GenerationCancelled("generation cancelled")
            generation = model.generate(intent, n=settings.hypotheses, timeout_s=settings.generation_timeout_s,
                                        progress=progress, cancelled=cancelled)
            return GenerationResult(
                anrf=generation.anrf, confidence=generation.confidence, generation_id=str(uuid.uuid4()),
                model=str(model.directory), attempts=len(generation.attempts),
                rejected=[a.error for a in generation.attempts if not a.valid and a.error], accepted=generation.accepted,
                seconds=generation.seconds)

        return await asyncio.get_running_loop().run_in_executor(self._executor, run)

    def status(self) -> dict[str, Any]:
        return {"intent": self._intent[1].info if self._intent else None,
                "generator": {"directory": str(self._generator[1].directory), "device": self._generator[1].device}
                if self._generator else None}
