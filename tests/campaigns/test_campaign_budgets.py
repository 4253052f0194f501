"""An instance's own budget (InstanceBudget) in a campaign: stored with the campaign,
read back by workers, and turned into that instance's shared limiters; the other
instances keep the campaign's rate and pacing."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from zapi_async import (
    PacingProfile,
    RedisPacer,
    RedisRateLimiter,
    SettingsError,
    TextMessage,
)
from zapi_async.campaigns import (
    InstanceBudget,
    InstanceCredentials,
    Worker,
    create_campaign,
)
from zapi_async.campaigns._instances import Instances
from zapi_async.campaigns.create import budget_from_json
from zapi_async.wire.codec import loads

pytestmark = pytest.mark.redis

NEW = InstanceBudget(rate=2, burst=3, pacing=PacingProfile(min_gap=1, max_gap=2, daily_cap=40))
CREDENTIALS = {
    "old": InstanceCredentials("3C0FFEE0OLDINSTANCE", "old-token"),
    "new": InstanceCredentials("3C0FFEE0NEWINSTANCE", "new-token"),
}


def texts(count: int) -> list[TextMessage]:
    return [TextMessage(f"55119555{i:05d}", f"hello {i}") for i in range(count)]


async def test_each_instance_gets_its_own_budget_or_the_campaigns(redis: Redis) -> None:
    await create_campaign(
        redis, "mixed", texts(4), instances=["old", "new"], rate=50, budgets={"new": NEW}
    )
    worker = Worker(redis, credentials=CREDENTIALS)
    campaign = await worker._campaign("mixed")
    assert campaign is not None
    assert campaign.budget_for("new") == NEW
    assert campaign.budget_for("old") == InstanceBudget(rate=50, burst=1, pacing=None)

    instances = Instances(redis, CREDENTIALS, "w1")
    new_client, old_client = instances.client("new"), instances.client("old")
    assert new_client is not None
    assert old_client is not None
    rate, pacer = instances.limiters(campaign, "new", new_client)
    assert isinstance(rate, RedisRateLimiter)
    assert (rate.rate, rate.burst) == (2.0, 3)
    assert isinstance(pacer, RedisPacer)
    assert pacer.profile == NEW.pacing
    (old_rate,) = instances.limiters(campaign, "old", old_client)
    assert isinstance(old_rate, RedisRateLimiter)
    assert (old_rate.rate, old_rate.burst) == (50.0, 1)
    assert rate.key != old_rate.key  # one shared budget per instance
    for client in (new_client, old_client):
        await client.close()


async def test_budgets_are_stored_only_when_given(redis: Redis) -> None:
    await create_campaign(redis, "plain", texts(1), instances=["old", "new"], rate=5)
    assert await redis.hget("zapi:campaign:{plain}:meta", "budgets") is None
    await create_campaign(redis, "own", texts(1), instances=["old", "new"], budgets={"new": NEW})
    stored = await redis.hget("zapi:campaign:{own}:meta", "budgets")
    assert stored is not None
    assert {name: budget_from_json(data) for name, data in loads(stored).items()} == {"new": NEW}


@pytest.mark.parametrize(
    ("budgets", "message"),
    [
        ({"other": InstanceBudget(rate=1)}, "budgets name 'other', which is not one of"),
        ({"new": {"rate": 1}}, r"budgets\['new'\] should be an InstanceBudget"),
    ],
)
async def test_budgets_must_name_campaign_instances(
    redis: Redis, budgets: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        await create_campaign(
            redis,
            "bad",
            texts(1),
            instances=["old", "new"],
            budgets=budgets,  # type: ignore[arg-type]
        )
    assert await redis.keys("zapi:campaign:{bad}*") == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rate": 0}, "InstanceBudget.rate should be > 0"),
        ({"burst": 0}, "InstanceBudget.burst should be an integer >= 1"),
        ({"pacing": "careful"}, "InstanceBudget.pacing should be a PacingProfile"),
    ],
)
def test_an_invalid_budget_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        InstanceBudget(**fields)  # type: ignore[arg-type]
