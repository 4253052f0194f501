"""Limits that belong to the instance, not to one queue or run: 429 pauses and pacing."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.support.clock import VirtualClock
from zapi_async import InstanceDisconnectedError, PacingProfile, TextMessage, ZapiClient
from zapi_async.errors import DailyCapReachedError
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import Unlimited
from zapi_async.sandbox import ZapiSandbox


def texts(n: int, prefix: str) -> list[TextMessage]:
    return [TextMessage(f"55119{70000000 + i}", f"{prefix} {i}") for i in range(n)]


async def test_a_429_inside_a_queue_pauses_the_clients_other_senders() -> None:
    clock = VirtualClock(auto_advance=True)  # sleeping advances its virtual time at once
    own = Unlimited(clock=clock.time, sleep=clock)
    retry = RetryPolicy(sleep=clock, random=lambda: 0.0)
    async with ZapiSandbox() as sandbox:
        sandbox.rate_limit_next(1, retry_after=0.05)  # the queue's own limiter waits for real
        async with ZapiClient(
            sandbox.instance_id, sandbox.token, base_url=sandbox.base_url, limiter=own, retry=retry
        ) as zapi:
            outcomes = [o async for o in zapi.send_many(texts(1, "hi"), rate=1000, burst=5)]
    assert [o.status for o in outcomes] == ["sent"]
    # The queue had its own rate limiter, yet the client's limiter was paused too:
    # a plain zapi.send() running beside the queue would have waited as well.
    assert own.paused_until == pytest.approx(1000.0 + 0.05)


async def test_pacing_daily_cap_spans_every_run_of_the_client() -> None:
    profile = PacingProfile(daily_cap=3)
    async with (
        ZapiSandbox() as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        first = [o.status async for o in zapi.send_many(texts(2, "a"), pacing=profile)]
        second = [o async for o in zapi.send_many(texts(2, "b"), pacing=profile, ordered=True)]
        assert zapi.pacer(profile) is zapi.pacer(PacingProfile(daily_cap=3))
    assert first == ["sent", "sent"]
    assert [o.status for o in second] == ["sent", "unsent"]
    assert isinstance(second[1].error, DailyCapReachedError)
    assert Counter(r.text.split()[0] for r in sandbox.messages if r.text) == {"a": 2, "b": 1}


async def test_status_is_rechecked_while_sends_keep_succeeding() -> None:
    # Z-API accepts sends while the phone is away (they wait in its queue), so only a
    # periodic status check can notice the disconnection.
    async with (
        ZapiSandbox() as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):

        async def campaign() -> AsyncIterator[TextMessage]:
            for index, message in enumerate(texts(60, "m")):
                if index == 5:
                    sandbox.disconnect()
                yield message

        outcomes = [
            o
            async for o in zapi.send_many(
                campaign(), concurrency=1, check_status=True, status_every=10
            )
        ]
    by_status = Counter(o.status for o in outcomes)
    assert len(outcomes) == 60
    assert set(by_status) == {"sent", "unsent"}
    # The check after the 10th send finds the phone away; at most the sends already
    # under way (one worker) and the one the check overlapped still go out.
    assert 10 <= by_status["sent"] <= 12
    assert all(
        isinstance(o.error, InstanceDisconnectedError) for o in outcomes if o.status == "unsent"
    )
    assert len(sandbox.messages) == by_status["sent"]
