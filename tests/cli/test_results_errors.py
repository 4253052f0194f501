"""A results file that cannot be written or flushed to the disk mid-run (a full
disk, a file size limit, an I/O error): ``check-numbers`` and ``bulk`` stop with
one line naming the file and exit code 5, never a traceback; what was recorded
before stays, and ``--resume`` goes on from there."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.faulty_cli import faulty_cli
from zapi_async.cli.config import EXIT_RESULTS
from zapi_async.sandbox import ZapiSandbox

from .conftest import CliRun, cli_env, finish, read_results, run_cli

PHONES = [f"55119999900{n:02d}" for n in range(1, 7)]


async def _run(command: list[str], sandbox: ZapiSandbox, cwd: Path) -> CliRun:
    env = cli_env(sandbox, PYTHONDONTWRITEBYTECODE="1")
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    run = await finish(process)
    run.assert_no_secrets()
    assert "Traceback" not in run.stderr
    return run


def _campaign(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.csv"
    path.write_text("phone,message\n" + "".join(f"{p},Hello {p}\n" for p in PHONES))
    return path


async def test_check_numbers_stops_on_a_results_file_that_cannot_grow(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path)
    results = tmp_path / "campaign.numbers.jsonl"
    command = faulty_cli("check-numbers", str(campaign), "--rate", "0", file_size_limit=250)
    run = await _run(command, sandbox, tmp_path)
    assert (run.code, run.stdout) == (EXIT_RESULTS, "")
    assert run.stderr == (
        f"zapi-async: error: cannot write the results file {results}: [Errno 27] File too large\n"
    )
    # The records before the error, whole; the torn part of the third was cut off.
    content = results.read_bytes()
    assert content.endswith(b"\n")
    assert len(content.split(b"\n")[:-1]) == 2

    run = await run_cli("check-numbers", str(campaign), "--resume", "--rate", "0",
                        env=cli_env(sandbox), cwd=tmp_path)  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.stderr == ""  # nothing torn to remove
    assert [r["line"] for r in read_results(results)] == list(range(2, 8))


async def test_check_numbers_reports_a_results_file_fsync_error(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path)
    results = tmp_path / "campaign.numbers.jsonl"
    command = faulty_cli("check-numbers", str(campaign), "--rate", "0", fsync_fails=results)
    run = await _run(command, sandbox, tmp_path)
    assert (run.code, run.stdout) == (EXIT_RESULTS, "")
    assert run.stderr == (
        f"zapi-async: error: cannot flush the results file {results} to the disk: "
        "[Errno 5] Input/output error\n"
    )
    assert len(read_results(results)) == len(PHONES)


async def test_bulk_stops_on_a_results_file_that_cannot_grow(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path)
    results = tmp_path / "campaign.results.jsonl"
    flags = ("--rate", "0", "--concurrency", "1", "--progress", "none")
    command = faulty_cli("bulk", str(campaign), *flags, file_size_limit=500)
    run = await _run(command, sandbox, tmp_path)
    assert (run.code, run.stdout) == (EXIT_RESULTS, "")
    assert run.stderr == (
        f"zapi-async: error: cannot write the results file {results}: [Errno 27] File too large\n"
    )
    # Sent: the two recorded and the one whose record was cut short; the next one may
    # have been under way too (the queue had started it when the error stopped the run).
    assert len(sandbox.messages) in (3, 4)
    assert (tmp_path / "campaign.results.jsonl.journal").exists()
    assert results.read_bytes().endswith(b"\n")  # the torn record was cut off

    run = await run_cli("bulk", str(campaign), "--resume", *flags,
                        env=cli_env(sandbox), cwd=tmp_path)  # fmt: skip
    assert run.code == 1, run.stderr  # the cut-short send is 'unknown', not resent
    statuses = {r["line"]: r["status"] for r in read_results(results)}
    unknown = [line for line, status in statuses.items() if status == "unknown"]
    assert unknown in ([4], [4, 5])
    assert statuses == {line: "unknown" if line in unknown else "sent" for line in range(2, 8)}
    listed = ", ".join(map(str, unknown))
    assert run.stderr.startswith(
        f"warning: {len(unknown)} send(s) were under way when the previous run "
        f"stopped and may have been sent: recorded 'unknown' (line {listed}); not resent\n"
    )
    phones = [m.phone for m in sandbox.messages]
    assert len(phones) == len(set(phones))  # none twice
    assert {PHONES[line - 2] for line, status in statuses.items() if status == "sent"} <= {*phones}


async def test_bulk_reports_a_results_file_fsync_error(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path)
    results = tmp_path / "campaign.results.jsonl"
    command = faulty_cli(
        "bulk", str(campaign), "--rate", "0", "--progress", "none", fsync_fails=results
    )
    run = await _run(command, sandbox, tmp_path)
    assert (run.code, run.stdout) == (EXIT_RESULTS, "")
    assert run.stderr == (
        f"zapi-async: error: cannot flush the results file {results} to the disk: "
        "[Errno 5] Input/output error\n"
    )
    assert len(read_results(results)) == len(PHONES)
    # Not known to be on the disk: the journal stays for a --resume to check.
    assert (tmp_path / "campaign.results.jsonl.journal").exists()


async def test_bulk_sends_nothing_whose_attempt_cannot_be_journaled(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path)
    journal = tmp_path / "campaign.results.jsonl.journal"
    command = faulty_cli(
        "bulk", str(campaign), "--rate", "0", "--progress", "none",
        fsync_fails=journal, fsync_spared=1,  # its header's fsync works
    )  # fmt: skip
    run = await _run(command, sandbox, tmp_path)
    assert (run.code, run.stdout) == (EXIT_RESULTS, "")
    assert run.stderr == (
        f"zapi-async: error: cannot write the journal {journal}: [Errno 5] Input/output error\n"
    )
    assert sandbox.messages == []
    results = tmp_path / "campaign.results.jsonl"
    assert {r["status"] for r in read_results(results)} == {"unsent"}
    assert len(read_results(results)) == len(PHONES)

    run = await run_cli("bulk", str(campaign), "--resume", "--progress", "none",
                        env=cli_env(sandbox), cwd=tmp_path)  # fmt: skip
    assert (run.code, run.stderr) == (0, "")
    assert sorted(m.phone for m in sandbox.messages) == PHONES
