"""RedisPacer edge cases, against a real redis-server: a sender waking late is not
counted twice, a reservation retried after a lost reply books once, a message counts
for the UTC day it is let out (no booking crosses midnight), and a real restart
(without persistence: counted again; with it: nothing changes).

The server clock is frozen (tests/support/redis_clock.py): a :class:`Sleeper` moves
it by each wait (plus any lateness) and lets the keys expire that real time would
have expired meanwhile (those with a time to live shorter than the jump).
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import TimeoutError as RedisTimeoutError

from tests.support.redis_clock import CLOCK_KEY, FROZEN_TIME, Recorder, TimeTravel
from tests.support.redis_server import RedisServer
from zapi_async import PacingProfile, RedisPacer
from zapi_async.errors import DailyCapReachedError
from zapi_async.limits.redis_pacer import pace_key

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0PACEREDGES"
KEY = pace_key(INSTANCE)
#: Far ahead of real time, so keys expiring at a day's end (real time) do not expire.
DAY0 = date(2100, 1, 1)
STEADY = PacingProfile(min_gap=1.0, max_gap=1.0, daily_cap=10)


def at(day: date, hour: int = 0, minute: int = 0, second: float = 0.0) -> int:
    """``day`` at ``hour:minute:second`` UTC, in microseconds since 1970."""
    seconds = (day - date(1970, 1, 1)).days * 86400 + hour * 3600 + minute * 60
    return round((seconds + second) * 1_000_000)


class FrozenPacer(RedisPacer):
    __slots__ = ()
    _server_time = FROZEN_TIME


async def expire_as_if(redis: Redis, seconds: float) -> None:
    """Delete the keys real time would expire within ``seconds`` (the clock key aside)."""
    async for name in redis.scan_iter():
        if name != CLOCK_KEY.encode() and 0 <= await redis.pttl(name) <= seconds * 1000:
            await redis.delete(name)


class Sleeper(TimeTravel):
    """A :class:`TimeTravel` that expires keys as the time passes, as real time would."""

    async def passing(self, seconds: float) -> None:
        await expire_as_if(self._redis, seconds)

    async def now(self) -> int:
        return int(await self._redis.get(CLOCK_KEY) or 0)


def pacer(redis: Any, profile: PacingProfile, sleep: Any, **options: Any) -> FrozenPacer:
    return FrozenPacer(redis, INSTANCE, profile=profile, sleep=sleep, **options)


def day_of(micros: int) -> date:
    return date(1970, 1, 1) + timedelta(days=micros // 86_400_000_000)


async def released_days(shared: RedisPacer, sleeper: Sleeper, count: int) -> list[date]:
    """The UTC day (server clock) each of ``count`` acquires was let out on."""
    days = []
    for _ in range(count):
        await shared.acquire()
        days.append(day_of(await sleeper.now()))
    return days


# -- a late sleeper is not counted twice ------------------------------------------------------


async def test_a_sender_waking_late_is_not_counted_twice(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 10))
    sleeper = Sleeper(redis, late=(30.0,))
    shared = pacer(redis, STEADY, sleeper)
    await shared.acquire()
    # Sleeps 1 s for its slot and wakes 30 s late: the booking's keys have expired,
    # but nothing was lost, so the message goes out on its first count.
    await shared.acquire()
    assert sleeper.waits == [1.0]
    assert await shared.sent_today() == 2


async def test_a_restart_without_persistence_still_counts_and_books_again(
    own_redis_server: RedisServer,
) -> None:
    redis = Redis.from_url(own_redis_server.url)
    try:
        await redis.set(CLOCK_KEY, at(DAY0, 10))
        sleeper = Sleeper(redis)
        shared = pacer(redis, STEADY, sleeper, retry_interval=0.05)
        await shared.acquire()

        async def redis_restarts_empty() -> None:
            clock = await redis.get(CLOCK_KEY)
            await asyncio.to_thread(own_redis_server.stop)
            await asyncio.to_thread(own_redis_server.start)
            await redis.connection_pool.disconnect()  # the old connections are dead
            await redis.set(CLOCK_KEY, clock or b"0")

        sleeper.during = redis_restarts_empty
        await shared.acquire()
        # The count and the schedule were lost: counted again (today starts afresh),
        # and the lost booking was made again (at once: the new schedule is empty).
        assert sleeper.waits == [1.0]
        assert await shared.sent_today() == 1
        assert await redis.get(KEY) == str(at(DAY0, 10, second=2.0)).encode()
    finally:
        await redis.aclose()


async def test_a_restart_with_persistence_changes_nothing(
    persistent_redis_server: RedisServer,
) -> None:
    redis = Redis.from_url(persistent_redis_server.url)
    try:
        await redis.set(CLOCK_KEY, at(DAY0, 10))
        sleeper = Sleeper(redis)
        shared = pacer(redis, STEADY, sleeper, retry_interval=0.05)
        await shared.acquire()

        async def redis_restarts() -> None:
            await asyncio.to_thread(persistent_redis_server.stop)
            await asyncio.to_thread(persistent_redis_server.start)
            await redis.connection_pool.disconnect()

        sleeper.during = redis_restarts
        await shared.acquire()
        await shared.acquire()
        assert sleeper.waits == [1.0, 1.0]
        assert await shared.sent_today() == 3
    finally:
        await redis.aclose()


# -- a reservation retried after a lost reply books once ---------------------------------------


class LosesReplies:
    """A ``redis`` for the pacer whose next ``lose`` script replies are lost after the
    script ran on the server (a client-side timeout reading the answer)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.lose = 0

    def register_script(self, script: str) -> Any:
        real = self.redis.register_script(script)

        async def run(keys: list[str], args: list[str]) -> Any:
            reply = await real(keys=keys, args=args)
            if self.lose:
                self.lose -= 1
                raise RedisTimeoutError("Timeout reading from 127.0.0.1")
            return reply

        return run


async def test_a_reservation_retried_after_a_lost_reply_is_booked_once(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 10))
    flaky, recorder = LosesReplies(redis), Recorder()
    shared = pacer(flaky, STEADY, recorder)
    flaky.lose = 1
    await shared.acquire()
    # The retry (after retry_interval) got the first booking back: one count, one slot.
    assert recorder.waits == [0.25]
    assert await shared.sent_today() == 1
    assert await redis.get(KEY) == str(at(DAY0, 10, second=1.0)).encode()
    await shared.acquire()
    assert recorder.waits == [0.25, 1.0]
    assert await shared.sent_today() == 2


async def test_a_send_cancelled_after_a_lost_reply_gives_its_count_back(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 10))
    flaky, retrying = LosesReplies(redis), asyncio.Event()

    async def forever(seconds: float) -> None:
        retrying.set()
        await asyncio.Event().wait()

    shared = pacer(flaky, STEADY, forever)
    flaky.lose = 1
    waiting = asyncio.create_task(shared.acquire())
    await retrying.wait()  # the reply was lost; it waits to retry
    assert await shared.sent_today() == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await shared.sent_today() == 0


async def test_a_retry_finding_a_pause_since_waits_it_out_counted_once(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 10))
    flaky, sleeper = LosesReplies(redis), Sleeper(redis)
    shared, other = pacer(flaky, STEADY, sleeper), pacer(redis, STEADY, Recorder())

    async def a_429_meanwhile() -> None:
        await other.pause(5.0)

    sleeper.during = a_429_meanwhile
    flaky.lose = 1
    await shared.acquire()
    # The first try booked a slot (now); the retry found a pause: it waited it out
    # rather than go during it, and was not counted again.
    assert sleeper.waits == [0.25, 4.75]
    assert await shared.sent_today() == 1


async def test_a_retry_after_midnight_counts_for_the_new_day(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 23, 59, 59.9))
    flaky, sleeper = LosesReplies(redis), Sleeper(redis)
    shared = pacer(flaky, STEADY, sleeper)
    flaky.lose = 1
    # The first try counted on DAY0 and booked 23:59:59.9; the retry came at 00:00:00.15.
    assert await released_days(shared, sleeper, 1) == [DAY0 + timedelta(days=1)]
    assert sleeper.waits == pytest.approx([0.25, 0.75])
    assert await shared.sent_today() == 1


# -- a message counts for the day it is let out ----------------------------------------------


async def test_no_booking_crosses_midnight(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 23, 59, 58.0))
    sleeper = Sleeper(redis)
    shared = pacer(redis, PacingProfile(min_gap=5.0, max_gap=5.0, daily_cap=2), sleeper)
    # The second slot would open at 00:00:03: it waits for midnight and books then,
    # counted against the new day, which so lets out exactly its cap.
    next_day = DAY0 + timedelta(days=1)
    assert await released_days(shared, sleeper, 3) == [DAY0, next_day, next_day]
    with pytest.raises(DailyCapReachedError) as caught:
        await shared.acquire()
    assert (caught.value.cap, caught.value.day) == (2, next_day)
    assert sleeper.waits == [2.0, 3.0, 5.0]
    assert await shared.sent_today() == 2


async def test_a_sender_waking_after_midnight_counts_for_the_new_day(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 23, 59, 59.0))
    sleeper = Sleeper(redis, late=(0.7,))
    shared = pacer(redis, PacingProfile(min_gap=0.5, max_gap=0.5, daily_cap=10), sleeper)
    # Booked for 23:59:59.5, woke at 00:00:00.2: it goes out on, and counts for, the new day.
    assert await released_days(shared, sleeper, 2) == [DAY0, DAY0 + timedelta(days=1)]
    assert sleeper.waits == [0.5]
    assert await shared.sent_today() == 1


async def test_a_pause_into_the_next_day_moves_the_count_to_it(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, at(DAY0, 23, 59, 50.0))
    sleeper = Sleeper(redis)
    profile = PacingProfile(min_gap=5.0, max_gap=5.0, daily_cap=10)
    shared, other = pacer(redis, profile, sleeper), pacer(redis, profile, Recorder())
    await shared.acquire()

    async def a_429_until_after_midnight() -> None:
        await other.pause(30.0)

    sleeper.during = a_429_until_after_midnight
    assert await released_days(shared, sleeper, 1) == [DAY0 + timedelta(days=1)]
    assert sleeper.waits == [5.0, 25.0]
    assert await shared.sent_today() == 1
