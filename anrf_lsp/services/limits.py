"""Work queues (generations, executions): at most N jobs run at once, at most M more wait for a slot,
and anything beyond that is refused at once (503 + Retry-After) instead of piling up.

Lives on the event loop (asyncio primitives, no locks needed); the slot is held until the worker
thread really finishes, so a timed-out or abandoned generation frees it only once decoding stopped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class QueueFull(Exception):
    def __init__(self, name: str, retry_after: int):
        super().__init__(f"the {name} queue is full; retry later")
        self.retry_after = retry_after


class SlotQueue:
    def __init__(self, name: str, max_concurrent: int, queue_size: int, on_change: Callable[[int, int], None] | None = None,
                 typical_seconds: float = 5.0):
        self.name = name
        self.max_concurrent = max_concurrent
        self.queue_size = queue_size
        self._slots = asyncio.Semaphore(max_concurrent)
        self.running = 0
        self.waiting = 0
        self._on_change = on_change
        self.typical_seconds = typical_seconds  # refreshed from finished generations, for Retry-After

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.running, self.waiting)

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the queue ahead drained at the typical pace."""
        rounds = (self.waiting + self.running) / max(1, self.max_concurrent)
        return max(1, min(300, round(rounds * self.typical_seconds)))

    @asynccontextmanager
    async def slot(self, wait_s: float | None = None) -> AsyncIterator[None]:
        """Hold a slot; QueueFull when every slot is busy and the queue is full, or no slot freed within `wait_s`."""
        if self.running >= self.max_concurrent and self.waiting >= self.queue_size:
            raise QueueFull(self.name, self.retry_after())
        self.waiting += 1
        self._changed()
        try:
            await asyncio.wait_for(self._slots.acquire(), wait_s)
        except TimeoutError:
            raise QueueFull(self.name, self.retry_after()) from None
        finally:
            self.waiting -= 1
            self._changed()
        self.running += 1
        self._changed()
        try:
            yield
        finally:
            self.running -= 1
            self._slots.release()
            self._changed()

    def record(self, seconds: float) -> None:
        self.typical_seconds = 0.8 * self.typical_seconds + 0.2 * max(0.05, seconds)
