"""``zapi-async bulk`` killed, terminated and raced on one results file (issue 19,
items 2 and 4): real processes, real signals, a server that holds the sends so
each signal lands with sends in flight. A phone reaching the server twice is a
duplicate; an input line without a final record, or recorded ``sent`` without
reaching the server, is lost."""

from __future__ import annotations

import asyncio
import random
import signal
from pathlib import Path

from tests.support.bulk_runs import BulkRun, BulkScenario, final_statuses, read_until
from tests.support.fake_zapi import FakeZapi

from .ledger import Row, record

ROWS = 200
CONCURRENCY = 8
STOPS = 3


def _lost(fake: FakeZapi, results: Path) -> int:
    final = final_statuses(results)
    arrived = {a.phone for a in fake.arrivals}
    missing = ROWS - sum(1 for line in final if 2 <= line < ROWS + 2)
    lying = sum(1 for r in final.values() if r["status"] == "sent" and r["phone"] not in arrived)
    return missing + lying


def _campaign(fake: FakeZapi, directory: Path) -> BulkScenario:
    return BulkScenario(fake, directory, ROWS, concurrency=CONCURRENCY)


async def _stopped_run(bulk: BulkScenario, stop: signal.Signals, chance: random.Random) -> int:
    """One run (``--resume`` but the first) stopped by ``stop`` with sends in flight;
    its exit code."""
    held = bulk.held
    before = len(bulk.fake.arrivals)
    flags = ("--resume",) if before else ()
    process = await bulk.start_holding(before + CONCURRENCY, *flags)
    let_through = chance.randint(10, 40)
    held.release(let_through)
    await held.arrived(before + CONCURRENCY + let_through)
    process.send_signal(stop)
    if stop is signal.SIGTERM:
        await read_until(process.stderr, "stopping:")
    held.release(held.held)  # SIGTERM: the drain; SIGKILL: answers nobody reads
    return (await bulk.finish(process)).code


async def _finish(bulk: BulkScenario) -> BulkRun:
    run = await bulk.resume()
    assert "Traceback" not in run.err, run.err
    return run


async def test_sigkill_mid_run_then_resume(fake_zapi: FakeZapi, tmp_path: Path) -> None:
    bulk = _campaign(fake_zapi, tmp_path)
    held, results = bulk.held, bulk.results
    chance = random.Random(19)
    codes = [await _stopped_run(bulk, signal.SIGKILL, chance) for _ in range(STOPS)]
    code = (await _finish(bulk)).code
    unknown = sum(1 for r in final_statuses(results).values() if r["status"] == "unknown")
    row = record(
        Row(
            f"CLI bulk: {STOPS} SIGKILLs mid-run, each then --resume",
            ROWS,
            STOPS,
            lost=_lost(fake_zapi, results),
            duplicated=held.duplicates(),
            note=f"{unknown} in-flight sends reported unknown (never resent)",
        )
    )
    assert codes == [-signal.SIGKILL] * STOPS
    assert code == 1  # the unknown rows are not sent
    assert (row.lost, row.duplicated) == (0, 0)
    assert unknown >= STOPS * CONCURRENCY


async def test_sigterm_mid_run_then_resume(fake_zapi: FakeZapi, tmp_path: Path) -> None:
    bulk = _campaign(fake_zapi, tmp_path)
    held, results = bulk.held, bulk.results
    chance = random.Random(15)
    codes = [await _stopped_run(bulk, signal.SIGTERM, chance) for _ in range(STOPS)]
    finished = await _finish(bulk)
    code, out = finished.code, finished.out
    statuses = {r["status"] for r in final_statuses(results).values()}
    row = record(
        Row(
            f"CLI bulk: {STOPS} SIGTERMs mid-run, each then --resume",
            ROWS,
            STOPS,
            lost=_lost(fake_zapi, results),
            duplicated=held.duplicates(),
            note="in-flight sends drained and recorded; exit code 143",
        )
    )
    assert codes == [143] * STOPS
    assert (code, statuses) == (0, {"sent"}), out
    assert (row.lost, row.duplicated) == (0, 0)


async def test_two_resumes_at_once_on_one_results_file(fake_zapi: FakeZapi, tmp_path: Path) -> None:
    bulk = _campaign(fake_zapi, tmp_path)
    held, results = bulk.held, bulk.results
    assert await _stopped_run(bulk, signal.SIGTERM, random.Random(4)) == 143
    before = len(fake_zapi.arrivals)
    racers = [await bulk.start("--resume") for _ in range(2)]
    await asyncio.wait(
        [asyncio.ensure_future(p.wait()) for p in racers], return_when=asyncio.FIRST_COMPLETED
    )
    loser = next(p for p in racers if p.returncode is not None)
    _, err = await loser.communicate()
    assert loser.returncode == 2
    assert "is in use by another run" in err.decode()
    held.open()
    winner = next(p for p in racers if p is not loser)
    run = await bulk.finish(winner)
    assert run.code == 0, run.err
    row = record(
        Row(
            "CLI bulk: two --resume runs at once on one results file",
            ROWS,
            1,
            lost=_lost(fake_zapi, results),
            duplicated=held.duplicates(),
            note=f"the second refused at once; the first sent {len(fake_zapi.arrivals) - before}",
        )
    )
    assert (row.lost, row.duplicated) == (0, 0)
