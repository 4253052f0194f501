"""A send that raises outside the error tree, or that Z-API accepts with an
unreadable body, still gets its one outcome (issue 19, items 1 and 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from tests.support.fake_zapi import Arrival, FakeZapi, text
from zapi_async import (
    ResponseFormatError,
    SendQueue,
    SendRefusedError,
    UnexpectedSendError,
    ZapiClient,
)
from zapi_async.sending.outcomes import Outcome


def poisoned(body: str) -> Any:
    """A text message whose text was swapped, after validation, for a lone surrogate
    (what a buggy caller or a C extension can do): its JSON step raises."""
    message = text("5511900000001", body)
    object.__setattr__(message, "message", "broken \ud83d")
    return message


async def collect(outcomes: AsyncIterator[Outcome[Any]]) -> list[Outcome[Any]]:
    return sorted([o async for o in outcomes], key=lambda o: o.index)


async def test_an_unexpected_exception_is_a_failed_outcome_not_an_abort(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    messages = [text(f"55119000000{i:02d}", f"m{i}") for i in range(20)]
    messages[7] = poisoned("m7")
    outcomes = await collect(zapi.send_many(messages, concurrency=4))
    assert [o.index for o in outcomes] == list(range(20))
    assert [o.status for o in outcomes].count("sent") == 19
    failure = outcomes[7]
    assert failure.status == "failed"
    assert isinstance(failure.error, UnexpectedSendError)
    assert isinstance(failure.error.__cause__, UnicodeEncodeError)
    assert failure.error.reason.startswith("UnicodeEncodeError: 'utf-8' codec")
    assert len(fake_zapi.arrivals) == 19


async def test_send_queue_futures_carry_an_unexpected_send_error(
    fake_zapi: FakeZapi, zapi: ZapiClient
) -> None:
    async with SendQueue(zapi, workers=2) as queue:
        bad = await queue.submit(poisoned("x"))
        good = await queue.submit(text("5511900000002", "ok"))
    with pytest.raises(UnexpectedSendError):
        bad.result()
    assert good.result()[0].message_id == "M1"
    assert (queue.stats.failed, queue.stats.sent) == (1, 1)


def _answer(arrival: Arrival) -> web.Response:
    if arrival.text == "garbled":
        return web.Response(status=200, text="<html>gateway</html>", content_type="text/html")
    if arrival.text == "no-ids":
        return web.json_response({"ok": True})
    if arrival.text == "refused":
        return web.json_response({"error": "phone not on WhatsApp"})
    return web.json_response({"zaapId": "Z", "messageId": "M", "id": "M"})


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ("garbled", "unknown", ResponseFormatError),
        ("no-ids", "unknown", ResponseFormatError),
        ("refused", "failed", SendRefusedError),
        ("fine", "sent", type(None)),
    ],
)
async def test_a_2xx_with_an_unreadable_body_is_unknown_not_failed(
    fake_zapi: FakeZapi, zapi: ZapiClient, body: str, status: str, error: type
) -> None:
    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse:
        return _answer(arrival)

    fake_zapi.behaviour = behaviour
    [outcome] = await collect(zapi.send_many([text("5511900000001", body)]))
    assert outcome.status == status
    assert isinstance(outcome.error, error)
