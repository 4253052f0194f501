"""One sending worker process for the multi-process tests (run as a script).

Builds its own ZapiClient with a RedisRateLimiter, prints ``ready``, waits for a
line on stdin, sends ``--count`` texts to ``--phone`` with ``--concurrency``
concurrent senders, then prints a JSON summary (``sent``, ``pauses``, ``grants``: wall-clock grant
times) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from redis.asyncio import Redis

from zapi_async import ZapiClient
from zapi_async.limits.rate import Limiter
from zapi_async.limits.redis_limiter import RedisRateLimiter


class CountingLimiter:
    """Passes through to ``inner``, counts ``pause()`` calls (i.e. 429s seen) and
    notes the wall-clock time of every grant."""

    def __init__(self, inner: Limiter) -> None:
        self.inner = inner
        self.pauses = 0
        self.grants: list[float] = []

    async def acquire(self) -> None:
        """Delegate, then note when the slot was granted."""
        await self.inner.acquire()
        self.grants.append(time.time())

    async def pause(self, seconds: float) -> None:
        """Count, then delegate."""
        self.pauses += 1
        await self.inner.pause(seconds)


def parse_args() -> argparse.Namespace:
    """Command-line options (all required)."""
    parser = argparse.ArgumentParser()
    for name in ("redis-url", "base-url", "instance-id", "token", "phone"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    return parser.parse_args()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Send the texts once the parent says go; return the summary."""
    redis = Redis.from_url(args.redis_url)
    limiter = CountingLimiter(RedisRateLimiter(redis, args.instance_id, rate=args.rate))
    todo = iter(range(args.count))
    sent = 0

    async def sender(zapi: ZapiClient) -> None:
        nonlocal sent
        for n in todo:
            await zapi.send_text(args.phone, f"msg {n}")
            sent += 1

    try:
        async with ZapiClient(
            args.instance_id, args.token, base_url=args.base_url, limiter=limiter
        ) as zapi:
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            await asyncio.gather(*(sender(zapi) for _ in range(args.concurrency)))
    finally:
        await redis.aclose()
    return {"sent": sent, "pauses": limiter.pauses, "grants": limiter.grants}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args()))), flush=True)
