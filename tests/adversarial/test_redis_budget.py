"""The shared Redis budget through a real redis-server restart."""

from __future__ import annotations

from tests.limits.test_redis_restart_budget import BOUND, busiest_second, run_through_a_restart
from tests.support.redis_server import RedisServer

from .ledger import Row, record


async def test_redis_restart_keeps_the_budget(own_redis_server: RedisServer) -> None:
    granted = await run_through_a_restart(own_redis_server, senders=40, seconds=2.5, restart_at=0.8)
    peak = busiest_second(granted)
    row = record(
        Row(
            "Redis budget: rate 50, burst 5, restart mid-run",
            len(granted),
            1,
            duplicated=max(0, peak - BOUND),
            note=f"busiest second {peak} requests (bound {BOUND})",
        )
    )
    assert row.duplicated == 0
