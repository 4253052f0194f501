"""Webhook floods and malformed bodies: the promised 4xx/503, never a 500, and a
bounded number of background handlers."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestServer

from tests.webhooks.test_hostile_webhooks import EVENT, HOSTILE, post_raw
from zapi_async.webhooks import ReceivedCallback, WebhookRouter, WebhookSecurity, make_aiohttp_app

from .ledger import Row, record

FLOOD = 600
LIMIT = 100


async def test_a_flood_of_hostile_and_hanging_webhooks() -> None:
    router = WebhookRouter(max_pending=LIMIT)
    hang = asyncio.Event()

    @router.on_event(ReceivedCallback)
    async def stuck(event: ReceivedCallback) -> None:
        await hang.wait()

    server = TestServer(
        make_aiohttp_app(router, WebhookSecurity(secret="s3cr3t")), host="127.0.0.1"
    )
    await server.start_server()
    secret = b"X-Webhook-Secret: s3cr3t\r\n"
    try:
        hostile = [await post_raw(server.port, "/", body, secret) for body in HOSTILE.values()]
        bad_secret = await post_raw(server.port, "/", EVENT % 0, b"X-Webhook-Secret: \xff\r\n")
        flood = await asyncio.gather(
            *(post_raw(server.port, "/", EVENT % i, secret) for i in range(FLOOD))
        )
        peak = router.pending
    finally:
        hang.set()
        await router.join()
        await server.close()
    errors = [s for s in [*hostile, bad_secret, *flood] if s >= 500 and s != 503]
    row = record(
        Row(
            f"webhooks: {len(HOSTILE) + 1} hostile bodies/headers, a flood to a stuck handler",
            FLOOD + len(HOSTILE) + 1,
            len(HOSTILE) + 1 + FLOOD,
            lost=len(errors),
            note=f"peak pending handlers {peak} (max_pending={LIMIT}); "
            f"{flood.count(200)} accepted, {flood.count(503)} answered 503",
        )
    )
    assert hostile == [400] * len(HOSTILE)
    assert bad_secret == 403
    assert row.lost == 0
    assert peak == LIMIT
    assert flood.count(200) == LIMIT
    assert flood.count(503) == FLOOD - LIMIT
