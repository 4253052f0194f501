"""Memory: RSS growth across a long ``send_many`` fed by a generator.

Runs in a fresh process (``python -m benchmarks.memory --base-url URL``) so the
numbers are not skewed by earlier benchmarks. After a warm-up (imports, pool,
caches), VmRSS from ``/proc/self/status`` is read, then sampled every
:data:`SAMPLE_EVERY` seconds while ``messages`` messages go through
:meth:`ZapiClient.send_many`; growth is the peak sample minus the starting RSS.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import time
from collections.abc import Iterator, Sequence
from typing import Any

from zapi_async import ButtonActionsMessage, ZapiClient

from .payload import CLIENT_TOKEN, INSTANCE_ID, TOKEN, compliant_message

__all__ = ["SAMPLE_EVERY", "main", "measure_memory", "rss_bytes"]

#: Seconds between two RSS samples.
SAMPLE_EVERY = 0.05
_MIB = 1024 * 1024


def rss_bytes() -> int:
    """Resident set size now (VmRSS), or the peak (ru_maxrss) where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _messages(count: int, offset: int = 0) -> Iterator[ButtonActionsMessage]:
    for i in range(offset, offset + count):
        yield compliant_message(i)


async def _send(zapi: ZapiClient, count: int, offset: int, concurrency: int) -> tuple[int, int]:
    ok = failed = 0
    async for outcome in zapi.send_many(_messages(count, offset), concurrency=concurrency):
        if outcome.ok:
            ok += 1
        else:
            failed += 1
    return ok, failed


async def measure_memory(
    base_url: str, messages: int, concurrency: int, warmup: int
) -> dict[str, Any]:
    """Send ``warmup`` then ``messages`` messages; report RSS before, peak and after."""
    async with ZapiClient(INSTANCE_ID, TOKEN, client_token=CLIENT_TOKEN, base_url=base_url) as zapi:
        await _send(zapi, warmup, 0, concurrency)
        gc.collect()
        start_rss = rss_bytes()
        peak = start_rss
        samples = 0

        async def sample() -> None:
            nonlocal peak, samples
            while True:
                peak = max(peak, rss_bytes())
                samples += 1
                await asyncio.sleep(SAMPLE_EVERY)

        sampler = asyncio.get_running_loop().create_task(sample())
        started = time.perf_counter()
        try:
            ok, failed = await _send(zapi, messages, warmup, concurrency)
        finally:
            sampler.cancel()
        seconds = time.perf_counter() - started
        end_rss = rss_bytes()
        peak = max(peak, end_rss)
    return {
        "messages": messages,
        "warmup_messages": warmup,
        "concurrency": concurrency,
        "sent": ok,
        "failed": failed,
        "seconds": seconds,
        "messages_per_s": messages / seconds if seconds > 0 else 0.0,
        "rss_start_mib": start_rss / _MIB,
        "rss_peak_mib": peak / _MIB,
        "rss_end_mib": end_rss / _MIB,
        "growth_mib": (peak - start_rss) / _MIB,
        "samples": samples,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``--base-url``, ``--messages``, ``--concurrency``, ``--warmup``."""
    parser = argparse.ArgumentParser(description="RSS growth across one send_many")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=1000)
    args = parser.parse_args(argv)
    result = asyncio.run(
        measure_memory(args.base_url, args.messages, args.concurrency, args.warmup)
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
