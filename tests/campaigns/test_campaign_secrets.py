"""Credentials never reach Redis: not in a campaign's keys, nor in the outcome or log
of an unexpected error whose text happens to carry the token."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest
from redis.asyncio import Redis

from zapi_async import TextMessage, ZapiClient
from zapi_async.campaigns import InstanceCredentials, Worker, create_campaign
from zapi_async.limits.rate import Limiter
from zapi_async.models.messages import Message, SendResult

pytestmark = pytest.mark.redis

INSTANCE = "3C0FFEE0CAMPAIGNHIDDEN"
TOKEN = "SECRET-CAMPAIGN-SECRETS-TOKEN-0a9b"
CLIENT_TOKEN = "SECRET-CAMPAIGN-CLIENT-TOKEN-7f3e"
BASE = "https://api.z-api.io"


async def test_an_unexpected_error_is_stored_and_logged_without_the_secrets(
    redis: Redis, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_send_parts(
        self: ZapiClient, parts: Sequence[Message], *, limiter: Limiter | None = None, **_: Any
    ) -> list[SendResult]:
        assert limiter is not None
        await limiter.acquire()  # the attempt is marked started, then something breaks
        raise RuntimeError(f"bug near {BASE}/instances/X/token/{TOKEN} ({CLIENT_TOKEN})")

    monkeypatch.setattr(ZapiClient, "send_parts", broken_send_parts)
    campaign = await create_campaign(
        redis, "leaky", [TextMessage("5511955500001", "hi")], rate=50, partitions=1
    )
    credentials = {"default": InstanceCredentials(INSTANCE, TOKEN, CLIENT_TOKEN)}
    with caplog.at_level(logging.WARNING, logger="zapi_async.campaigns"):
        stats = await Worker(redis, credentials=credentials, exit_when_idle=True).run()
    # The attempt had started: the message may have gone out, so never re-sent.
    assert stats.recorded == {"unknown": 1}
    (result,) = [r async for r in campaign.results()]
    assert (result.status, result.error_type) == ("unknown", "RuntimeError")
    assert result.error == "bug near https://api.z-api.io/instances/X/token/*** (***)"
    assert [r.getMessage() for r in caplog.records] == [
        "unexpected error sending message 0: RuntimeError: bug near "
        "https://api.z-api.io/instances/X/token/*** (***)"
    ]
    everything = ""
    for key in await redis.keys("*"):
        kind = await redis.type(key)
        if kind == b"hash":
            everything += repr(await redis.hgetall(key))
        elif kind == b"stream":
            everything += repr(await redis.xrange(key))
        elif kind == b"string":
            everything += repr(await redis.get(key))
        everything += repr(key)
    assert "limit" in everything  # the rate limiter's keys are in there too
    assert TOKEN not in everything
    assert CLIENT_TOKEN not in everything
