"""Campaign worker processes for the multi-process campaign tests.

Each worker is a real process of its own (SIGKILL kills it, as in production),
forked from a fork server that imported zapi_async and redis-py once for the
whole session: starting one takes milliseconds, not the second of CPU a fresh
interpreter needs to import everything. :class:`CampaignProcs` (one per test)
starts them, each with its Redis, worker id, credentials (in its environment)
and log file, and collects, SIGKILLs or kills them. Waiting is done in threads,
so the sandbox in the test's event loop keeps serving meanwhile.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from .campaign_worker import child

_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["tests.support.campaign_worker"])


class CampaignProcs:
    """The worker processes of one test: all on ``redis_url``, credentials ``env``,
    logs in ``logs``. ``options`` are :func:`~zapi_async.campaigns.run_worker`
    keyword options given to every worker (e.g. ``idle_timeout``)."""

    def __init__(self, redis_url: str, env: dict[str, str], logs: Path, **options: Any) -> None:
        self.redis_url = redis_url
        self.env = env
        self.logs = logs
        self.options = options
        self.processes: dict[str, BaseProcess] = {}
        self._stats: dict[str, Connection] = {}

    def start(self, *worker_ids: str) -> None:
        """Start one worker process per id."""
        for worker_id in worker_ids:
            receive, send = _FORKS.Pipe(duplex=False)
            orders = {
                "redis_url": self.redis_url,
                "env": self.env,
                "log": str(self.logs / f"{worker_id}.log"),
                "worker_id": worker_id,
                **self.options,
            }
            process = _FORKS.Process(target=child, args=(orders, send), name=worker_id)
            process.start()
            send.close()
            self.processes[worker_id] = process
            self._stats[worker_id] = receive

    def kill(self, worker_id: str) -> None:
        """SIGKILL one worker now."""
        self.processes[worker_id].kill()

    async def finish(self, worker_id: str, timeout: float) -> tuple[int, dict[str, Any], str]:
        """Wait for one worker to exit: its exit code (``-9`` after SIGKILL), its
        stats (``{}`` if it sent none) and its log."""
        process = self.processes[worker_id]
        stats = self._stats[worker_id]
        loop = asyncio.get_running_loop()
        # The stats arrive just before the exit; a dead worker's pipe reads EOF.
        received: Any = await asyncio.wait_for(loop.run_in_executor(None, _receive, stats), timeout)
        await asyncio.wait_for(loop.run_in_executor(None, process.join), timeout)
        assert process.exitcode is not None
        log = self.logs / f"{worker_id}.log"
        return process.exitcode, received, log.read_text() if log.exists() else ""

    def kill_all(self) -> None:
        """Kill whatever still runs (test cleanup)."""
        for process in self.processes.values():
            if process.is_alive():
                process.kill()
            process.join()
        for pipe in self._stats.values():
            pipe.close()


def _receive(pipe: Connection) -> dict[str, Any]:
    try:
        stats: dict[str, Any] = pipe.recv()
    except EOFError:
        return {}
    return stats


async def wait_for_accepted(sandbox: Any, count: int) -> None:
    """Until the sandbox accepted ``count`` messages."""
    while len(sandbox.messages) < count:  # noqa: ASYNC110 (no arrival event to await)
        await asyncio.sleep(0.01)


def busiest(times: list[float], window: float) -> int:
    """The most events within any ``window`` seconds (``times`` sorted)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most
