"""Campaigns in one process against a real redis-server and the sandbox: creation,
resume, status, results, pause/resume/cancel, every message kind round-tripping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    DocumentMessage,
    ReplyButton,
    SettingsError,
    TextMessage,
    ValidationError,
)
from zapi_async.campaigns import (
    Campaign,
    CampaignItem,
    InstanceCredentials,
    Worker,
    create_campaign,
)
from zapi_async.errors import CampaignExistsError, CampaignNotFoundError
from zapi_async.sandbox import ZapiSandbox

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0CAMPAIGNSTORE"
TOKEN = "SECRET-CAMPAIGN-TOKEN-77aa"


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(INSTANCE, TOKEN, seed=3) as running:
        yield running


def credentials(sandbox: ZapiSandbox) -> dict[str, InstanceCredentials]:
    return {"default": InstanceCredentials(INSTANCE, TOKEN, base_url=sandbox.base_url)}


def texts(n: int, phones: int = 5) -> Iterator[TextMessage]:
    for i in range(n):
        yield TextMessage(f"55119990000{i % phones:02d}", f"message {i}")


async def test_a_campaign_is_sent_once_in_order_with_one_outcome_each(
    redis: Redis, sandbox: ZapiSandbox
) -> None:
    campaign = await create_campaign(redis, "c1", texts(60), rate=200, partitions=4, batch=7)
    status = await campaign.status()
    assert (status.state, status.total, status.pending, status.done) == ("ready", 60, 60, False)

    worker = Worker(redis, credentials=credentials(sandbox), concurrency=3, exit_when_idle=True)
    stats = await worker.run()

    assert stats.recorded == {"sent": 60}
    status = await campaign.status()
    assert status.as_dict() | {"instances": None} == {
        "name": "c1", "state": "ready", "total": 60, "pending": 0, "in_flight": 0,
        "sent": 60, "failed": 0, "partial": 0, "unknown": 0, "unsent": 0,
        "partitions": 4, "instances": None, "finished": 60, "done": True,
    }  # fmt: skip
    assert sandbox.duplicates() == {}
    for p in range(5):
        phone = f"55119990000{p:02d}"
        got = [m.text for m in sandbox.messages_to(phone)]
        assert got == [f"message {i}" for i in range(p, 60, 5)]
    results = [r async for r in campaign.results()]
    assert [r.index for r in results] == list(range(60))
    assert all(r.status == "sent" and len(r.results) == 1 for r in results)
    assert results[7].message == TextMessage("5511999000002", "message 7")
    assert sandbox.find(results[7].results[0].message_id) is not None


async def test_every_kind_round_trips_and_tags_come_back(redis: Redis) -> None:
    messages: list[Any] = [
        CampaignItem(DocumentMessage("5511999990001", "https://x.io/a.pdf", "pdf"), tag="line 2"),
        ButtonActionsMessage(
            "5511999990002", "hi", [CallButton("Call", phone="5511999990009"), ReplyButton("Yes")]
        ),
    ]
    campaign = await create_campaign(redis, "kinds", messages)
    results = [r async for r in campaign.results()]
    assert [(r.tag, r.message, r.status) for r in results] == [
        ("line 2", messages[0].message, "pending"),
        (None, messages[1], "pending"),
    ]


async def test_creation_resumes_and_refuses_other_input(redis: Redis) -> None:
    def failing() -> Iterator[TextMessage]:
        yield from texts(25)
        raise RuntimeError("input broke")

    with pytest.raises(RuntimeError, match="input broke"):
        await create_campaign(redis, "resumable", failing(), batch=10)
    campaign = Campaign(redis, "resumable")
    status = await campaign.status()
    assert (status.state, status.total) == ("creating", 20)  # two whole batches

    worker = Worker(redis, credentials={}, exit_when_idle=True)
    assert (await worker.run()).recorded == {}  # nobody touches a campaign being created

    with pytest.raises(CampaignExistsError, match="input differs"):
        await create_campaign(redis, "resumable", texts(30, phones=3), batch=10)
    with pytest.raises(CampaignExistsError, match="other settings"):
        await create_campaign(redis, "resumable", texts(30), batch=10, rate=5)
    await create_campaign(redis, "resumable", texts(30), batch=10)
    status = await campaign.status()
    assert (status.state, status.total, status.pending) == ("ready", 30, 30)
    assert [r.index for r in [r async for r in campaign.results()]] == list(range(30))
    with pytest.raises(CampaignExistsError, match="exists already"):
        await create_campaign(redis, "resumable", texts(30))


async def test_bad_settings_names_and_messages_are_refused(redis: Redis) -> None:
    with pytest.raises(ValidationError, match="campaign name"):
        await create_campaign(redis, "no spaces", texts(1))
    with pytest.raises(SettingsError, match="rate should be > 0"):
        await create_campaign(redis, "x", texts(1), rate=0)
    with pytest.raises(ValidationError, match="should be a message model"):
        await create_campaign(redis, "y", ["not a message"])  # type: ignore[list-item]
    with pytest.raises(CampaignNotFoundError, match="no campaign named 'nope'"):
        await Campaign(redis, "nope").status()


async def test_pause_resume_and_cancel(redis: Redis, sandbox: ZapiSandbox) -> None:
    campaign = await create_campaign(redis, "c2", texts(20), partitions=2)
    assert await campaign.pause() == "paused"
    worker = Worker(redis, credentials=credentials(sandbox), exit_when_idle=True)
    assert (await worker.run()).recorded == {}  # paused: idle
    assert await campaign.resume() == "ready"
    assert await campaign.cancel() == "cancelled"
    assert await campaign.resume() == "cancelled"  # too late
    status = await campaign.status()
    assert (status.unsent, status.pending, status.done) == (20, 0, True)
    assert sandbox.messages == []
    results = [r async for r in campaign.results()]
    assert {(r.status, r.error) for r in results} == {("unsent", "the campaign was cancelled")}
    await campaign.delete()
    assert await redis.keys("zapi:campaign:{c2}*") == []
