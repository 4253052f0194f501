"""Redis memory per campaign: ``INFO memory`` before and after creating one.

::

    python -m benchmarks.campaign_memory --redis redis://127.0.0.1:6379/15 --messages 100000

Flushes the given database first (use a scratch one), creates a campaign of
``--messages`` texts (``--kind buttons``: a three-button action message each) to
``--recipients`` recipients and reads ``used_memory`` before and after. Then it
writes a ``sent`` outcome for every message, as a worker records it (same JSON,
same ids' shape, through the same script), and reads it again. Prints one JSON
object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    ReplyButton,
    SendResult,
    TextMessage,
    UrlButton,
)
from zapi_async.campaigns import create_campaign
from zapi_async.campaigns._partition import PartitionOps, outcome_json
from zapi_async.models.messages import Message

__all__ = ["main", "measure"]


def _messages(count: int, recipients: int, kind: str) -> Iterator[Message]:
    for n in range(count):
        phone = f"55119{n % recipients:08d}"
        text = f"Hello, customer {n}: our offer of the week is waiting for you."
        if kind == "text":
            yield TextMessage(phone, text)
        else:
            yield ButtonActionsMessage(
                phone,
                text,
                [
                    CallButton("Call us", phone="554498398733"),
                    UrlButton("Website", url="https://z-api.io"),
                    ReplyButton("Stop", id="stop"),
                ],
            )


async def _record_all(redis: Any, campaign: Any, count: int) -> None:
    """A ``sent`` outcome for every message, written by the workers' own script."""
    ops = PartitionOps(redis, campaign.keys, "bench-host-1a2b3c4d/0")
    result = SendResult("3999984263738042930CD6ECDE9VDWSA", "D241XXXX732339502B68")
    for p in range(int((await campaign.meta())["partitions"])):
        while (entry := await ops.read_next(p)) is not None:
            await ops.start(entry)
            await ops.record(entry, "sent", outcome_json("sent", ops.worker, results=[result]))


async def measure(url: str, count: int, recipients: int, kind: str) -> dict[str, Any]:
    """Create the campaign and return the memory numbers."""
    from redis.asyncio import Redis  # noqa: PLC0415

    redis = Redis.from_url(url)
    try:
        await redis.flushdb()
        before = (await redis.info("memory"))["used_memory"]
        started = time.perf_counter()
        campaign = await create_campaign(redis, "bench", _messages(count, recipients, kind))
        seconds = time.perf_counter() - started
        after = (await redis.info("memory"))["used_memory"]
        status = await campaign.status()
        await _record_all(redis, campaign, count)
        finished = (await redis.info("memory"))["used_memory"]
        server = (await redis.info("server"))["redis_version"]
        await redis.flushdb()
    finally:
        await redis.aclose()
    grown = after - before
    return {
        "redis_version": server,
        "kind": kind,
        "messages": status.total,
        "recipients": recipients,
        "partitions": status.partitions,
        "used_memory_before": before,
        "used_memory_after": after,
        "bytes_per_message": round(grown / count, 1),
        "mib_per_100k": round(grown / count * 100_000 / 2**20, 1),
        "create_seconds": round(seconds, 2),
        "used_memory_all_sent": finished,
        "mib_per_100k_all_sent": round((finished - before) / count * 100_000 / 2**20, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", required=True, help="a scratch database: it is flushed")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--kind", choices=("text", "buttons"), default="text")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.redis, args.messages, args.recipients, args.kind))))


if __name__ == "__main__":
    main()
