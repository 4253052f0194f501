"""One webhook-receiving process for the dedup test (run as a script).

Serves ``make_aiohttp_app`` on ``--port`` with a WebhookRouter whose dedup store is
a RedisDedupStore; the button handler appends ``--name`` to the Redis list
``handled``. Prints ``ready``, serves until a line arrives on stdin, shuts down
(letting handlers finish) and prints ``{"handled": n}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, cast

from aiohttp import web
from redis.asyncio import Redis

from zapi_async.webhooks import RedisDedupStore, WebhookEvent, WebhookRouter, make_aiohttp_app


async def main(redis_url: str, port: int, name: str) -> dict[str, int]:
    """Serve until told to stop; return how many times the handler ran here."""
    redis = Redis.from_url(redis_url)
    # cast: RedisDedupStore's protocol is narrower than redis-py's typing (reported).
    router = WebhookRouter(dedup=RedisDedupStore(cast(Any, redis), ttl=60))
    handled = 0

    @router.on_button("agent")
    async def agent(event: WebhookEvent) -> None:
        nonlocal handled
        handled += 1
        await redis.rpush("handled", name)

    runner = web.AppRunner(make_aiohttp_app(router))
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    finally:
        await runner.cleanup()
        await redis.aclose()
    return {"handled": handled}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.redis_url, args.port, args.name))), flush=True)
