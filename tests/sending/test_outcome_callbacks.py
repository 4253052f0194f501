"""``SendQueue._submit_nowait``: the outcome goes to a callback (how ``send_many``
gets it); a callback that raises is logged and stops neither the worker nor close()."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.support.fake_zapi import FakeZapi
from zapi_async import QueueClosedError, ZapiClient
from zapi_async.models.messages import SendResult
from zapi_async.models.text import TextMessage
from zapi_async.sending.outcomes import OutcomeStatus
from zapi_async.sending.queue import SendQueue

Told = tuple[str, OutcomeStatus, int, "type[BaseException] | None"]


def phone(n: int) -> str:
    return f"55119{n:08d}"


async def test_each_outcome_reaches_its_callback_once(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    told: list[Told] = []

    def teller(name: str):  # type: ignore[no-untyped-def]
        def on_done(
            status: OutcomeStatus, results: list[SendResult], error: BaseException | None
        ) -> None:
            told.append((name, status, len(results), None if error is None else type(error)))

        return on_done

    async with SendQueue(zapi, workers=2) as queue:
        queue._submit_nowait(TextMessage(phone(1), "a"), teller("a"))
        queue._submit_nowait(TextMessage(phone(1), "b"), teller("b"))
    assert sorted(told) == [("a", "sent", 1, None), ("b", "sent", 1, None)]
    assert [a.text for a in fake_zapi.arrivals] == ["a", "b"]  # one lane, in order
    assert queue.stats.sent == 2


async def test_withdrawn_messages_are_told_unsent(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    gate = fake_zapi.gate()

    async def behaviour(arrival: object, request: object) -> None:
        await gate.wait()

    fake_zapi.behaviour = behaviour
    told: list[tuple[OutcomeStatus, type[BaseException] | None]] = []
    queue = SendQueue(zapi, workers=1)
    async with queue:
        for text in ("first", "second"):
            queue._submit_nowait(
                TextMessage(phone(1), text),
                lambda status, results, error: told.append(
                    (status, None if error is None else type(error))
                ),
            )
        await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
        closing = asyncio.ensure_future(queue.close(cancel=True))
        await fake_zapi.until(lambda: bool(told))  # "second" withdrawn at once
        gate.set()
        unsent = await closing
    assert unsent == [TextMessage(phone(1), "second")]
    assert told == [("unsent", QueueClosedError), ("sent", None)]


async def test_a_raising_callback_is_logged_and_the_queue_goes_on(
    fake_zapi: FakeZapi, zapi: ZapiClient, caplog: pytest.LogCaptureFixture
) -> None:
    told: list[OutcomeStatus] = []

    def broken(status: OutcomeStatus, results: list[SendResult], error: object) -> None:
        raise RuntimeError("a bug in the callback")

    queue = SendQueue(zapi, workers=1)
    with caplog.at_level(logging.ERROR, logger="zapi_async.sending.queue"):
        queue._submit_nowait(TextMessage(phone(1), "a"), broken)
        queue._submit_nowait(
            TextMessage(phone(1), "b"), lambda status, results, error: told.append(status)
        )
        await asyncio.wait_for(queue.close(), 5)  # returns: the worker survived
    assert told == ["sent"]
    assert [a.text for a in fake_zapi.arrivals] == ["a", "b"]
    assert "the outcome callback of message 0 raised" in caplog.text
