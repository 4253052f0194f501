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
import logging
import math
import secrets
from typing import Any, ClassVar, Protocol

from ..errors import LimiterUnavailableError, SettingsError
from .rate import Clock, Limiter, Sleep, _loop_time

__all__ = [
    "DEFAULT_RETRY_INTERVAL",
    "DEFAULT_UNAVAILABLE_TIMEOUT",
    "RedisRateLimiter",
    "limit_key",
]

logger = logging.getLogger("zapi_async.limits.rate")

#: Seconds ``acquire()``/``pause()`` keep retrying an unreachable Redis before raising.
DEFAULT_UNAVAILABLE_TIMEOUT = 10.0
#: Seconds between attempts to reach Redis (and, with a fallback, between re-checks).
DEFAULT_RETRY_INTERVAL = 0.25

_MICROS = 1_000_000

# Shared prologue: server time in microseconds (exact in a double until year 2255),
# and effects replication so writes after TIME are allowed on Redis < 5.
# ``__TIME__`` is replaced by ``RedisRateLimiter._server_time``.
_NOW = """
if redis.replicate_commands then redis.replicate_commands() end
local t = __TIME__
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function store(key, value)
  redis.call('SET', key, string.format('%.0f', value),
             'PX', math.max(math.ceil((value - now) / 1000), 0) + 1000)
end
local paused = tonumber(redis.call('GET', KEYS[2]) or 0)
"""

# KEYS: tat, pause, epoch. ARGV: interval, tolerance (microseconds), a fresh epoch.
# Returns {1, wait, epoch} with a slot booked that opens in ``wait`` microseconds
# (<= 0: now), or {0, wait, ""} without a booking while a pause lasts ``wait`` more.
# The epoch names the life of the budget's keys: a restarted (or flushed) Redis
# has none, so a new one is set, and bookings made before are known to be lost.
_RESERVE = (
    _NOW
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

# KEYS: tat, pause, epoch. ARGV: the epoch of a booking. Returns -1 when the booking
# was lost (the keys are gone: Redis restarted), else the pause left (<= 0: none).
_CONFIRM = (
    _NOW
    + """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
if paused > now then return paused - now end
return 0
"""
)

# KEYS: tat, pause. ARGV: seconds to pause, tolerance (microseconds).
# Extends (never shortens) the pause and moves the TAT past it, so sending resumes
# evenly spaced rather than in a burst. Returns the pause left in microseconds.
_PAUSE = (
    _NOW
    + """
local wanted = now + tonumber(ARGV[1])
if wanted > paused then
  store(KEYS[2], wanted)
  paused = wanted
end
local resume = paused + tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[1]) or 0) < resume then store(KEYS[1], resume) end
return paused - now
"""
)

# KEYS: tat, pause. Returns the pause left in microseconds (<= 0: none).
_PAUSE_LEFT = _NOW + "return paused - now\n"


class HasInstanceId(Protocol):
    """Anything naming a Z-API instance (a :class:`~zapi_async.ZapiClient`)."""

    @property
    def instance_id(self) -> str: ...


class _ScriptHost(Protocol):
    """What the limiter needs from a ``redis.asyncio.Redis`` (or ``RedisCluster``)."""

    def register_script(self, script: str) -> Any: ...


class _StoreDown(Exception):
    def __init__(self, error: BaseException, waited: float) -> None:
        super().__init__(error)
        self.error = error
        self.waited = waited


def limit_key(instance_id: str) -> str:
    """The default Redis key of an instance's budget: ``zapi:{<instance_id>}:limit``.

    The braces are a Redis Cluster hash tag: the pause key (this key + ``:pause``)
    lands in the same slot.
    """
    return f"zapi:{{{instance_id}}}:limit"


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import (  # noqa: PLC0415 (optional extra)
            ConnectionError as RedisConnectionError,
        )
        from redis.exceptions import (  # noqa: PLC0415
            TimeoutError as RedisTimeoutError,
        )
    except ImportError:  # pragma: no cover - a duck-typed client without redis-py
        return (OSError, asyncio.TimeoutError)
    return (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class RedisRateLimiter:
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

    __slots__ = (
        "_clock",
        "_confirm",
        "_down",
        "_errors",
        "_fallback",
        "_keys",
        "_pause_left",
        "_pause_script",
        "_reserve",
        "_skip_until",
        "_sleep",
        "_tolerance_us",
        "burst",
        "interval",
        "key",
        "rate",
        "retry_interval",
        "unavailable_timeout",
    )

    def __init__(
        self,
        redis: _ScriptHost,
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
        if not unavailable_timeout >= 0:
            raise SettingsError(
                "RedisRateLimiter.unavailable_timeout should be >= 0 seconds, "
                f"but was {unavailable_timeout!r}"
            )
        if not retry_interval > 0:
            raise SettingsError(
                f"RedisRateLimiter.retry_interval should be > 0 seconds, but was {retry_interval!r}"
            )
        self.key = key if key is not None else limit_key(str(instance_id))
        self.rate = float(rate)
        self.burst = burst
        #: Seconds between slots (``1 / rate``).
        self.interval = 1.0 / self.rate
        self.unavailable_timeout = float(unavailable_timeout)
        self.retry_interval = float(retry_interval)
        self._tolerance_us = (burst - 1) * self.interval * _MICROS
        self._keys = [self.key, self.key + ":pause", self.key + ":epoch"]
        self._fallback = fallback
        self._clock = clock
        self._sleep = sleep
        self._errors = _unavailable_errors()
        self._reserve = redis.register_script(self._lua(_RESERVE))
        self._pause_script = redis.register_script(self._lua(_PAUSE))
        self._pause_left = redis.register_script(self._lua(_PAUSE_LEFT))
        self._confirm = redis.register_script(self._lua(_CONFIRM))
        self._down = False  # a fallback is in use and the outage was logged
        self._skip_until = -math.inf  # with a fallback: do not try Redis before this

    #: Lua expression giving ``{seconds, microseconds}``: the server clock. Tests
    #: override it in a subclass to freeze time; nothing else should.
    _server_time: ClassVar[str] = "redis.call('TIME')"

    @classmethod
    def _lua(cls, script: str) -> str:
        return script.replace("__TIME__", cls._server_time)

    @classmethod
    def for_client(
        cls, redis: _ScriptHost, client: HasInstanceId, *, rate: float, **options: Any
    ) -> RedisRateLimiter:
        """A limiter for ``client``'s instance (same keyword options as the constructor)."""
        return cls(redis, client.instance_id, rate=rate, **options)

    def __repr__(self) -> str:
        return f"RedisRateLimiter(key={self.key!r}, rate={self.rate:g}, burst={self.burst})"

    @property
    def pause_key(self) -> str:
        """The Redis key holding the shared pause-until time (``key + ":pause"``)."""
        return self._keys[1]

    # -- Limiter protocol ---------------------------------------------------------------

    async def acquire(self) -> None:
        """Wait for the next shared slot (and for any shared pause to end)."""
        if self._fallback is not None and self._clock() < self._skip_until:
            await self._fallback.acquire()
            return
        try:
            await self._acquire_shared()
        except _StoreDown as down:
            fallback = self._went_down(down)
            await fallback.acquire()
            return
        self._came_back()

    async def pause(self, seconds: float) -> None:
        """Hold every process's ``acquire()`` for ``seconds`` from now (server time).

        Never shortens a pause already in force; sending resumes evenly spaced.
        """
        if self._fallback is not None:
            await self._fallback.pause(seconds)
            if self._clock() < self._skip_until:
                return
        args = [repr(max(0.0, seconds) * _MICROS), repr(self._tolerance_us)]
        try:
            await self._run(self._pause_script, args)
        except _StoreDown as down:
            self._went_down(down)
            return
        self._came_back()

    # -- internals ----------------------------------------------------------------------

    async def _acquire_shared(self) -> None:
        while True:
            args = [
                repr(self.interval * _MICROS),
                repr(self._tolerance_us),
                secrets.token_hex(8),
            ]
            booked, wait_us, epoch = await self._run(self._reserve, args)
            wait = int(wait_us) / _MICROS
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

    async def _run(self, script: Any, args: list[str]) -> Any:
        """Run ``script``, retrying an unreachable Redis for ``unavailable_timeout``.

        While a fallback is in use (``_down``) Redis gets one short try only.
        """
        started = self._clock()
        once = self._down
        while True:
            waited = self._clock() - started
            budget = self.retry_interval if once else self.unavailable_timeout - waited
            try:
                return await asyncio.wait_for(
                    script(keys=self._keys, args=args), max(budget, self.retry_interval)
                )
            except self._errors as exc:
                waited = self._clock() - started
                if once or waited >= self.unavailable_timeout:
                    raise _StoreDown(exc, waited) from exc
                logger.debug("Redis unreachable for %s, retrying: %s", self.key, _describe(exc))
            await self._sleep(min(self.retry_interval, self.unavailable_timeout - waited))

    def _went_down(self, down: _StoreDown) -> Limiter:
        if self._fallback is None:
            raise LimiterUnavailableError(
                self.key, down.waited, _describe(down.error)
            ) from down.error
        self._skip_until = self._clock() + self.retry_interval
        if not self._down:
            self._down = True
            logger.warning(
                "Redis unreachable for rate limit %s (%s); using the local fallback "
                "limiter %r until it is back",
                self.key,
                _describe(down.error),
                self._fallback,
            )
        return self._fallback

    def _came_back(self) -> None:
        if self._down:
            self._down = False
            logger.info("Redis reachable again; rate limit %s is shared again", self.key)
