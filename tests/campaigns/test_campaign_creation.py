"""Creating a campaign is never half done: the meta hash and every partition's
consumer group appear in one script, and a creation cut off at any later step
resumes to a campaign the workers send in full."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from zapi_async import TextMessage
from zapi_async.campaigns import Campaign, InstanceCredentials, Worker, create_campaign
from zapi_async.sandbox import ZapiSandbox

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0CAMPAIGNCREATE"
TOKEN = "SECRET-CREATE-TOKEN-19fe"


def texts(n: int) -> Iterator[TextMessage]:
    for i in range(n):
        yield TextMessage(f"55119555{i % 7:05d}", f"created {i}")


class DiesAt:
    """A Redis client whose connection drops at the first call of ``method``."""

    def __init__(self, real: Redis, method: str) -> None:
        self._real = real
        self._method = method

    def __getattr__(self, name: str) -> Any:
        if name == self._method:
            raise RedisConnectionError("Connection reset by peer (the creator died)")
        return getattr(self._real, name)


@pytest.mark.parametrize("dies_at", ["sadd", "register_script"])
async def test_a_creation_cut_off_early_resumes_to_a_whole_campaign(
    redis: Redis, dies_at: str
) -> None:
    with pytest.raises(RedisConnectionError, match="the creator died"):
        await create_campaign(DiesAt(redis, dies_at), "cut", texts(20), partitions=5)
    if dies_at == "sadd":  # after the first step: meta and every group, or neither
        assert (await Campaign(redis, "cut").status()).state == "creating"
        for p in range(5):
            groups = await redis.xinfo_groups(f"zapi:campaign:{{cut}}:stream:{p}")
            assert [g["name"] for g in groups] == [b"workers"]
    else:
        assert await redis.keys("zapi:campaign:{cut}*") == []
    assert not await redis.sismember("zapi:campaigns", "cut")

    campaign = await create_campaign(redis, "cut", texts(20), partitions=5)
    assert await redis.sismember("zapi:campaigns", "cut")
    async with ZapiSandbox(INSTANCE, TOKEN) as sandbox:
        credentials = {"default": InstanceCredentials(INSTANCE, TOKEN, base_url=sandbox.base_url)}
        stats = await Worker(redis, credentials=credentials, exit_when_idle=True).run()
        assert stats.recorded == {"sent": 20}
        assert len(sandbox.messages) == 20
    assert (await campaign.status()).done


async def test_existing_streams_keep_their_groups(redis: Redis) -> None:
    await redis.xgroup_create("zapi:campaign:{again}:stream:1", "workers", id="0", mkstream=True)
    campaign = await create_campaign(redis, "again", texts(3), partitions=2)
    assert (await campaign.status()).total == 3
    assert len(await redis.xinfo_groups("zapi:campaign:{again}:stream:1")) == 1
