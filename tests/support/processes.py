"""Start, release and collect worker processes without blocking the test's event loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

#: Seconds a worker gets to import everything and print ``ready``.
READY_TIMEOUT = 60.0


class Workers:
    """Worker scripts run as subprocesses that print ``ready``, wait for a line on
    stdin, work, and print one JSON line before exiting."""

    def __init__(self) -> None:
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, commands: Sequence[Sequence[str]]) -> None:
        """Start one process per command and wait until each printed ``ready``."""
        for command in commands:
            self.processes.append(
                await asyncio.create_subprocess_exec(
                    *command,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
            )
        for process in self.processes:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
            if line != b"ready\n":
                _, err = await process.communicate()
                raise AssertionError(f"worker did not start: {line!r} {err.decode()}")

    def release(self) -> None:
        """Tell every worker to go (or, for servers, to shut down)."""
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")

    async def results(self, timeout: float) -> list[Any]:
        """Wait for every worker to exit cleanly; return their JSON summaries."""
        summaries = []
        for process in self.processes:
            out, err = await asyncio.wait_for(process.communicate(), timeout)
            if process.returncode != 0:
                raise AssertionError(f"worker failed ({process.returncode}): {err.decode()}")
            summaries.append(json.loads(out.decode().strip().splitlines()[-1]))
        return summaries

    async def kill(self) -> None:
        """Kill whatever still runs (test cleanup)."""
        for process in self.processes:
            if process.returncode is None:
                process.kill()
                await process.communicate()
