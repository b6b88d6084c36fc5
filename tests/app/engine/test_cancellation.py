"""Stopping tasks for sure, though Python 3.11's wait_for may swallow a cancellation (gh-86296)."""

from __future__ import annotations

import asyncio

from app.engine.cancellation import finish, raise_if_cancelled


def test_a_task_that_swallowed_its_cancellation_is_cancelled_again_after_the_grace() -> None:
    rounds: list[int] = []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            rounds.append(1)  # what a swallowed cancellation looks like from outside: the task goes on
        await asyncio.sleep(10)  # only a second cancel ends this

    async def main() -> float:
        task = asyncio.create_task(stubborn())
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await finish([task], grace_s=0.1)
        assert task.cancelled()
        return loop.time() - t0

    took = asyncio.run(main())
    assert rounds == [1] and took < 5


def test_a_loop_that_checks_ends_in_the_round_after_a_swallowed_cancellation() -> None:
    steps: list[int] = []

    async def poller() -> None:
        while True:
            raise_if_cancelled()
            try:
                await asyncio.sleep(0.01)  # a reply that "arrived as the cancel came": the cancel is lost here
            except asyncio.CancelledError:
                pass
            steps.append(1)

    async def main() -> None:
        task = asyncio.create_task(poller())
        await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.wait([task], timeout=2)
        assert task.cancelled()

    asyncio.run(main())
    assert steps
