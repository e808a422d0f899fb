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
    """Slots handed out fairly: a freed slot goes to the waiter whose owner (an API key) holds the fewest
    slots, first come first served among equals, so one key's burst cannot starve the others."""

    def __init__(self, name: str, max_concurrent: int, queue_size: int, on_change: Callable[[int, int], None] | None = None,
                 typical_seconds: float = 5.0):
        self.name = name
        self.max_concurrent = max_concurrent
        self.queue_size = queue_size
        self.running = 0
        self._waiters: list[tuple[str | None, asyncio.Future[None]]] = []
        self._held: dict[str | None, int] = {}
        self._on_change = on_change
        self.typical_seconds = typical_seconds  # refreshed from finished generations, for Retry-After

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.running, self.waiting)

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the queue ahead drained at the typical pace."""
        rounds = (self.waiting + self.running) / max(1, self.max_concurrent)
        return max(1, min(300, round(rounds * self.typical_seconds)))

    @asynccontextmanager
    async def slot(self, wait_s: float | None = None, owner: str | None = None) -> AsyncIterator[None]:
        """Hold a slot; QueueFull when every slot is busy and the queue is full, or no slot freed within `wait_s`."""
        if self.running < self.max_concurrent and not self._waiters:
            self._take(owner)
        else:
            if self.waiting >= self.queue_size:
                raise QueueFull(self.name, self.retry_after())
            await self._wait(owner, wait_s)
        try:
            yield
        finally:
            self._release(owner)

    async def _wait(self, owner: str | None, wait_s: float | None) -> None:
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((owner, handed))
        self._changed()
        try:
            await asyncio.wait({handed}, timeout=wait_s)
        finally:
            if not handed.done():  # timed out, or the request was cancelled: leave the line
                handed.cancel()
                self._waiters = [w for w in self._waiters if w[1] is not handed]
                self._changed()
            elif asyncio.current_task().cancelling():  # handed a slot just as the request went away
                self._release(owner)
        if handed.cancelled():
            raise QueueFull(self.name, self.retry_after())

    def _take(self, owner: str | None) -> None:
        self.running += 1
        self._held[owner] = self._held.get(owner, 0) + 1
        self._changed()

    def _release(self, owner: str | None) -> None:
        self.running -= 1
        left = self._held.pop(owner) - 1
        if left:
            self._held[owner] = left
        if self._waiters:
            index = min(range(len(self._waiters)), key=lambda i: (self._held.get(self._waiters[i][0], 0), i))
            next_owner, handed = self._waiters.pop(index)
            self._take(next_owner)
            handed.set_result(None)
        else:
            self._changed()

    def record(self, seconds: float) -> None:
        self.typical_seconds = 0.8 * self.typical_seconds + 0.2 * max(0.05, seconds)
