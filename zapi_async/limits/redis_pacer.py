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

Each ``acquire()`` is one Lua script that, atomically, books the next send slot
(the previous slot plus a gap drawn in ``[min_gap, max_gap]``) and counts the
message against the cap of the UTC day of the Redis server's clock (the warm-up
ramp computed from the same day). The caller then sleeps until its slot.

A message counts for the UTC day it is let out. No booking crosses midnight: a
sender whose slot would open on the next day books and counts nothing yet, waits
for midnight and books then, against the new day's cap, so a day never lets out
more than its cap however many senders wait at midnight. A sender that wakes
after midnight (late), or whose slot a pause pushed past it, books again on the
new day and is counted there.

The count lives in a hash (``:day``) that expires at the end of its day, with an
*epoch* (a random token) naming its life. A sender waking at its slot checks the
hash still holds its count: if not, on the same day, Redis lost its data (a
restart without persistence, ``FLUSHALL``), so it books, and is counted, again. A
sender that merely woke late finds its count in place and goes, counted once.

Each reservation carries a random token, and the script keeps its reply under
``:booking:<token>`` for a few seconds: a reservation retried after a lost reply
(a client-side timeout; the first try may have run) gets its first booking back
instead of booking and counting twice.

Redis unreachable: exactly as :class:`~zapi_async.RedisRateLimiter` (the same
machinery): it fails closed, retrying every ``retry_interval`` and raising
:class:`~zapi_async.errors.LimiterUnavailableError` after ``unavailable_timeout``;
or, with ``fallback=`` (e.g. a :class:`~zapi_async.limits.pacing.PacedLimiter` with this
process's share of the cap), it paces locally until Redis answers again. Sends
paced by the fallback are not counted in Redis.
"""

from __future__ import annotations

import asyncio
import math
import random
import secrets
from datetime import date, timedelta
from typing import Any

from ..errors import DailyCapReachedError, SettingsError
from ._redis_store import (
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
#: Milliseconds a reservation's reply is kept for a retry, beyond the retry budget.
_REPLY_KEPT_MS = 5000

# Verdicts of _RESERVE.
_PAUSED, _BOOKED, _CAPPED, _NEXT_DAY = 0, 1, 2, 3

# KEYS: schedule, pause, day, this reservation's reply. ARGV: min_gap, max_gap
# (microseconds), a draw in [0, 1), the day and epoch of the count the message
# already holds ('', '': none), daily cap (-1: none), warm-up start (days since
# 1970-01-01, '': none), warm-up initial, warm-up growth, the reservation's token
# (also the epoch of a new day's count), milliseconds to keep the reply.
# Returns {verdict, wait, epoch, day, cap}: _PAUSED, wait the pause out (nothing
# booked; an epoch: the message holds that day's count); _CAPPED, today's cap is
# used up (nothing booked or counted); _NEXT_DAY, the slot would open on a later
# day: wait for it to begin (nothing booked; a count held today is given back);
# _BOOKED, counted on `day` under `epoch`, and a slot booked that opens in `wait`.
# A repeated token (a retry after a lost reply) returns the first reply, or, if a
# pause began or the day changed since, books again knowing what the first did.
_RESERVE = (
    NOW
    + """
local today = math.floor(now / 86400000000)
local day = string.format('%d', today)
local held_day, held_epoch = ARGV[4], ARGV[5]
local done = redis.call('GET', KEYS[4])
if done then
  local v, at, e, d, c = string.match(done, '^(%d) (%d+) (%S*) (%d+) (%-?%d+)$')
  if d == day and (v == '3' or paused <= now) then
    return {tonumber(v), tonumber(at) - now, e, today, tonumber(c)}
  end
  -- A pause began, or the day changed, since: book anew, from what the first try did.
  held_day, held_epoch = d, e
end
if paused > now then return {0, paused - now, held_epoch, tonumber(held_day) or 0, 0} end
local cap = tonumber(ARGV[6])
local function reply(verdict, at, epoch)
  redis.call('SET', KEYS[4], string.format('%d %.0f %s %d %.0f', verdict, at, epoch, today, cap),
             'PX', ARGV[11])
  return {verdict, at - now, epoch, today, cap}
end
local held = redis.call('HMGET', KEYS[3], 'day', 'sent', 'epoch')
local sent, epoch = 0, ARGV[10]
if held[1] == day then
  sent = tonumber(held[2]) or 0
  epoch = held[3] or ARGV[10]
end
local counted = held_day == day and held_epoch == epoch
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0))
local opens = math.floor(slot / 86400000000)
if opens > today then
  if counted then redis.call('HSET', KEYS[3], 'sent', math.max(sent - 1, 0)) end
  return reply(3, opens * 86400000000, '')
end
if ARGV[7] ~= '' then
  local age = math.max(0, today - tonumber(ARGV[7]))
  local ramp = tonumber(ARGV[8]) * tonumber(ARGV[9]) ^ age
  if cap < 0 or ramp < cap then
    if ramp >= """
    + repr(_NO_CAP_ABOVE)
    + """ then cap = -1 else cap = math.floor(ramp) end
  end
end
if not counted then
  if cap >= 0 and sent >= cap then return {2, 0, '', today, cap} end
  redis.call('HSET', KEYS[3], 'day', day, 'sent', sent + 1, 'epoch', epoch)
  redis.call('PEXPIREAT', KEYS[3], (today + 1) * 86400000)
end
local low, high = tonumber(ARGV[1]), tonumber(ARGV[2])
if high > 0 then store(KEYS[1], slot + low + tonumber(ARGV[3]) * (high - low)) end
return reply(1, slot, epoch)
"""
)

# KEYS: schedule, pause, day. ARGV: the day and epoch of the message's count. Run
# after sleeping until a booked slot. Returns 0: go; > 0: a pause began (its time
# left); -1: Redis lost the count (a restart); -2: the day changed. Else book again.
_CONFIRM = (
    NOW
    + """
if string.format('%d', math.floor(now / 86400000000)) ~= ARGV[1] then return -2 end
local held = redis.call('HMGET', KEYS[3], 'day', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return -1 end
if paused > now then return paused - now end
return 0
"""
)

# KEYS: schedule, pause, day, the last reservation's reply. ARGV: the day and epoch
# of the message's count as the caller knows it (the reply, if kept, knows better:
# the caller may not have received it). Gives the count back (never sent).
_GIVE_BACK = """
local epoch, day = ARGV[2], ARGV[1]
local done = redis.call('GET', KEYS[4])
if done then epoch, day = string.match(done, '^%d %d+ (%S*) (%d+)') end
local held = redis.call('HMGET', KEYS[3], 'day', 'sent', 'epoch')
if epoch ~= '' and held[1] == day and held[3] == epoch and (tonumber(held[2]) or 0) > 0 then
  redis.call('HINCRBY', KEYS[3], 'sent', -1)
  redis.call('DEL', KEYS[4])
  return 1
end
return 0
"""

# KEYS: schedule, pause, day. Returns {day, sent} (today's count so far).
_SENT_TODAY = (
    NOW
    + """
local day = string.format('%d', math.floor(now / 86400000000))
if redis.call('HGET', KEYS[3], 'day') ~= day then return {day, 0} end
return {day, tonumber(redis.call('HGET', KEYS[3], 'sent') or 0)}
"""
)


def pace_key(instance_id: str) -> str:
    """The default Redis key of an instance's pacing: ``zapi:{<instance_id>}:pace``
    (the next free slot; ``:day`` holds today's count and its epoch,
    ``:booking:<token>`` a reservation's reply for a few seconds)."""
    return f"zapi:{{{instance_id}}}:pace"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisPacer(RedisScripts):
    """A :class:`~zapi_async.PacingProfile` applied to one instance through Redis,
    shared by every process that paces that instance.

    * ``redis``: a ``redis.asyncio.Redis`` (borrowed, never closed here).
    * ``instance_id``: the instance; the keys become :func:`pace_key` (``zapi:{<id>}
      :pace``, ``...:pace:day``, ``...:pace:booking:<token>``) and the pause is the
      instance's :class:`~zapi_async.RedisRateLimiter` pause (``zapi:{<id>}:limit:
      pause``), so a 429 seen by either holds both. Or pass ``key=`` (the pause is
      then ``key + ":pause"``).
    * ``profile``: the :class:`~zapi_async.PacingProfile`. Every process pacing an
      instance should use the same one.
    * ``unavailable_timeout``, ``retry_interval``, ``fallback``, ``clock``, ``sleep``:
      as for :class:`~zapi_async.RedisRateLimiter` (fail closed by default).
    * ``rng``: draws the gaps (default: a fresh ``random.Random``).

    ``acquire()`` raises :class:`~zapi_async.errors.DailyCapReachedError` at once
    (nothing counted, nothing booked) when today's cap is used up; a cancelled
    ``acquire()`` gives its count back (its slot in the gap schedule is not reused).
    A message counts for the UTC day it is let out: a slot that would open after
    midnight is booked at midnight, against the new day's cap.
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
            [key, pause, key + ":day"],
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
        self._confirm = self._script(_CONFIRM)
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
        counted: tuple[str, str] | None = None  # the (day, epoch) the message is counted in
        token = ""
        try:
            while True:
                token = secrets.token_hex(8)
                args = self._args(counted, token)
                verdict, wait_us, epoch, day, cap = await self._run(
                    self._reserve, args, self._with(token)
                )
                verdict, wait, day = int(verdict), int(wait_us) / MICROS, str(int(day))
                if _text(epoch):
                    counted = (day, _text(epoch))
                if verdict == _CAPPED:
                    raise DailyCapReachedError(int(cap), _EPOCH_DAY + timedelta(days=int(day)))
                if verdict != _BOOKED:  # paused, or the slot is on a later day: wait, retry
                    if verdict == _NEXT_DAY:
                        counted = None
                    await self._sleep(wait)
                    continue
                if wait <= 0:
                    return
                await self._sleep(wait)
                if int(await self._run(self._confirm, [day, _text(epoch)])) == 0:
                    return
                # A pause began while we slept, the day changed, or Redis lost the count
                # (a restart): book again; the script counts the message again if needed.
        except asyncio.CancelledError:
            # Never sent: give the count back (one short try), as the last reply says.
            day, epoch = counted or ("", "")
            await self._run_once(self._give_back, [day, epoch], self._with(token))
            raise

    def _with(self, token: str) -> list[str]:
        return [*self._keys, f"{self.key}:booking:{token}"]

    def _args(self, counted: tuple[str, str] | None, token: str) -> list[str]:
        profile = self.profile
        kept = (self.unavailable_timeout + self.retry_interval) * 1000 + _REPLY_KEPT_MS
        return [
            repr(profile.min_gap * MICROS),
            repr(profile.max_gap * MICROS),
            repr(self._random.random()),
            *(counted or ("", "")),
            *self._cap_args,
            token,
            str(math.ceil(kept)),
        ]
