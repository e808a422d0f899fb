"""Cyclic garbage collection when the user pauses, not in the middle of their edits.

A 4 MB ANRF document is about a million Python objects per analysis, and the server holds the
last analysis of every open document. With automatic collection, passes over those objects land
at arbitrary moments: inside a check (latency) or on the event loop (every request waits; a full
pass took 80-160 ms at 10k nodes). The trees are acyclic, so reference counting frees them
anyway; the collector is only needed for the rare cycle, and running it after a quiet spell (or
after many analyses without one) bounds that garbage without charging the typing user for it."""

from __future__ import annotations

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)


class IdleCollector:
    def __init__(self, idle_s: float = 1.5, max_pending: int = 200):
        self.idle_s = idle_s
        self.max_pending = max_pending  # analyses without a collection before one runs regardless
        self._pending = 0
        self._timer: asyncio.TimerHandle | None = None
        self.collections = 0

    def start(self) -> None:
        gc.disable()

    def activity(self) -> None:
        """Something was analysed: collect once things stay quiet for `idle_s`."""
        self._pending += 1
        if self._timer is not None:
            self._timer.cancel()
        if self._pending >= self.max_pending:
            self.collect()
            return
        self._timer = asyncio.get_running_loop().call_later(self.idle_s, self.collect)

    def collect(self) -> None:
        self._timer = None
        started = time.perf_counter()
        found = gc.collect()
        self._pending = 0
        self.collections += 1
        log.debug("idle garbage collection: %d unreachable objects in %.0f ms", found, (time.perf_counter() - started) * 1000)
