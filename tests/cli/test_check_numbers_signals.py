"""SIGTERM (and Ctrl-C) during ``zapi-async check-numbers``, as for ``bulk``: no new
query starts, the one in flight finishes and is recorded, the exit code is 143
(130); a second signal quits at once. ``--resume`` then checks the rest.

The fake Z-API holds each ``phone-exists`` query until the test lets it through,
so the test knows which query is in flight when the signal lands."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from aiohttp import web

from tests.support.bulk_runs import RUN_TIMEOUT, campaign_file, held_env, read_until
from tests.support.fake_zapi import FakeZapi

from .conftest import CliRun, finish, read_results, run_cli, start_cli

ROWS = 6


class HeldChecks:
    """Answers ``phone-exists`` queries (every number has WhatsApp), each once the
    test lets it through."""

    def __init__(self, fake: FakeZapi) -> None:
        self.fake = fake
        self.asked: list[str] = []
        self._permits = asyncio.Semaphore(0)
        self._closing = fake.gate()  # set when the server stops: nothing waits then
        fake.then(*[self._answer] * ROWS)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        phone = request.path.rsplit("/", 1)[1]
        self.asked.append(phone)
        await self.fake.poke()
        permit = asyncio.ensure_future(self._permits.acquire())
        closing = asyncio.ensure_future(self._closing.wait())
        await asyncio.wait({permit, closing}, return_when=asyncio.FIRST_COMPLETED)
        permit.cancel()
        closing.cancel()
        return web.json_response({"exists": True, "phone": phone})

    def release(self, n: int) -> None:
        for _ in range(n):
            self._permits.release()

    async def asked_for(self, n: int) -> None:
        await self.fake.until(lambda: len(self.asked) >= n, RUN_TIMEOUT)


async def _check(campaign: Path, *flags: str, fake: FakeZapi) -> asyncio.subprocess.Process:
    return await start_cli(
        "check-numbers", str(campaign), "--rate", "0", *flags,
        env=held_env(fake), cwd=campaign.parent,
    )  # fmt: skip


async def _stopped(
    fake: FakeZapi, tmp_path: Path, signum: signal.Signals
) -> tuple[CliRun, HeldChecks, Path]:
    """A run stopped by ``signum`` while its third query is in flight (then answered)."""
    held = HeldChecks(fake)
    campaign = campaign_file(tmp_path, ROWS)
    process = await _check(campaign, fake=fake)
    held.release(2)
    await held.asked_for(3)
    process.send_signal(signum)
    name = "SIGTERM" if signum is signal.SIGTERM else "Ctrl-C"
    assert process.stderr is not None
    seen = await read_until(process.stderr, "stopping:")
    assert seen == f"stopping: waiting for the check in flight ({name} again to quit at once)\n"
    held.release(1)
    return await finish(process, seen), held, campaign


async def test_sigterm_finishes_the_check_in_flight_and_exits_143(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    run, held, campaign = await _stopped(fake_zapi, tmp_path, signal.SIGTERM)
    results = tmp_path / "campaign.numbers.jsonl"
    assert run.code == 143, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == (
        "checked 3: 3 have WhatsApp, 0 do not, 0 unclear; invalid 0, failed 0; "
        f"skipped 0 already checked; results in {results}\n"
    )
    assert [r["phone"] for r in read_results(results)] == held.asked  # the 3 asked
    assert len(held.asked) == 3  # no query started after the signal
    assert not (tmp_path / "campaign.numbers.jsonl.journal").exists()

    held.release(ROWS)
    run = await run_cli("check-numbers", str(campaign), "--resume", "--rate", "0",
                        env=held_env(fake_zapi), cwd=tmp_path)  # fmt: skip
    assert (run.code, run.stderr) == (0, "")
    assert "skipped 3 already checked" in run.stdout
    assert len(held.asked) == ROWS  # each number once
    assert sorted(r["line"] for r in read_results(results)) == list(range(2, ROWS + 2))


async def test_ctrl_c_stops_check_numbers_the_same_way(fake_zapi: FakeZapi, tmp_path: Path) -> None:
    run, held, _ = await _stopped(fake_zapi, tmp_path, signal.SIGINT)
    assert run.code == 130, run.stderr
    assert "Traceback" not in run.stderr
    assert len(read_results(tmp_path / "campaign.numbers.jsonl")) == 3 == len(held.asked)


async def test_a_second_sigterm_quits_check_numbers_at_once(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    held = HeldChecks(fake_zapi)
    campaign = campaign_file(tmp_path, ROWS)
    process = await _check(campaign, fake=fake_zapi)
    held.release(2)
    await held.asked_for(3)
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    seen = await read_until(process.stderr, "stopping:")
    process.send_signal(signal.SIGTERM)  # the third query is never answered
    run = await finish(process, seen)
    assert run.code == 143
    assert run.stderr.endswith(
        "quit with a check in flight: not recorded; --resume checks that number again\n"
    )
    assert "Traceback" not in run.stderr
    assert [r["phone"] for r in read_results(tmp_path / "campaign.numbers.jsonl")] == (
        held.asked[:2]
    )
