"""A send that breaks after its request went out is ``unknown`` (never re-sent), one
that breaks before is ``failed``; senders without the ``on_attempt`` hook are told
through the limiter instead (sending/attempts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.support.fake_zapi import FakeZapi, text
from zapi_async import QueueClosedError, SendQueue, UnexpectedSendError, ZapiClient
from zapi_async.http.retry import AttemptObserver, RetryObserver
from zapi_async.limits.rate import Limiter
from zapi_async.models.messages import Message, SendResult
from zapi_async.sending.attempts import takes_on_attempt
from zapi_async.sending.bulk import send_many
from zapi_async.sending.outcomes import classify


class BreaksAfterTheRequest:
    """A Sender whose send goes out, then raises outside the error tree."""

    def __init__(self, client: ZapiClient) -> None:
        self.client = client

    def plan(self, message: Message, *, split: bool = True) -> list[Message]:
        return self.client.plan(message, split=split)

    async def send_parts(
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
        on_attempt: AttemptObserver | None = None,
    ) -> list[SendResult]:
        await self.client.send_parts(parts, limiter=limiter, on_attempt=on_attempt)
        raise RuntimeError("the bookkeeping broke after the send")

    def pacer(self, profile: Any) -> Any:
        return self.client.pacer(profile)

    async def ensure_connected(self, *, require_smartphone: bool = False) -> Any:
        return await self.client.ensure_connected(require_smartphone=require_smartphone)


class LegacySender(BreaksAfterTheRequest):
    """A Sender written before ``on_attempt``: its ``send_parts`` has no such keyword."""

    def __init__(self, client: ZapiClient, *, break_after_limiter: bool) -> None:
        super().__init__(client)
        self.break_after_limiter = break_after_limiter

    async def send_parts(  # type: ignore[override]
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
    ) -> list[SendResult]:
        if not self.break_after_limiter:
            return await self.client.send_parts(parts, limiter=limiter, on_retry=on_retry)
        assert limiter is not None
        await limiter.acquire()  # let through: the request would go out now
        raise RuntimeError("broke once the limiter let the request out")


async def test_an_unexpected_error_after_the_request_went_out_is_unknown(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    sender = BreaksAfterTheRequest(zapi)
    outcomes = [o async for o in send_many(sender, [text("5511900000001", "hi")])]
    (outcome,) = outcomes
    assert outcome.status == "unknown"
    assert isinstance(outcome.error, UnexpectedSendError)
    assert outcome.error.maybe_sent
    assert str(outcome.error) == (
        "the send failed unexpectedly after a request went out (it may have been "
        "delivered): RuntimeError: the bookkeeping broke after the send"
    )
    assert len(fake_zapi.arrivals) == 1


async def test_a_sender_without_the_hook_is_tracked_through_the_limiter(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    working = LegacySender(zapi, break_after_limiter=False)
    broken = LegacySender(zapi, break_after_limiter=True)
    assert not takes_on_attempt(working)
    assert takes_on_attempt(zapi)
    async with SendQueue(working, workers=2) as queue:  # type: ignore[arg-type]
        sent = await queue.submit(text("5511900000001", "a"))
    assert sent.result()[0].message_id == "M1"
    assert queue.stats.sent == 1
    async with SendQueue(broken, workers=1) as queue:  # type: ignore[arg-type]
        maybe = await queue.submit(text("5511900000002", "b"))
    with pytest.raises(UnexpectedSendError) as caught:
        maybe.result()
    assert caught.value.maybe_sent
    assert (queue.stats.unknown, queue.stats.failed) == (1, 0)


@pytest.mark.parametrize(("maybe_sent", "status"), [(True, "unknown"), (False, "failed")])
def test_classify_follows_maybe_sent(maybe_sent: bool, status: str) -> None:
    assert classify(UnexpectedSendError(ValueError("x"), maybe_sent=maybe_sent)) == status


async def test_a_cancelling_close_withdraws_messages_held_by_the_limiter(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    # One request every 100 s: the first goes out, the other workers wait in the limiter.
    queue = SendQueue(zapi, workers=3, rate=0.01, burst=1)
    async with queue:
        futures = [await queue.submit(text(f"551190000000{i}", f"m{i}")) for i in range(3)]
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
        unsent = await queue.close(cancel=True)
    assert [m.phone for m in unsent] == ["5511900000001", "5511900000002"]
    assert futures[0].result()[0].message_id == "M1"
    for future in futures[1:]:
        assert isinstance(future.exception(), QueueClosedError)
    assert (queue.stats.sent, queue.stats.unsent, queue.stats.in_flight) == (1, 2, 0)
    assert len(fake_zapi.arrivals) == 1
