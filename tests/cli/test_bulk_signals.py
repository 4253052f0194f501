"""SIGKILL, SIGTERM and a second run against a real ``zapi-async bulk`` process
(issue 19, items 2 and 4): no send is ever made twice, sends in flight when a run
dies are reported ``unknown``, and a results file serves one run at a time.

The fake Z-API holds every send until the test lets it through, so the test
knows exactly which sends are in flight when the signal lands.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

from tests.support.bulk_runs import (
    BulkScenario,
    campaign_file,
    final_statuses,
    read_until,
    wait_for_records,
)
from tests.support.fake_zapi import FakeZapi
from zapi_async.cli.results_file import IN_FLIGHT_ERROR, open_results

from .conftest import cli_env, run_cli

ROWS = 40


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _line(phone: str) -> int:
    """The campaign line of a phone written by :func:`campaign_file`."""
    return int(phone[5:]) + 2


async def _kill_with_four_in_flight(bulk: BulkScenario) -> set[str]:
    """Run the campaign, let 6 sends through (recorded), SIGKILL it while 4 more are
    held by the server; the phones of those 4."""
    fake, held = bulk.fake, bulk.held
    process = await bulk.start_holding(4)
    held.release(6)
    await wait_for_records(bulk.results, 6)
    await held.arrived(10)
    in_flight = {a.phone for a in fake.arrivals if a.seq not in fake.answered}
    process.kill()
    await process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert len(in_flight) == 4
    return in_flight


async def test_sigkill_then_resume_reports_in_flight_unknown_and_resends_nothing(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    results, journal = bulk.results, bulk.journal
    in_flight = await _kill_with_four_in_flight(bulk)
    assert journal.exists()
    assert Counter(r["status"] for r in final_statuses(results).values()) == {"sent": 6}

    run = await bulk.resume()
    assert run.code == 1, run.err
    lines = ", ".join(str(line) for line in sorted(map(_line, in_flight)))
    assert run.err.startswith(
        "warning: 4 send(s) were under way when the previous run stopped and may have been "
        f"sent: recorded 'unknown' (line {lines}); not resent\n"
    )
    assert "Traceback" not in run.err
    assert run.out.startswith(
        "sent 30, failed 0, partial 0, unknown 4, unsent 0, invalid 0; skipped 6 already done"
    )
    assert bulk.held.duplicates() == 0
    assert len(fake_zapi.arrivals) == ROWS
    final = final_statuses(results)
    assert sorted(final) == list(range(2, ROWS + 2))
    unknown = {r["phone"] for r in final.values() if r["status"] == "unknown"}
    assert unknown == in_flight
    assert all(
        r["error"] == IN_FLIGHT_ERROR and r["error_type"] == "DeliveryUnknownError"
        for r in final.values()
        if r["status"] == "unknown"
    )
    assert not journal.exists()


async def test_a_torn_last_record_is_cut_and_its_send_reported_unknown(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    results = bulk.results
    in_flight = await _kill_with_four_in_flight(bulk)
    # The machine died while the last record was being written: half of it is on disk.
    lines = results.read_bytes().splitlines(keepends=True)
    torn_phone = json.loads(lines[-1])["phone"]
    cut = len(lines[-1]) // 2
    results.write_bytes(b"".join(lines[:-1]) + lines[-1][:cut])

    run = await bulk.resume()
    assert run.code == 1, run.err
    assert run.err.startswith(
        f"warning: {results} line 6 is incomplete (the run writing it stopped mid-line); "
        "removed\nwarning: 5 send(s) were under way"
    )
    assert run.out.startswith("sent 30, failed 0, partial 0, unknown 5, unsent 0,")
    assert bulk.held.duplicates() == 0
    final = final_statuses(results)  # every line of the file is a record again
    unknown = {r["phone"] for r in final.values() if r["status"] == "unknown"}
    assert unknown == {*in_flight, torn_phone}


async def test_sigterm_drains_in_flight_and_resume_sends_only_the_unsent(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    held, results = bulk.held, bulk.results
    process = await bulk.start_holding(4)
    held.release(6)
    await held.arrived(10)
    process.send_signal(signal.SIGTERM)
    seen = await read_until(process.stderr, "stopping:")
    assert seen.endswith(
        "stopping: waiting for 4 send(s) in flight (SIGTERM again to quit at once)\n"
    )
    held.release(4)
    run = await bulk.finish(process)
    assert run.code == 143, run.err
    assert "Traceback" not in run.err
    records = list(final_statuses(results).values())
    assert len(results.read_text().splitlines()) == ROWS  # one record per line
    assert Counter(r["status"] for r in records) == {"sent": 10, "unsent": ROWS - 10}
    assert {r["error"] for r in records if r["status"] == "unsent"} == {
        "interrupted (SIGTERM) before sending"
    }
    assert run.out.startswith(f"sent 10, failed 0, partial 0, unknown 0, unsent {ROWS - 10},")
    assert not bulk.journal.exists()
    first = {a.phone for a in fake_zapi.arrivals}

    run = await bulk.resume()
    assert run.code == 0, run.err
    assert run.err == ""
    assert "skipped 10 already done" in run.out
    assert {a.phone for a in fake_zapi.arrivals[10:]} == {
        r["phone"] for r in records if r["status"] == "unsent"
    }
    assert held.duplicates() == 0
    assert {r["status"] for r in final_statuses(results).values()} == {"sent"}
    assert len(first) == 10


async def test_a_second_sigterm_records_in_flight_unknown_and_quits(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    process = await bulk.start_holding(4)
    process.send_signal(signal.SIGTERM)
    seen = await read_until(process.stderr, "stopping:")
    process.send_signal(signal.SIGTERM)
    run = await bulk.finish(process)
    assert run.code == 143
    assert (seen + run.err).endswith("quit with sends in flight; they are recorded as 'unknown'\n")
    final = final_statuses(bulk.results)
    assert Counter(r["status"] for r in final.values()) == {"unknown": 4, "unsent": ROWS - 4}
    assert {r["phone"] for r in final.values() if r["status"] == "unknown"} == {
        a.phone for a in fake_zapi.arrivals
    }

    run = await bulk.resume()
    assert run.code == 0, run.err
    assert "sent 36," in run.out
    assert bulk.held.duplicates() == 0


async def test_a_second_run_on_the_same_results_file_refuses_at_once(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    held, results = bulk.held, bulk.results
    first = await bulk.start_holding(4)
    held.release(2)
    await wait_for_records(results, 2)
    before = results.read_bytes()
    busy = (
        f"zapi-async: error: the results file {results} is in use by another run "
        f"(process {first.pid}); wait for it to end or stop it, then --resume\n"
    )
    for flags in (("--resume",), ("--overwrite",), ()):
        run = await bulk.run(*flags)
        assert (run.code, run.out, run.err) == (2, "", busy)
    assert results.read_bytes() == before  # --overwrite did not touch it
    assert len(fake_zapi.arrivals) == 6  # the first run's only

    held.open()
    run = await bulk.finish(first)
    assert run.code == 0, run.err
    assert held.duplicates() == 0
    assert len(fake_zapi.arrivals) == ROWS


async def test_check_numbers_refuses_a_results_file_in_use(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, 3)
    path = tmp_path / "campaign.numbers.jsonl"
    env = cli_env(None, ZAPI_INSTANCE_ID="i", ZAPI_TOKEN="t", ZAPI_BASE_URL="http://127.0.0.1:9")
    with open_results(path, resume=False, overwrite=False, warn=print, resume_hint=""):
        run = await run_cli("check-numbers", str(campaign), "--resume", env=env, cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == (
        f"zapi-async: error: the results file {path} is in use by another run "
        f"(process {os.getpid()}); wait for it to end or stop it, then --resume\n"
    )
    assert not path.exists()


async def test_sigterm_before_sending_stops_at_once_and_sends_nothing(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, 5)
    process = await bulk.start_at_status_check()
    process.send_signal(signal.SIGTERM)
    run = await bulk.finish(process)
    assert (run.code, run.out, run.err) == (143, "", "zapi-async: stopped by SIGTERM\n")
    assert fake_zapi.arrivals == []
    assert _names(tmp_path) == ["campaign.csv"]
