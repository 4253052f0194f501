"""One pacing budget shared by every process and machine sending for an instance.

A :class:`~zapi_async.PacingProfile` protects a *number*: its jittered gaps, daily
cap and warm-up ramp are about what the number sends, however many processes send
for it. :class:`~zapi_async.limits.pacing.PacedLimiter` counts in its own process, so N workers
would send N times the paced budget. :class:`RedisPacer` keeps the pacing in
Redis instead::

    pacer = RedisPacer(redis, "3C01A7...", profile=PacingProfile.careful())
    limiter = ChainedLimiter(RedisRateLimiter(redis, "3C01A7...", rate=20), pacer)
    async for outcome in zapi.send_many(messages, limiter=limiter):
        ...   # every process pacing this instance shares one gap schedule and one cap

Each ``acquire()`` is one Lua script that, atomically, counts the message against
today's cap (the UTC day of the Redis server's clock; the warm-up ramp computed
from the same day) and books the next send slot: the previous slot plus a gap
drawn in ``[min_gap, max_gap]``. The caller then sleeps until its slot. The
count lives in a hash that expires at the end of the day.

Redis unreachable: exactly as :class:`~zapi_async.RedisRateLimiter` (the same
machinery): it fails closed, retrying every ``retry_interval`` and raising
:class:`~zapi_async.errors.LimiterUnavailableError` after ``unavailable_timeout``;
or, with ``fallback=`` (e.g. a :class:`~zapi_async.limits.pacing.PacedLimiter` with this
process's share of the cap), it paces locally until Redis answers again. Sends
paced by the fallback are not counted in Redis.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from datetime import date, timedelta
from typing import Any

from ..errors import DailyCapReachedError, SettingsError
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
from .pacing import PacingProfile
from .rate import Clock, Limiter, Sleep, _loop_time

__all__ = ["RedisPacer", "pace_key"]

_EPOCH_DAY = date(1970, 1, 1)
#: A warm-up ramp above this many messages a day is no cap at all (and stays exact
#: in a Lua double).
_NO_CAP_ABOVE = 2.0**53

# KEYS: schedule, pause, epoch, day. ARGV: min_gap, max_gap (microseconds), a draw
# in [0, 1), count ('1': count this message against today's cap, '0': a re-booking
# after a pause), daily cap (-1: none), warm-up start (days since 1970-01-01, '':
# none), warm-up initial, warm-up growth, a fresh epoch.
# Returns {0, wait, '', 0, 0} while a pause lasts ``wait`` more (nothing booked or
# counted), {2, 0, '', today, cap} when today's cap is used up (nothing booked), or
# {1, wait, epoch, today, cap}: counted, and a slot booked that opens in ``wait``.
_RESERVE = (
    NOW
    + """
if paused > now then return {0, paused - now, '', 0, 0} end
local today = math.floor(now / 86400000000)
local cap = tonumber(ARGV[5])
if ARGV[4] == '1' then
  if ARGV[6] ~= '' then
    local age = math.max(0, today - tonumber(ARGV[6]))
    local ramp = tonumber(ARGV[7]) * tonumber(ARGV[8]) ^ age
    if cap < 0 or ramp < cap then
      if ramp >= """
    + repr(_NO_CAP_ABOVE)
    + """ then cap = -1 else cap = math.floor(ramp) end
    end
  end
  local day = string.format('%d', today)
  local sent = 0
  if redis.call('HGET', KEYS[4], 'day') == day then
    sent = tonumber(redis.call('HGET', KEYS[4], 'sent') or 0)
  end
  if cap >= 0 and sent >= cap then return {2, 0, '', today, cap} end
  redis.call('HSET', KEYS[4], 'day', day, 'sent', sent + 1)
  redis.call('PEXPIREAT', KEYS[4], (today + 1) * 86400000)
end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0))
local booked = slot
local low, high = tonumber(ARGV[1]), tonumber(ARGV[2])
if high > 0 then
  booked = slot + low + tonumber(ARGV[3]) * (high - low)
  store(KEYS[1], booked)
end
local epoch = redis.call('GET', KEYS[3]) or ARGV[9]
redis.call('SET', KEYS[3], epoch, 'PX', math.max(math.ceil((booked - now) / 1000), 0) + 1000)
return {1, slot - now, epoch, today, cap}
"""
)

# KEYS: schedule, pause, epoch, day. ARGV: the day (days since 1970-01-01) a message
# was counted on. Gives the count back (the message was never sent).
_GIVE_BACK = """
if redis.call('HGET', KEYS[4], 'day') == ARGV[1]
   and tonumber(redis.call('HGET', KEYS[4], 'sent') or 0) > 0 then
  redis.call('HINCRBY', KEYS[4], 'sent', -1)
  return 1
end
return 0
"""

# KEYS: schedule, pause, epoch, day. Returns {day, sent} (today's count so far).
_SENT_TODAY = (
    NOW
    + """
local day = string.format('%d', math.floor(now / 86400000000))
if redis.call('HGET', KEYS[4], 'day') ~= day then return {day, 0} end
return {day, tonumber(redis.call('HGET', KEYS[4], 'sent') or 0)}
"""
)


def pace_key(instance_id: str) -> str:
    """The default Redis key of an instance's pacing: ``zapi:{<instance_id>}:pace``
    (the next free slot; ``:day`` holds today's count, ``:epoch`` the life of both)."""
    return f"zapi:{{{instance_id}}}:pace"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisPacer(RedisScripts):
    """A :class:`~zapi_async.PacingProfile` applied to one instance through Redis,
    shared by every process that paces that instance.

    * ``redis``: a ``redis.asyncio.Redis`` (borrowed, never closed here).
    * ``instance_id``: the instance; the keys become :func:`pace_key` (``zapi:{<id>}
      :pace``, ``...:pace:day``, ``...:pace:epoch``) and the pause is the instance's
      :class:`~zapi_async.RedisRateLimiter` pause (``zapi:{<id>}:limit:pause``), so
      a 429 seen by either holds both. Or pass ``key=`` (the pause is then
      ``key + ":pause"``).
    * ``profile``: the :class:`~zapi_async.PacingProfile`. Every process pacing an
      instance should use the same one.
    * ``unavailable_timeout``, ``retry_interval``, ``fallback``, ``clock``, ``sleep``:
      as for :class:`~zapi_async.RedisRateLimiter` (fail closed by default).
    * ``rng``: draws the gaps (default: a fresh ``random.Random``).

    ``acquire()`` raises :class:`~zapi_async.errors.DailyCapReachedError` at once
    (nothing counted, nothing booked) when today's cap is used up; a cancelled
    ``acquire()`` gives its count back (its slot in the gap schedule is not reused).
    """

    __slots__ = ("_cap_args", "_confirm", "_give_back", "_random", "_reserve", "_sent", "profile")

    _what = "pacing"

    def __init__(
        self,
        redis: ScriptHost,
        instance_id: str | None = None,
        *,
        profile: PacingProfile,
        key: str | None = None,
        unavailable_timeout: float = DEFAULT_UNAVAILABLE_TIMEOUT,
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        fallback: Limiter | None = None,
        clock: Clock = _loop_time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if (instance_id is None) == (key is None):
            raise SettingsError("RedisPacer needs exactly one of instance_id or key")
        if not isinstance(profile, PacingProfile):
            raise SettingsError(
                f"RedisPacer.profile should be a PacingProfile, but was {profile!r}"
            )
        if key is None:
            key = pace_key(str(instance_id))
            pause = limit_key(str(instance_id)) + ":pause"
        else:
            pause = key + ":pause"
        super().__init__(
            redis,
            key,
            [key, pause, key + ":epoch", key + ":day"],
            unavailable_timeout=unavailable_timeout,
            retry_interval=retry_interval,
            fallback=fallback,
            clock=clock,
            sleep=sleep,
        )
        self.profile = profile
        self._random = rng or random.Random()
        start = profile.warmup_start
        self._cap_args = [
            "-1" if profile.daily_cap is None else str(profile.daily_cap),
            "" if start is None else str((start - _EPOCH_DAY).days),
            str(profile.warmup_initial),
            repr(float(profile.warmup_growth)),
        ]
        self._reserve = self._script(_RESERVE)
        self._confirm = self._script(CONFIRM)
        self._give_back = self._script(_GIVE_BACK)
        self._sent = self._script(_SENT_TODAY)

    @classmethod
    def for_client(
        cls, redis: ScriptHost, client: HasInstanceId, profile: PacingProfile, **options: Any
    ) -> RedisPacer:
        """A pacer for ``client``'s instance (same keyword options as the constructor)."""
        return cls(redis, client.instance_id, profile=profile, **options)

    def __repr__(self) -> str:
        return f"RedisPacer(key={self.key!r}, profile={self.profile!r})"

    async def sent_today(self) -> int:
        """Messages counted on the current UTC day (server time), by every process."""
        _, sent = await self._run(self._sent, [])
        return int(sent)

    async def acquire(self) -> None:
        """Count the message against today's shared cap, then wait for its shared slot.

        Raises :class:`~zapi_async.errors.DailyCapReachedError` at once when today's
        cap is used up.
        """
        await super().acquire()

    async def pause(self, seconds: float) -> None:
        """Hold every process's ``acquire()`` for ``seconds`` from now (server time),
        the instance's rate limiters included; the gap schedule resumes after it."""
        await super().pause(seconds)

    async def _acquire_shared(self) -> None:
        counted: str | None = None  # the day this message was counted on
        try:
            while True:
                reply = await self._run(self._reserve, self._args(counted is None))
                verdict, wait_us, epoch, day, cap = reply
                wait = int(wait_us) / MICROS
                if int(verdict) == 0:  # paused: nothing booked, wait and try again
                    await self._sleep(wait)
                    continue
                if int(verdict) == 2:
                    raise DailyCapReachedError(int(cap), _EPOCH_DAY + timedelta(days=int(day)))
                if counted is None:
                    counted = str(int(day))
                if wait <= 0:
                    return
                await self._sleep(wait)
                confirmed = int(await self._run(self._confirm, [_text(epoch)]))
                if confirmed == 0:
                    return
                # A pause began while we slept: book a slot after it (already counted).
                # Or Redis lost the keys (a restart) and the count with them: count again.
                if confirmed < 0:
                    counted = None
        except asyncio.CancelledError:
            if counted is not None:  # never sent: give the count back (one short try)
                await self._run_once(self._give_back, [counted])
            raise

    def _args(self, count: bool) -> list[str]:
        profile = self.profile
        return [
            repr(profile.min_gap * MICROS),
            repr(profile.max_gap * MICROS),
            repr(self._random.random()),
            "1" if count else "0",
            *self._cap_args,
            secrets.token_hex(8),
        ]
