"""RateLimiter (GCRA) and Unlimited on a virtual clock: exact slot times, pauses,
cancellation, validation; and a 429 pausing one instance's queue but not another's."""

from __future__ import annotations

import asyncio
import math
import re

import pytest
from aiohttp import web

from tests.support.clock import ObservedLimiter, VirtualClock, within
from tests.support.fake_zapi import Arrival, FakeZapi, error, make_client, text
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import Limiter, RateLimiter, Unlimited
from zapi_async.sending.queue import SendQueue


def limiter_on(clock: VirtualClock, rate: float, burst: int = 1) -> RateLimiter:
    return RateLimiter(rate, burst, clock=clock.time, sleep=clock.sleep)


async def acquire_all(clock: VirtualClock, limiter: Limiter, count: int) -> list[float]:
    """Start ``count`` concurrent acquirers; return the virtual time each got through."""
    times = [math.nan] * count

    async def one(k: int) -> None:
        await limiter.acquire()
        times[k] = clock.now

    tasks = [asyncio.ensure_future(one(k)) for k in range(count)]
    await clock.run(*tasks)
    return times


def test_both_limiters_satisfy_the_protocol() -> None:
    assert isinstance(RateLimiter(1), Limiter)
    assert isinstance(Unlimited(), Limiter)
    assert repr(RateLimiter(2.5, 4)) == "RateLimiter(rate=2.5, burst=4)"


async def test_burst_then_even_spacing(clock: VirtualClock) -> None:
    t0 = clock.now
    times = await acquire_all(clock, limiter_on(clock, rate=10, burst=3), 6)
    assert times == pytest.approx([t0, t0, t0, t0 + 0.1, t0 + 0.2, t0 + 0.3], abs=1e-9)


async def test_default_burst_is_one_evenly_spaced(clock: VirtualClock) -> None:
    t0 = clock.now
    times = await acquire_all(clock, limiter_on(clock, rate=4), 4)
    assert times == pytest.approx([t0, t0 + 0.25, t0 + 0.5, t0 + 0.75], abs=1e-9)


async def test_idle_time_refills_the_burst_only_as_far_as_elapsed(clock: VirtualClock) -> None:
    limiter = limiter_on(clock, rate=10, burst=3)
    await acquire_all(clock, limiter, 5)  # the last one went at t0 + 0.2
    await clock.advance(0.25)  # idle 2.5 intervals after the last slot
    t1 = clock.now
    times = await acquire_all(clock, limiter, 3)
    # 2.5 intervals of rest buy 2 immediate sends, then the spacing resumes.
    assert times == pytest.approx([t1, t1, t1 + 0.05], abs=1e-9)


async def test_a_long_rest_refills_the_whole_burst_and_no_more(clock: VirtualClock) -> None:
    limiter = limiter_on(clock, rate=10, burst=3)
    await acquire_all(clock, limiter, 3)
    await clock.advance(3600)
    t1 = clock.now
    times = await acquire_all(clock, limiter, 4)
    assert times == pytest.approx([t1, t1, t1, t1 + 0.1], abs=1e-9)


@pytest.mark.parametrize("burst", [1, 5, 50])
async def test_long_run_rate_is_exact(clock: VirtualClock, burst: int) -> None:
    rate, count = 50, 1000
    t0 = clock.now
    times = await acquire_all(clock, limiter_on(clock, rate, burst), count)
    # The first `burst` go at once; every later one exactly 1/rate after the previous.
    expected = [t0 + max(0, k - (burst - 1)) / rate for k in range(count)]
    assert times == pytest.approx(expected, abs=1e-9)
    assert times[-1] - t0 == pytest.approx((count - burst) / rate, abs=1e-9)
    # No window of one second ever holds more than rate + burst - 1 grants.
    for k in range(count - (rate + burst - 1)):
        assert times[k + rate + burst - 1] - times[k] >= 1.0 - 1e-9


async def test_no_caller_waits_longer_than_its_slot(clock: VirtualClock) -> None:
    limiter = limiter_on(clock, rate=2)
    await limiter.acquire()
    await clock.advance(0.3)
    task = asyncio.ensure_future(limiter.acquire())
    await clock.run(task)
    assert clock.sleeps == pytest.approx([0.2], abs=1e-9)


async def test_pause_holds_every_acquirer_including_those_already_sleeping(
    clock: VirtualClock,
) -> None:
    limiter = limiter_on(clock, rate=1)
    t0 = clock.now
    first = await acquire_all(clock, limiter, 1)
    assert first == [t0]
    times: dict[str, float] = {}

    async def one(name: str) -> None:
        await limiter.acquire()
        times[name] = clock.now

    sleeping = [asyncio.ensure_future(one(name)) for name in ("b", "c")]
    await clock.wait_sleepers(2)  # b booked t0 + 1, c booked t0 + 2
    await limiter.pause(5)
    assert limiter.paused_until == t0 + 5
    late = asyncio.ensure_future(one("d"))
    await clock.run(*sleeping, late)
    # Nobody goes inside the pause; afterwards sending resumes evenly spaced.
    assert sorted(times.values()) == pytest.approx([t0 + 5, t0 + 6, t0 + 7], abs=1e-9)
    assert min(times.values()) >= t0 + 5


async def test_a_pause_never_shortens_a_longer_one(clock: VirtualClock) -> None:
    for limiter in (limiter_on(clock, rate=100), Unlimited(clock=clock.time, sleep=clock.sleep)):
        t0 = clock.now
        await limiter.pause(10)
        await limiter.pause(3)
        await limiter.pause(-1)
        assert limiter.paused_until == t0 + 10
        assert await acquire_all(clock, limiter, 1) == [t0 + 10]


async def test_a_pause_extended_while_waiting_is_honoured(clock: VirtualClock) -> None:
    limiter = Unlimited(clock=clock.time, sleep=clock.sleep)
    t0 = clock.now
    await limiter.pause(2)
    task = asyncio.ensure_future(limiter.acquire())
    await clock.advance(1)
    await limiter.pause(4)  # now t0 + 1: until t0 + 5
    await clock.run(task)
    assert clock.now == t0 + 5


async def test_unlimited_returns_at_once_without_a_pause(clock: VirtualClock) -> None:
    t0 = clock.now
    assert (
        await acquire_all(clock, Unlimited(clock=clock.time, sleep=clock.sleep), 100) == [t0] * 100
    )
    assert clock.sleeps == []


@pytest.mark.parametrize("start", [1000.0, 1000.1, 15.978, 86400.3])
async def test_a_cancelled_waiter_gives_its_slot_back(start: float) -> None:
    clock = VirtualClock(start)
    limiter = limiter_on(clock, rate=50)
    await limiter.acquire()  # at start
    waiter = asyncio.ensure_future(limiter.acquire())  # books start + 0.02
    await clock.wait_sleepers(1)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    # The next caller gets the freed slot, not the one after it.
    assert await acquire_all(clock, limiter, 1) == pytest.approx([start + 0.02], abs=1e-9)


async def test_cancelling_an_earlier_waiter_keeps_later_bookings(clock: VirtualClock) -> None:
    limiter = limiter_on(clock, rate=1)
    t0 = clock.now
    await limiter.acquire()
    b = asyncio.ensure_future(limiter.acquire())  # t0 + 1
    c = asyncio.ensure_future(limiter.acquire())  # t0 + 2
    await clock.wait_sleepers(2)
    b.cancel()
    await clock.run(c)
    assert b.cancelled()
    assert clock.now == t0 + 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0,), "RateLimiter.rate should be > 0 requests/s, but was 0"),
        ((-1.5,), "RateLimiter.rate should be > 0 requests/s, but was -1.5"),
        ((True,), "RateLimiter.rate should be > 0 requests/s, but was True"),
        (("5",), "RateLimiter.rate should be > 0 requests/s, but was '5'"),
        ((math.nan,), "RateLimiter.rate should be > 0 requests/s, but was nan"),
        ((5, 0), "RateLimiter.burst should be an integer >= 1, but was 0"),
        ((5, 2.5), "RateLimiter.burst should be an integer >= 1, but was 2.5"),
        ((5, True), "RateLimiter.burst should be an integer >= 1, but was True"),
    ],
)
def test_invalid_arguments_are_refused(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        RateLimiter(*args)  # type: ignore[arg-type]


# -- a 429 pauses one instance, not the others --------------------------------------------


async def test_429_pauses_all_workers_of_that_instance_while_another_keeps_sending(
    fake_zapi: FakeZapi, clock: VirtualClock
) -> None:
    limiter_a = ObservedLimiter(clock)
    let_others_answer = fake_zapi.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.instance != "INSTANCE-A" or arrival.seq > 4:
            return None
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) >= 4)  # all 4 workers sent
        if arrival.seq == 1:
            return error(429, "Too Many Requests", **{"Retry-After": "30"})
        await let_others_answer.wait()  # answered only once A's limiter is paused
        return None

    fake_zapi.behaviour = behaviour
    retry = RetryPolicy(sleep=clock.sleep, random=lambda: 0.0, max_elapsed=60)
    batch_a = [text(f"55119000000{i:02d}", f"a{i}") for i in range(8)]
    batch_b = [text(f"55119000001{i:02d}", f"b{i}") for i in range(20)]
    async with (
        make_client(
            fake_zapi,
            "INSTANCE-A",
            retry=retry,
            limiter=Unlimited(clock=clock.time, sleep=clock.sleep),
        ) as zapi_a,
        make_client(fake_zapi, "INSTANCE-B") as zapi_b,
    ):
        queue_a = SendQueue(zapi_a, limiter=limiter_a, workers=4)
        futures_a = [await queue_a.submit(m) for m in batch_a]
        await within(limiter_a.paused.wait())
        assert limiter_a.paused_until == clock.now + 30
        let_others_answer.set()
        # Three workers got their answers and now wait on the pause; the fourth
        # waits out Retry-After before retrying its message.
        await clock.wait_sleepers(4)
        assert queue_a.stats.sent == 3
        # Instance B, same process and same server, is not held up at all.
        async with SendQueue(zapi_b, workers=4) as queue_b:
            futures_b = [await queue_b.submit(m) for m in batch_b]
        assert all(f.done() and not f.exception() for f in futures_b)
        assert len(fake_zapi.texts("INSTANCE-B")) == 20
        assert len(fake_zapi.texts("INSTANCE-A")) == 4  # nothing new for A during the pause
        await clock.advance(30)
        await within(queue_a.close())
    assert [f.result()[0].message_id for f in futures_a] != []
    assert all(not f.exception() for f in futures_a)
    texts_a = fake_zapi.texts("INSTANCE-A")
    assert len(texts_a) == 9  # 8 messages + the retry of the one that got 429
    assert sorted(set(texts_a)) == sorted(m.message for m in batch_a)
    assert limiter_a.pauses == [30.0]
    assert queue_a.stats.retried == 1
    assert queue_a.stats.sent == 8
