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
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from anrf_lsp.settings import RemoteServer, Settings

if TYPE_CHECKING:  # the pipeline and its intent schema load on first use, not before `initialize` is answered
    from anrf_lsp import pipeline

log = logging.getLogger(__name__)


class ModelHost:
    def __init__(self, executor: Executor):
        self._executor = executor
        self._lock = threading.Lock()
        self._loaded: dict[str, tuple[tuple[str, str], Any]] = {}  # kind -> ((reference, device), model)
        self._remote_analyses: dict[int, tuple[Any, str | None]] = {}  # id(intent) -> (intent, the server's analysisId)

    def _load(self, kind: str, reference: str, device: str) -> Any:
        """The `kind` ("intent" or "generator") model named by `reference` on `device`, loaded once:
        one load at a time, later callers reuse it until the settings name another."""
        with self._lock:
            held = self._loaded.get(kind)
            if held is not None and held[0] == (reference, device):
                return held[1]
            if kind == "intent":
                from models.intent import IntentModel as model_class
            else:
                from models.generator import GeneratorModel as model_class
            started = time.monotonic()
            model = model_class(None if reference == "bundled" else reference, device=device)
            log.info("%s model loaded from %s (%s, %s) in %.2f s", kind, model.directory, model.device, model.compute_type,
                     time.monotonic() - started)
            self._loaded[kind] = ((reference, device), model)
            return model

    def generator_loaded(self, settings: Settings) -> bool:
        held = self._loaded.get("generator")
        return settings.server.url is not None or (held is not None and held[0] == (settings.generator_model, settings.model_device))

    async def analyze_intent(self, text: str, reference: str, device: str, remote: RemoteServer | None = None) -> Any:
        """The StructuredIntent of `text`; loading (first use) and inference, or the remote call, run in a worker thread."""
        from anrf_lsp.remote import RemoteClient

        loop = asyncio.get_running_loop()
        if remote is not None and remote.url:
            client = RemoteClient(remote.url, remote.api_key, remote.timeout_s)
            intent, analysis_id = await asyncio.to_thread(client.analyze, text)
            self._remote_analyses[id(intent)] = (intent, analysis_id)  # for `generate` to link its generation
            while len(self._remote_analyses) > 32:
                self._remote_analyses.pop(next(iter(self._remote_analyses)))
            return intent
        model = await loop.run_in_executor(self._executor, self._load, "intent", reference, device)
        return await loop.run_in_executor(self._executor, model.analyze, text)

    async def generate(self, intent: Any, settings: Settings, cancelled: Callable[[], bool],
                       progress: Callable[[int], None] | None = None, force: bool = False) -> pipeline.Outcome:
        """ANRF for a StructuredIntent through the generation pipeline: locally (the generator loads on first use)
        with `cancelled` polled by the decoder at every token, or by the remote server. Raises GenerationRefused
        (also for the server's 422: declined), GenerationCancelled, ModelNotFound or RemoteError. `force`: the best
        guess instead of declining."""
        from anrf_lsp import pipeline
        from anrf_lsp.remote import RemoteClient, RemoteError
        from models.generator import GenerationCancelled

        if settings.server.url:
            remote = settings.server
            client = RemoteClient(remote.url, remote.api_key, max(remote.timeout_s, settings.generation_timeout_s + 5))
            # A blocking HTTP call cannot be interrupted: on cancel we stop waiting and the server finishes alone.
            started = time.monotonic()
            known = self._remote_analyses.get(id(intent))
            analysis_id = known[1] if known is not None and known[0] is intent else None
            task = asyncio.ensure_future(asyncio.to_thread(client.generate, intent, analysis_id, force))
            while not task.done():
                await asyncio.wait([task], timeout=0.05)
                if cancelled():
                    task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)  # no "never retrieved"
                    raise GenerationCancelled("generation cancelled")
            try:
                answer = task.result()
            except RemoteError as exc:
                if exc.status == 422:  # the server declined: the same decline as a local one
                    raise pipeline.GenerationRefused(exc.reason or str(exc), intent=intent) from exc
                raise
            return pipeline.from_remote(intent, answer, remote.url, time.monotonic() - started)

        def run() -> pipeline.Outcome:
            if cancelled():  # cancelled while waiting for the slot
                raise GenerationCancelled("generation cancelled")
            model = self._load("generator", settings.generator_model, settings.model_device)
            if cancelled():
                raise GenerationCancelled("generation cancelled")
            return pipeline.generate(model, intent, hypotheses=settings.hypotheses, timeout_s=settings.generation_timeout_s,
                                     cancelled=cancelled, progress=progress, force=force)

        return await asyncio.get_running_loop().run_in_executor(self._executor, run)

    def status(self) -> dict[str, Any]:
        intent, generator = (self._loaded[kind][1] if kind in self._loaded else None for kind in ("intent", "generator"))
        return {"intent": intent.info if intent else None,
                "generator": {"directory": str(generator.directory), "device": generator.device} if generator else None}
