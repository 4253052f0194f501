"""RedisPacer against a real redis-server: one gap schedule and one daily cap (with
its warm-up ramp) per instance, shared by every pacer of it; pauses; cancellation;
Redis lost or restarted.

Time is exact: :class:`FrozenPacer` reads the "server time" from a Redis key and a
:class:`TimeTravel` sleep moves it (tests/support/redis_clock.py). The test with
real worker processes is tests/campaigns/test_campaign_pacing.py.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import date, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.support.redis_clock import CLOCK_KEY, FROZEN_TIME, Recorder, TimeTravel
from tests.support.redis_server import RedisServer, unreachable_redis
from zapi_async import PacingProfile, RedisPacer, RedisRateLimiter, ZapiClient
from zapi_async.errors import DailyCapReachedError, LimiterUnavailableError
from zapi_async.limits.pacing import PacedLimiter
from zapi_async.limits.rate import Limiter
from zapi_async.limits.redis_pacer import pace_key

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0PACERINSTANCE"
KEY = "zapi:{3C0FFEE0PACERINSTANCE}:pace"
DAY_KEY = KEY + ":day"
PAUSE_KEY = "zapi:{3C0FFEE0PACERINSTANCE}:limit:pause"
#: 2100-01-01 00:00 UTC plus 10 h, in microseconds (key expiries are in real time).
DAY0 = date(2100, 1, 1)
START = (int((DAY0 - date(1970, 1, 1)).days) * 86400 + 10 * 3600) * 1_000_000
GAPS = PacingProfile(min_gap=2.0, max_gap=6.0)


class FrozenPacer(RedisPacer):
    """A RedisPacer whose scripts read the server clock from ``CLOCK_KEY``."""

    __slots__ = ()
    _server_time = FROZEN_TIME


class FrozenRate(RedisRateLimiter):
    __slots__ = ()
    _server_time = FROZEN_TIME


class FakeTime:
    """A local clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
async def frozen_clock(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, START)


def pacer(redis: Redis, profile: PacingProfile, sleep: Any, **options: Any) -> FrozenPacer:
    return FrozenPacer(redis, INSTANCE, profile=profile, sleep=sleep, **options)


async def set_day(redis: Redis, day: date, hour: int = 12) -> None:
    seconds = (day - date(1970, 1, 1)).days * 86400 + hour * 3600
    await redis.set(CLOCK_KEY, seconds * 1_000_000)


async def used_up_after(shared: RedisPacer) -> int:
    """How many ``acquire()`` pass before the daily cap refuses one."""
    passed = 0
    while True:
        try:
            await shared.acquire()
        except DailyCapReachedError:
            return passed
        passed += 1


# -- the gap schedule ----------------------------------------------------------------------


async def test_gaps_are_drawn_between_min_and_max_and_follow_each_other(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = pacer(redis, GAPS, travel, rng=random.Random(7))
    draws = random.Random(7)
    expected = [2.0 + draws.random() * 4.0 for _ in range(5)]
    for _ in range(5):
        await shared.acquire()
    # The first goes at once; each next one waits the gap drawn by the one before.
    assert travel.waits == pytest.approx(expected[:4], abs=1e-6)
    assert all(2.0 <= wait <= 6.0 for wait in travel.waits)


async def test_two_processes_worth_of_pacers_share_one_schedule(
    redis_server: RedisServer, redis: Redis
) -> None:
    other = Redis.from_url(redis_server.url)
    try:
        first, second = Recorder(), Recorder()
        a = pacer(redis, PacingProfile(min_gap=1.0, max_gap=1.0), first)
        b = pacer(other, PacingProfile(min_gap=1.0, max_gap=1.0), second)
        await a.acquire()
        await b.acquire()
        await a.acquire()
        await b.acquire()
    finally:
        await other.aclose()
    # The clock stands still: each booking is one gap after the previous one, whoever made it.
    assert first.waits == [2.0]
    assert second.waits == [1.0, 3.0]


async def test_no_gaps_without_max_gap(redis: Redis) -> None:
    recorder = Recorder()
    shared = pacer(redis, PacingProfile(daily_cap=5), recorder)
    for _ in range(5):
        await shared.acquire()
    assert recorder.waits == []
    assert await redis.exists(KEY) == 0


# -- the daily cap and the warm-up -----------------------------------------------------------


async def test_the_daily_cap_is_shared_and_refusals_count_nothing(
    redis_server: RedisServer, redis: Redis
) -> None:
    other = Redis.from_url(redis_server.url)
    try:
        profile = PacingProfile(daily_cap=3)
        a, b = pacer(redis, profile, Recorder()), pacer(other, profile, Recorder())
        await a.acquire()
        await b.acquire()
        await a.acquire()
        for shared in (a, b, b):
            with pytest.raises(DailyCapReachedError) as caught:
                await shared.acquire()
            assert (caught.value.cap, caught.value.day) == (3, DAY0)
        assert str(caught.value) == "daily cap of 3 messages reached for 2100-01-01 (UTC)"
        assert await a.sent_today() == await b.sent_today() == 3
    finally:
        await other.aclose()


async def test_the_count_expires_at_the_day_boundary_and_restarts_the_next_day(
    redis: Redis,
) -> None:
    shared = pacer(redis, PacingProfile(daily_cap=2), Recorder())
    assert await used_up_after(shared) == 2
    midnight_ms = ((DAY0 - date(1970, 1, 1)).days + 1) * 86_400_000
    assert await redis.pexpiretime(DAY_KEY) == midnight_ms
    day_number = str((DAY0 - date(1970, 1, 1)).days).encode()
    count = await redis.hgetall(DAY_KEY)
    assert (count[b"day"], count[b"sent"], len(count[b"epoch"])) == (day_number, b"2", 16)
    await set_day(redis, DAY0 + timedelta(days=1), hour=0)
    assert await shared.sent_today() == 0
    assert await used_up_after(shared) == 2


@pytest.mark.parametrize(
    "profile",
    [
        PacingProfile(daily_cap=40, warmup_start=DAY0, warmup_initial=3, warmup_growth=2.0),
        PacingProfile(warmup_start=DAY0, warmup_initial=2, warmup_growth=1.5),
        PacingProfile(daily_cap=7, warmup_start=DAY0 + timedelta(days=3), warmup_initial=5),
    ],
)
async def test_the_warm_up_ramp_is_the_local_profiles(redis: Redis, profile: PacingProfile) -> None:
    shared = pacer(redis, profile, Recorder())
    allowed = []
    for age in range(6):
        await set_day(redis, DAY0 + timedelta(days=age))
        allowed.append(await used_up_after(shared))
    assert allowed == [profile.cap_for(DAY0 + timedelta(days=age)) for age in range(6)]


async def test_a_number_warmed_up_long_ago_has_only_its_daily_cap(redis: Redis) -> None:
    old = DAY0 - timedelta(days=4000)  # 2.0 ** 4000 overflows a double
    capped = pacer(redis, PacingProfile(daily_cap=4, warmup_start=old), Recorder())
    assert await used_up_after(capped) == 4
    await redis.delete(DAY_KEY)
    uncapped = pacer(redis, PacingProfile(warmup_start=old), Recorder())
    for _ in range(50):
        await uncapped.acquire()
    assert PacingProfile(warmup_start=old).cap_for(DAY0) is None


# -- pauses, cancellation, restarts ----------------------------------------------------------


async def test_a_rate_limiters_pause_holds_the_pacer_and_vice_versa(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = pacer(redis, PacingProfile(min_gap=1.0, max_gap=1.0), travel)
    rate = FrozenRate(redis, INSTANCE, rate=10, sleep=Recorder())
    assert shared.pause_key == rate.pause_key == PAUSE_KEY
    await rate.pause(3.0)
    await shared.acquire()
    assert travel.waits == [3.0]
    await shared.pause(5.0)
    await shared.acquire()
    # The pause moved the schedule past it: the next slot opens right after it.
    assert travel.waits == [3.0, 5.0]
    await shared.acquire()
    assert travel.waits == [3.0, 5.0, 1.0]


async def test_a_pause_during_a_wait_rebooks_without_counting_twice(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = pacer(redis, PacingProfile(min_gap=1.0, max_gap=1.0, daily_cap=10), travel)
    other = pacer(redis, PacingProfile(min_gap=1.0, max_gap=1.0, daily_cap=10), Recorder())
    await shared.acquire()

    async def another_process_gets_a_429() -> None:
        await other.pause(4.0)

    travel.during = another_process_gets_a_429
    await shared.acquire()
    # Slept 1 s for the slot, found the pause (3 s left), waited it out.
    assert travel.waits == [1.0, 3.0]
    assert await shared.sent_today() == 2


async def test_a_cancelled_acquire_gives_its_count_back(redis: Redis) -> None:
    asleep = asyncio.Event()

    async def forever(seconds: float) -> None:
        asleep.set()
        await asyncio.Event().wait()

    shared = pacer(redis, PacingProfile(min_gap=5.0, max_gap=5.0, daily_cap=10), forever)
    await shared.acquire()
    waiting = asyncio.create_task(shared.acquire())
    await asleep.wait()
    assert await shared.sent_today() == 2
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await shared.sent_today() == 1


async def test_keys_lost_in_a_restart_are_counted_again(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = pacer(redis, PacingProfile(min_gap=1.0, max_gap=1.0, daily_cap=10), travel)
    await shared.acquire()

    async def redis_restarts_empty() -> None:
        clock = await redis.get(CLOCK_KEY)
        await redis.flushall()
        await redis.set(CLOCK_KEY, clock or b"0")

    travel.during = redis_restarts_empty
    await shared.acquire()
    # The booking was lost with the keys: booked (and counted) again, at once.
    assert travel.waits == [1.0]
    assert await shared.sent_today() == 1


# -- Redis unreachable: as RedisRateLimiter ---------------------------------------------------


async def test_it_fails_closed_when_redis_is_away() -> None:
    down, time = unreachable_redis(), FakeTime()
    try:
        shared = RedisPacer(
            down, INSTANCE, profile=GAPS, unavailable_timeout=0.5, clock=time.clock,
            sleep=time.sleep,
        )  # fmt: skip
        with pytest.raises(LimiterUnavailableError) as caught:
            await shared.acquire()
        with pytest.raises(LimiterUnavailableError):
            await shared.pause(1.0)
    finally:
        await down.aclose()
    assert (caught.value.key, caught.value.waited) == (KEY, 0.5)
    assert caught.value.reason.startswith("ConnectionError: Error 111 connecting to 127.0.0.1:")


async def test_a_local_fallback_paces_while_redis_is_away(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down, time = unreachable_redis(), FakeTime()
    local = PacedLimiter(
        PacingProfile(min_gap=1.0, max_gap=1.0, daily_cap=2),
        clock=time.clock,
        sleep=time.sleep,
    )
    try:
        shared = RedisPacer(
            down, INSTANCE, profile=GAPS, unavailable_timeout=0, fallback=local,
            clock=time.clock, sleep=time.sleep,
        )  # fmt: skip
        with caplog.at_level(logging.WARNING, logger="zapi_async.limits.rate"):
            await shared.acquire()
            await shared.acquire()
            with pytest.raises(DailyCapReachedError):
                await shared.acquire()
    finally:
        await down.aclose()
    assert time.sleeps == [1.0]
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"Redis unreachable for pacing {KEY}"
    ]


# -- construction ------------------------------------------------------------------------------


class NoRedis:
    def register_script(self, script: str) -> None:
        return None


def test_keys_repr_and_options() -> None:
    client = ZapiClient(INSTANCE, "SECRET-TOKEN-never-in-keys")
    shared = RedisPacer.for_client(NoRedis(), client, PacingProfile.careful())
    assert (shared.key, shared.pause_key, pace_key(INSTANCE)) == (KEY, PAUSE_KEY, KEY)
    assert isinstance(shared, Limiter)
    assert repr(shared).startswith(f"RedisPacer(key='{KEY}', profile=PacingProfile(min_gap=2.0")
    assert "SECRET" not in repr(shared) + shared.key + shared.pause_key
    custom = RedisPacer(NoRedis(), key="bot:{shop}:pace", profile=GAPS)
    assert custom.pause_key == "bot:{shop}:pace:pause"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, r"^RedisPacer needs exactly one of instance_id or key$"),
        ({"instance_id": "X", "key": "k"}, r"^RedisPacer needs exactly one of instance_id or key$"),
        ({"instance_id": "X", "profile": None}, r"^RedisPacer\.profile should be a PacingProfile"),
        (
            {"instance_id": "X", "unavailable_timeout": -1},
            r"^RedisPacer\.unavailable_timeout should be >= 0 seconds, but was -1$",
        ),
        (
            {"instance_id": "X", "retry_interval": 0},
            r"^RedisPacer\.retry_interval should be > 0 seconds, but was 0$",
        ),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    options.setdefault("profile", GAPS)
    with pytest.raises(ValueError, match=message):
        RedisPacer(NoRedis(), **options)
