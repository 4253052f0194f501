"""``bulk --overwrite`` empties the results file when it starts, before any request:
a run stopped before its first record must not leave the old records for a
``--resume`` to trust (the journal was reset at the start too)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.support.bulk_runs import BulkScenario, final_statuses
from tests.support.fake_zapi import FakeZapi

ROWS = 5


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _old_records(path: Path) -> None:
    """A results file of an earlier campaign: every line recorded ``sent``."""
    path.write_text(
        "".join(
            json.dumps({"line": line, "status": "sent", "phone": "5511000000000"}) + "\n"
            for line in range(2, ROWS + 2)
        )
    )


async def test_overwrite_empties_the_results_file_before_the_first_request(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    _old_records(bulk.results)
    process = await bulk.start_at_status_check("--overwrite")
    assert bulk.results.read_bytes() == b""  # emptied before the status check
    process.send_signal(signal.SIGTERM)
    run = await bulk.finish(process)
    assert (run.code, run.out, run.err) == (143, "", "zapi-async: stopped by SIGTERM\n")
    assert bulk.results.read_bytes() == b""

    run = await bulk.resume()
    assert run.code == 0, run.err
    assert run.out.startswith("sent 5, failed 0, partial 0, unknown 0, unsent 0, invalid 0;")
    assert sorted(a.phone for a in fake_zapi.arrivals) == [f"55119{n:08d}" for n in range(ROWS)]
    assert {r["status"] for r in final_statuses(bulk.results).values()} == {"sent"}


async def test_overwrite_of_a_missing_results_file_creates_it_only_when_writing(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    process = await bulk.start_at_status_check("--overwrite")
    process.send_signal(signal.SIGTERM)
    run = await bulk.finish(process)
    assert run.code == 143, run.err
    assert _names(tmp_path) == ["campaign.csv"]
