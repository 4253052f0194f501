"""Real worker processes on one campaign: one SIGKILLed mid-run and replaced, and
Redis restarted mid-run. The sandbox runs in this test's loop with faults."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.support.processes import READY_TIMEOUT
from tests.support.redis_server import RedisServer, python_command
from zapi_async import TextMessage
from zapi_async.campaigns import Campaign, CampaignResult, create_campaign
from zapi_async.sandbox import FaultPlan, ZapiSandbox

pytestmark = [pytest.mark.redis, pytest.mark.slow]

INSTANCE = "3C0FFEE0CAMPAIGNWORKERS"
TOKEN = "SECRET-WORKERS-TOKEN-5e5e"
PHONES = [f"5511977700{n:03d}" for n in range(160)]


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(INSTANCE, TOKEN, seed=11) as running:
        yield running


class Procs:
    """Worker processes: started, released, killed, collected."""

    def __init__(self, url: str, sandbox: ZapiSandbox) -> None:
        self.url = url
        self.env = {
            **os.environ,
            "ZAPI_INSTANCE_ID": INSTANCE,
            "ZAPI_TOKEN": TOKEN,
            "ZAPI_BASE_URL": sandbox.base_url,
        }
        self.processes: dict[str, asyncio.subprocess.Process] = {}

    async def start(self, worker_id: str, *, wait: bool = True) -> None:
        extra = [] if wait else ["--no-wait"]
        command = python_command(
            "campaign_worker.py", "--redis-url", self.url, "--worker-id", worker_id, *extra
        )
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
        )
        self.processes[worker_id] = process
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
        assert line == b"ready\n", line

    def release(self) -> None:
        for process in self.processes.values():
            assert process.stdin is not None
            process.stdin.write(b"go\n")

    async def finish(self, worker_id: str, timeout: float) -> tuple[int, str, str]:
        process = self.processes[worker_id]
        out, err = await asyncio.wait_for(process.communicate(), timeout)
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def kill_all(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.kill()
                await process.communicate()


@pytest.fixture
async def procs(redis_server: RedisServer, sandbox: ZapiSandbox) -> AsyncIterator[Procs]:
    group = Procs(redis_server.url, sandbox)
    try:
        yield group
    finally:
        await group.kill_all()


def messages(n: int) -> Iterator[TextMessage]:
    for i in range(n):
        yield TextMessage(PHONES[i % len(PHONES)], f"campaign message {i}")


async def wait_for_accepted(sandbox: ZapiSandbox, count: int) -> None:
    while len(sandbox.messages) < count:  # noqa: ASYNC110 (no arrival event to await)
        await asyncio.sleep(0.01)


def busiest(times: list[float], window: float) -> int:
    """The most events within any ``window`` seconds."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


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
    redis: Redis, sandbox: ZapiSandbox, procs: Procs
) -> None:
    total, rate = 250, 25.0
    sandbox.fault_plan = FaultPlan(
        error_rate=0.05, latency=lambda rng: rng.uniform(0.01, 0.04)
    )  # 500s: failed, not retried
    campaign = await create_campaign(redis, "killed", messages(total), rate=rate, partitions=16)
    for n in range(3):
        await procs.start(f"w{n}")
    procs.release()
    await wait_for_accepted(sandbox, 90)
    procs.processes["w0"].send_signal(signal.SIGKILL)
    await procs.start("w3", wait=False)
    summaries: list[Any] = []
    for worker_id in ("w1", "w2", "w3"):
        code, out, err = await procs.finish(worker_id, timeout=60)
        assert code == 0, err
        summaries.append(out)
    assert (await procs.finish("w0", timeout=5))[0] == -signal.SIGKILL

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
    # The shared budget: no 5 s stretch of requests above the rate (+5%), and the
    # rate held (-5%) through the kill and the takeover, up to the tail where too
    # few partitions are left to keep it up.
    arrivals = sorted(r.monotonic for r in sandbox.requests)
    assert busiest(arrivals, 5.0) <= rate * 5 * 1.05
    steady = arrivals[: len(arrivals) * 4 // 5]
    overall = (len(steady) - 1) / (steady[-1] - steady[0])
    assert rate * 0.95 <= overall <= rate * 1.05, overall


async def test_redis_restarted_mid_run(
    persistent_redis_server: RedisServer, sandbox: ZapiSandbox
) -> None:
    total = 240
    sandbox.faults.set_latency(0.01)
    redis = Redis.from_url(persistent_redis_server.url)
    procs = Procs(persistent_redis_server.url, sandbox)
    try:
        campaign = await create_campaign(redis, "restart", messages(total), rate=60, partitions=8)
        for n in range(2):
            await procs.start(f"r{n}")
        procs.release()
        await wait_for_accepted(sandbox, 60)
        persistent_redis_server.stop()
        before = len(sandbox.messages)
        await asyncio.sleep(1.0)  # workers find Redis gone and pause
        assert len(sandbox.messages) - before <= 8  # at most the sends already under way
        persistent_redis_server.start()
        outs = [await procs.finish(f"r{n}", timeout=60) for n in range(2)]
        assert [code for code, _, _ in outs] == [0, 0], outs
        assert all("Redis unreachable" in err and "reachable again" in err for _, _, err in outs)
        await redis.aclose()  # its connection died with the server
        redis = Redis.from_url(persistent_redis_server.url)
        campaign = Campaign(redis, "restart")
        status = await campaign.status()
        assert (status.done, status.sent, status.finished) == (True, total, total)
        check_exactly_once([r async for r in campaign.results()], sandbox, total)
        assert len(sandbox.messages) == total
    finally:
        await procs.kill_all()
        await redis.aclose()
