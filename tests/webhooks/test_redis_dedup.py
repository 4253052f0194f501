"""RedisDedupStore against a real redis-server: one handler run per event, cluster-wide."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest
from redis.asyncio import Redis

from tests.support.processes import Workers
from tests.support.redis_server import RedisServer, free_port, python_command
from zapi_async.webhooks import (
    DedupStore,
    RedisDedupStore,
    WebhookEvent,
    WebhookRouter,
    parse_webhook,
)

pytestmark = pytest.mark.redis

PAYLOAD = (
    Path(__file__).parent.parent / "webhooks" / "payloads" / "received_button.json"
).read_bytes()
EVENT_KEY = "received:3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5:3EB0C4F2A1B2C3D4E5F6"


def dedup_store(redis: Redis, **options: Any) -> RedisDedupStore:
    """``RedisDedupStore(redis)``; the cast works around its too-narrow ``_RedisLike``
    protocol (reported: ``set`` should be ``def set(...) -> Awaitable[Any]``)."""
    return RedisDedupStore(cast(Any, redis), **options)


@pytest.fixture
async def second_connection(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """Another client of the same server (as another process would have)."""
    client = Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        await client.aclose()


async def test_first_seen_is_set_nx_with_a_ttl(redis: Redis) -> None:
    store = dedup_store(redis, ttl=600)
    assert isinstance(store, DedupStore)
    assert await store.first_seen("k1") is True
    assert await store.first_seen("k1") is False
    assert await store.first_seen("k2") is True
    assert await redis.get("zapi_async:webhook:k1") == b"1"
    assert await redis.ttl("zapi_async:webhook:k1") == 600


async def test_concurrent_deliveries_through_two_connections_win_once(
    redis: Redis, second_connection: Redis
) -> None:
    stores = [dedup_store(redis), dedup_store(second_connection)]
    answers = await asyncio.gather(*(stores[n % 2].first_seen("same") for n in range(40)))
    assert answers.count(True) == 1


async def test_two_routers_sharing_redis_run_the_handler_once(
    redis: Redis, second_connection: Redis
) -> None:
    calls: list[str] = []

    def router_for(name: str, connection: Redis) -> WebhookRouter:
        router = WebhookRouter(dedup=dedup_store(connection))

        @router.on_button("agent")
        async def handler(event: WebhookEvent) -> None:
            calls.append(name)

        return router

    routers = [router_for("first", redis), router_for("second", second_connection)]
    event = parse_webhook(PAYLOAD)
    assert event.dedup_key == EVENT_KEY
    dispatched = await asyncio.gather(*(router.dispatch(event) for router in routers))
    assert sorted(dispatched) == [0, 1]
    assert len(calls) == 1
    assert await redis.exists("zapi_async:webhook:" + EVENT_KEY) == 1


async def test_a_duplicate_delivered_to_two_processes_runs_the_handler_once(
    redis_server: RedisServer, redis: Redis
) -> None:
    ports = [free_port(), free_port()]
    workers = Workers()
    try:
        await workers.start(
            [
                python_command(
                    "webhook_worker.py",
                    "--redis-url",
                    redis_server.url,
                    "--port",
                    str(port),
                    "--name",
                    f"worker{n}",
                )
                for n, port in enumerate(ports)
            ]
        )
        async with aiohttp.ClientSession() as http:

            async def deliver(port: int) -> tuple[int, object]:
                async with http.post(
                    f"http://127.0.0.1:{port}/",
                    data=PAYLOAD,
                    headers={"Content-Type": "application/json"},
                ) as response:
                    return response.status, await response.json()

            answers = await asyncio.gather(*(deliver(port) for port in ports))
        assert answers == [(200, {"ok": True})] * 2
        workers.release()  # shut down: each finishes its handlers first
        summaries = await workers.results(timeout=30)
    finally:
        await workers.kill()
    assert sorted(s["handled"] for s in summaries) == [0, 1]
    assert len(await redis.lrange("handled", 0, -1)) == 1
