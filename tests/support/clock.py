"""One virtual clock for every time-based test.

:class:`VirtualClock` is a clock plus a ``sleep`` whose sleepers wake only when the
test advances virtual time, so time logic is checked to the exact slot. With
``auto_advance=True`` each sleep records its delay and moves time on at once (for
retry tests that only care which delays were chosen).
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from typing import Any

from zapi_async.limits.rate import Unlimited

__all__ = ["PATIENCE", "ObservedLimiter", "VirtualClock", "within"]

#: Seconds a test waits for a condition before failing (only reached on a bug).
PATIENCE = 5.0


async def within(awaitable: Awaitable[Any], seconds: float = PATIENCE) -> Any:
    """Await with a safety timeout, so a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, seconds)


class VirtualClock:
    """``time()`` and ``sleep()`` on virtual time that moves only when told to."""

    def __init__(self, start: float = 1000.0, *, auto_advance: bool = False) -> None:
        self.now = start
        self.auto_advance = auto_advance
        self.sleeps: list[float] = []
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._changed = asyncio.Event()

    def time(self) -> float:
        """The current virtual time."""
        return self.now

    async def sleep(self, delay: float) -> None:
        """Wait until virtual time reaches ``now + delay`` (at once with ``auto_advance``)."""
        self.sleeps.append(delay)
        if self.auto_advance:
            self.now += max(0.0, delay)
            await asyncio.sleep(0)
            return
        if delay <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + delay, self._seq, future))
        self._seq += 1
        self._changed.set()
        await future

    async def __call__(self, delay: float) -> None:
        """The clock is itself a ``sleep`` function (``RetryPolicy(sleep=clock)``)."""
        await self.sleep(delay)

    @property
    def delays(self) -> list[float]:
        """Every delay slept, in order (alias of :attr:`sleeps`)."""
        return self.sleeps

    @property
    def sleepers(self) -> int:
        """Tasks currently asleep on this clock."""
        return sum(1 for _, _, future in self._timers if not future.done())

    async def wait_sleepers(self, count: int) -> None:
        """Wait (in real time, event-driven) until ``count`` tasks sleep on this clock."""

        async def wait() -> None:
            while self.sleepers < count:
                self._changed.clear()
                await self._changed.wait()

        await within(wait())

    @staticmethod
    async def settle(rounds: int = 25) -> None:
        """Let every runnable task run until it blocks again."""
        for _ in range(rounds):
            await asyncio.sleep(0)

    def _fire_next(self) -> bool:
        while self._timers and self._timers[0][2].done():
            heapq.heappop(self._timers)  # cancelled sleepers
        if not self._timers:
            return False
        deadline = self._timers[0][0]
        self.now = max(self.now, deadline)
        while self._timers and self._timers[0][0] <= deadline:
            future = heapq.heappop(self._timers)[2]
            if not future.done():
                future.set_result(None)
        return True

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking sleepers in deadline order."""
        target = self.now + seconds
        await self.settle()
        while self._timers and self._timers[0][0] <= target:
            self._fire_next()
            await self.settle()
        self.now = target

    async def run(self, *tasks: asyncio.Future[Any]) -> None:
        """Advance time from sleeper to sleeper until every task is done."""
        while True:
            await self.settle()
            if all(task.done() for task in tasks):
                return
            if not self._fire_next():
                raise AssertionError("tasks are blocked but nobody sleeps on the clock")


class ObservedLimiter(Unlimited):
    """An :class:`Unlimited` limiter on a virtual clock that signals its pauses."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(clock=clock.time, sleep=clock.sleep)
        self.pauses: list[float] = []
        self.paused = asyncio.Event()

    async def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        await super().pause(seconds)
        self.paused.set()
