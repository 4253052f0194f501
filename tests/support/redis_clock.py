"""A frozen Redis server clock for the shared-limiter tests: nothing sleeps for real.

A limiter subclass whose ``_server_time`` is :data:`FROZEN_TIME` reads the "server
time" from the Redis key :data:`CLOCK_KEY` (microseconds) instead of ``TIME``; a
:class:`TimeTravel` given as its ``sleep`` records each wait and moves that clock
forward by it. :class:`Recorder` only records.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis

#: The Redis key holding the frozen server time, in microseconds.
CLOCK_KEY = "test:server-clock"
#: The Lua expression limiters use as ``_server_time`` to read it.
FROZEN_TIME = f"{{'0', redis.call('GET', '{CLOCK_KEY}')}}"


class TimeTravel:
    """A limiter ``sleep`` that moves the frozen server clock instead of waiting.

    ``during`` runs once, at the start of the first sleep (to pause mid-wait).
    ``late``: seconds each sleep overshoots what was asked (one entry per sleep,
    then on time). :meth:`passing` is what else happens while the time passes.
    """

    def __init__(self, redis: Redis, late: tuple[float, ...] = ()) -> None:
        self.waits: list[float] = []
        self.late = list(late)
        self.during: Callable[[], Awaitable[Any]] | None = None
        self._redis = redis

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.during is not None:
            during, self.during = self.during, None
            await during()
        jump = seconds + (self.late.pop(0) if self.late else 0.0)
        await self.passing(jump)
        await self._redis.incrby(CLOCK_KEY, round(jump * 1_000_000))

    async def passing(self, seconds: float) -> None:
        """Called before the clock moves by ``seconds`` (nothing else happens here)."""


class Recorder:
    """A limiter ``sleep`` that only records (the server clock does not move)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
