"""RedisRateLimiter when Redis is unreachable: fail closed by default, or fall back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.exceptions
from redis.asyncio import Redis

from tests.support.redis_server import RedisServer, no_retry, unreachable_redis
from zapi_async import ZapiClient
from zapi_async.errors import LimiterUnavailableError, ZapiError
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import RateLimiter
from zapi_async.limits.redis_limiter import RedisRateLimiter
from zapi_async.sandbox import ZapiSandbox

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0OUTAGEINSTANCE"
KEY = "zapi:{3C0FFEE0OUTAGEINSTANCE}:limit"
TOKEN = "SECRET-OUTAGE-TOKEN-4c2e"
REFUSED = r"ConnectionError: Error 111 connecting to 127\.0\.0\.1:\d+\."


class FakeTime:
    """A local clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[], None] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            hook, self.on_sleep = self.on_sleep, None
            hook()


@pytest.fixture
async def down() -> AsyncIterator[Redis]:
    """A client of a Redis that is not there."""
    client = unreachable_redis()
    try:
        yield client
    finally:
        await client.aclose()


def shared(redis: Redis, time: FakeTime, **options: Any) -> RedisRateLimiter:
    return RedisRateLimiter(redis, INSTANCE, rate=10, clock=time.clock, sleep=time.sleep, **options)


# -- fail closed (the default) ------------------------------------------------------------


async def test_acquire_retries_until_the_timeout_then_raises(
    down: Redis,
) -> None:
    time = FakeTime()
    limiter = shared(down, time, unavailable_timeout=1.0)
    with pytest.raises(LimiterUnavailableError) as caught:
        await limiter.acquire()
    assert time.sleeps == [0.25, 0.25, 0.25, 0.25]
    error = caught.value
    assert isinstance(error, ZapiError)
    assert isinstance(error, ConnectionError)
    assert (error.key, error.waited) == (KEY, 1.0)
    assert isinstance(error.__cause__, redis.exceptions.ConnectionError)
    assert error.reason.startswith("ConnectionError: Error 111 connecting to 127.0.0.1:")
    assert str(error).startswith(
        "shared rate limit store unreachable for 1.00s (key 'zapi:{3C0FFEE0OUTAGEINSTANCE}:limit');"
        " refusing to send without it: ConnectionError: Error 111"
    )


async def test_a_zero_timeout_raises_at_once(down: Redis) -> None:
    time = FakeTime()
    limiter = shared(down, time, unavailable_timeout=0)
    with pytest.raises(LimiterUnavailableError, match=r"unreachable for 0\.00s"):
        await limiter.acquire()
    assert time.sleeps == []


async def test_pause_fails_closed_too(down: Redis) -> None:
    time = FakeTime()
    limiter = shared(down, time, unavailable_timeout=0.5, retry_interval=0.2)
    with pytest.raises(LimiterUnavailableError, match=REFUSED):
        await limiter.pause(3)
    assert time.sleeps == pytest.approx([0.2, 0.2, 0.1])


async def test_nothing_is_sent_without_the_shared_limit(
    down: Redis,
) -> None:
    time = FakeTime()
    limiter = shared(down, time, unavailable_timeout=0.5)
    async with (
        ZapiSandbox(INSTANCE, TOKEN) as sandbox,
        ZapiClient(
            INSTANCE, TOKEN, base_url=sandbox.base_url, limiter=limiter, retry=RetryPolicy.never()
        ) as zapi,
    ):
        with pytest.raises(LimiterUnavailableError) as caught:
            await zapi.send_text("5511999999999", "hello")
        assert sandbox.requests == []
    assert TOKEN not in str(caught.value)


async def test_an_outage_shorter_than_the_timeout_is_ridden_out(
    own_redis_server: RedisServer,
) -> None:
    client = Redis.from_url(own_redis_server.url, retry=no_retry())
    try:
        time = FakeTime()
        limiter = shared(client, time, unavailable_timeout=5.0)
        own_redis_server.stop()
        time.on_sleep = own_redis_server.start  # Redis is back after the first retry
        await limiter.acquire()
        assert time.sleeps == [0.25]
        assert await client.exists(KEY) == 1
    finally:
        await client.aclose()


# -- opt-in fallback ------------------------------------------------------------------------


async def test_the_fallback_paces_while_redis_is_away_and_warns_once(
    down: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    time = FakeTime()
    local = RateLimiter(rate=10, clock=time.clock, sleep=time.sleep)
    limiter = shared(down, time, unavailable_timeout=0.5, fallback=local)
    with caplog.at_level(logging.INFO, logger="zapi_async.limits.rate"):
        for _ in range(6):
            await limiter.acquire()
    # Two retries (0.5 s), then the local limiter's 100 ms spacing.
    assert time.sleeps == pytest.approx([0.25, 0.25, 0.1, 0.1, 0.1, 0.1, 0.1])
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert (
        warnings[0]
        .getMessage()
        .startswith(
            "Redis unreachable for rate limit zapi:{3C0FFEE0OUTAGEINSTANCE}:limit "
            "(ConnectionError: Error 111 connecting to 127.0.0.1:"
        )
    )
    assert (
        warnings[0]
        .getMessage()
        .endswith("using the local fallback limiter RateLimiter(rate=10, burst=1) until it is back")
    )


async def test_pauses_reach_the_fallback(down: Redis) -> None:
    time = FakeTime()
    local = RateLimiter(rate=10, clock=time.clock, sleep=time.sleep)
    limiter = shared(down, time, unavailable_timeout=0, fallback=local)
    await limiter.pause(3.0)
    assert local.paused_until == 3.0
    await limiter.acquire()
    assert time.now == pytest.approx(3.0)


async def test_the_shared_limit_returns_when_redis_does(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = Redis.from_url(own_redis_server.url, retry=no_retry())
    try:
        time = FakeTime()
        local = RateLimiter(rate=10, clock=time.clock, sleep=time.sleep)
        limiter = shared(client, time, unavailable_timeout=0, fallback=local)
        own_redis_server.stop()
        with caplog.at_level(logging.INFO, logger="zapi_async.limits.rate"):
            await limiter.acquire()  # falls back
            assert await _absent(client)
            own_redis_server.start()
            time.now += 1.0  # past the re-check interval
            await limiter.acquire()
        assert await client.exists(KEY) == 1
        assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
        assert caplog.records[1].getMessage() == (
            "Redis reachable again; rate limit zapi:{3C0FFEE0OUTAGEINSTANCE}:limit is shared again"
        )
    finally:
        await client.aclose()


async def _absent(client: Redis) -> bool:
    try:
        await client.ping()
    except redis.exceptions.ConnectionError:
        return True
    return False


async def test_a_redis_that_never_answers_is_given_up_on_too() -> None:
    async def accept_and_stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = Redis(host="127.0.0.1", port=port, retry=no_retry())
    try:
        time = FakeTime()
        limiter = shared(client, time, unavailable_timeout=0, retry_interval=0.05)
        with pytest.raises(
            LimiterUnavailableError, match=r"refusing to send without it: TimeoutError$"
        ):
            await limiter.acquire()
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
