"""Sends under faults: every message gets exactly one outcome, none is accepted
twice, an accepted-but-unreadable answer is never classified re-sendable."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

from aiohttp import web

from tests.support.clock import within
from tests.support.credentials import TOKENS
from tests.support.fake_zapi import Arrival, FakeZapi, text
from zapi_async import PoolLimits, RetryPolicy, SendQueue, ZapiClient
from zapi_async.models.text import TextMessage

from .ledger import Row, record

N = 400


def phone(i: int) -> str:
    return f"5511{900000000 + i}"


def poison(message: TextMessage) -> TextMessage:
    """A message whose text became a lone surrogate after validation."""
    object.__setattr__(message, "message", message.message + " \ud83d")
    return message


def duplicates(fake: FakeZapi) -> int:
    return sum(n - 1 for n in Counter(fake.texts()).values() if n > 1)


async def test_surrogates_and_malformed_2xx(fake_zapi: FakeZapi, zapi: ZapiClient) -> None:
    chance = random.Random(19)
    poisoned = set(chance.sample(range(N), 40))
    garbled = set(chance.sample(sorted(set(range(N)) - poisoned), 40))
    refused = set(chance.sample(sorted(set(range(N)) - poisoned - garbled), 20))

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        index = int(arrival.text.removeprefix("m"))
        if index in garbled:
            return web.Response(status=200, text="<html>proxy</html>", content_type="text/html")
        if index in refused:
            return web.json_response({"error": "number not on WhatsApp"})
        return None

    fake_zapi.behaviour = behaviour
    messages = [text(phone(i), f"m{i}") for i in range(N)]
    for i in poisoned:
        poison(messages[i])
    outcomes = [o async for o in zapi.send_many(messages, concurrency=8)]
    per_index = Counter(o.index for o in outcomes)
    status = {o.index: o.status for o in outcomes}
    # Accepted (2xx, maybe unreadable) but reported re-sendable: a resume would
    # send it a second time.
    resendable = sum(1 for i in garbled if status.get(i) in ("failed", "unsent"))
    row = record(
        Row(
            "send_many: surrogates, malformed 2xx, 200 refusals",
            N,
            len(poisoned) + len(garbled) + len(refused),
            lost=N - len(per_index),
            duplicated=duplicates(fake_zapi) + sum(n - 1 for n in per_index.values()) + resendable,
            note=f"{sum(1 for s in status.values() if s == 'unknown')} unknown, "
            f"{sum(1 for s in status.values() if s == 'failed')} failed",
        )
    )
    assert (row.lost, row.duplicated) == (0, 0)
    assert all(status[i] == "unknown" for i in garbled)
    assert all(status[i] == "failed" for i in poisoned | refused)


async def test_close_while_requests_wait_for_a_connection(fake_zapi: FakeZapi) -> None:
    gate = fake_zapi.gate()

    async def behaviour(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.seq <= 2:
            await gate.wait()
        return None

    fake_zapi.behaviour = behaviour
    zapi = ZapiClient(
        "INSTANCE-A",
        TOKENS["INSTANCE-A"],
        base_url=fake_zapi.base_url,
        retry=RetryPolicy.never(),
        pool=PoolLimits(max_connections=2),
    )
    queue = SendQueue(zapi, workers=16, maxsize=N)
    futures: list[asyncio.Future[Any]] = [
        await queue.submit(text(phone(i), f"m{i}")) for i in range(N // 4)
    ]
    await fake_zapi.until(lambda: len(fake_zapi.arrivals) == 2)
    await asyncio.sleep(0)
    await zapi.close()
    gate.set()
    await within(queue.close(), 10)
    row = record(
        Row(
            "SendQueue: client closed while sends wait for a connection",
            len(futures),
            1,
            lost=sum(1 for f in futures if not f.done()),
            duplicated=duplicates(fake_zapi),
            note=f"queue.close() returned; {queue.stats.failed} failed, "
            f"{queue.stats.unknown} unknown, {queue.stats.sent} sent",
        )
    )
    assert (row.lost, row.duplicated) == (0, 0)
    assert queue.stats.finished == len(futures)
