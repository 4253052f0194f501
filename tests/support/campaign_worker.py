"""One campaign worker process for the multi-process campaign tests (run as a script).

Credentials come from the environment (``ZAPI_INSTANCE_ID``...). Prints ``ready``,
waits for a line on stdin, runs :func:`zapi_async.campaigns.run_worker` with
``exit_when_idle=True`` (SIGTERM stops it cleanly), then prints its stats as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from typing import Any

import attrs

from zapi_async.campaigns import run_worker


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--idle-timeout", type=float, default=2.0)
    parser.add_argument("--no-wait", action="store_true", help="start without waiting for go")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Run the worker once the parent says go; return its stats."""
    print("ready", flush=True)
    if not args.no_wait:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    stats = await run_worker(
        args.redis_url,
        stop=stop,
        worker_id=args.worker_id,
        concurrency=args.concurrency,
        idle_timeout=args.idle_timeout,
        poll_interval=0.1,
        exit_when_idle=True,
    )
    return attrs.asdict(stats)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    print(json.dumps(asyncio.run(main(parse_args()))), flush=True)
