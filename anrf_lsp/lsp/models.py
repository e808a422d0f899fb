"""Models the language server uses, loaded lazily off the event loop and kept while the settings
that name them stay the same (intent analysis now; generation joins it later). In remote mode
(`server.url`) an `anrf serve` instance runs them instead."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Executor
from typing import Any

from anrf_lsp.remote import RemoteClient
from anrf_lsp.settings import RemoteServer

log = logging.getLogger(__name__)


class ModelHost:
    def __init__(self, executor: Executor):
        self._executor = executor
        self._lock = threading.Lock()
        self._intent: tuple[tuple[str, str], Any] | None = None  # ((reference, device), model)

    def _load_intent(self, reference: str, device: str) -> Any:
        with self._lock:  # one load at a time; later callers reuse it
            if self._intent is not None and self._intent[0] == (reference, device):
                return self._intent[1]
            from models.intent import IntentModel

            model = IntentModel(None if reference == "bundled" else reference, device=device)
            log.info("intent model loaded from %s (%s, %s)", model.directory, model.device, model.compute_type)
            self._intent = ((reference, device), model)
            return model

    async def analyze_intent(self, text: str, reference: str, device: str, remote: RemoteServer | None = None) -> Any:
        """The StructuredIntent of `text`; loading (first use) and inference, or the remote call, run in a worker thread."""
        loop = asyncio.get_running_loop()
        if remote is not None and remote.url:
            client = RemoteClient(remote.url, remote.api_key, remote.timeout_s)
            return await loop.run_in_executor(self._executor, client.analyze_intent, text)
        model = await loop.run_in_executor(self._executor, self._load_intent, reference, device)
        return await loop.run_in_executor(self._executor, model.analyze, text)

    def status(self) -> dict[str, Any]:
        return {"intent": self._intent[1].info if self._intent else None}
