"""The campaign worker process of the multi-process campaign tests.

:func:`child` is what each worker process runs (tests/support/campaign_procs.py
forks them from a fork server that imported this module, zapi_async and redis-py
once). ``orders`` holds ``redis_url``, ``env`` (added to the environment: the
credentials, read by :func:`~zapi_async.campaigns.credentials_from_env` as in
production), ``log`` (the file its log goes to) and keyword options of
:func:`~zapi_async.campaigns.run_worker`. It runs with ``exit_when_idle=True``
(SIGTERM stops it cleanly) and sends its stats, as a dict, through ``stats``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from multiprocessing.connection import Connection
from typing import Any

import attrs
import redis.asyncio  # noqa: F401 (imported once, in the fork server)

from zapi_async.campaigns import run_worker

__all__ = ["child"]


async def _main(orders: dict[str, Any]) -> dict[str, Any]:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    redis_url = orders.pop("redis_url")
    stats = await run_worker(redis_url, stop=stop, exit_when_idle=True, **orders)
    return attrs.asdict(stats)


def child(orders: dict[str, Any], stats: Connection) -> None:
    """Run one worker as ordered; send its stats through ``stats``."""
    os.environ.update(orders.pop("env"))
    logging.basicConfig(level=logging.WARNING, filename=orders.pop("log"), force=True)
    stats.send(asyncio.run(_main(orders)))
