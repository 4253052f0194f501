"""send_many: any iterable in, one outcome per input out; lazy, ordered on request,
stops cleanly when left early, and stops sending when the instance disconnects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, cast

import pytest
from aiohttp import web

from tests.support.clock import VirtualClock, within
from tests.support.fake_zapi import Arrival, FakeZapi, error, text
from zapi_async import (
    ButtonActionsMessage,
    ButtonPolicy,
    InstanceDisconnectedError,
    ReplyButton,
    SendResult,
    ValidationError,
    ZapiClient,
    ZapiHTTPError,
)
from zapi_async.limits.rate import RateLimiter
from zapi_async.models.messages import Message
from zapi_async.models.text import TextMessage
from zapi_async.sandbox import ZapiSandbox
from zapi_async.sending.bulk import send_many
from zapi_async.sending.outcomes import Outcome


def phone(n: int) -> str:
    return f"55119{n:08d}"


def batch(count: int) -> list[TextMessage]:
    return [text(phone(i), f"m{i}") for i in range(count)]


async def collect(outcomes: AsyncIterator[Outcome[Any]]) -> list[Outcome[Any]]:
    return cast("list[Outcome[Any]]", await within(_drain(outcomes)))


async def _drain(outcomes: AsyncIterator[Outcome[Any]]) -> list[Outcome[Any]]:
    return [outcome async for outcome in outcomes]


def by_index(outcomes: Sequence[Outcome[Any]]) -> list[Outcome[Any]]:
    ordered = sorted(outcomes, key=lambda o: o.index)
    assert [o.index for o in ordered] == list(range(len(outcomes)))  # one per input
    return ordered


def assert_all_sent(outcomes: Sequence[Outcome[Any]], messages: Sequence[Message]) -> None:
    for outcome, message in zip(by_index(outcomes), messages, strict=True):
        assert outcome.item is message
        assert outcome.status == "sent"
        assert outcome.ok
        assert outcome.error is None
        assert len(outcome.results) == 1
        assert isinstance(outcome.results[0], SendResult)


# -- inputs ----------------------------------------------------------------------------------


async def test_a_list(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    messages = batch(12)
    outcomes = await collect(zapi.send_many(messages, concurrency=4))
    assert_all_sent(outcomes, messages)
    assert sorted(fake_zapi.texts()) == sorted(m.message for m in messages)
    ids = {o.results[0].message_id for o in outcomes}
    assert ids == {f"M{i}" for i in range(1, 13)}


async def test_a_generator(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    messages = batch(20)
    outcomes = await collect(zapi.send_many((m for m in messages), concurrency=3))
    assert_all_sent(outcomes, messages)
    assert len(fake_zapi.arrivals) == 20


async def test_an_async_generator(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    messages = batch(15)

    async def source() -> AsyncIterator[TextMessage]:
        for message in messages:
            await asyncio.sleep(0)
            yield message

    outcomes = await collect(zapi.send_many(source(), concurrency=3))
    assert_all_sent(outcomes, messages)


async def test_an_empty_input(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    assert await collect(zapi.send_many([])) == []
    assert fake_zapi.arrivals == []


# -- laziness and leaving early ----------------------------------------------------------


@pytest.mark.parametrize(("concurrency", "window"), [(2, None), (4, 10)])
async def test_a_million_item_generator_is_read_lazily_and_stopped_on_break(
    fake_zapi: FakeZapi, zapi: ZapiClient, concurrency: int, window: int | None
) -> None:
    pulled = 0

    def million() -> Iterator[TextMessage]:
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield TextMessage(phone(i % 5000), f"m{i}")

    seen: list[Outcome[TextMessage]] = []
    run = send_many(zapi, million(), concurrency=concurrency, window=window)
    async with contextlib.aclosing(run) as outcomes:
        async for outcome in outcomes:
            seen.append(outcome)
            if len(seen) == 3:
                break
    limit = window or 4 * concurrency + 64
    # Room is waited for before an item is read: at most the window ahead.
    assert 3 < pulled <= 3 + limit
    sent_at_break = len(fake_zapi.arrivals)
    assert sent_at_break <= pulled
    await VirtualClock.settle(100)
    assert len(fake_zapi.arrivals) == sent_at_break  # nothing more goes out
    assert sum(fake_zapi.in_flight.values()) == 0  # sends under way were finished
    assert all(o.status == "sent" for o in seen)


async def test_breaking_early_lets_sends_under_way_finish_and_sends_no_more(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    gate = fake_zapi.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> None:
        if arrival.text != "m0":
            await gate.wait()

    fake_zapi.behaviour = behaviour

    async def consume() -> None:
        run = send_many(zapi, batch(50), concurrency=3)
        async with contextlib.aclosing(run) as outcomes:
            async for _ in outcomes:
                break

    consumer = asyncio.ensure_future(consume())
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) >= 3)
    await VirtualClock.settle(50)
    assert not consumer.done()  # closing waits for the requests under way
    gate.set()
    await within(consumer)
    # m0, then m1 and m2 (and m3 if a worker took it before the break): all answered,
    # none abandoned, and nothing after them.
    assert sorted(fake_zapi.texts()) in (["m0", "m1", "m2"], ["m0", "m1", "m2", "m3"])
    assert len(fake_zapi.answered) == len(fake_zapi.arrivals)
    assert sum(fake_zapi.in_flight.values()) == 0


async def test_cancelling_the_consumer_stops_the_run(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    gate = fake_zapi.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> None:
        if arrival.seq > 2:
            await gate.wait()

    fake_zapi.behaviour = behaviour
    seen: list[Outcome[TextMessage]] = []

    async def consume() -> None:
        async for outcome in zapi.send_many(batch(100), concurrency=4):
            seen.append(outcome)

    consumer = asyncio.ensure_future(consume())
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 6)  # 2 answered, 4 held
    consumer.cancel()
    await VirtualClock.settle(50)
    assert not consumer.done()  # the held sends are finished, not abandoned
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await within(consumer)
    assert len(fake_zapi.answered) == len(fake_zapi.arrivals) == 6
    assert len(seen) == 2


async def test_an_input_that_fails_midway_finishes_what_was_read_then_raises(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    messages = batch(3)

    def broken() -> Iterator[TextMessage]:
        yield from messages
        raise OSError("the CSV file went away")

    seen: list[Outcome[TextMessage]] = []

    async def consume() -> None:
        async for outcome in zapi.send_many(broken()):
            seen.append(outcome)

    with pytest.raises(OSError, match="the CSV file went away"):
        await within(consume())
    assert_all_sent(seen, messages)


# -- order -------------------------------------------------------------------------------


@pytest.fixture
def completions(
    fake_zapi: FakeZapi, zapi: ZapiClient, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The texts of the sends the client completed, in completion order."""
    done: list[str] = []
    original = zapi.send_parts

    async def observed(parts: Sequence[Message], **kwargs: Any) -> list[SendResult]:
        results = await original(parts, **kwargs)
        done.append(cast(TextMessage, parts[0]).message)
        await fake_zapi.poke()
        return results

    monkeypatch.setattr(zapi, "send_parts", observed)
    return done


def last_first(fake: FakeZapi, completions: list[str]) -> None:
    """The first message is answered only once the client completed all the others."""

    async def behaviour(arrival: Arrival, request: web.Request) -> None:
        if arrival.text == "m0":
            await fake.until(lambda: len(completions) == 4)

    fake.behaviour = behaviour


async def test_ordered_yields_in_input_order_whatever_the_completion_order(
    fake_zapi: FakeZapi, zapi: ZapiClient, completions: list[str]
) -> None:
    last_first(fake_zapi, completions)
    messages = batch(5)
    outcomes = await collect(zapi.send_many(messages, concurrency=5, ordered=True))
    assert completions[-1] == "m0"  # the server answered out of order
    assert [o.index for o in outcomes] == [0, 1, 2, 3, 4]
    assert [o.item for o in outcomes] == messages


async def test_unordered_yields_as_sends_complete(
    fake_zapi: FakeZapi, zapi: ZapiClient, completions: list[str]
) -> None:
    last_first(fake_zapi, completions)
    outcomes = await collect(zapi.send_many(batch(5), concurrency=5))
    assert [o.item.message for o in outcomes] == completions
    assert outcomes[-1].index == 0


# -- failures ----------------------------------------------------------------------------


async def test_invalid_items_yield_failed_outcomes_and_the_run_goes_on(
    fake_zapi: FakeZapi,
) -> None:
    too_long = ButtonActionsMessage(
        phone=phone(9), message="far too long for the policy", buttons=[ReplyButton("Ok", id="ok")]
    )
    items: list[Any] = [
        text(phone(1), "first"),
        too_long,
        {"phone": phone(2)},
        text(phone(3), "last"),
    ]
    async with ZapiClient(
        "INSTANCE-A",
        "TOKEN-A-secret",
        base_url=fake_zapi.base_url,
        policy=ButtonPolicy(max_message_length=10),
    ) as zapi:
        outcomes = by_index(await collect(zapi.send_many(items, ordered=True)))
    assert [o.status for o in outcomes] == ["sent", "failed", "failed", "sent"]
    assert [o.item for o in outcomes] == items
    assert isinstance(outcomes[1].error, ValidationError)
    assert outcomes[1].error.field == "ButtonActionsMessage.message"
    assert isinstance(outcomes[2].error, ValidationError)
    assert str(outcomes[2].error) == (
        "message: should be a message model (TextMessage, ButtonActionsMessage, ...), but was dict"
    )
    assert outcomes[1].results == []
    assert outcomes[2].results == []
    assert fake_zapi.texts() == ["first", "last"]


async def test_http_failures_are_outcomes_not_exceptions(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        return error(400, "invalid phone") if arrival.text == "m1" else None

    fake_zapi.behaviour = behaviour
    outcomes = by_index(await collect(zapi.send_many(batch(3), concurrency=1)))
    assert [o.status for o in outcomes] == ["sent", "failed", "sent"]
    failure = outcomes[1].error
    assert isinstance(failure, ZapiHTTPError)
    assert (failure.status, failure.error) == (400, "invalid phone")


async def test_limiter_is_applied(
    fake_zapi: FakeZapi, zapi: ZapiClient, clock: VirtualClock
) -> None:
    limiter = RateLimiter(1, clock=clock.time, sleep=clock.sleep)
    run = asyncio.ensure_future(collect(zapi.send_many(batch(3), limiter=limiter)))
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    await clock.wait_sleepers(2)
    assert len(fake_zapi.arrivals) == 1
    await clock.advance(1)
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)
    await clock.advance(1)
    assert len(await within(run)) == 3


# -- instance status -------------------------------------------------------------------------


async def test_check_status_refuses_to_start_when_disconnected() -> None:
    pulled = 0

    def source() -> Iterator[TextMessage]:
        nonlocal pulled
        for message in batch(5):
            pulled += 1
            yield message

    async with (
        ZapiSandbox(seed=5) as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        sandbox.disconnect()
        with pytest.raises(InstanceDisconnectedError) as caught:
            await collect(zapi.send_many(source(), check_status=True))
        assert str(caught.value) == "the Z-API instance is not connected: You are not connected."
        assert sandbox.messages == []
        assert [r.endpoint for r in sandbox.requests] == ["status"]
    assert pulled == 0


async def test_the_sandbox_queues_sends_while_disconnected() -> None:
    # Like Z-API, the sandbox accepts sends while the phone is away and delivers them
    # on reconnection: such outcomes are "sent" (accepted), nothing is lost.
    async with (
        ZapiSandbox(seed=6) as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        outcomes: list[Outcome[TextMessage]] = []
        async for outcome in zapi.send_many(batch(10), concurrency=1, check_status=True):
            outcomes.append(outcome)
            if len(outcomes) == 3:
                sandbox.disconnect()
        assert [o.status for o in outcomes] == ["sent"] * 10
        queued = len(sandbox.queued)
        assert 1 <= queued <= 7
        assert len(sandbox.connect()) == queued
        assert len(sandbox.messages) == 10
        assert sandbox.duplicates() == {}


async def test_disconnect_midway_leaves_the_rest_unsent(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    release = fake_zapi.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.text == "m3":
            fake_zapi.connected = False  # the phone drops: this send fails at once
        elif not fake_zapi.connected:
            await release.wait()  # later sends fail once the test has seen "unsent"
        if not fake_zapi.connected:
            return error(400, "instance not connected")
        return None

    fake_zapi.behaviour = behaviour
    messages = batch(10)
    outcomes: dict[int, Outcome[TextMessage]] = {}

    async def consume() -> None:
        async for outcome in zapi.send_many(messages, concurrency=1, check_status=True):
            outcomes[outcome.index] = outcome
            if outcome.status == "unsent":
                release.set()

    await within(consume())
    statuses = [outcomes[i].status for i in range(10)]
    assert statuses == ["sent"] * 3 + ["failed"] * 2 + ["unsent"] * 5
    assert fake_zapi.texts() == ["m0", "m1", "m2", "m3", "m4"]
    for i in range(5, 10):
        stop = outcomes[i].error
        assert isinstance(stop, InstanceDisconnectedError)
        assert stop.error == "You are not connected."
        assert outcomes[i].item is messages[i]
    assert fake_zapi.status_checks == 2  # once before starting, once after the failure


async def test_a_failed_status_check_keeps_the_run_going(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        return error(400, "bad number") if arrival.text == "m1" else None

    fake_zapi.behaviour = behaviour
    outcomes = by_index(await collect(zapi.send_many(batch(6), concurrency=1, check_status=True)))
    assert [o.status for o in outcomes] == ["sent", "failed"] + ["sent"] * 4
    assert fake_zapi.status_checks == 2  # still connected: the run went on
