"""RedisRateLimiter against a real redis-server: the Lua GCRA, server time, pauses.

Nothing sleeps for real, and time is exact: :class:`FrozenServerTime` limiters read
the "server time" from a Redis key instead of ``TIME``, and their ``sleep`` is a
:class:`TimeTravel` that records the wait and moves that clock forward by it. One
test checks the real limiter against the real ``TIME``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.support.redis_clock import CLOCK_KEY, FROZEN_TIME, Recorder, TimeTravel
from tests.support.redis_server import RedisServer
from zapi_async import ZapiClient
from zapi_async.limits.rate import Limiter
from zapi_async.limits.redis_limiter import (
    DEFAULT_RETRY_INTERVAL,
    DEFAULT_UNAVAILABLE_TIMEOUT,
    RedisRateLimiter,
    limit_key,
)

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0LIMITERINSTANCE"
KEY = "zapi:{3C0FFEE0LIMITERINSTANCE}:limit"
PAUSE_KEY = KEY + ":pause"
START = 1_800_000_000_000_000


class FrozenServerTime(RedisRateLimiter):
    """A RedisRateLimiter whose scripts read the server clock from ``CLOCK_KEY``."""

    __slots__ = ()
    _server_time = FROZEN_TIME


@pytest.fixture(autouse=True)
async def frozen_clock(redis: Redis) -> None:
    await redis.set(CLOCK_KEY, START)


async def stored_int(redis: Redis, key: str) -> int:
    value = await redis.get(key)
    assert isinstance(value, bytes)
    return int(value)


async def server_micros(redis: Redis) -> int:
    seconds, micros = await redis.time()
    return int(seconds) * 1_000_000 + int(micros)


def limiter(redis: Redis, sleep: Callable[[float], Awaitable[None]], **options: Any) -> Any:
    options.setdefault("rate", 10)
    return FrozenServerTime(redis, INSTANCE, sleep=sleep, **options)


# -- the GCRA ---------------------------------------------------------------------------


async def test_a_burst_passes_at_once_then_requests_are_spaced(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = limiter(redis, travel, rate=10, burst=3)
    for _ in range(3):
        await shared.acquire()
    assert travel.waits == []
    for _ in range(4):
        await shared.acquire()
    assert travel.waits == [0.1] * 4


async def test_burst_one_spaces_every_request(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = limiter(redis, travel, rate=20)
    for _ in range(5):
        await shared.acquire()
    assert travel.waits == [0.05] * 4


async def test_concurrent_callers_book_consecutive_slots(redis: Redis) -> None:
    recorder = Recorder()
    shared = limiter(redis, recorder, rate=20)
    await asyncio.gather(*(shared.acquire() for _ in range(5)))
    assert sorted(recorder.waits) == [0.05, 0.10, 0.15, 0.20]


async def test_two_processes_worth_of_limiters_share_one_budget(
    redis_server: RedisServer, redis: Redis
) -> None:
    other_connection = Redis.from_url(redis_server.url)
    try:
        first, second = Recorder(), Recorder()
        # Local clocks an hour apart: they only time Redis outages, never the budget.
        a = limiter(redis, first, rate=20, clock=lambda: 0.0)
        b = limiter(other_connection, second, rate=20, clock=lambda: 3600.0)
        await a.acquire()
        await b.acquire()
        await a.acquire()
        await b.acquire()
    finally:
        await other_connection.aclose()
    assert first.waits == [0.10]
    assert second.waits == [0.05, 0.15]


async def test_times_come_from_the_redis_server(redis: Redis) -> None:
    shared = RedisRateLimiter(redis, INSTANCE, rate=4, sleep=Recorder())
    before = await server_micros(redis)
    await shared.acquire()
    after = await server_micros(redis)
    tat = await stored_int(redis, KEY)
    # The script stored TIME + 1/rate, in microseconds of server time.
    assert before + 250_000 <= tat <= after + 250_000
    assert 1000 < await redis.pttl(KEY) <= 1250


async def test_a_custom_key_is_used_as_is(redis: Redis) -> None:
    shared = RedisRateLimiter(redis, key="bot:{shop}:budget", rate=10, sleep=Recorder())
    await shared.acquire()
    await shared.pause(1)
    assert sorted(await redis.keys("bot:*")) == [
        b"bot:{shop}:budget",
        b"bot:{shop}:budget:epoch",
        b"bot:{shop}:budget:pause",
    ]


# -- the shared pause ---------------------------------------------------------------------


async def test_a_pause_holds_other_limiters_then_sending_resumes_evenly(redis: Redis) -> None:
    travel = TimeTravel(redis)
    pauser = limiter(redis, Recorder(), rate=10, burst=3)
    waiter = limiter(redis, travel, rate=10, burst=3)
    await pauser.pause(2.0)
    await waiter.acquire()
    assert travel.waits == [2.0]
    await waiter.acquire()
    await waiter.acquire()
    # The TAT moved past the pause: no burst of 3 afterwards, one every 100 ms.
    assert travel.waits == [2.0, 0.1, 0.1]


async def test_a_pause_never_shortens_a_longer_one(redis: Redis) -> None:
    shared = limiter(redis, Recorder())
    await shared.pause(5.0)
    await shared.pause(1.0)
    assert await stored_int(redis, PAUSE_KEY) == START + 5_000_000
    assert 5000 < await redis.pttl(PAUSE_KEY) <= 6000


async def test_a_pause_starting_during_a_wait_rebooks_the_slot(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = limiter(redis, travel, rate=10)
    other = limiter(redis, Recorder(), rate=10)
    await shared.acquire()

    async def another_process_gets_a_429() -> None:
        await other.pause(1.0)

    travel.during = another_process_gets_a_429
    await shared.acquire()
    # Slept 0.1 s for the slot, found the pause (0.9 s left), waited it out.
    assert travel.waits == [0.1, 0.9]


async def test_pause_of_zero_or_less_only_resets_spacing(redis: Redis) -> None:
    travel = TimeTravel(redis)
    shared = limiter(redis, travel, rate=10, burst=2)
    await shared.pause(-3)
    await shared.acquire()
    await shared.acquire()
    assert travel.waits == [0.1]


# -- construction -------------------------------------------------------------------------


class NoRedis:
    def register_script(self, script: str) -> None:
        return None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rate": 0}, r"RedisRateLimiter\.rate should be > 0 requests/s, but was 0"),
        ({"rate": -1.5}, r"RedisRateLimiter\.rate should be > 0 requests/s, but was -1\.5"),
        ({"rate": True}, r"RedisRateLimiter\.rate should be > 0 requests/s, but was True"),
        ({"rate": "5"}, r"RedisRateLimiter\.rate should be > 0 requests/s, but was '5'"),
        (
            {"rate": 1, "burst": 0},
            r"RedisRateLimiter\.burst should be an integer >= 1, but was 0",
        ),
        (
            {"rate": 1, "burst": 2.0},
            r"RedisRateLimiter\.burst should be an integer >= 1, but was 2\.0",
        ),
        (
            {"rate": 1, "unavailable_timeout": -1},
            r"RedisRateLimiter\.unavailable_timeout should be >= 0 seconds, but was -1",
        ),
        (
            {"rate": 1, "retry_interval": 0},
            r"RedisRateLimiter\.retry_interval should be > 0 seconds, but was 0",
        ),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RedisRateLimiter(NoRedis(), INSTANCE, **options)


@pytest.mark.parametrize("where", [{}, {"instance_id": INSTANCE, "key": "k"}])
def test_exactly_one_of_instance_id_and_key(where: dict[str, Any]) -> None:
    with pytest.raises(
        ValueError, match=r"^RedisRateLimiter needs exactly one of instance_id or key$"
    ):
        RedisRateLimiter(NoRedis(), rate=1, **where)


def test_defaults_keys_and_repr() -> None:
    shared = RedisRateLimiter(NoRedis(), INSTANCE, rate=50)
    assert limit_key(INSTANCE) == KEY
    assert (shared.key, shared.pause_key) == (KEY, PAUSE_KEY)
    assert (shared.rate, shared.burst, shared.interval) == (50.0, 1, 0.02)
    assert shared.unavailable_timeout == DEFAULT_UNAVAILABLE_TIMEOUT == 10.0
    assert shared.retry_interval == DEFAULT_RETRY_INTERVAL == 0.25
    assert (
        repr(shared)
        == "RedisRateLimiter(key='zapi:{3C0FFEE0LIMITERINSTANCE}:limit', rate=50, burst=1)"
    )
    assert isinstance(shared, Limiter)


def test_for_client_keys_by_the_clients_instance_and_never_its_token() -> None:
    client = ZapiClient(INSTANCE, "SECRET-TOKEN-never-in-keys")
    shared = RedisRateLimiter.for_client(NoRedis(), client, rate=5, burst=2)
    assert (shared.key, shared.rate, shared.burst) == (KEY, 5.0, 2)
    assert "SECRET" not in repr(shared) + shared.key + shared.pause_key


def test_the_package_imports_without_redis_py() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "import zapi_async, zapi_async.limits.redis_limiter as m\n"
        "class Host:\n"
        "    def register_script(self, s): return None\n"
        "print(m.RedisRateLimiter(Host(), 'X', rate=1).key)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "zapi:{X}:limit\n"
