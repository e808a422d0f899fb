"""SlotQueue on its own: bounded running and waiting, a freed slot goes to the owner holding the fewest,
and a waiter that times out or is cancelled leaves the line without leaking a slot."""

from __future__ import annotations

import asyncio

import pytest

from anrf_lsp.services.limits import QueueFull, SlotQueue


async def hold(queue: SlotQueue, owner: str, started: list[str], release: asyncio.Event, wait_s: float | None = None) -> None:
    async with queue.slot(wait_s=wait_s, owner=owner):
        started.append(owner)
        await release.wait()


def test_a_freed_slot_goes_to_the_owner_holding_the_fewest():
    async def scenario() -> list[str]:
        queue, started, release = SlotQueue("execution", 2, 8), [], asyncio.Event()
        tasks = [asyncio.create_task(hold(queue, "a", started, release)) for _ in range(4)]  # a: 2 run, 2 wait
        await asyncio.sleep(0.01)
        tasks.append(asyncio.create_task(hold(queue, "b", started, release)))  # b arrives last
        await asyncio.sleep(0.01)
        assert started == ["a", "a"] and queue.waiting == 3
        release.set()
        await asyncio.gather(*tasks)
        assert queue.running == 0 and queue.waiting == 0
        return started

    assert asyncio.run(scenario()) == ["a", "a", "b", "a", "a"]


def test_the_same_owner_is_served_first_come_first_served():
    async def scenario() -> list[str]:
        queue, started, gates = SlotQueue("generation", 1, 8), [], [asyncio.Event() for _ in range(3)]

        async def tagged(tag: str, gate: asyncio.Event) -> None:
            async with queue.slot():
                started.append(tag)
                await gate.wait()

        tasks = [asyncio.create_task(tagged(tag, gate)) for tag, gate in zip("xyz", gates)]
        await asyncio.sleep(0.01)
        for gate in gates:
            gate.set()
        await asyncio.gather(*tasks)
        return started

    assert asyncio.run(scenario()) == ["x", "y", "z"]


def test_a_full_queue_and_a_wait_that_times_out_are_queue_full_and_leak_nothing():
    async def scenario() -> None:
        queue, started, release = SlotQueue("execution", 1, 1), [], asyncio.Event()
        running = asyncio.create_task(hold(queue, "a", started, release))
        await asyncio.sleep(0.01)
        with pytest.raises(QueueFull, match="the execution queue is full"):
            await hold(queue, "b", started, release, wait_s=0.05)  # waited, no slot freed
        assert queue.waiting == 0
        waiting = asyncio.create_task(hold(queue, "b", started, release))
        await asyncio.sleep(0.01)
        with pytest.raises(QueueFull):
            await hold(queue, "c", started, release)  # one running, one waiting: full at once
        waiting.cancel()  # a client that went away while waiting
        await asyncio.gather(waiting, return_exceptions=True)
        assert queue.waiting == 0 and queue.running == 1
        release.set()
        await running
        assert queue.running == 0
        async with queue.slot(owner="d"):
            assert queue.running == 1

    asyncio.run(scenario())


def test_a_waiter_cancelled_just_as_it_was_handed_a_slot_gives_it_back():
    async def scenario() -> None:
        queue, started, release = SlotQueue("execution", 1, 4), [], asyncio.Event()
        first = asyncio.create_task(hold(queue, "a", started, release))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(hold(queue, "b", started, asyncio.Event()))
        await asyncio.sleep(0.01)
        release.set()
        await first  # the slot is handed to `second` here, before `second` runs again
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        assert started == ["a"] and queue.running == 0 and queue.waiting == 0

    asyncio.run(scenario())
