"""SendQueue: per-recipient order, parallelism, backpressure, closing, cancelling,
withdrawing, validation, statistics and the progress hook."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import attrs
import pytest
from aiohttp import web

import zapi_async.sending.queue as queue_module
from tests.support.clock import VirtualClock, within
from tests.support.fake_zapi import DROP, Arrival, FakeZapi, error, make_client, text
from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    DeliveryUnknownError,
    PartialSendError,
    QueueClosedError,
    ReplyButton,
    SendResult,
    ServerError,
    UrlButton,
    ValidationError,
    ZapiClient,
    ZapiHTTPError,
)
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import RateLimiter
from zapi_async.models.text import TextMessage
from zapi_async.sandbox import ZapiSandbox
from zapi_async.sending.outcomes import QueueStats
from zapi_async.sending.queue import SendQueue


def phone(n: int) -> str:
    return f"55119{n:08d}"


async def no_wait(delay: float) -> None:
    """A retry sleep that returns at once."""


def without_rate(stats: QueueStats) -> QueueStats:
    return attrs.evolve(stats, rate=0.0)


async def still_pending(*futures: asyncio.Future[Any]) -> bool:
    """Let the loop run a while; True when none of ``futures`` completed meanwhile."""
    await VirtualClock.settle(50)
    return not any(f.done() for f in futures)


def hold_all(fake: FakeZapi) -> asyncio.Event:
    """Make every send wait until the returned event is set."""
    gate = fake.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> None:
        await gate.wait()

    fake.behaviour = behaviour
    return gate


# -- order and parallelism -----------------------------------------------------------------


async def test_same_recipient_in_submission_order_others_in_parallel(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    recipients = [phone(1), phone(2), phone(3)]

    async def behaviour(arrival: Arrival, request: web.Request) -> None:
        # Round r holds each recipient's r-th message until all three are in: it only
        # completes if the queue sends the recipients in parallel.
        round_ = int(arrival.text.split("#")[1])
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) >= 3 * (round_ + 1))

    fake_zapi.behaviour = behaviour
    messages = [text(p, f"{p}#{i}") for i in range(10) for p in recipients]
    async with SendQueue(zapi, workers=8) as queue:
        futures = [await queue.submit(m) for m in messages]
    for p in recipients:
        assert fake_zapi.sends_to(p) == [f"{p}#{i}" for i in range(10)]
        assert fake_zapi.max_overlap[f"INSTANCE-A/{p}"] == 1
    assert fake_zapi.max_in_flight == 3  # eight workers, but one request per recipient
    assert [f.result()[0].message_id for f in futures] != []
    assert queue.stats.sent == 30


async def test_different_recipients_are_sent_concurrently(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    async def barrier(arrival: Arrival, request: web.Request) -> None:
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) >= 6)

    fake_zapi.behaviour = barrier
    async with SendQueue(zapi, workers=6) as queue:
        futures = [await queue.submit(text(phone(i), f"m{i}")) for i in range(6)]
    assert fake_zapi.max_in_flight == 6
    assert sorted(f.result()[0].message_id for f in futures) == [f"M{i}" for i in range(1, 7)]


async def test_split_parts_go_in_order_before_the_next_message(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    def mixed(n: int) -> ButtonActionsMessage:
        return ButtonActionsMessage(
            phone=phone(1),
            message=f"offer {n}",
            buttons=[
                CallButton("Call", phone="+5511999999999"),
                UrlButton("Site", url="https://example.com"),
                ReplyButton("Stop", id="stop"),
            ],
        )

    async with SendQueue(zapi, workers=4) as queue:
        first = await queue.submit(mixed(1))
        between = await queue.submit(text(phone(1), "between"))
        second = await queue.submit(mixed(2))
        others = [await queue.submit(text(phone(i), "other")) for i in range(2, 5)]
    to_one = [a for a in fake_zapi.arrivals if a.phone == phone(1)]
    assert [
        (a.endpoint, a.text, [b["type"] for b in a.body.get("buttonActions", [])]) for a in to_one
    ] == [
        ("send-button-actions", "offer 1", ["CALL", "URL"]),
        ("send-button-actions", "offer 1", ["REPLY"]),
        ("send-text", "between", []),
        ("send-button-actions", "offer 2", ["CALL", "URL"]),
        ("send-button-actions", "offer 2", ["REPLY"]),
    ]
    assert fake_zapi.max_overlap[f"INSTANCE-A/{phone(1)}"] == 1
    assert len(first.result()) == 2
    assert len(second.result()) == 2
    assert len(between.result()) == 1
    assert all(len(f.result()) == 1 for f in others)
    assert queue.stats.sent == 6  # messages, not requests


async def test_order_per_recipient_against_the_sandbox() -> None:
    async with (
        ZapiSandbox(seed=3) as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        async with SendQueue(zapi, workers=8) as queue:
            for i in range(12):
                await queue.submit(TextMessage(phone(i % 3), f"#{i}"))
        for r in range(3):
            assert [m.text for m in sandbox.messages_to(phone(r))] == [
                f"#{i}" for i in range(r, 12, 3)
            ]
        assert sandbox.duplicates() == {}


# -- backpressure ------------------------------------------------------------------------


async def test_submit_waits_while_the_buffer_is_full(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=1, maxsize=2)
    await queue.submit(text(phone(0), "in flight"))
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    await queue.submit(text(phone(1), "buffered 1"))
    await queue.submit(text(phone(2), "buffered 2"))
    assert queue.stats.queued == 2
    blocked = asyncio.ensure_future(queue.submit(text(phone(3), "waits for room")))
    assert await still_pending(blocked)
    assert queue.stats.submitted == 3
    gate.set()  # the worker finishes, takes "buffered 1", and frees one place
    future = await within(blocked)
    assert queue.stats.submitted == 4
    await within(queue.close())
    assert fake_zapi.texts() == ["in flight", "buffered 1", "buffered 2", "waits for room"]
    assert future.result()[0].message_id == "M4"


async def test_a_submit_waiting_for_room_fails_when_the_queue_closes(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=1, maxsize=1)
    await queue.submit(text(phone(0), "in flight"))
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    await queue.submit(text(phone(1), "buffered"))
    blocked = asyncio.ensure_future(queue.submit(text(phone(2), "no room")))
    assert await still_pending(blocked)
    closing = asyncio.ensure_future(queue.close(cancel=True))
    with pytest.raises(QueueClosedError, match="the queue was closed while waiting for room"):
        await within(blocked)
    gate.set()
    assert [m.message for m in await within(closing)] == ["buffered"]
    assert queue.stats.submitted == 2


# -- closing -------------------------------------------------------------------------------


async def test_close_drains_everything(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    queue = SendQueue(zapi, workers=2)
    futures = [await queue.submit(text(phone(i % 4), f"m{i}")) for i in range(10)]
    assert await within(queue.close()) == []
    assert all(f.done() and f.exception() is None for f in futures)
    assert without_rate(queue.stats) == QueueStats(submitted=10, sent=10)
    assert queue.closed
    assert sorted(fake_zapi.texts()) == sorted(f"m{i}" for i in range(10))


async def test_close_before_any_submit_and_twice(zapi: ZapiClient) -> None:
    queue = SendQueue(zapi)
    assert await queue.close() == []
    assert await queue.close(cancel=True) == []
    with pytest.raises(QueueClosedError) as caught:
        await queue.submit(text(phone(1), "late"))
    assert str(caught.value) == "the queue is closed; no more messages are accepted"


async def test_submit_after_close_is_refused(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    async with SendQueue(zapi) as queue:
        await queue.submit(text(phone(1), "on time"))
    with pytest.raises(QueueClosedError, match=r"^the queue is closed; no more messages"):
        await queue.submit(text(phone(1), "late"))
    assert fake_zapi.texts() == ["on time"]
    assert queue.stats.submitted == 1


async def test_cancelling_close_returns_unstarted_in_submission_order(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=2)
    a, b, c, d = phone(1), phone(2), phone(3), phone(4)
    messages = [text(a, "a0"), text(b, "b0"), text(a, "a1"), text(c, "c0"), text(b, "b1")]
    messages.append(text(d, "d0"))
    futures = [await queue.submit(m) for m in messages]
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)  # a0 and b0 in flight
    closing = asyncio.ensure_future(queue.close(cancel=True))
    for future in futures[2:]:
        with pytest.raises(QueueClosedError, match="closed before this message was sent"):
            await within(future)
    assert await still_pending(closing, futures[0], futures[1])  # in-flight sends finish first
    assert queue.stats.in_flight == 2
    gate.set()
    unsent = await within(closing)
    assert unsent == messages[2:]  # a1, c0, b1, d0: submission order
    assert queue.unsent == messages[2:]
    assert [f.result()[0].message_id for f in futures[:2]] != []
    assert sorted(fake_zapi.texts()) == ["a0", "b0"]
    assert without_rate(queue.stats) == QueueStats(submitted=6, sent=2, unsent=4)


async def test_cancelling_the_task_awaiting_close_accounts_for_every_message(
    fake_zapi: FakeZapi, clock: VirtualClock
) -> None:
    gate = hold_all(fake_zapi)
    limiter = RateLimiter(1, burst=2, clock=clock.time, sleep=clock.sleep)
    async with make_client(fake_zapi, limiter=limiter) as zapi:
        queue = SendQueue(zapi, workers=4)
        messages = [text(phone(i), f"m{i}") for i in range(6)]
        futures = [await queue.submit(m) for m in messages]
        # m0, m1 use the burst and reach the server; m2, m3 wait for the limiter.
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)
        await clock.wait_sleepers(2)
        closing = asyncio.ensure_future(queue.close())
        assert await still_pending(closing)
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await within(closing)
        assert all(f.done() for f in futures)
        for future in futures[:2]:
            error = future.exception()
            assert isinstance(error, DeliveryUnknownError)
            assert "the queue was cancelled mid-send" in str(error)
        for future in futures[2:]:
            assert isinstance(future.exception(), QueueClosedError)
        # Never sent (waiting in the buffer or for the limiter): safe to resend.
        assert queue.unsent == messages[2:]
        assert without_rate(queue.stats) == QueueStats(submitted=6, unknown=2, unsent=4)
        assert await within(queue.close()) == messages[2:]  # a later close still answers
        gate.set()
    assert sorted(fake_zapi.texts()) == ["m0", "m1"]


async def test_leaving_async_with_on_an_exception_cancels(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = hold_all(fake_zapi)

    def progress(stats: QueueStats) -> None:
        if stats.unsent == 3:  # the withdrawal happened: let the in-flight send finish
            gate.set()

    messages = [text(phone(i), f"m{i}") for i in range(4)]
    queue = SendQueue(zapi, workers=1, on_progress=progress)
    futures: list[asyncio.Future[list[SendResult]]] = []

    async def use_then_fail() -> None:
        async with queue:
            futures.extend([await queue.submit(m) for m in messages])
            await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await within(use_then_fail())
    assert queue.unsent == messages[1:]
    assert futures[0].result()[0].message_id == "M1"
    assert all(isinstance(f.exception(), QueueClosedError) for f in futures[1:])
    assert fake_zapi.texts() == ["m0"]
    assert without_rate(queue.stats) == QueueStats(submitted=4, sent=1, unsent=3)


# -- withdrawing and validation -----------------------------------------------------------


async def test_cancelling_a_future_withdraws_its_message(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=1)
    first = await queue.submit(text(phone(1), "kept"))
    withdrawn = await queue.submit(text(phone(1), "withdrawn"))
    last = await queue.submit(text(phone(1), "also kept"))
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    assert withdrawn.cancel()
    gate.set()
    assert await within(queue.close()) == []  # withdrawn by the caller: not "to resend"
    assert fake_zapi.texts() == ["kept", "also kept"]
    assert first.result()
    assert last.result()
    assert without_rate(queue.stats) == QueueStats(submitted=3, sent=2, unsent=1)
    assert queue.unsent == []


async def test_a_withdrawn_message_is_not_returned_by_a_cancelling_close(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=1)
    await queue.submit(text(phone(1), "in flight"))
    withdrawn = await queue.submit(text(phone(2), "withdrawn"))
    kept = text(phone(3), "kept")
    await queue.submit(kept)
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    withdrawn.cancel()
    closing = asyncio.ensure_future(queue.close(cancel=True))
    gate.set()
    assert await within(closing) == [kept]
    assert queue.stats.unsent == 2


async def test_invalid_messages_are_refused_at_submit(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    mixed = ButtonActionsMessage(
        phone=phone(1),
        message="hi",
        buttons=[UrlButton("Site", url="https://example.com"), ReplyButton("Stop", id="stop")],
    )
    async with SendQueue(zapi, split=False) as queue:
        with pytest.raises(ValidationError) as caught:
            await queue.submit(mixed)
        assert caught.value.field == "ButtonActionsMessage.buttons"
        assert "should not mix REPLY buttons with CALL/URL buttons" in caught.value.rule
        with pytest.raises(ValidationError) as not_a_message:
            await queue.submit({"phone": phone(1), "message": "hi"})  # type: ignore[arg-type]
        assert str(not_a_message.value) == (
            "message: should be a message model (TextMessage, ButtonActionsMessage, ...), "
            "but was dict"
        )
        ok = await queue.submit(text(phone(1), "valid"))
    assert ok.result()
    assert without_rate(queue.stats) == QueueStats(submitted=1, sent=1)
    assert fake_zapi.texts() == ["valid"]


# -- statistics and progress ---------------------------------------------------------------


async def test_stats_and_progress_hook_for_every_kind_of_outcome(fake_zapi: FakeZapi) -> None:
    answers = {2: error(503, "busy"), 4: error(400, "bad phone"), 7: error(400, "late failure")}

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.seq == 5:
            return DROP
        return answers.get(arrival.seq)

    fake_zapi.behaviour = behaviour
    snapshots: list[QueueStats] = []
    split_me = ButtonActionsMessage(
        phone=phone(5),
        message="two parts",
        buttons=[UrlButton("Site", url="https://example.com"), ReplyButton("Stop", id="stop")],
    )
    retry = RetryPolicy(sleep=no_wait, random=lambda: 0.0)
    async with make_client(fake_zapi, retry=retry) as zapi:
        queue = SendQueue(zapi, workers=1, on_progress=snapshots.append)
        assert queue.stats == QueueStats()
        async with queue:
            sent = await queue.submit(text(phone(1), "sent"))
            retried = await queue.submit(text(phone(2), "retried"))
            failed = await queue.submit(text(phone(3), "failed"))
            unknown = await queue.submit(text(phone(4), "unknown"))
            partial = await queue.submit(split_me)
    assert sent.result()[0].message_id == "M1"
    assert retried.result()[0].message_id == "M3"
    failure = failed.exception()
    assert isinstance(failure, ZapiHTTPError)
    assert failure.status == 400
    assert isinstance(unknown.exception(), DeliveryUnknownError)
    partial_error = partial.exception()
    assert isinstance(partial_error, PartialSendError)
    assert [r.message_id for r in partial_error.sent] == ["M6"]
    assert [without_rate(s) for s in snapshots] == [
        QueueStats(submitted=5, sent=1, queued=4),
        QueueStats(submitted=5, sent=2, retried=1, queued=3),
        QueueStats(submitted=5, sent=2, failed=1, retried=1, queued=2),
        QueueStats(submitted=5, sent=2, failed=1, unknown=1, retried=1, queued=1),
        QueueStats(submitted=5, sent=2, failed=2, unknown=1, retried=1),
    ]
    assert queue.stats.finished == 5
    assert queue.stats.rate > 0
    assert [a.seq for a in fake_zapi.arrivals] == [1, 2, 3, 4, 5, 6, 7]


async def test_in_flight_and_queued_while_sending(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    gate = hold_all(fake_zapi)
    queue = SendQueue(zapi, workers=2)
    for i in range(5):
        await queue.submit(text(phone(i), f"m{i}"))
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)
    assert without_rate(queue.stats) == QueueStats(submitted=5, in_flight=2, queued=3)
    gate.set()
    await within(queue.close())
    assert without_rate(queue.stats) == QueueStats(submitted=5, sent=5)


async def test_a_failing_progress_hook_does_not_stop_the_queue(
    fake_zapi: FakeZapi, zapi: ZapiClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(stats: QueueStats) -> None:
        raise RuntimeError("hook bug")

    with caplog.at_level(logging.ERROR, logger="zapi_async.sending.queue"):
        async with SendQueue(zapi, workers=2, on_progress=broken) as queue:
            futures = [await queue.submit(text(phone(i), f"m{i}")) for i in range(6)]
        await within(asyncio.gather(*futures))
    assert queue.stats.sent == 6
    assert [r.getMessage() for r in caplog.records] == ["on_progress hook raised"] * 6


async def test_rate_history_stays_bounded(
    fake_zapi: FakeZapi, zapi: ZapiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_module, "RATE_WINDOW", 0.0)
    async with SendQueue(zapi, workers=1) as queue:
        for i in range(30):
            await queue.submit(text(phone(i), "x"))
    assert len(queue._recent) < 5  # old send times are forgotten even if nobody reads stats


async def test_server_errors_count_as_failed(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse:
        return error(500, "boom")

    fake_zapi.behaviour = behaviour
    async with SendQueue(zapi) as queue:
        future = await queue.submit(text(phone(1), "x"))
    assert isinstance(future.exception(), ServerError)
    assert without_rate(queue.stats) == QueueStats(submitted=1, failed=1)


async def test_constructor_validation(zapi: ZapiClient) -> None:
    with pytest.raises(ValueError, match=r"^SendQueue.workers should be >= 1, but was 0$"):
        SendQueue(zapi, workers=0)
    with pytest.raises(ValueError, match=r"^SendQueue.maxsize should be >= 1, but was 0$"):
        SendQueue(zapi, maxsize=0)
