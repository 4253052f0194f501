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
    """

    def __init__(self, redis: Redis) -> None:
        self.waits: list[float] = []
        self.during: Callable[[], Awaitable[Any]] | None = None
        self._redis = redis

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.during is not None:
            during, self.during = self.during, None
            await during()
        await self._redis.incrby(CLOCK_KEY, round(seconds * 1_000_000))


class Recorder:
    """A limiter ``sleep`` that only records (the server clock does not move)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
