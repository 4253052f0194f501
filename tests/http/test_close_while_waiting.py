"""Closing the client while requests wait for a pooled connection reports
ClientClosedError; SendQueue workers survive it and close() returns (issue 19 item 5)."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from tests.support.clock import within
from tests.support.credentials import TOKENS
from tests.support.fake_zapi import Arrival, FakeZapi, text
from zapi_async import ClientClosedError, PoolLimits, RetryPolicy, SendQueue, ZapiClient


def one_connection_client(fake: FakeZapi) -> ZapiClient:
    return ZapiClient(
        "INSTANCE-A",
        TOKENS["INSTANCE-A"],
        base_url=fake.base_url,
        retry=RetryPolicy.never(),
        pool=PoolLimits(max_connections=1, max_connections_per_host=1),
    )


def hang_first(fake: FakeZapi) -> asyncio.Event:
    release = fake.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.seq == 1:
            await release.wait()
        return None

    fake.behaviour = behaviour
    return release


async def test_waiting_callers_get_client_closed_error(fake_zapi: FakeZapi) -> None:
    release = hang_first(fake_zapi)
    zapi = one_connection_client(fake_zapi)
    sends = [asyncio.ensure_future(zapi.send(text(f"551190000000{i}", f"m{i}"))) for i in range(3)]
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    await asyncio.sleep(0)  # let the other two queue for the one connection
    await zapi.close()
    release.set()
    results = await within(asyncio.gather(*sends, return_exceptions=True))
    waiting = list(results[1:])
    assert all(isinstance(r, ClientClosedError) for r in waiting), results
    assert "waited for a connection; nothing was sent" in str(waiting[0])
    assert len(fake_zapi.arrivals) == 1


async def test_send_queue_gives_every_message_an_outcome_and_closes(fake_zapi: FakeZapi) -> None:
    release = hang_first(fake_zapi)
    zapi = one_connection_client(fake_zapi)
    queue = SendQueue(zapi, workers=4)
    futures = [await queue.submit(text(f"551190000000{i}", f"m{i}")) for i in range(6)]
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 1)
    await asyncio.sleep(0)
    await zapi.close()
    release.set()
    await within(queue.close())
    assert all(f.done() for f in futures)
    stats = queue.stats
    assert stats.finished == 6
    assert stats.in_flight == 0
    assert all(not w.done() or not w.cancelled() for w in queue._workers)
    for future in futures[1:]:
        with pytest.raises(ClientClosedError):
            future.result()
