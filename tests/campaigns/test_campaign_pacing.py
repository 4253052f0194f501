"""A paced campaign sent by three real worker processes: the pacing profile's gaps
and daily cap hold for the instance as a whole (RedisPacer), not per worker.

The sandbox (in this test's loop) records when each message arrived; nothing here
sleeps to synchronise: the workers exit once the cap leaves them nothing to send.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.support.campaign_procs import CampaignProcs
from tests.support.redis_server import RedisServer
from zapi_async import PacingProfile, RedisPacer, TextMessage
from zapi_async.campaigns import create_campaign
from zapi_async.sandbox import ZapiSandbox

pytestmark = [pytest.mark.redis, pytest.mark.slow]

INSTANCE = "3C0FFEE0CAMPAIGNPACING"
TOKEN = "SECRET-PACING-TOKEN-77c1"
PROFILE = PacingProfile(min_gap=0.3, max_gap=0.4, daily_cap=10)
#: How much sooner than ``min_gap`` a message may arrive after the previous one:
#: both went out at their booked slot plus one Redis call and one HTTP request,
#: whose durations vary a little on a loaded machine.
TOLERANCE = 0.08


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(INSTANCE, TOKEN, seed=13) as running:
        yield running


async def test_three_workers_share_one_gap_schedule_and_one_daily_cap(
    redis_server: RedisServer, redis: Redis, sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    seconds, _ = await redis.time()
    if 86400 - int(seconds) % 86400 < 60:
        pytest.skip("the daily cap's UTC day ends within a minute: the count would restart")
    messages = (TextMessage(f"55119666{n % 12:05d}", f"paced {n}") for n in range(30))
    campaign = await create_campaign(redis, "paced", messages, pacing=PROFILE, partitions=12)
    env = {"ZAPI_INSTANCE_ID": INSTANCE, "ZAPI_TOKEN": TOKEN, "ZAPI_BASE_URL": sandbox.base_url}
    procs = CampaignProcs(redis_server.url, env, tmp_path, poll_interval=0.05)
    started = time.monotonic()
    try:
        procs.start("p0", "p1", "p2")
        outs = [await procs.finish(f"p{n}", timeout=30) for n in range(3)]
    finally:
        procs.kill_all()
    assert [code for code, _, _ in outs] == [0, 0, 0], outs

    # Exactly the cap went out, spread over the workers, and nothing twice.
    assert len(sandbox.messages) == PROFILE.daily_cap == 10
    assert sandbox.duplicates() == {}
    senders = [stats["recorded"].get("sent", 0) for _, stats, _ in outs]
    assert sum(senders) == 10
    assert sum(1 for sent in senders if sent) >= 2  # the cap was shared, not one worker's
    pacer = RedisPacer(redis, INSTANCE, profile=PROFILE)
    assert await pacer.sent_today() == 10
    status = await campaign.status()
    assert (status.sent, status.pending, status.in_flight, status.done) == (10, 20, 0, False)
    assert all("daily cap of 10 messages reached" in log for _, _, log in outs)
    # One gap schedule: every arrival at least min_gap after the one before it.
    arrivals = sorted(r.monotonic for r in sandbox.requests)
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= PROFILE.min_gap - TOLERANCE, gaps
    assert max(gaps) <= PROFILE.max_gap + 1.0, gaps  # and no worker sat idle for long
    assert time.monotonic() - started >= 9 * PROFILE.min_gap
