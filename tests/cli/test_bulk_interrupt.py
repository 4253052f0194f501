"""Ctrl-C during ``zapi-async bulk``: in-flight sends finish, every line is recorded
once, and ``--resume`` then completes the campaign without a duplicate.

The sandbox holds every send at a gate (its injectable ``sleep`` performs the
injected latency), so the test decides exactly when requests are answered: no
timing guesses.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

from zapi_async.sandbox import FaultPlan, ZapiSandbox

from .conftest import RUN_TIMEOUT, cli_env, finish, read_results, run_cli, start_cli

ROWS = 40


class Gate:
    """A sandbox ``sleep`` that holds each request until the test lets it through."""

    def __init__(self) -> None:
        self.held = 0
        self._permits = asyncio.Semaphore(0)
        self._changed = asyncio.Condition()

    async def sleep(self, seconds: float) -> None:
        async with self._changed:
            self.held += 1
            self._changed.notify_all()
        await self._permits.acquire()
        self.held -= 1

    def release(self, n: int) -> None:
        for _ in range(n):
            self._permits.release()

    async def wait_held(self, n: int) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.held >= n), RUN_TIMEOUT)


def _count_lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


async def _wait_for_lines(path: Path, n: int) -> None:
    """The CLI (another process) writes the file: there is no event to wait on, so
    look at it until it has ``n`` lines."""

    async def poll() -> None:
        while _count_lines(path) < n:  # noqa: ASYNC110 (a file written by another process)
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), RUN_TIMEOUT)


async def _read_until(stream: asyncio.StreamReader, prefix: str) -> str:
    """Everything ``stream`` printed up to and including the line starting with ``prefix``."""
    seen = ""
    while True:
        line = (await asyncio.wait_for(stream.readline(), RUN_TIMEOUT)).decode()
        assert line, f"stderr ended before a line starting with {prefix!r}: {seen!r}"
        seen += line
        if line.startswith(prefix):
            return seen


async def test_sigint_drains_in_flight_and_records_every_line_once(tmp_path: Path) -> None:
    gate = Gate()
    campaign = tmp_path / "campaign.csv"
    phones = [f"55119888{n:05d}" for n in range(ROWS)]
    campaign.write_text("phone,message\n" + "".join(f"{p},Hello {p}\n" for p in phones))
    results = tmp_path / "campaign.results.jsonl"
    async with ZapiSandbox(seed=5, sleep=gate.sleep) as sandbox:
        sandbox.fault_plan = FaultPlan(latency=1.0, endpoints={"send-text"})
        process = await start_cli(
            "bulk", str(campaign), "--concurrency", "3", "--rate", "0", "--progress", "none",
            env=cli_env(sandbox), cwd=tmp_path,
        )  # fmt: skip
        await gate.wait_held(3)
        gate.release(2)  # two sends complete...
        await _wait_for_lines(results, 2)  # ...and are recorded
        await gate.wait_held(3)  # three sends are in flight
        process.send_signal(signal.SIGINT)
        assert process.stderr is not None
        seen = await _read_until(process.stderr, "stopping:")
        assert seen.endswith(
            "stopping: waiting for 3 send(s) in flight (Ctrl-C again to quit at once)\n"
        )
        gate.release(ROWS)  # let the in-flight ones finish
        run = await finish(process, seen)
        sent_to = sorted(m.phone for m in sandbox.messages)
    assert run.code == 130, run.stderr
    records = read_results(results)
    assert Counter(r["line"] for r in records) == Counter(range(2, ROWS + 2))
    statuses = Counter(r["status"] for r in records)
    assert statuses == {"sent": 5, "unsent": ROWS - 5}
    assert sorted(r["phone"] for r in records if r["status"] == "sent") == sent_to
    assert all(
        r["error"] == "interrupted (Ctrl-C) before sending"
        for r in records
        if r["status"] == "unsent"
    )
    assert run.stdout.startswith(f"sent 5, failed 0, partial 0, unknown 0, unsent {ROWS - 5},")

    async with ZapiSandbox(seed=6) as fresh:
        resumed = await run_cli(
            "bulk", str(campaign), "--resume", "--rate", "0", "--progress", "none",
            env=cli_env(fresh), cwd=tmp_path,
        )  # fmt: skip
        assert resumed.code == 0, resumed.stderr
        assert sorted(m.phone for m in fresh.messages) == sorted(set(phones) - set(sent_to))
    assert "skipped 5 already done" in resumed.stdout
