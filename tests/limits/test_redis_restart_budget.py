"""The shared budget holds across a Redis restart: senders that booked a slot before
the outage re-book instead of going out unaccounted (issue 19 item 8)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from redis.asyncio import Redis

from tests.support.redis_server import RedisServer, no_retry
from zapi_async.limits.redis_limiter import RedisRateLimiter

RATE = 50
BURST = 5
#: The most a 1-second window may hold across a restart: the rate, the burst, and one
#: more burst (the restarted Redis has forgotten the sends just before it went away).
BOUND = RATE + 2 * BURST


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_through_a_restart(
    server: RedisServer, *, senders: int, seconds: float, restart_at: float
) -> list[float]:
    """``senders`` tasks over two limiters (two "processes") acquire as fast as they
    may for ``seconds``; Redis is restarted (its keys lost) at ``restart_at``."""
    clients = [Redis.from_url(server.url, retry=no_retry()) for _ in range(2)]
    limiters = [
        RedisRateLimiter(c, "3C0FFEE0RESTART", rate=RATE, burst=BURST, retry_interval=0.05)
        for c in clients
    ]
    granted: list[float] = []
    started = time.monotonic()

    async def sender(acquire: Callable[[], object]) -> None:
        while time.monotonic() - started < seconds:
            await acquire()  # type: ignore[misc]
            granted.append(time.monotonic())

    async def restart() -> None:
        await asyncio.sleep(restart_at)
        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(server.start)

    try:
        tasks = [sender(limiters[i % 2].acquire) for i in range(senders)]
        await asyncio.wait_for(asyncio.gather(restart(), *tasks), seconds + 15)
    finally:
        for client in clients:
            await client.aclose()
    return granted


async def test_the_budget_holds_across_a_restart(own_redis_server: RedisServer) -> None:
    granted = await run_through_a_restart(own_redis_server, senders=40, seconds=2.5, restart_at=0.8)
    assert len(granted) > RATE  # the run really sent, before and after the restart
    assert busiest_second(granted) <= BOUND, busiest_second(granted)
