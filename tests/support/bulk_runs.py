"""Real ``zapi-async bulk`` processes against :class:`~tests.support.fake_zapi.FakeZapi`
holding each send until the test lets it through, for signal and lock scenarios.

The fake records a send when it *arrives* (before answering), so "arrived" is the
pessimistic reading of "maybe delivered": a phone that arrives twice is a duplicate.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
from aiohttp import web

from .credentials import TOKENS
from .fake_zapi import Arrival, FakeZapi

__all__ = [
    "RUN_TIMEOUT",
    "BulkRun",
    "BulkScenario",
    "HeldSends",
    "campaign_file",
    "final_statuses",
    "held_env",
    "read_until",
    "start_bulk",
    "wait_for_records",
]

#: Seconds any one step of a CLI scenario may take before the test fails.
RUN_TIMEOUT = 60.0


class HeldSends:
    """A FakeZapi behaviour: each send waits for a permit the test hands out."""

    def __init__(self, fake: FakeZapi) -> None:
        self.fake = fake
        self._permits = asyncio.Semaphore(0)
        self._closing = fake.gate()  # set when the server stops: nothing waits then
        fake.behaviour = self._hold

    async def _hold(self, arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        permit = asyncio.ensure_future(self._permits.acquire())
        closing = asyncio.ensure_future(self._closing.wait())
        await asyncio.wait({permit, closing}, return_when=asyncio.FIRST_COMPLETED)
        permit.cancel()
        closing.cancel()
        return None

    def open(self) -> None:
        """Answer every send from now on, those waiting included."""
        self._closing.set()

    def release(self, n: int) -> None:
        """Let ``n`` more sends be answered (those waiting first)."""
        for _ in range(n):
            self._permits.release()

    async def arrived(self, n: int) -> None:
        """Wait until ``n`` sends in all reached the server."""
        await self.fake.until(lambda: len(self.fake.arrivals) >= n, RUN_TIMEOUT)

    @property
    def held(self) -> int:
        """Sends that arrived and wait for their answer."""
        return sum(self.fake.in_flight.values())

    def duplicates(self) -> int:
        """Sends beyond the first to one phone."""
        return sum(n - 1 for n in Counter(a.phone for a in self.fake.arrivals).values())


def held_env(fake: FakeZapi) -> dict[str, str]:
    """The environment of a CLI run against ``fake`` (instance ``INSTANCE-A``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAPI_")}
    env.update(
        PYTHONUNBUFFERED="1",
        ZAPI_INSTANCE_ID="INSTANCE-A",
        ZAPI_TOKEN=TOKENS["INSTANCE-A"],
        ZAPI_BASE_URL=fake.base_url,
    )
    return env


def campaign_file(directory: Path, rows: int, name: str = "campaign.csv") -> Path:
    """A CSV campaign of ``rows`` texts to distinct phones (line n + 1 is row n)."""
    path = directory / name
    lines = "".join(f"55119{n:08d},Hello {n}\n" for n in range(rows))
    path.write_text("phone,message\n" + lines)
    return path


async def start_bulk(
    campaign: Path, *flags: str, fake: FakeZapi, concurrency: int = 4
) -> asyncio.subprocess.Process:
    """``zapi-async bulk CAMPAIGN`` (no rate limit, no progress) with pipes."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "zapi_async",
        "bulk",
        str(campaign),
        "--rate",
        "0",
        "--concurrency",
        str(concurrency),
        "--progress",
        "none",
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=held_env(fake),
        cwd=campaign.parent,
    )


async def read_until(stream: asyncio.StreamReader | None, prefix: str) -> str:
    """What ``stream`` printed up to and including the first line starting with ``prefix``."""
    assert stream is not None
    seen = ""
    while True:
        line = (await asyncio.wait_for(stream.readline(), RUN_TIMEOUT)).decode()
        assert line, f"the stream ended before a line starting with {prefix!r}: {seen!r}"
        seen += line
        if line.startswith(prefix):
            return seen


def _count_records(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


async def wait_for_records(path: Path, n: int) -> None:
    """Wait until the results file holds ``n`` records. Another process writes it and
    there is no event to wait on, so look at it until it does."""

    async def poll() -> None:
        while _count_records(path) < n:  # noqa: ASYNC110 (a file written by another process)
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), RUN_TIMEOUT)


@attrs.frozen
class BulkRun:
    """A finished ``bulk`` process: exit code and output."""

    code: int
    out: str
    err: str


class BulkScenario:
    """A CSV campaign of ``rows`` in ``directory``, sent by real ``zapi-async bulk``
    processes to ``fake``, which holds every send until the test lets it through
    (:attr:`held`); the default results file and journal next to it."""

    def __init__(self, fake: FakeZapi, directory: Path, rows: int, *, concurrency: int = 4) -> None:
        self.fake = fake
        self.held = HeldSends(fake)
        self.campaign = campaign_file(directory, rows)
        self.results = directory / "campaign.results.jsonl"
        self.journal = directory / "campaign.results.jsonl.journal"
        self.concurrency = concurrency

    async def start(self, *flags: str) -> asyncio.subprocess.Process:
        """A ``bulk`` run of the campaign with ``flags``, not waited for."""
        return await start_bulk(self.campaign, *flags, fake=self.fake, concurrency=self.concurrency)

    async def start_holding(self, sends: int, *flags: str) -> asyncio.subprocess.Process:
        """A run started once ``sends`` sends in all reached the server (held there)."""
        process = await self.start(*flags)
        await self.held.arrived(sends)
        return process

    async def start_at_status_check(self, *flags: str) -> asyncio.subprocess.Process:
        """A run started once its status check (the first request) reached the server,
        which never answers it: nothing is sent."""
        fake = self.fake
        never = fake.gate()

        async def hold_status(request: web.Request) -> web.StreamResponse:
            await fake.poke()
            await never.wait()
            return web.json_response({"connected": True, "smartphoneConnected": True})

        fake.then(hold_status)
        process = await self.start(*flags)
        await fake.until(lambda: len(fake.requests) == 1, RUN_TIMEOUT)
        assert fake.requests[0]["path"].endswith("/status")
        return process

    async def finish(self, process: asyncio.subprocess.Process) -> BulkRun:
        """Wait for ``process`` to end; its exit code and output."""
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
        assert process.returncode is not None
        return BulkRun(process.returncode, out.decode(), err.decode())

    async def run(self, *flags: str) -> BulkRun:
        """A whole run with ``flags`` (the sends it makes must be let through)."""
        return await self.finish(await self.start(*flags))

    async def resume(self, *flags: str) -> BulkRun:
        """Answer every send from now on and run ``--resume`` to its end."""
        self.held.open()
        return await self.run("--resume", *flags)


def final_statuses(path: Path) -> dict[int, dict[str, Any]]:
    """The last record of each input line."""
    last: dict[int, dict[str, Any]] = {}
    for text in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        last[record["line"]] = record
    return last
