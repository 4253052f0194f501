"""What every Redis-shared limiter has in common: Lua scripts on the server's clock,
bounded retries of an unreachable Redis, and the opt-in local fallback.

:class:`~zapi_async.limits.redis_limiter.RedisRateLimiter` (the rate) and
:class:`~zapi_async.limits.redis_pacer.RedisPacer` (a pacing profile) are both a
:class:`RedisScripts`: they fail closed the same way (retry every
``retry_interval``, :class:`LimiterUnavailableError` after ``unavailable_timeout``)
or hand over to the same kind of fallback, and log outages the same way.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any, ClassVar, Protocol

from ..errors import LimiterUnavailableError, SettingsError
from .rate import Clock, Limiter, Sleep

__all__ = [
    "CONFIRM",
    "DEFAULT_RETRY_INTERVAL",
    "DEFAULT_UNAVAILABLE_TIMEOUT",
    "MICROS",
    "NOW",
    "PAUSE",
    "HasInstanceId",
    "RedisScripts",
    "StoreDown",
    "limit_key",
]

logger = logging.getLogger("zapi_async.limits.rate")

#: Seconds ``acquire()``/``pause()`` keep retrying an unreachable Redis before raising.
DEFAULT_UNAVAILABLE_TIMEOUT = 10.0
#: Seconds between attempts to reach Redis (and, with a fallback, between re-checks).
DEFAULT_RETRY_INTERVAL = 0.25

MICROS = 1_000_000

# Shared prologue: server time in microseconds (exact in a double until year 2255),
# and effects replication so writes after TIME are allowed on Redis < 5. KEYS[2] is
# always the pause key. ``__TIME__`` is replaced by ``RedisScripts._server_time``.
NOW = """
if redis.replicate_commands then redis.replicate_commands() end
local t = __TIME__
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function store(key, value)
  redis.call('SET', key, string.format('%.0f', value),
             'PX', math.max(math.ceil((value - now) / 1000), 0) + 1000)
end
local paused = tonumber(redis.call('GET', KEYS[2]) or 0)
"""

# KEYS: schedule, pause, epoch. ARGV: the epoch of a booking. Returns -1 when the
# booking was lost (the keys are gone: Redis restarted), else the pause left
# (<= 0: none). Run after sleeping until a booked slot.
CONFIRM = (
    NOW
    + """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
if paused > now then return paused - now end
return 0
"""
)

# KEYS: schedule, pause. ARGV: seconds to pause, tolerance (microseconds).
# Extends (never shortens) the pause and moves the schedule past it, so sending
# resumes evenly spaced rather than in a burst. Returns the pause left (microseconds).
PAUSE = (
    NOW
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


class HasInstanceId(Protocol):
    """Anything naming a Z-API instance (a :class:`~zapi_async.ZapiClient`)."""

    @property
    def instance_id(self) -> str: ...


class ScriptHost(Protocol):
    """What a limiter needs from a ``redis.asyncio.Redis`` (or ``RedisCluster``)."""

    def register_script(self, script: str) -> Any: ...


class StoreDown(Exception):
    """Redis stayed unreachable for the retry budget (internal)."""

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


def describe(error: BaseException) -> str:
    """``Type: message`` of an error (just the type when it has no message)."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class RedisScripts:
    """Base of the Redis-shared limiters: the retry budget, the fallback, the scripts.

    Subclasses set ``key``, ``_keys`` (passed to every script; ``_keys[1]`` is the
    pause key) and ``_what`` (how logs name the budget), and register their scripts
    with :meth:`_script`.
    """

    __slots__ = (
        "_clock",
        "_down",
        "_errors",
        "_fallback",
        "_keys",
        "_pause_script",
        "_redis",
        "_skip_until",
        "_sleep",
        "_tolerance_us",
        "key",
        "retry_interval",
        "unavailable_timeout",
    )

    #: Lua expression giving ``{seconds, microseconds}``: the server clock. Tests
    #: override it in a subclass to freeze time; nothing else should.
    _server_time: ClassVar[str] = "redis.call('TIME')"
    #: What the logs call this budget ("rate limit", "pacing").
    _what: ClassVar[str] = "rate limit"

    def __init__(
        self,
        redis: ScriptHost,
        key: str,
        keys: list[str],
        *,
        unavailable_timeout: float,
        retry_interval: float,
        fallback: Limiter | None,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        name = type(self).__name__
        if not unavailable_timeout >= 0:
            raise SettingsError(
                f"{name}.unavailable_timeout should be >= 0 seconds, "
                f"but was {unavailable_timeout!r}"
            )
        if not retry_interval > 0:
            raise SettingsError(
                f"{name}.retry_interval should be > 0 seconds, but was {retry_interval!r}"
            )
        self._redis = redis
        self.key = key
        self._keys = keys
        self.unavailable_timeout = float(unavailable_timeout)
        self.retry_interval = float(retry_interval)
        self._fallback = fallback
        self._clock = clock
        self._sleep = sleep
        self._errors = _unavailable_errors()
        self._down = False  # a fallback is in use and the outage was logged
        self._skip_until = -math.inf  # with a fallback: do not try Redis before this
        #: How far past a pause the schedule moves (the rate limiter's burst tolerance).
        self._tolerance_us = 0.0
        self._pause_script = self._script(PAUSE)

    @property
    def pause_key(self) -> str:
        """The Redis key holding the shared pause-until time."""
        return self._keys[1]

    # -- Limiter protocol ---------------------------------------------------------------

    async def acquire(self) -> None:
        """Wait for the shared budget (through the fallback while Redis is away)."""
        if self._fallback is not None and self._clock() < self._skip_until:
            await self._fallback.acquire()
            return
        try:
            await self._acquire_shared()
        except StoreDown as down:
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
        args = [repr(max(0.0, seconds) * MICROS), repr(self._tolerance_us)]
        try:
            await self._run(self._pause_script, args)
        except StoreDown as down:
            self._went_down(down)
            return
        self._came_back()

    async def _acquire_shared(self) -> None:
        raise NotImplementedError

    # -- internals ----------------------------------------------------------------------

    @classmethod
    def _lua(cls, script: str) -> str:
        return script.replace("__TIME__", cls._server_time)

    def _script(self, script: str) -> Any:
        """Register ``script`` (its ``__TIME__`` made the server clock)."""
        return self._redis.register_script(self._lua(script))

    async def _run(self, script: Any, args: list[str], keys: list[str] | None = None) -> Any:
        """Run ``script`` (on ``keys``, default ``_keys``), retrying an unreachable
        Redis for ``unavailable_timeout``.

        A retry repeats the same ``args``: a script whose first try may have run
        (the reply was lost) must be idempotent for them. While a fallback is in use
        (``_down``) Redis gets one short try only.
        """
        keys = self._keys if keys is None else keys
        started = self._clock()
        once = self._down
        while True:
            waited = self._clock() - started
            budget = self.retry_interval if once else self.unavailable_timeout - waited
            try:
                return await asyncio.wait_for(
                    script(keys=keys, args=args), max(budget, self.retry_interval)
                )
            except self._errors as exc:
                waited = self._clock() - started
                if once or waited >= self.unavailable_timeout:
                    raise StoreDown(exc, waited) from exc
                logger.debug("Redis unreachable for %s, retrying: %s", self.key, describe(exc))
            await self._sleep(min(self.retry_interval, self.unavailable_timeout - waited))

    async def _run_once(self, script: Any, args: list[str], keys: list[str] | None = None) -> Any:
        """One short try of ``script``; ``None`` when Redis does not answer."""
        keys = self._keys if keys is None else keys
        try:
            return await asyncio.wait_for(script(keys=keys, args=args), self.retry_interval)
        except self._errors as exc:
            logger.debug("Redis unreachable for %s: %s", self.key, describe(exc))
            return None

    def _went_down(self, down: StoreDown) -> Limiter:
        if self._fallback is None:
            raise LimiterUnavailableError(
                self.key, down.waited, describe(down.error)
            ) from down.error
        self._skip_until = self._clock() + self.retry_interval
        if not self._down:
            self._down = True
            logger.warning(
                "Redis unreachable for %s %s (%s); using the local fallback "
                "limiter %r until it is back",
                self._what,
                self.key,
                describe(down.error),
                self._fallback,
            )
        return self._fallback

    def _came_back(self) -> None:
        if self._down:
            self._down = False
            logger.info("Redis reachable again; %s %s is shared again", self._what, self.key)
