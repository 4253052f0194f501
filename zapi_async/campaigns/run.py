"""``run_worker``: a :class:`~zapi_async.campaigns.Worker` on its own Redis connection."""

from __future__ import annotations

import asyncio
from typing import Any

from ._attempt import WorkerStats
from .worker import Worker

__all__ = ["run_worker"]


async def run_worker(
    redis_url: str,
    *,
    stop: asyncio.Event | None = None,
    **options: Any,
) -> WorkerStats:
    """Run a :class:`Worker` on the Redis at ``redis_url`` until ``stop`` is set (or,
    with ``exit_when_idle=True``, until no work is left); other keyword options as
    for :class:`Worker`. Returns its :class:`WorkerStats`."""
    from redis.asyncio import Redis  # noqa: PLC0415 (optional extra)

    redis = Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5)
    worker = Worker(redis, **options)
    watcher: asyncio.Task[Any] | None = None
    if stop is not None:

        async def watch() -> None:
            await stop.wait()
            worker.stop()

        watcher = asyncio.create_task(watch())
    try:
        return await worker.run()
    finally:
        if watcher is not None:
            watcher.cancel()
        await redis.aclose()
