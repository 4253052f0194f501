"""The bulk progress displays and the summary count with one vocabulary: the
outcome statuses plus ``invalid``; the final line shows the run's average rate;
under pacing the display says it is waiting."""

from __future__ import annotations

import asyncio
import io
import signal
from datetime import date, datetime, timezone
from pathlib import Path
from typing import get_args

from zapi_async import PacingProfile
from zapi_async.cli.progress import COLUMNS, PlainProgress, Tally, pacing_note
from zapi_async.sandbox import FaultPlan, ZapiSandbox
from zapi_async.sending.outcomes import OutcomeStatus

from .conftest import cli_env, finish, read_results, start_cli
from .test_bulk_interrupt import Gate, _read_until, _wait_for_lines

ROWS = 12


def test_the_columns_are_the_outcome_statuses_then_invalid() -> None:
    assert COLUMNS[:-2] == get_args(OutcomeStatus)
    assert COLUMNS == ("sent", "failed", "partial", "unknown", "unsent", "invalid", "no_whatsapp")
    tally = Tally(total=10, skipped=4)
    for status in ("sent", "failed", "partial", "unknown", "unsent", "unsent", "invalid"):
        tally.add(status)
    assert tally.counts() == "sent 1, failed 1, partial 1, unknown 1, unsent 2, invalid 1"
    assert (tally.done, tally.attempted, tally.not_sent) == (7, 4, 6)
    checked = Tally(total=2, check_numbers=True)
    checked.add("no_whatsapp")
    checked.add("sent")
    assert checked.counts() == (
        "sent 1, failed 0, partial 0, unknown 0, unsent 0, invalid 0, no_whatsapp 1"
    )
    assert (checked.done, checked.not_sent) == (2, 0)  # not meant to be sent


def test_plain_lines_show_every_column_and_the_average_rate_at_the_end() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = PlainProgress(stream, interval=1.0, clock=lambda: now[0])
    tally = Tally(total=5)
    for status in ("sent", "sent", "unknown"):
        now[0] += 1.0
        tally.add(status)
        progress.update(tally, rate=1.0)
    for _ in range(2):
        tally.add("unsent")  # Ctrl-C: the rest is never attempted
    now[0] = 4.0
    progress.close(tally)
    assert stream.getvalue().splitlines() == [
        "progress: 1/5 (20%) sent 1, failed 0, partial 0, unknown 0, unsent 0, invalid 0 | "
        "1.0 msg/s | ETA 0:00:04",
        "progress: 2/5 (40%) sent 2, failed 0, partial 0, unknown 0, unsent 0, invalid 0 | "
        "1.0 msg/s | ETA 0:00:03",
        "progress: 3/5 (60%) sent 2, failed 0, partial 0, unknown 1, unsent 0, invalid 0 | "
        "1.0 msg/s | ETA 0:00:02",
        # 3 attempted in 4 s; the unsent ones are not counted as sent at any rate
        "progress: 5/5 (100%) sent 2, failed 0, partial 0, unknown 1, unsent 2, invalid 0 | "
        "0.8 msg/s average | ETA 0:00:00",
    ]


def test_plain_progress_says_at_once_that_it_waits_on_pacing() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = PlainProgress(stream, interval=2.0, clock=lambda: now[0])
    tally = Tally(total=3)
    progress.waiting("2-6 s between messages")
    progress.waiting("2-6 s between messages")  # said once
    now[0] = 2.0
    progress.update(tally, rate=0.0)
    progress.waiting(None)
    now[0] = 4.0
    progress.update(tally, rate=0.0)
    assert stream.getvalue().splitlines() == [
        "progress: waiting on pacing: 2-6 s between messages",
        "progress: 0/3 (0%) sent 0, failed 0, partial 0, unknown 0, unsent 0, invalid 0 | "
        "0.0 msg/s | ETA -:--:-- | waiting on pacing: 2-6 s between messages",
        "progress: 0/3 (0%) sent 0, failed 0, partial 0, unknown 0, unsent 0, invalid 0 | "
        "0.0 msg/s | ETA -:--:--",
    ]


def test_pacing_note_names_gaps_and_caps() -> None:
    day = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert pacing_note(PacingProfile.careful(), day) == "2-6 s between messages, 1000 per day"
    warm = PacingProfile(daily_cap=500, warmup_start=date(2026, 11, 30))
    assert pacing_note(warm, day) == "40 per day"
    assert pacing_note(PacingProfile(min_gap=0.5, max_gap=1.5), day) == (
        "0.5-1.5 s between messages"
    )
    assert pacing_note(PacingProfile(), day) == "no gaps"


def _progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("progress: ")]


async def test_after_ctrl_c_the_last_line_and_the_summary_agree(tmp_path: Path) -> None:
    gate = Gate()
    campaign = tmp_path / "campaign.csv"
    campaign.write_text(
        "phone,message\n" + "".join(f"55119777{n:05d},Hello {n}\n" for n in range(ROWS))
    )
    results = tmp_path / "campaign.results.jsonl"
    async with ZapiSandbox(seed=7, sleep=gate.sleep) as sandbox:
        sandbox.fault_plan = FaultPlan(latency=1.0, endpoints={"send-text"})
        process = await start_cli(
            "bulk", str(campaign), "--concurrency", "2", "--rate", "0", "--progress", "plain",
            env=cli_env(sandbox), cwd=tmp_path,
        )  # fmt: skip
        await gate.wait_held(2)
        gate.release(1)
        await _wait_for_lines(results, 1)
        await gate.wait_held(2)
        process.send_signal(signal.SIGINT)
        assert process.stderr is not None
        seen = await _read_until(process.stderr, "stopping:")
        gate.release(ROWS)
        run = await finish(process, seen)
    assert run.code == 130, run.stderr
    statuses = [r["status"] for r in read_results(results)]
    assert statuses.count("sent") == 3
    assert statuses.count("unsent") == ROWS - 3
    counts = f"sent 3, failed 0, partial 0, unknown 0, unsent {ROWS - 3}, invalid 0"
    assert run.stdout.startswith(f"{counts}; skipped 0 already done;")
    last = _progress_lines(run.stderr)[-1]
    assert last.startswith(f"progress: {ROWS}/{ROWS} (100%) {counts} | ")
    assert last.endswith(" msg/s average | ETA 0:00:00")
    assert " 0.0 msg/s average" not in last


async def test_under_pacing_the_display_says_it_waits(tmp_path: Path) -> None:
    campaign = tmp_path / "campaign.csv"
    campaign.write_text("phone,message\n5511977700001,one\n5511977700002,two\n")
    async with ZapiSandbox(seed=8) as sandbox:
        process = await start_cli(
            "bulk", str(campaign), "--profile", "careful", "--progress", "plain",
            env=cli_env(sandbox), cwd=tmp_path,
        )  # fmt: skip
        assert process.stderr is not None
        seen = await _read_until(process.stderr, "progress: waiting on pacing:")
        assert seen.splitlines()[-1] == (
            "progress: waiting on pacing: 2-6 s between messages, 1000 per day"
        )
        run = await asyncio.wait_for(finish(process, seen), 30)
        assert len(sandbox.messages) == 2
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("sent 2, failed 0, partial 0, unknown 0, unsent 0, invalid 0;")
    assert _progress_lines(run.stderr)[-1].startswith(
        "progress: 2/2 (100%) sent 2, failed 0, partial 0, unknown 0, unsent 0, invalid 0 | "
    )
