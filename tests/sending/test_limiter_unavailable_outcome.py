"""A shared limiter whose Redis is unreachable gives the ``unsent`` outcome, as
docs/multiprocess.md says (issue 19 item 13)."""

from __future__ import annotations

from tests.support.fake_zapi import FakeZapi, text
from tests.support.redis_server import unreachable_redis
from zapi_async import LimiterUnavailableError, ZapiClient
from zapi_async.limits.redis_limiter import RedisRateLimiter


async def test_limiter_unavailable_is_unsent(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    redis = unreachable_redis()
    limiter = RedisRateLimiter(redis, "3C0FFEE0DOWN", rate=10, unavailable_timeout=0)
    try:
        messages = [text("5511900000001", "x")]
        outcomes = [o async for o in zapi.send_many(messages, limiter=limiter)]
    finally:
        await redis.aclose()
    assert [o.status for o in outcomes] == ["unsent"]
    assert isinstance(outcomes[0].error, LimiterUnavailableError)
    assert fake_zapi.arrivals == []
