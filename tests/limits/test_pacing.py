"""Pacing profiles: jittered gaps, daily cap, UTC day rollover, warm-up ramp, validation."""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import re
from datetime import date, datetime, timezone

import pytest

from tests.support.clock import VirtualClock, within
from tests.support.fake_zapi import FakeZapi, make_client, text
from zapi_async.errors import DailyCapReachedError
from zapi_async.limits.pacing import PacedLimiter, PacingProfile
from zapi_async.limits.rate import RateLimiter
from zapi_async.sending.queue import SendQueue

MAY_1_LATE = datetime(2024, 5, 1, 23, 59, 58, tzinfo=timezone.utc).timestamp()


class WallClock:
    """A settable wall clock (seconds since the epoch)."""

    def __init__(self, now: float = MAY_1_LATE) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def paced(
    clock: VirtualClock, profile: PacingProfile, *, seed: int = 7, wall: WallClock | None = None
) -> PacedLimiter:
    return PacedLimiter(
        profile,
        clock=clock.time,
        sleep=clock.sleep,
        wall_clock=wall or WallClock(),
        rng=random.Random(seed),
    )


async def grant_times(clock: VirtualClock, limiter: PacedLimiter, count: int) -> list[float]:
    times = [math.nan] * count

    async def one(k: int) -> None:
        await limiter.acquire()
        times[k] = clock.now

    tasks = [asyncio.ensure_future(one(k)) for k in range(count)]
    await clock.run(*tasks)
    return times


async def test_gaps_are_jittered_within_bounds_and_reproducible(clock: VirtualClock) -> None:
    profile = PacingProfile(min_gap=2.0, max_gap=6.0)
    t0 = clock.now
    times = await grant_times(clock, paced(clock, profile, seed=7), 30)
    rng = random.Random(7)
    expected_gaps = [rng.uniform(2.0, 6.0) for _ in range(29)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert times[0] == t0  # the first message does not wait
    assert gaps == pytest.approx(expected_gaps, abs=1e-9)
    assert all(2.0 <= gap <= 6.0 for gap in gaps)
    assert len({round(gap, 6) for gap in gaps}) == 29  # no fixed rhythm


async def test_gap_is_on_top_of_the_rate_limit_not_added_to_it(clock: VirtualClock) -> None:
    # A rate limit slower than the gaps dominates; the gap never adds a second wait.
    profile = PacingProfile(min_gap=0.5, max_gap=0.5)
    inner = RateLimiter(1, clock=clock.time, sleep=clock.sleep)
    limiter = PacedLimiter(profile, inner, clock=clock.time, sleep=clock.sleep)
    t0 = clock.now
    assert await grant_times(clock, limiter, 3) == pytest.approx([t0, t0 + 1, t0 + 2], abs=1e-9)


async def test_a_pause_also_holds_senders_waiting_out_a_gap(clock: VirtualClock) -> None:
    profile = PacingProfile(min_gap=1.0, max_gap=1.0)
    limiter = paced(clock, profile)
    t0 = clock.now
    await limiter.acquire()  # t0; the next booked slot is t0 + 1
    waiting = [asyncio.ensure_future(limiter.acquire()) for _ in range(2)]
    await clock.wait_sleepers(2)
    await limiter.pause(30)  # a 429 at t0
    done: list[float] = []
    for task in waiting:
        task.add_done_callback(lambda _: done.append(clock.now))
    await clock.run(*waiting)
    # Nobody goes during the pause, and the gaps still apply after it.
    assert done == pytest.approx([t0 + 30, t0 + 31], abs=1e-9)


async def test_daily_cap_refuses_beyond_the_cap(clock: VirtualClock) -> None:
    wall = WallClock()
    limiter = paced(clock, PacingProfile(daily_cap=3), wall=wall)
    for _ in range(3):
        await limiter.acquire()
    assert limiter.sent_today == 3
    with pytest.raises(DailyCapReachedError) as caught:
        await limiter.acquire()
    assert str(caught.value) == "daily cap of 3 messages reached for 2024-05-01 (UTC)"
    assert (caught.value.cap, caught.value.day) == (3, date(2024, 5, 1))
    assert limiter.sent_today == 3  # a refusal does not count


async def test_a_new_utc_day_resets_the_count(clock: VirtualClock) -> None:
    wall = WallClock()
    limiter = paced(clock, PacingProfile(daily_cap=2), wall=wall)
    await limiter.acquire()
    await limiter.acquire()
    with pytest.raises(DailyCapReachedError):
        await limiter.acquire()
    wall.now += 2  # 2024-05-02 00:00:00 UTC
    assert limiter.sent_today == 0
    await limiter.acquire()
    await limiter.acquire()
    assert limiter.sent_today == 2
    with pytest.raises(DailyCapReachedError, match="for 2024-05-02 "):
        await limiter.acquire()


async def test_a_cancelled_acquire_does_not_use_up_the_cap(clock: VirtualClock) -> None:
    limiter = paced(clock, PacingProfile(min_gap=5, max_gap=5, daily_cap=2))
    await limiter.acquire()
    waiter = asyncio.ensure_future(limiter.acquire())  # waits out the 5 s gap
    await clock.wait_sleepers(1)
    assert limiter.sent_today == 2
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert limiter.sent_today == 1
    task = asyncio.ensure_future(limiter.acquire())
    await clock.run(task)
    assert limiter.sent_today == 2


async def test_daily_cap_through_a_queue_sends_nothing_beyond_it(fake_zapi: FakeZapi) -> None:
    async with make_client(fake_zapi) as zapi:
        queue = SendQueue(zapi, pacing=PacingProfile(daily_cap=4), workers=3)
        async with queue:
            futures = [await queue.submit(text(f"55119000000{i:02d}", f"m{i}")) for i in range(10)]
    assert len(fake_zapi.arrivals) == 4
    errors = [f.exception() for f in futures]
    assert sum(e is None for e in errors) == 4
    refused = [e for e in errors if e is not None]
    assert len(refused) == 6
    assert all(isinstance(e, DailyCapReachedError) for e in refused)
    # Held back before sending: "unsent", safe to send again another day.
    assert queue.stats.sent == 4
    assert queue.stats.unsent == 6
    assert queue.stats.failed == 0


async def test_paced_queue_spaces_sends_across_workers(
    fake_zapi: FakeZapi, clock: VirtualClock
) -> None:
    profile = PacingProfile(min_gap=10, max_gap=10)
    limiter = PacedLimiter(profile, clock=clock.time, sleep=clock.sleep)
    async with make_client(fake_zapi) as zapi:
        queue = SendQueue(zapi, limiter=limiter, workers=4)
        futures = [await queue.submit(text(f"551190000{i:04d}", f"m{i}")) for i in range(3)]
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
        await clock.wait_sleepers(2)  # the other two workers wait out their gaps
        assert len(fake_zapi.arrivals) == 1
        await clock.advance(10)
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)
        await clock.advance(9.5)
        assert len(fake_zapi.arrivals) == 2
        await clock.advance(0.5)
        await within(queue.close())
    assert fake_zapi.max_in_flight == 1
    assert sorted(fake_zapi.texts()) == ["m0", "m1", "m2"]
    assert all(f.result() for f in futures)


def test_warmup_ramp() -> None:
    start = date(2024, 5, 1)
    profile = PacingProfile(warmup_start=start, warmup_initial=20, warmup_growth=2.0, daily_cap=100)
    caps = [profile.cap_for(date(2024, 5, d)) for d in range(1, 7)]
    assert caps == [20, 40, 80, 100, 100, 100]
    assert profile.cap_for(date(2024, 4, 1)) == 20  # before the start: day one's cap
    assert profile.cap_for(date(2031, 1, 1)) == 100  # years later: no overflow


def test_warmup_ramp_without_a_daily_cap_grows_until_unlimited() -> None:
    profile = PacingProfile(warmup_start=date(2024, 5, 1), warmup_initial=10, warmup_growth=1.5)
    assert [profile.cap_for(date(2024, 5, d)) for d in range(1, 5)] == [10, 15, 22, 33]
    assert profile.cap_for(date(2030, 1, 1)) is None


def test_no_warmup_means_the_daily_cap() -> None:
    assert PacingProfile().cap_for(date(2024, 5, 1)) is None
    assert PacingProfile(daily_cap=7).cap_for(date(2024, 5, 1)) == 7


def test_careful_preset() -> None:
    start = date(2024, 5, 1)
    assert PacingProfile.careful() == PacingProfile(min_gap=2.0, max_gap=6.0, daily_cap=1000)
    careful = PacingProfile.careful(warmup_start=start)
    assert careful.warmup_start == start
    assert [careful.cap_for(date(2024, 5, d)) for d in (1, 2, 6, 7)] == [20, 40, 640, 1000]


async def test_warmup_cap_is_enforced_per_day(clock: VirtualClock) -> None:
    wall = WallClock(datetime(2024, 5, 2, 12, tzinfo=timezone.utc).timestamp())
    profile = PacingProfile(warmup_start=date(2024, 5, 1), warmup_initial=2, warmup_growth=2.0)
    limiter = paced(clock, profile, wall=wall)
    for _ in range(4):  # day two of the ramp: 4
        await limiter.acquire()
    with pytest.raises(
        DailyCapReachedError, match="daily cap of 4 messages reached for 2024-05-02"
    ):
        await limiter.acquire()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_gap": -1}, "PacingProfile.min_gap should be a number >= 0, but was -1"),
        ({"max_gap": math.nan}, "PacingProfile.max_gap should be a number >= 0, but was nan"),
        ({"max_gap": math.inf}, "PacingProfile.max_gap should be a number >= 0, but was inf"),
        ({"min_gap": "2"}, "PacingProfile.min_gap should be a number >= 0, but was '2'"),
        (
            {"min_gap": 3.0, "max_gap": 2.0},
            "PacingProfile.max_gap should be >= min_gap (3.0), but was 2.0",
        ),
        ({"daily_cap": -5}, "PacingProfile.daily_cap should be an integer >= 0, but was -5"),
        ({"daily_cap": 2.5}, "PacingProfile.daily_cap should be an integer >= 0, but was 2.5"),
        ({"daily_cap": True}, "PacingProfile.daily_cap should be an integer >= 0, but was True"),
        (
            {"warmup_initial": 0},
            "PacingProfile.warmup_initial should be an integer >= 1, but was 0",
        ),
        (
            {"warmup_growth": 0.5},
            "PacingProfile.warmup_growth should be a number >= 1, but was 0.5",
        ),
        (
            {"warmup_start": "2024-05-01"},
            "PacingProfile.warmup_start should be a datetime.date, but was '2024-05-01'",
        ),
        (
            {"warmup_start": datetime(2024, 5, 1)},
            "PacingProfile.warmup_start should be a datetime.date, "
            "but was datetime.datetime(2024, 5, 1, 0, 0)",
        ),
    ],
)
def test_profile_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        PacingProfile(**kwargs)  # type: ignore[arg-type]


def test_profile_is_a_frozen_keyword_only_value() -> None:
    profile = PacingProfile(min_gap=1, max_gap=2)
    with pytest.raises(TypeError):
        PacingProfile(1, 2)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        profile.min_gap = 5  # type: ignore[misc]
    assert profile == PacingProfile(min_gap=1, max_gap=2)


async def test_queue_with_pacing_wraps_the_clients_limiter(fake_zapi: FakeZapi) -> None:
    async with make_client(fake_zapi) as zapi:
        queue = SendQueue(zapi, rate=100, burst=2, pacing=PacingProfile(daily_cap=1))
        async with queue:
            ok = await queue.submit(text("5511900000001", "one"))
            refused = await queue.submit(text("5511900000002", "two"))
        await within(asyncio.gather(ok, refused, return_exceptions=True))
    assert ok.result()[0].message_id == "M1"
    assert isinstance(refused.exception(), DailyCapReachedError)
