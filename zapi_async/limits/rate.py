"""Pacing of requests to one Z-API instance.

A limiter is anything with two coroutines (:class:`Limiter`): ``acquire()`` waits
for permission to send one request, ``pause(seconds)`` stops every sender of the
instance for a while (Z-API answered 429). The client calls both; a Redis-backed
limiter implementing the same protocol shares them across processes.

:class:`RateLimiter` is the in-process default, a GCRA ("virtual scheduling")
limiter: ``rate`` requests per second on average, at most ``burst`` at once::

    limiter = RateLimiter(rate=20, burst=5)
    await limiter.acquire()      # returns at once for the first 5, then every 50 ms

Waiting callers reserve their slot up front, so the long-run rate is exact however
late the event loop wakes them, and nobody waits longer than their slot requires.
Time comes from the event loop's clock (``loop.time()``), injectable for tests.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from ..errors import SettingsError

__all__ = ["ChainedLimiter", "Limiter", "RateLimiter", "Unlimited"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@runtime_checkable
class Limiter(Protocol):
    """What the client needs from a limiter."""

    async def acquire(self) -> None:
        """Wait until one more request may be sent."""

    async def pause(self, seconds: float) -> None:
        """Hold every ``acquire()`` for ``seconds`` from now (e.g. after a 429)."""


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class Unlimited:
    """No rate limit; only honours :meth:`pause` (so 429s still stop all workers)."""

    __slots__ = ("_clock", "_paused_until", "_sleep")

    def __init__(self, *, clock: Clock = _loop_time, sleep: Sleep = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._paused_until = float("-inf")

    @property
    def paused_until(self) -> float:
        """Clock time before which ``acquire()`` does not return."""
        return self._paused_until

    async def pause(self, seconds: float) -> None:
        """Hold every ``acquire()`` for ``seconds`` from now (never shortens a pause)."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))

    async def _wait_out_pause(self) -> None:
        while (remaining := self._paused_until - self._clock()) > 0:
            await self._sleep(remaining)

    async def acquire(self) -> None:
        """Return at once unless a pause is in force."""
        await self._wait_out_pause()


class RateLimiter(Unlimited):
    """``rate`` requests per second on average, bursts of at most ``burst``.

    ``rate`` must be positive; ``burst`` (default 1: evenly spaced) at least 1.
    """

    __slots__ = ("_interval", "_tat", "_tolerance", "burst", "rate")

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Clock = _loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if (
            isinstance(rate, bool)
            or not isinstance(rate, (int, float))
            or math.isnan(rate)
            or rate <= 0
        ):
            raise SettingsError(f"RateLimiter.rate should be > 0 requests/s, but was {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise SettingsError(f"RateLimiter.burst should be an integer >= 1, but was {burst!r}")
        super().__init__(clock=clock, sleep=sleep)
        self.rate = float(rate)
        self.burst = burst
        self._interval = 1.0 / self.rate
        self._tolerance = (burst - 1) * self._interval
        self._tat = float("-inf")  # theoretical arrival time of the next request

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate:g}, burst={self.burst})"

    async def pause(self, seconds: float) -> None:
        """Hold every ``acquire()`` for ``seconds``; sending resumes evenly spaced."""
        await super().pause(seconds)
        self._tat = max(self._tat, self._paused_until + self._tolerance)

    def _reserve(self) -> float:
        """Book the next slot; return its theoretical arrival time (it opens
        ``tolerance`` earlier)."""
        tat = max(self._tat, self._clock())
        self._tat = tat + self._interval
        return tat

    async def acquire(self) -> None:
        """Wait for the next free slot (and for any pause to end)."""
        while True:
            await self._wait_out_pause()
            tat = self._reserve()
            booked = self._tat
            wait = tat - self._tolerance - self._clock()
            if wait <= 0:
                return
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                # Give the slot back when it is still the latest booked one. Restoring
                # the saved value (not subtracting the interval) stays exact in floats.
                if self._tat == booked:
                    self._tat = tat
                raise
            if self._clock() >= self._paused_until:
                return
            # A pause began while we slept: our slot fell inside it, book a new one.


class ChainedLimiter:
    """Several limiters as one: ``acquire()`` waits for each in turn, ``pause()``
    pauses them all.

    The client chains its own limiter before any per-call limiter (a queue's rate,
    a pacing profile), so a 429 seen anywhere pauses every sender of the instance.
    """

    __slots__ = ("limiters",)

    def __init__(self, *limiters: Limiter) -> None:
        self.limiters = limiters

    def __repr__(self) -> str:
        return f"ChainedLimiter{self.limiters!r}"

    async def acquire(self) -> None:
        """Wait for every limiter, in order."""
        for limiter in self.limiters:
            await limiter.acquire()

    async def pause(self, seconds: float) -> None:
        """Pause every limiter."""
        for limiter in self.limiters:
            await limiter.pause(seconds)
