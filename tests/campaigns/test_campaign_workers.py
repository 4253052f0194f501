"""Real worker processes on one campaign: one SIGKILLed mid-run and replaced, and
Redis restarted mid-run. The sandbox runs in this test's loop with faults."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.support.campaign_procs import CampaignProcs, busiest, wait_for_accepted
from tests.support.redis_server import RedisServer
from zapi_async import TextMessage
from zapi_async.campaigns import Campaign, CampaignResult, create_campaign
from zapi_async.sandbox import FaultPlan, ZapiSandbox

pytestmark = [pytest.mark.redis, pytest.mark.slow]

INSTANCE = "3C0FFEE0CAMPAIGNWORKERS"
TOKEN = "SECRET-WORKERS-TOKEN-5e5e"
PHONES = [f"5511977700{n:03d}" for n in range(160)]
#: Worker options: a dead worker's partitions are taken over after 1.5 s; Redis
#: errors are retried every 0.1-0.4 s.
OPTIONS = {"idle_timeout": 1.5, "poll_interval": 0.1, "retry_delay": 0.1, "max_retry_delay": 0.4}


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(INSTANCE, TOKEN, seed=11) as running:
        yield running


def procs_for(server: RedisServer, sandbox: ZapiSandbox, logs: Path) -> CampaignProcs:
    env = {"ZAPI_INSTANCE_ID": INSTANCE, "ZAPI_TOKEN": TOKEN, "ZAPI_BASE_URL": sandbox.base_url}
    return CampaignProcs(server.url, env, logs, **OPTIONS)


def messages(n: int) -> Iterator[TextMessage]:
    for i in range(n):
        yield TextMessage(PHONES[i % len(PHONES)], f"campaign message {i}")


def check_exactly_once(results: list[CampaignResult], sandbox: ZapiSandbox, total: int) -> None:
    """Every message one final outcome; the sandbox accepted each at most once, and
    exactly the sent ones; per-recipient order kept."""
    assert [r.index for r in results] == list(range(total))
    assert {r.status for r in results} <= {"sent", "failed", "unknown"}
    assert sandbox.duplicates() == {}
    accepted = {m.text for m in sandbox.messages}
    for r in results:
        text = f"campaign message {r.index}"
        if r.status == "sent":
            assert text in accepted
            assert sandbox.find(r.results[0].message_id) is not None
        elif r.status == "failed":
            assert text not in accepted
    for phone in PHONES:
        order = [int(str(m.text).rsplit(" ", 1)[1]) for m in sandbox.messages_to(phone)]
        assert order == sorted(order), phone


async def test_three_workers_one_killed_and_replaced(
    redis_server: RedisServer, redis: Redis, sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    total, rate = 200, 40.0
    sandbox.fault_plan = FaultPlan(
        error_rate=0.05, latency=lambda rng: rng.uniform(0.01, 0.04)
    )  # 500s: failed, not retried
    campaign = await create_campaign(redis, "killed", messages(total), rate=rate, partitions=16)
    procs = procs_for(redis_server, sandbox, tmp_path)
    try:
        procs.start("w0", "w1", "w2")
        await wait_for_accepted(sandbox, 70)
        procs.kill("w0")
        procs.start("w3")
        for worker_id in ("w1", "w2", "w3"):
            code, _, err = await procs.finish(worker_id, timeout=60)
            assert code == 0, err
        assert (await procs.finish("w0", timeout=5))[0] == -signal.SIGKILL
    finally:
        procs.kill_all()

    status = await campaign.status()
    assert (status.done, status.pending, status.in_flight, status.finished) == (True, 0, 0, total)
    results = [r async for r in campaign.results()]
    check_exactly_once(results, sandbox, total)
    unknown = [r for r in results if r.status == "unknown"]
    # Only sends the killed worker had started (at most its 4 slots) are unknown.
    assert len(unknown) <= 4
    assert {str(r.worker).split("/")[0] for r in unknown} <= {"w0"}
    assert all("went silent" in str(r.error) for r in unknown)
    # The replacement may or may not get work: the survivors take over too.
    senders = {str(r.worker).split("/")[0] for r in results if r.status == "sent"}
    assert {"w0", "w1", "w2"} <= senders <= {"w0", "w1", "w2", "w3"}
    assert status.failed == sum(1 for r in sandbox.requests if r.status == 500)
    # The shared budget: no 2.5 s stretch of requests above the rate (+5%), and the
    # rate held (-5%) through the kill and the takeover, up to the tail where too
    # few partitions are left to keep it up.
    arrivals = sorted(r.monotonic for r in sandbox.requests)
    assert busiest(arrivals, 2.5) <= rate * 2.5 * 1.05
    steady = arrivals[: len(arrivals) * 4 // 5]
    overall = (len(steady) - 1) / (steady[-1] - steady[0])
    assert rate * 0.95 <= overall <= rate * 1.05, overall


async def test_redis_restarted_mid_run(
    persistent_redis_server: RedisServer, sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    total = 160
    sandbox.faults.set_latency(0.01)
    redis = Redis.from_url(persistent_redis_server.url)
    procs = procs_for(persistent_redis_server, sandbox, tmp_path)
    try:
        campaign = await create_campaign(redis, "restart", messages(total), rate=80, partitions=8)
        procs.start("r0", "r1")
        await wait_for_accepted(sandbox, 40)
        persistent_redis_server.stop()
        before = len(sandbox.messages)
        await asyncio.sleep(0.5)  # Redis stays away this long; workers find it gone
        assert len(sandbox.messages) - before <= 8  # at most the sends already under way
        persistent_redis_server.start()
        outs = [await procs.finish(f"r{n}", timeout=60) for n in range(2)]
        assert [code for code, _, _ in outs] == [0, 0], outs
        assert all("Redis unreachable" in err and "reachable again" in err for _, _, err in outs)
        assert all(stats["redis_outages"] >= 1 for _, stats, _ in outs)
        await redis.aclose()  # its connection died with the server
        redis = Redis.from_url(persistent_redis_server.url)
        campaign = Campaign(redis, "restart")
        status = await campaign.status()
        assert (status.done, status.sent, status.finished) == (True, total, total)
        check_exactly_once([r async for r in campaign.results()], sandbox, total)
        assert len(sandbox.messages) == total
    finally:
        procs.kill_all()
        await redis.aclose()
