"""One rate budget shared by every process and machine sending for an instance.

A Z-API instance has one sending budget, however many workers send for it.
:class:`RedisRateLimiter` keeps that budget in Redis, so N processes together send
at ``rate``, not N times ``rate``::

    from redis.asyncio import Redis

    redis = Redis.from_url("redis://localhost:6379/0")
    limiter = RedisRateLimiter(redis, "3C01A7...", rate=50, burst=5)
    async with ZapiClient("3C01A7...", token, limiter=limiter) as zapi:
        ...   # every process using the same Redis and instance id shares 50 msg/s

It implements the :class:`~zapi_async.limits.rate.Limiter` protocol with the same
GCRA ("virtual scheduling") as :class:`~zapi_async.limits.rate.RateLimiter`, run as a
Lua script so each reservation is atomic: a caller books the next slot in Redis and
sleeps until it opens. Times come from the Redis server's ``TIME`` inside the
script, so clock skew between hosts does not matter. ``pause(seconds)`` (called by
the client on HTTP 429) stores a pause-until time that every process honours.

When Redis cannot be reached the limiter fails closed: it retries every
``retry_interval`` seconds and raises :class:`LimiterUnavailableError` after
``unavailable_timeout`` seconds, so nothing is sent without the shared budget.
Pass ``fallback=`` (an in-process limiter) to send through it instead while Redis
is away; a warning is logged once per outage and sharing resumes by itself.

redis-py is an optional dependency (``pip install 'zapi-async[redis]'``); this
module imports without it.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from ..errors import LimiterUnavailableError, SettingsError  # noqa: F401 (re-exported)
from ._redis_store import (
    CONFIRM,
    DEFAULT_RETRY_INTERVAL,
    DEFAULT_UNAVAILABLE_TIMEOUT,
    MICROS,
    NOW,
    HasInstanceId,
    RedisScripts,
    ScriptHost,
    limit_key,
)
from .rate import Clock, Limiter, Sleep, _loop_time

__all__ = [
    "DEFAULT_RETRY_INTERVAL",
    "DEFAULT_UNAVAILABLE_TIMEOUT",
    "RedisRateLimiter",
    "limit_key",
]

# KEYS: tat, pause, epoch. ARGV: interval, tolerance (microseconds), a fresh epoch.
# Returns {1, wait, epoch} with a slot booked that opens in ``wait`` microseconds
# (<= 0: now), or {0, wait, ""} without a booking while a pause lasts ``wait`` more.
# The epoch names the life of the budget's keys: a restarted (or flushed) Redis
# has none, so a new one is set, and bookings made before are known to be lost.
_RESERVE = (
    NOW
    + """
if paused > now then return {0, paused - now, ""} end
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < now then tat = now end
local booked = tat + tonumber(ARGV[1])
store(KEYS[1], booked)
local epoch = redis.call('GET', KEYS[3]) or ARGV[3]
redis.call('SET', KEYS[3], epoch, 'PX', math.max(math.ceil((booked - now) / 1000), 0) + 1000)
return {1, tat - tonumber(ARGV[2]) - now, epoch}
"""
)


class RedisRateLimiter(RedisScripts):
    """``rate`` requests per second, bursts of ``burst``, shared through Redis.

    * ``redis``: a ``redis.asyncio.Redis`` (borrowed, never closed here).
    * ``instance_id``: the Z-API instance whose budget this is; the key becomes
      :func:`limit_key` (``zapi:{<id>}:limit``). Or pass ``key=`` directly.
    * ``rate`` (> 0, requests/s) and ``burst`` (integer >= 1, default 1: evenly
      spaced). Every process sharing a key should use the same values.
    * ``unavailable_timeout``: seconds to keep retrying an unreachable (or hung)
      Redis before giving up (default 10; 0 = give up after one try): then
      :class:`LimiterUnavailableError` is raised, or the fallback takes over.
    * ``retry_interval``: seconds between those retries (default 0.25).
    * ``fallback``: a local :class:`~zapi_async.limits.rate.Limiter` used instead
      once Redis is given up on (default ``None``: fail closed). While it is in use,
      Redis gets one short try every ``retry_interval``; when it answers, the
      budget is shared again. Give it this process's share of the budget, e.g.
      ``RateLimiter(rate / workers)``. Pauses always reach it too.
    * ``clock``/``sleep``: local monotonic clock (used only for the retry timeout)
      and sleep, injectable for tests.

    A cancelled ``acquire()`` does not hand its booked slot back (at most one
    interval of budget is lost per cancellation).
    """

    __slots__ = ("_confirm", "_reserve", "burst", "interval", "rate")

    def __init__(
        self,
        redis: ScriptHost,
        instance_id: str | None = None,
        *,
        rate: float,
        burst: int = 1,
        key: str | None = None,
        unavailable_timeout: float = DEFAULT_UNAVAILABLE_TIMEOUT,
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        fallback: Limiter | None = None,
        clock: Clock = _loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if (instance_id is None) == (key is None):
            raise SettingsError("RedisRateLimiter needs exactly one of instance_id or key")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
            raise SettingsError(f"RedisRateLimiter.rate should be > 0 requests/s, but was {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise SettingsError(
                f"RedisRateLimiter.burst should be an integer >= 1, but was {burst!r}"
            )
        key = key if key is not None else limit_key(str(instance_id))
        super().__init__(
            redis,
            key,
            [key, key + ":pause", key + ":epoch"],
            unavailable_timeout=unavailable_timeout,
            retry_interval=retry_interval,
            fallback=fallback,
            clock=clock,
            sleep=sleep,
        )
        self.rate = float(rate)
        self.burst = burst
        #: Seconds between slots (``1 / rate``).
        self.interval = 1.0 / self.rate
        self._tolerance_us = (burst - 1) * self.interval * MICROS
        self._reserve = self._script(_RESERVE)
        self._confirm = self._script(CONFIRM)

    @classmethod
    def for_client(
        cls, redis: ScriptHost, client: HasInstanceId, *, rate: float, **options: Any
    ) -> RedisRateLimiter:
        """A limiter for ``client``'s instance (same keyword options as the constructor)."""
        return cls(redis, client.instance_id, rate=rate, **options)

    def __repr__(self) -> str:
        return f"RedisRateLimiter(key={self.key!r}, rate={self.rate:g}, burst={self.burst})"

    async def acquire(self) -> None:
        """Wait for the next shared slot (and for any shared pause to end)."""
        await super().acquire()

    async def pause(self, seconds: float) -> None:
        """Hold every process's ``acquire()`` for ``seconds`` from now (server time).

        Never shortens a pause already in force; sending resumes evenly spaced.
        """
        await super().pause(seconds)

    async def _acquire_shared(self) -> None:
        while True:
            args = [
                repr(self.interval * MICROS),
                repr(self._tolerance_us),
                secrets.token_hex(8),
            ]
            booked, wait_us, epoch = await self._run(self._reserve, args)
            wait = int(wait_us) / MICROS
            if not int(booked):  # paused: nothing booked, wait and try again
                await self._sleep(wait)
                continue
            if wait <= 0:
                return
            await self._sleep(wait)
            if isinstance(epoch, bytes):
                epoch = epoch.decode()
            if int(await self._run(self._confirm, [str(epoch)])) == 0:
                return
            # A pause began while we slept (our slot fell inside it), or Redis lost
            # the budget (a restart): the senders booking since do not know of our
            # slot, so using it would exceed the rate. Book a new one.
