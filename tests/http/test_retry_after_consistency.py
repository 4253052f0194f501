"""A Retry-After longer than max_elapsed (but within max_retry_after) is waited and
the message retried, not dropped while every sender pauses (issue 19 item 6)."""

from __future__ import annotations

from tests.support.clock import ObservedLimiter, VirtualClock
from tests.support.fake_zapi import FakeZapi, error, make_retrying_client, text
from zapi_async import RateLimitedError, RetryPolicy


async def test_a_60s_retry_after_is_waited_and_retried(
    fake_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    async def limited(request: object) -> object:
        return error(429, "rate limited", **{"Retry-After": "60"})

    fake_zapi.then(limited)  # type: ignore[arg-type]
    limiter = ObservedLimiter(recording_sleep)
    policy = RetryPolicy(sleep=recording_sleep, random=lambda: 0.0)
    async with make_retrying_client(
        fake_zapi.base_url, recording_sleep, retry=policy, limiter=limiter
    ) as zapi:
        [result] = await zapi.send(text("5511999999999", "hi"))
    assert result.message_id == "M1"
    assert recording_sleep.delays == [60.0]
    assert limiter.pauses == [60.0]
    assert len(fake_zapi.requests) == 2


def test_the_defaults_retry_every_pause_they_impose() -> None:
    policy = RetryPolicy()
    error = RateLimitedError(429, endpoint="/x", retry_after=119.0)
    assert policy.next_delay(1, error, elapsed=29.0) == 119.0
    capped = RateLimitedError(429, endpoint="/x", retry_after=1e9)
    assert policy.next_delay(1, capped, elapsed=0.0) == policy.max_retry_after
    assert policy.next_delay(policy.max_attempts, error, elapsed=0.0) is None
